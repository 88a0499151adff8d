package io.artifactkeeper.format.rubygems.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The compact index bundler and RubyGems read ({@code /versions}, {@code /info/{name}},
 * {@code /names}): written from gem versions, and read back (an upstream's, a member's) to merge.
 *
 * <pre>
 * /versions:    created_at: 2026-01-01T00:00:00Z
 *               ---
 *               demo 1.0.0,1.1.0-java 0f3e...   (the MD5 of demo's info file)
 * /info/demo:   ---
 *               1.0.0 rake:&gt;= 1.0&amp;&lt; 2,json:&gt;= 0|checksum:9a1b...,ruby:&gt;= 2.7
 * /names:       ---
 *               demo
 * </pre>
 */
final class GemCompactIndex {
    private static final int MAX_LINE = 64 << 10;

    private GemCompactIndex() {
    }

    /** One version of a gem as an info line holds it. */
    record Entry(String name, String version, String platform, List<String[]> deps, String ruby, String rubygems,
            String sha256) {
        String versionAndPlatform() {
            return GemNames.versionAndPlatform(version, platform);
        }
    }

    static final Comparator<Entry> ORDER = Comparator.comparing(Entry::version, GemNames.ORDER)
            .thenComparing(e -> e.platform() == null ? "" : e.platform());

    // ------------------------------------------------------------------ writing

    static String infoLine(Entry e) {
        StringBuilder sb = new StringBuilder(e.versionAndPlatform()).append(' ');
        boolean first = true;
        for (String[] d : e.deps()) {
            sb.append(first ? "" : ",").append(d[0]).append(':').append(d[1]);
            first = false;
        }
        sb.append("|checksum:").append(e.sha256() == null ? "" : e.sha256());
        if (e.ruby() != null && !e.ruby().isBlank() && !e.ruby().equals(">= 0")) {
            sb.append(",ruby:").append(e.ruby());
        }
        if (e.rubygems() != null && !e.rubygems().isBlank() && !e.rubygems().equals(">= 0")) {
            sb.append(",rubygems:").append(e.rubygems());
        }
        return sb.toString();
    }

    /** An info file: its entries in version order. */
    static byte[] info(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(ORDER);
        StringBuilder sb = new StringBuilder("---\n");
        for (Entry e : sorted) {
            sb.append(infoLine(e)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One gem's line in /versions: its versions (with platforms) and its info file's MD5. */
    record VersionsLine(String name, List<String> versions, String infoMd5) {
    }

    static byte[] versions(List<VersionsLine> lines, Instant createdAt) {
        StringBuilder sb = new StringBuilder("created_at: ").append(createdAt.truncatedTo(ChronoUnit.SECONDS)).append("\n---\n");
        List<VersionsLine> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparing(VersionsLine::name));
        for (VersionsLine l : sorted) {
            sb.append(l.name()).append(' ').append(String.join(",", l.versions())).append(' ').append(l.infoMd5())
                    .append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] names(Set<String> names) {
        StringBuilder sb = new StringBuilder("---\n");
        for (String n : new java.util.TreeSet<>(names)) {
            sb.append(n).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String md5(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ reading

    /** The compact index is malformed. */
    static final class IndexException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        IndexException(String message) {
            super(message);
        }
    }

    /** The lines after the {@code ---} separator. */
    private static List<String> body(byte[] doc, String what) throws IndexException {
        String s = new String(doc, StandardCharsets.UTF_8);
        int sep = s.startsWith("---\n") ? 0 : s.indexOf("\n---\n");
        if (sep < 0) {
            throw new IndexException(what + " has no --- line");
        }
        String rest = s.substring(sep == 0 ? 4 : sep + 5);
        List<String> out = new ArrayList<>();
        for (String line : rest.split("\n")) {
            if (line.length() > MAX_LINE) {
                throw new IndexException(what + " has a line longer than " + MAX_LINE);
            }
            if (!line.isBlank()) {
                out.add(line);
            }
        }
        return out;
    }

    /** An info file's entries for gem {@code name}. */
    static List<Entry> parseInfo(String name, byte[] doc) throws IndexException {
        List<Entry> out = new ArrayList<>();
        for (String line : body(doc, "info/" + name)) {
            int sp = line.indexOf(' ');
            int bar = line.indexOf('|');
            if (sp <= 0 || bar < sp) {
                throw new IndexException("info/" + name + " has a malformed line");
            }
            String vp = line.substring(0, sp);
            String version = vp;
            String platform = GemNames.RUBY;
            int dash = vp.indexOf('-');
            if (dash > 0) {
                version = vp.substring(0, dash);
                platform = vp.substring(dash + 1);
            }
            List<String[]> deps = new ArrayList<>();
            String depPart = line.substring(sp + 1, bar);
            if (!depPart.isBlank()) {
                for (String d : depPart.split(",")) {
                    int colon = d.indexOf(':');
                    if (colon <= 0) {
                        throw new IndexException("info/" + name + " has a malformed dependency");
                    }
                    deps.add(new String[] {d.substring(0, colon), d.substring(colon + 1)});
                }
            }
            String sha = null;
            String ruby = null;
            String rubygems = null;
            for (String r : line.substring(bar + 1).split(",")) {
                int colon = r.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String k = r.substring(0, colon);
                String v = r.substring(colon + 1);
                switch (k) {
                    case "checksum" -> sha = v;
                    case "ruby" -> ruby = v;
                    case "rubygems" -> rubygems = v;
                    default -> {
                        // other requirements are kept by nobody here
                    }
                }
            }
            out.add(new Entry(name, version, platform, deps, ruby, rubygems, sha));
        }
        return out;
    }

    /**
     * A /versions file as its current state: per gem, the versions that are not yanked (a later
     * {@code -version} removes one) and the MD5 of its last line.
     */
    static Map<String, VersionsLine> parseVersions(byte[] doc) throws IndexException {
        Map<String, LinkedHashSet<String>> versions = new TreeMap<>();
        Map<String, String> md5 = new LinkedHashMap<>();
        for (String line : body(doc, "versions")) {
            String[] p = line.split(" ");
            if (p.length != 3) {
                throw new IndexException("versions has a malformed line");
            }
            LinkedHashSet<String> set = versions.computeIfAbsent(p[0], k -> new LinkedHashSet<>());
            for (String v : p[1].split(",")) {
                if (v.startsWith("-")) {
                    set.remove(v.substring(1));
                } else if (!v.isEmpty()) {
                    set.add(v);
                }
            }
            md5.put(p[0], p[2]);
        }
        Map<String, VersionsLine> out = new LinkedHashMap<>();
        for (Map.Entry<String, LinkedHashSet<String>> e : versions.entrySet()) {
            out.put(e.getKey(), new VersionsLine(e.getKey(), List.copyOf(e.getValue()), md5.get(e.getKey())));
        }
        return out;
    }

    /** A /names file's names. */
    static List<String> parseNames(byte[] doc) throws IndexException {
        return body(doc, "names");
    }
}
