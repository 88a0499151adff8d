package io.artifactkeeper.format.rubygems.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

import io.artifactkeeper.format.rubygems.impl.RubyMarshal.MarshalException;
import io.artifactkeeper.format.rubygems.impl.RubyMarshal.RObject;
import io.artifactkeeper.format.rubygems.impl.RubyMarshal.Sym;
import io.artifactkeeper.format.rubygems.impl.RubyMarshal.UserDef;

/**
 * The documents RubyGems keeps in Marshal: a quick gemspec ({@code quick/Marshal.4.8/*.gemspec.rz},
 * a {@code Gem::Specification} dumped and zlib-deflated), the specs lists ({@code specs.4.8.gz} and
 * its latest and prerelease variants: gzipped arrays of {@code [name, Gem::Version, platform]}),
 * and the dependency API's answer (an array of hashes with symbol keys).
 */
final class GemMarshalDocs {
    static final int MAX_SPECS = 256 << 20;

    private GemMarshalDocs() {
    }

    /** One {@code [name, version, platform]} tuple of a specs list. */
    record Tuple(String name, String version, String platform) {
    }

    // ------------------------------------------------------------------ quick gemspec

    /**
     * {@code Gem::Util.deflate(Marshal.dump(spec))}: the specification as {@code Gem::Specification._dump}
     * writes it (specification version 4, 19 fields), for {@code Gem::Specification._load}.
     */
    static byte[] quickSpec(GemSpec s) {
        List<Object> deps = new ArrayList<>();
        for (GemSpec.Dependency d : s.dependencies()) {
            Map<String, Object> iv = new LinkedHashMap<>();
            iv.put("@name", d.name());
            iv.put("@requirement", requirement(d.requirement()));
            iv.put("@type", new Sym(d.runtime() ? "runtime" : "development"));
            iv.put("@prerelease", Boolean.FALSE);
            deps.add(new RObject("Gem::Dependency", iv));
        }
        Object email = s.email().isEmpty() ? null : s.email().size() == 1 ? s.email().get(0) : s.email();
        List<Object> fields = new ArrayList<>();
        fields.add(s.rubygemsVersion() == null ? "3.3.15" : s.rubygemsVersion());
        fields.add(4L);
        fields.add(s.name());
        fields.add(RubyMarshal.version(s.version()));
        fields.add(time(s.date()));
        fields.add(s.summary());
        fields.add(requirement(s.requiredRuby()));
        fields.add(requirement(s.requiredRubygems()));
        fields.add(s.platform());
        fields.add(deps);
        fields.add(""); // rubyforge_project, gone
        fields.add(email);
        fields.add(new ArrayList<Object>(s.authors()));
        fields.add(s.description());
        fields.add(s.homepage());
        fields.add(Boolean.TRUE); // has_rdoc
        fields.add(s.platform());
        fields.add(new ArrayList<Object>(s.licenses()));
        fields.add(new LinkedHashMap<Object, Object>(s.metadata()));
        byte[] inner = RubyMarshal.dump(fields);
        return deflate(RubyMarshal.dump(new UserDef("Gem::Specification", inner)));
    }

    private static RubyMarshal.UserMarshal requirement(List<GemSpec.Req> reqs) {
        List<String[]> pairs = new ArrayList<>();
        for (GemSpec.Req r : reqs) {
            pairs.add(new String[] {r.op(), r.version()});
        }
        return RubyMarshal.requirement(pairs);
    }

