package io.artifactkeeper.format.composer.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;

/**
 * The documents a Composer client reads, for a repository of any type, built through the support
 * layer: {@code packages.json} (where the metadata is, which packages there are, where to send
 * download notifications) and the minified metadata v2 of a package ({@code p2/{name}.json} with its
 * tagged versions, {@code p2/{name}~dev.json} with its branches). Each repository a request resolves
 * through contributes a part: a hosted one the versions of the dists it stores (their composer.json
 * kept with each dist), a remote one its upstream's document (fetched and cached by the core with the
 * metadata TTL) with every dist URL pointed at this server. A virtual repository merges its members'
 * parts, the first member by priority winning a version several have. Documents are kept until a
 * part's stamp changes (a dist stored or deleted, an upstream document refreshed).
 */
final class ComposerMetadata {
    static final String JSON_TYPE = "application/json";
    static final String PACKAGES_JSON = "packages.json";
    static final String UPSTREAM_PACKAGES = ".upstream/packages.json";
    /** The asset attribute holding a hosted version's metadata (JSON text, kept as the manifest had it). */
    static final String ATTR_METADATA = "composer_metadata";
    static final String ATTR_NORMALIZED = "version_normalized";
    private static final long MAX_UPSTREAM_DOC = 64L << 20;

    private final DocumentCache documents = new DocumentCache();

    /**
     * One version as a repository lists it.
     *
     * @param normalized the normalized version (what merging compares)
     * @param data the version's metadata, dist URL not yet set
     * @param distPath where the dist is served below the repository answering, or null (no dist)
     * @param upstreamUrl where a remote's upstream serves the dist, or null
     */
    record Entry(String normalized, ObjectNode data, String distPath, String upstreamUrl) {
    }

    /** What a repository contributes: a stamp that changes with it, and its versions on demand (empty: not here). */
    private record Part(String stamp, Versions versions) {
    }

    @FunctionalInterface
    private interface Versions {
        Optional<List<Entry>> get() throws IOException;
    }

    // ------------------------------------------------------------------ p2

    /** {@code p2/{name}.json} ({@code dev} false) or {@code p2/{name}~dev.json}. */
    FormatResponse p2(RepositoryContext repo, String name, boolean dev) throws IOException {
        List<Members.Found<Part>> parts = Members.all(repo, Members.bySource(h -> Optional.of(hostedPart(h, name, dev)),
                r -> remotePart(r, name, dev)));
        StringBuilder stamp = new StringBuilder(repo.baseUrl());
        for (Members.Found<Part> f : parts) {
            stamp.append('|').append(f.value().stamp());
        }
        DocumentCache.Document d = documents.get(repo.key() + "\0p2:" + name + (dev ? "~dev" : ""), stamp.toString(),
                () -> p2Document(repo, name, parts));
        if (d.bytes().length == 0) {
            throw FormatException.notFound("package " + name + " not found in " + repo.key());
        }
        return d.response(JSON_TYPE);
    }

    /** The merged document, or no bytes when no repository has the package. */
    private static byte[] p2Document(RepositoryContext repo, String name, List<Members.Found<Part>> parts)
            throws IOException {
        Map<String, Entry> merged = new LinkedHashMap<>();
        boolean found = false;
        for (Members.Found<Part> f : parts) {
            Optional<List<Entry>> entries;
            try {
                entries = f.value().versions().get();
            } catch (IOException | RuntimeException e) {
                if (parts.size() > 1 && Members.skippable(e)) {
                    continue;
                }
                throw e;
            }
            if (entries.isEmpty()) {
                continue;
            }
            found = true;
            for (Entry e : entries.get()) {
                merged.putIfAbsent(e.normalized(), e);
            }
        }
        if (!found) {
            return new byte[0];
        }
        List<Entry> sorted = new ArrayList<>(merged.values());
        sorted.sort((a, b) -> ComposerVersions.NEWEST_FIRST.compare(a.normalized(), b.normalized()));
        List<ObjectNode> versions = new ArrayList<>();
        for (Entry e : sorted) {
            ObjectNode v = e.data().deepCopy();
            if (e.distPath() != null && v.get("dist") instanceof ObjectNode dist) {
                dist.put("url", repo.baseUrl() + "/" + e.distPath());
            }
            versions.add(v);
        }
        ObjectNode doc = Json.object();
        doc.putObject("packages").set(name, ComposerMinifier.minify(versions));
        doc.put("minified", ComposerMinifier.FORMAT);
        return Json.bytes(doc);
    }

