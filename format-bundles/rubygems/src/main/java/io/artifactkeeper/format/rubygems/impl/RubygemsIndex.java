package io.artifactkeeper.format.rubygems.impl;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.rubygems.impl.GemCompactIndex.Entry;
import io.artifactkeeper.format.rubygems.impl.GemCompactIndex.VersionsLine;
import io.artifactkeeper.format.rubygems.impl.GemMarshalDocs.Tuple;
import io.artifactkeeper.format.support.Members;

/**
 * The indexes of a repository of any type, through the support layer: a hosted repository's are
 * generated from the attributes its .gem files were stored with; a remote's are its upstream's own
 * documents (fetched and cached as metadata by the core); a virtual repository's are its members'
 * merged, the first member by priority winning a version that several have.
 */
final class RubygemsIndex {
    /** The upstream documents this reads whole are bounded. */
    static final int MAX_UPSTREAM_DOC = 256 << 20;

    private RubygemsIndex() {
    }

    // ------------------------------------------------------------------ hosted

    /** The versions a hosted repository holds, by gem name (names sorted). */
    static Map<String, List<Entry>> hosted(RepositoryContext hosted) throws IOException {
        Map<String, List<Entry>> out = new TreeMap<>();
        for (StoredAsset a : hosted.list(GemNames.GEMS_DIR)) {
            Entry e = entryOf(a);
            if (e != null) {
                out.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(e);
            }
        }
        for (List<Entry> l : out.values()) {
            l.sort(GemCompactIndex.ORDER);
        }
        return out;
    }