    /**
     * A {@code Time} at midnight UTC of {@code date} (today when unknown) as {@code Time#_dump} writes
     * it: two little-endian 32-bit words (a marker bit, the UTC bit, year - 1900, month - 1, day,
     * hour; then minutes, seconds, microseconds).
     */
    static UserDef time(String date) {
        LocalDate d;
        try {
            d = date == null ? LocalDate.now(java.time.ZoneOffset.UTC) : LocalDate.parse(date);
        } catch (java.time.DateTimeException e) {
            d = LocalDate.now(java.time.ZoneOffset.UTC);
        }
        long p = (1L << 31) | (1L << 30) | ((long) (d.getYear() - 1900) << 14) | ((long) (d.getMonthValue() - 1) << 10)
                | ((long) d.getDayOfMonth() << 5);
        long s = 0;
        byte[] b = new byte[8];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) (p >> (8 * i));
            b[4 + i] = (byte) (s >> (8 * i));
        }
        return new UserDef("Time", b);
    }

    /** The spec a quick gemspec holds: name, version and platform, read back from {@code rz}. */
    static Tuple readQuickSpec(byte[] rz) throws MarshalException {
        Object outer = RubyMarshal.load(inflate(rz, 16 << 20));
        if (!(outer instanceof UserDef u) || !u.className().equals("Gem::Specification")) {
            throw new MarshalException("not a Gem::Specification");
        }
        if (!(RubyMarshal.load(u.data()) instanceof List<?> f) || f.size() < 17) {
            throw new MarshalException("a Gem::Specification without its fields");
        }
        String version = RubyMarshal.versionOf(f.get(3));
        if (!(f.get(2) instanceof String name) || version == null) {
            throw new MarshalException("a Gem::Specification without name or version");
        }
        return new Tuple(name, version, f.get(16) instanceof String p ? p : String.valueOf(f.get(8)));
    }

    // ------------------------------------------------------------------ specs lists

    static byte[] specs(List<Tuple> tuples) throws IOException {
        List<Object> out = new ArrayList<>();
        for (Tuple t : tuples) {
            out.add(List.of(t.name(), RubyMarshal.version(t.version()), t.platform()));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(RubyMarshal.dump(out));
        }
        return bytes.toByteArray();
    }

    /** A specs list ({@code specs.4.8.gz} as served: gzipped) read back. */
    static List<Tuple> readSpecs(InputStream gz) throws IOException {
        byte[] raw;
        try (InputStream in = new GZIPInputStream(gz)) {
            raw = in.readNBytes(MAX_SPECS + 1);
        }
        if (raw.length > MAX_SPECS) {
            throw new MarshalException("the specs list unpacks to more than " + MAX_SPECS + " bytes");
        }
        if (!(RubyMarshal.load(raw) instanceof List<?> l)) {
            throw new MarshalException("a specs list is not an Array");
        }
        List<Tuple> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof List<?> t) || t.size() != 3 || !(t.get(0) instanceof String name)
                    || RubyMarshal.versionOf(t.get(1)) == null || !(t.get(2) instanceof String platform)) {
                throw new MarshalException("a specs entry is not [name, Gem::Version, platform]");
            }
            out.add(new Tuple(name, RubyMarshal.versionOf(t.get(1)), platform));
        }
        return out;
    }

    // ------------------------------------------------------------------ dependency API

    /** {@code GET /api/v1/dependencies?gems=...}: one hash per version. */
    static byte[] dependencies(List<GemCompactIndex.Entry> entries) {
        List<Object> out = new ArrayList<>();
        for (GemCompactIndex.Entry e : entries) {
            Map<Object, Object> h = new LinkedHashMap<>();
            h.put(new Sym("name"), e.name());
            h.put(new Sym("number"), e.version());
            h.put(new Sym("platform"), e.platform() == null ? GemNames.RUBY : e.platform());
            List<Object> deps = new ArrayList<>();
            for (String[] d : e.deps()) {
                deps.add(List.of(d[0], d[1].replace("&", ", ")));
            }
            h.put(new Sym("dependencies"), deps);
            out.add(h);
        }
        return RubyMarshal.dump(out);
    }

    // ------------------------------------------------------------------ zlib

    static byte[] deflate(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION))) {
            d.write(b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] inflate(byte[] b, int max) throws MarshalException {
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(b))) {
            byte[] raw = in.readNBytes(max + 1);
            if (raw.length > max) {
                throw new MarshalException("inflates to more than " + max + " bytes");
            }
            return raw;
        } catch (MarshalException e) {
            throw e;
        } catch (IOException e) {
            throw new MarshalException("not zlib-deflated: " + e.getMessage());
        }
    }
}