    /** A hosted repository's versions of {@code name}: one per dist it stores. */
    private static Part hostedPart(RepositoryContext hosted, String name, boolean dev) throws IOException {
        String prefix = ComposerNames.distPrefix(name);
        return new Part("h:" + hosted.key() + "=" + hosted.contentStamp(prefix), () -> {
            List<StoredAsset> dists = hosted.list(prefix);
            if (dists.isEmpty()) {
                return Optional.empty();
            }
            List<Entry> out = new ArrayList<>();
            for (StoredAsset a : dists) {
                Entry e = hostedEntry(a);
                if (e != null && ComposerVersions.isDev(e.normalized()) == dev) {
                    out.add(e);
                }
            }
            return Optional.of(out);
        });
    }

    /** A stored dist's version; null for a file that is not a dist uploaded here. */
    static Entry hostedEntry(StoredAsset a) throws IOException {
        Object meta = a.attributes().get(ATTR_METADATA);
        if (!(meta instanceof String s)) {
            return null;
        }
        JsonNode n = Json.readStored(new ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        if (!(n instanceof ObjectNode v) || !v.path(ATTR_NORMALIZED).isTextual()) {
            return null;
        }
        ObjectNode dist = v.putObject("dist");
        dist.put("type", "zip");
        dist.put("url", "");
        dist.put("reference", a.sha1());
        dist.put("shasum", a.sha1());
        return new Entry(v.get(ATTR_NORMALIZED).asText(), v, a.path(), null);
    }

    /** A remote's versions of {@code name}: its upstream's document, dist URLs pointed here. */
    private Optional<Part> remotePart(RepositoryContext remote, String name, boolean dev) throws IOException {
        Optional<StoredAsset> doc = upstreamDocument(remote, name, dev);
        if (doc.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset a = doc.get();
        return Optional.of(new Part("r:" + remote.key() + "=" + a.sha256(), () -> Optional.of(upstreamEntries(a, name))));
    }

    /** The upstream's p2 document of a package, as the core fetched and cached it. */
    private Optional<StoredAsset> upstreamDocument(RepositoryContext remote, String name, boolean dev) throws IOException {
        String file = name + (dev ? "~dev" : "") + ".json";
        return remote.fetch(ComposerNames.P2 + file, upstream(remote).metadataUri(remote, file), AssetKind.METADATA);
    }

    /** The versions of an upstream document. */
    static List<Entry> upstreamEntries(StoredAsset a, String name) throws IOException {
        JsonNode doc;
        try (InputStream in = a.open()) {
            doc = Json.readUpstream(in, MAX_UPSTREAM_DOC, "the upstream's metadata of " + name);
        }
        return upstreamEntries(doc, name);
    }

    /** The versions of package {@code name} in an upstream's p2 document; a malformed document is a 502. */
    static List<Entry> upstreamEntries(JsonNode doc, String name) {
        JsonNode list = doc.path("packages").path(name);
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        List<ObjectNode> versions;
        try {
            versions = ComposerMinifier.versions(list, doc.path("minified").isTextual());
        } catch (IllegalArgumentException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's metadata of " + name + " is malformed: "
                    + e.getMessage());
        }
        List<Entry> out = new ArrayList<>();
        for (ObjectNode v : versions) {
            String version = v.path("version").asText(null);
            Optional<String> normalized = v.path(ATTR_NORMALIZED).isTextual()
                    ? Optional.of(v.get(ATTR_NORMALIZED).asText()) : ComposerVersions.normalize(version);
            if (version == null || normalized.isEmpty()) {
                continue;
            }
            ObjectNode data = v.deepCopy();
            // download notifications go to this server's notify-batch
            data.remove("notification-url");
            String distPath = null;
            String url = null;
            if (data.get("dist") instanceof ObjectNode dist && dist.path("url").isTextual()
                    && !dist.path("url").asText().isBlank()) {
                url = dist.get("url").asText();
                distPath = ComposerNames.distPath(name, version, distKey(dist, url), dist.path("type").asText("zip"));
            }
            out.add(new Entry(normalized.get(), data, distPath, url));
        }
        return out;
    }

    /** What names an upstream dist in its path: its reference, else its checksum, else its URL. */
    private static String distKey(ObjectNode dist, String url) {
        for (String f : List.of("reference", "shasum")) {
            String s = dist.path(f).asText("");
            if (!s.isBlank()) {
                return s;
            }
        }
        return ComposerNames.hash(url).substring(0, 40);
    }

    /** Where a remote's upstream serves the dist cached at {@code path}, as its metadata names it. */
    Optional<URI> upstreamDistUrl(RepositoryContext remote, String path) throws IOException {
        String name = ComposerNames.nameOfDistPath(path);
        if (name == null) {
            return Optional.empty();
        }
        for (boolean dev : new boolean[] {false, true}) {
            Optional<StoredAsset> doc = upstreamDocument(remote, name, dev);
            if (doc.isEmpty()) {
                continue;
            }
            for (Entry e : upstreamEntries(doc.get(), name)) {
                if (path.equals(e.distPath())) {
                    try {
                        URI u = URI.create(e.upstreamUrl());
                        if ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) {
                            return Optional.of(u);
                        }
                    } catch (IllegalArgumentException bad) {
                        // not a URL this server can fetch
                    }
                    throw new FormatException(502, "BAD_UPSTREAM", "the upstream's dist URL of " + name + " is not http(s)");
                }
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ upstream's packages.json

    /** What this server reads from an upstream's packages.json. */
    record Upstream(String metadataUrl, URI packagesUrl, List<String> available, List<String> patterns) {
        /** Where the upstream serves {@code file} ({@code vendor/name.json} or {@code ~dev.json}). */
        URI metadataUri(RepositoryContext remote, String file) {
            if (metadataUrl == null) {
                return ComposerProxyPolicy.fallbackMetadataUri(remote.upstreamUrl().orElseThrow(), file);
            }
            String pkg = file.substring(0, file.length() - ".json".length());
            return URI.create(canonical(metadataUrl, packagesUrl).replace("%package%", pkg));
        }

        boolean bounded() {
            return available != null || patterns != null;
        }
    }

    private static final Upstream UNKNOWN = new Upstream(null, null, null, null);

    /**
     * The upstream's packages.json as the core cached it; an upstream that does not answer one (or whose
     * answer is unusable) is taken to serve {@code p2/} below its URL and to list no packages.
     */
    Upstream upstream(RepositoryContext remote) throws IOException {
        Optional<StoredAsset> raw;
        try {
            raw = remote.get(UPSTREAM_PACKAGES);
        } catch (IOException | RuntimeException e) {
            if (!Members.skippable(e)) {
                throw e;
            }
            return UNKNOWN;
        }
        if (raw.isEmpty()) {
            return UNKNOWN;
        }
        StoredAsset a = raw.get();
        byte[] parsed = documents.get(remote.key() + "\0upstream", a.sha256(), () -> {
            JsonNode doc;
            try (InputStream in = a.open()) {
                doc = Json.readUpstream(in, MAX_UPSTREAM_DOC, "the upstream's packages.json");
            } catch (FormatException e) {
                return Json.bytes(Json.object());
            }
            ObjectNode o = Json.object();
            if (doc.path("metadata-url").isTextual()) {
                o.put("metadata_url", doc.get("metadata-url").asText());
            }
            Object from = a.attributes().get("upstream_url");
            o.put("packages_url", from instanceof String s ? s
                    : ComposerProxyPolicy.packagesUri(remote.upstreamUrl().orElseThrow()).toString());
            for (String[] f : new String[][] {{"available-packages", "available"}, {"available-package-patterns", "patterns"}}) {
                if (doc.path(f[0]).isArray()) {
                    ArrayNode names = o.putArray(f[1]);
                    doc.get(f[0]).forEach(n -> {
                        if (n.isTextual()) {
                            names.add(n.asText());
                        }
                    });
                }
            }
            return Json.bytes(o);
        }).bytes();
        JsonNode o = Json.readStored(new ByteArrayInputStream(parsed));
        return new Upstream(o.path("metadata_url").asText(null),
                o.path("packages_url").isTextual() ? URI.create(o.get("packages_url").asText()) : null,
                strings(o.get("available")), strings(o.get("patterns")));
    }

    private static List<String> strings(JsonNode n) {
        if (n == null || !n.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /**
     * A URL from a packages.json made absolute as Composer does: one starting with {@code /} is on the
     * repository's host; other relative ones are resolved against the document's URL.
     */
    static String canonical(String url, URI document) {
        if (url.startsWith("http://") || url.startsWith("https://") || document == null) {
            return url;
        }
        if (url.startsWith("/")) {
            return document.getScheme() + "://" + document.getRawAuthority() + url;
        }
        return document.resolve(url).toString();
    }

    // ------------------------------------------------------------------ packages.json

    /** Which packages a repository has: a list, or unknown (an upstream that does not say). */
    private record Names(List<String> names, List<String> patterns) {
    }

    /** {@code packages.json}: this repository's own, whatever its type. */
    FormatResponse packagesJson(RepositoryContext repo) throws IOException {
        List<Names> names = Members.values(repo, Members.bySource(h -> Optional.of(hostedNames(h)),
                r -> Optional.of(remoteNames(r))));
        StringBuilder stamp = new StringBuilder(repo.baseUrl());
        for (Names n : names) {
            stamp.append('|').append(n.names() == null ? "*" : String.join(",", n.names())).append(';')
                    .append(n.patterns() == null ? "" : String.join(",", n.patterns()));
        }
        return documents.get(repo.key() + "\0packages.json", DocumentCache.etag(stamp.toString()),
                () -> packagesDocument(repo, names)).response(JSON_TYPE);
    }

    private static byte[] packagesDocument(RepositoryContext repo, List<Names> parts) {
        String base = URI.create(repo.baseUrl()).getRawPath();
        ObjectNode doc = Json.object();
        doc.putArray("packages");
        doc.put("metadata-url", base + "/p2/%package%.json");
        doc.put("notify-batch", base + "/downloads/");
        boolean bounded = true;
        TreeSet<String> all = new TreeSet<>();
        TreeSet<String> patterns = new TreeSet<>();
        for (Names n : parts) {
            if (n.names() == null && n.patterns() == null) {
                bounded = false;
                continue;
            }
            if (n.names() != null) {
                all.addAll(n.names());
            }
            if (n.patterns() != null) {
                patterns.addAll(n.patterns());
            }
        }
        if (bounded) {
            // Composer then asks only for these packages: an unknown name costs no request
            ArrayNode a = doc.putArray("available-packages");
            all.forEach(a::add);
            if (!patterns.isEmpty()) {
                ArrayNode p = doc.putArray("available-package-patterns");
                patterns.forEach(p::add);
            }
        }
        return Json.bytes(doc);
    }

    /** A hosted repository's package names, listed once per change of its dists. */
    private Names hostedNames(RepositoryContext hosted) throws IOException {
        byte[] b = documents.get(hosted, ComposerNames.DIST, "names", () -> {
            TreeSet<String> names = new TreeSet<>();
            for (StoredAsset a : hosted.list(ComposerNames.DIST)) {
                String n = ComposerNames.nameOfDistPath(a.path());
                if (n != null && a.attributes().get(ATTR_METADATA) != null) {
                    names.add(n);
                }
            }
            return String.join("\n", names).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }).bytes();
        String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        return new Names(s.isEmpty() ? List.of() : List.of(s.split("\n")), null);
    }

    /** A remote's package names: what its upstream's packages.json lists, or unknown. */
    private Names remoteNames(RepositoryContext remote) throws IOException {
        try {
            Upstream u = upstream(remote);
            return u.bounded() ? new Names(u.available() == null ? List.of() : u.available(), u.patterns())
                    : new Names(null, null);
        } catch (UncheckedIOException e) {
            return new Names(null, null);
        }
    }
}