    /** One hosted gem's versions (found by name, not by listing). */
    static List<Entry> hostedGem(RepositoryContext hosted, String name) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (StoredAsset a : hosted.findByName(name)) {
            Entry e = entryOf(a);
            if (e != null && e.name().equals(name) && a.path().startsWith(GemNames.GEMS_DIR)) {
                out.add(e);
            }
        }
        out.sort(GemCompactIndex.ORDER);
        return out;
    }

    /** The index entry of a stored .gem, from the attributes it was stored with; null for other assets. */
    static Entry entryOf(StoredAsset a) {
        Map<String, Object> at = a.attributes();
        if (!"gem".equals(at.get("gem_kind")) || a.name() == null || a.version() == null) {
            return null;
        }
        List<String[]> deps = new ArrayList<>();
        if (at.get("gem_dependencies") instanceof List<?> l) {
            for (Object d : l) {
                if (d instanceof List<?> p && p.size() == 2) {
                    deps.add(new String[] {String.valueOf(p.get(0)), String.valueOf(p.get(1))});
                }
            }
        }
        Object platform = at.get("gem_platform");
        return new Entry(a.name(), a.version(), platform == null ? GemNames.RUBY : String.valueOf(platform), deps,
                str(at.get("gem_ruby")), str(at.get("gem_rubygems")), a.sha256());
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    // ------------------------------------------------------------------ any type

    /** A gem's info file as one repository (leaf) serves it: generated (hosted) or its upstream's bytes (remote). */
    private static Optional<byte[]> leafInfo(RepositoryContext leaf, String name) throws IOException {
        return Members.bySource(h -> {
            List<Entry> e = hostedGem(h, name);
            return e.isEmpty() ? Optional.<byte[]>empty() : Optional.of(GemCompactIndex.info(e));
        }, r -> {
            Optional<StoredAsset> a = r.get("info/" + name);
            return a.isEmpty() ? Optional.empty() : Optional.of(readUpstream(a.get()));
        }).in(leaf);
    }

    /**
     * The info file of {@code name} in {@code repo}: one member's bytes as they are when only one has
     * the gem, else the members' entries merged (first member wins a version).
     */
    static Optional<byte[]> info(RepositoryContext repo, String name) throws IOException {
        List<byte[]> all = Members.values(repo, leaf -> leafInfo(leaf, name));
        if (all.isEmpty()) {
            return Optional.empty();
        }
        if (all.size() == 1) {
            return Optional.of(all.get(0));
        }
        return Optional.of(GemCompactIndex.info(merge(name, all)));
    }

    /** Every version of {@code name} through {@code repo} (members merged). */
    static List<Entry> entries(RepositoryContext repo, String name) throws IOException {
        List<byte[]> all = Members.values(repo, leaf -> leafInfo(leaf, name));
        return merge(name, all);
    }

    private static List<Entry> merge(String name, List<byte[]> infos) throws IOException {
        Map<String, Entry> byVersion = new LinkedHashMap<>();
        for (byte[] doc : infos) {
            for (Entry e : parseInfo(name, doc)) {
                byVersion.putIfAbsent(e.versionAndPlatform(), e);
            }
        }
        List<Entry> out = new ArrayList<>(byVersion.values());
        out.sort(GemCompactIndex.ORDER);
        return out;
    }

    private static List<Entry> parseInfo(String name, byte[] doc) {
        try {
            return GemCompactIndex.parseInfo(name, doc);
        } catch (GemCompactIndex.IndexException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "a malformed compact index: " + e.getMessage());
        }
    }

    /** One leaf's /versions lines. */
    private static Optional<Map<String, VersionsLine>> leafVersions(RepositoryContext leaf) throws IOException {
        return Members.bySource(h -> {
            Map<String, VersionsLine> out = new LinkedHashMap<>();
            for (Map.Entry<String, List<Entry>> e : hosted(h).entrySet()) {
                out.put(e.getKey(), versionsLine(e.getKey(), e.getValue()));
            }
            return Optional.of(out);
        }, r -> {
            Optional<StoredAsset> a = r.get("versions");
            if (a.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(GemCompactIndex.parseVersions(readUpstream(a.get())));
            } catch (GemCompactIndex.IndexException e) {
                throw new FormatException(502, "BAD_UPSTREAM", "the upstream's /versions is malformed: " + e.getMessage());
            }
        }).in(leaf);
    }

    static VersionsLine versionsLine(String name, List<Entry> entries) {
        List<String> vs = new ArrayList<>();
        for (Entry e : entries) {
            vs.add(e.versionAndPlatform());
        }
        return new VersionsLine(name, vs, GemCompactIndex.md5(GemCompactIndex.info(entries)));
    }

    /** The /versions of a hosted or virtual repository (a remote serves its upstream's). */
    static byte[] versions(RepositoryContext repo, Instant createdAt) throws IOException {
        List<Map<String, VersionsLine>> all = Members.values(repo, RubygemsIndex::leafVersions);
        Map<String, List<VersionsLine>> byName = new TreeMap<>();
        for (Map<String, VersionsLine> m : all) {
            for (VersionsLine l : m.values()) {
                byName.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(l);
            }
        }
        List<VersionsLine> lines = new ArrayList<>();
        for (Map.Entry<String, List<VersionsLine>> e : byName.entrySet()) {
            if (e.getValue().size() == 1) {
                lines.add(e.getValue().get(0));
            } else {
                // several members have the gem: the line of the merged info file, which /info answers too
                lines.add(versionsLine(e.getKey(), entries(repo, e.getKey())));
            }
        }
        return GemCompactIndex.versions(lines, createdAt);
    }

    /** The /names of a hosted or virtual repository. */
    static byte[] names(RepositoryContext repo) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, VersionsLine> m : Members.values(repo, RubygemsIndex::leafVersions)) {
            names.addAll(m.keySet());
        }
        return GemCompactIndex.names(names);
    }

    /** Which specs list. */
    enum SpecsKind {
        ALL("specs.4.8.gz"), LATEST("latest_specs.4.8.gz"), PRERELEASE("prerelease_specs.4.8.gz");

        final String file;

        SpecsKind(String file) {
            this.file = file;
        }

        static SpecsKind of(String file) {
            for (SpecsKind k : values()) {
                if (k.file.equals(file)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** A specs list of a hosted or virtual repository (a remote serves its upstream's). */
    static byte[] specs(RepositoryContext repo, SpecsKind kind) throws IOException {
        List<List<Tuple>> all = Members.values(repo, Members.bySource(h -> {
            List<Tuple> out = new ArrayList<>();
            for (List<Entry> l : hosted(h).values()) {
                for (Entry e : l) {
                    out.add(new Tuple(e.name(), e.version(), e.platform()));
                }
            }
            return Optional.of(select(out, kind));
        }, r -> {
            Optional<StoredAsset> a = r.get(kind.file);
            if (a.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream in = a.get().open()) {
                return Optional.of(GemMarshalDocs.readSpecs(in));
            } catch (IOException e) {
                throw new FormatException(502, "BAD_UPSTREAM", "the upstream's " + kind.file + " is malformed: "
                        + e.getMessage());
            }
        }));
        List<Tuple> merged = new ArrayList<>();
        Set<Tuple> seen = new java.util.HashSet<>();
        for (List<Tuple> l : all) {
            for (Tuple t : l) {
                if (seen.add(t)) {
                    merged.add(t);
                }
            }
        }
        return GemMarshalDocs.specs(select(merged, kind));
    }

    static final Comparator<Tuple> TUPLE_ORDER = Comparator.comparing(Tuple::name)
            .thenComparing(Tuple::version, GemNames.ORDER).thenComparing(Tuple::platform);

    /** The tuples a list holds: releases, the latest release per name and platform, or pre-releases. */
    static List<Tuple> select(List<Tuple> tuples, SpecsKind kind) {
        List<Tuple> out = new ArrayList<>();
        Map<String, Tuple> latest = new TreeMap<>();
        for (Tuple t : tuples) {
            boolean pre = GemNames.isPrerelease(t.version());
            switch (kind) {
                case ALL -> {
                    if (!pre) {
                        out.add(t);
                    }
                }
                case PRERELEASE -> {
                    if (pre) {
                        out.add(t);
                    }
                }
                case LATEST -> {
                    if (!pre) {
                        latest.merge(t.name() + "\0" + t.platform(), t,
                                (a, b) -> GemNames.compare(a.version(), b.version()) >= 0 ? a : b);
                    }
                }
            }
        }
        if (kind == SpecsKind.LATEST) {
            out.addAll(latest.values());
        }
        out.sort(TUPLE_ORDER);
        return out;
    }

    static byte[] readUpstream(StoredAsset a) throws IOException {
        if (a.size() > MAX_UPSTREAM_DOC) {
            throw new FormatException(502, "BAD_UPSTREAM", a.path() + " upstream is larger than " + MAX_UPSTREAM_DOC
                    + " bytes");
        }
        try (InputStream in = a.open()) {
            return in.readAllBytes();
        }
    }
}
