package io.artifactkeeper.format.nuget.impl;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Members;

/**
 * The versions a repository offers, by package: a hosted repository's from what it stores (the
 * metadata recorded with each .nupkg, the unlisted markers), a remote's from its upstream's
 * registration (fetched and cached by the core as metadata), a virtual's merged from its members in
 * priority order (the first member that has a version wins).
 *
 * <p>Each lookup answers a {@link Part}: a stamp that changes whenever what it lists does, and the
 * entries, read only when a document must be built again.
 */
final class NugetCatalog {
    static final int MAX_PAGES = 64;

    /** What one repository contributes. */
    record Part(String stamp, RepositoryContext.IOSupplier<List<NugetEntry>> entries) {
    }

    /** What a virtual's members contribute together: their stamps joined, their entries merged lazily. */
    record Merged(String stamp, List<Part> parts) {
        List<NugetEntry> entries() throws IOException {
            Map<String, NugetEntry> byVersion = new LinkedHashMap<>();
            for (Part p : parts) {
                for (NugetEntry e : p.entries().get()) {
                    byVersion.putIfAbsent(e.lowerId() + "/" + e.version().lower(), e);
                }
            }
            List<NugetEntry> out = new ArrayList<>(byVersion.values());
            out.sort((a, b) -> {
                int c = a.lowerId().compareTo(b.lowerId());
                return c != 0 ? c : a.version().compareTo(b.version());
            });
            return out;
        }
    }

    /** The versions of one package ({@code lowerId}) in {@code repo}. */
    Merged versions(RepositoryContext repo, String lowerId) throws IOException {
        return merge(Members.all(repo, Members.bySource(r -> hosted(r, NugetPaths.folder(lowerId)),
                r -> remote(r, lowerId))));
    }

    /**
     * A search over {@code repo}: a hosted repository's stored versions whose package matches
     * {@code matches}, a remote's upstream search answer (its SearchQueryService), merged in member order.
     */
    List<NugetEntry> search(RepositoryContext repo, java.util.function.Predicate<NugetEntry> matches, String q,
            boolean prerelease, boolean semver2) throws IOException {
        List<List<NugetEntry>> found = Members.values(repo, Members.bySource(
                r -> Optional.of(stored(r, NugetPaths.FLAT).stream().filter(matches).toList()),
                r -> upstreamSearch(r, q, prerelease, semver2)));
        Map<String, NugetEntry> byVersion = new LinkedHashMap<>();
        for (List<NugetEntry> l : found) {
            for (NugetEntry e : l) {
                byVersion.putIfAbsent(e.lowerId() + "/" + e.version().lower(), e);
            }
        }
        List<NugetEntry> out = new ArrayList<>(byVersion.values());
        out.sort((a, b) -> {
            int c = a.lowerId().compareTo(b.lowerId());
            return c != 0 ? c : a.version().compareTo(b.version());
        });
        return out;
    }

    static final int UPSTREAM_SEARCH_TAKE = 100;
    static final int MAX_UPSTREAM_SEARCH = 16 << 20;

    /** A remote's upstream search for {@code q} (not cached: each query is its own), as entries. */
    private static Optional<List<NugetEntry>> upstreamSearch(RepositoryContext r, String q, boolean prerelease,
            boolean semver2) throws IOException {
        Optional<String> base = NugetUpstream.resource(r, NugetUpstream.SEARCH);
        if (base.isEmpty()) {
            return Optional.empty();
        }
        String b = base.get().endsWith("/") ? base.get().substring(0, base.get().length() - 1) : base.get();
        URI uri = URI.create(b + "?q=" + java.net.URLEncoder.encode(q == null ? "" : q, java.nio.charset.StandardCharsets.UTF_8)
                + "&skip=0&take=" + UPSTREAM_SEARCH_TAKE + "&prerelease=" + prerelease
                + (semver2 ? "&semVerLevel=2.0.0" : ""));
        Optional<io.artifactkeeper.api.format.FormatResponse> resp = r.forwardUpstream("GET", uri,
                Map.of("Accept", "application/json"), java.io.InputStream.nullInputStream());
        if (resp.isEmpty() || resp.get().status() != 200) {
            return Optional.empty();
        }
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        io.artifactkeeper.api.format.FormatResponse fr = resp.get();
        if (fr.bytes() != null) {
            buf.write(fr.bytes());
        } else if (fr.writer() != null) {
            fr.writer().writeTo(new java.io.FilterOutputStream(buf) {
                @Override
                public void write(byte[] bytes, int off, int len) throws IOException {
                    if (buf.size() + len > MAX_UPSTREAM_SEARCH) {
                        throw new IOException("the upstream's search answer is larger than " + MAX_UPSTREAM_SEARCH);
                    }
                    out.write(bytes, off, len);
                }

                @Override
                public void write(int x) throws IOException {
                    write(new byte[] {(byte) x}, 0, 1);
                }
            });
        }
        JsonNode doc = io.artifactkeeper.format.support.Json.readUpstream(
                new java.io.ByteArrayInputStream(buf.toByteArray()), MAX_UPSTREAM_SEARCH, "the upstream's search answer");
        List<NugetEntry> out = new ArrayList<>();
        for (JsonNode d : doc.path("data")) {
            String id = d.path("id").asText("");
            if (!NugetNuspec.isValidId(id)) {
                continue;
            }
            List<String> versions = new ArrayList<>();
            d.path("versions").forEach(v -> versions.add(v.path("version").asText("")));
            if (versions.isEmpty()) {
                versions.add(d.path("version").asText(""));
            }
            for (String vs : versions) {
                Optional<NugetVersion> v = NugetVersion.parse(vs);
                if (v.isEmpty()) {
                    continue;
                }
                NugetNuspec meta = new NugetNuspec(id, v.get(), text(d, "title"), text(d, "description"),
                        text(d, "summary"), text(d, "authors"), null, text(d, "tags"), text(d, "projectUrl"),
                        text(d, "licenseUrl"), text(d, "iconUrl"), false, List.of());
                out.add(new NugetEntry(meta, true, Instant.EPOCH, -1, null));
            }
        }
        return Optional.of(out);
    }

    private static Merged merge(List<Members.Found<Part>> found) {
        StringBuilder stamp = new StringBuilder();
        List<Part> parts = new ArrayList<>();
        for (Members.Found<Part> f : found) {
            stamp.append(f.repository().key()).append('=').append(f.value().stamp()).append(';');
            parts.add(f.value());
        }
        return new Merged(stamp.toString(), parts);
    }

    // ------------------------------------------------------------------ hosted

    private static Optional<Part> hosted(RepositoryContext r, String prefix) throws IOException {
        return Optional.of(new Part(r.contentStamp(prefix), () -> stored(r, prefix)));
    }

    /** The packages stored under {@code prefix}, with the unlisted markers applied. */
    static List<NugetEntry> stored(RepositoryContext r, String prefix) throws IOException {
        Map<String, StoredAsset> packages = new TreeMap<>();
        java.util.Set<String> unlisted = new java.util.HashSet<>();
        for (StoredAsset a : r.list(prefix)) {
            String p = a.path();
            int slash = p.lastIndexOf('/');
            if (p.endsWith("/" + NugetPaths.UNLISTED)) {
                unlisted.add(p.substring(0, slash));
            } else if (p.endsWith(".nupkg")) {
                packages.put(p.substring(0, slash), a);
            }
        }
        List<NugetEntry> out = new ArrayList<>();
        for (Map.Entry<String, StoredAsset> e : packages.entrySet()) {
            StoredAsset a = e.getValue();
            NugetNuspec meta = NugetNuspec.fromAttributes(a.attributes());
            if (meta == null) {
                continue;
            }
            String sha512 = a.sha512() == null ? null : Base64.getEncoder().encodeToString(HexFormat.of().parseHex(a.sha512()));
            out.add(new NugetEntry(meta, !unlisted.contains(e.getKey()), a.createdAt(), a.size(), sha512));
        }
        return out;
    }

    // ------------------------------------------------------------------ remote

    /**
     * A remote's versions of {@code lowerId}, from its upstream's registration index (and the pages it
     * links to instead of inlining them).
     */
    private static Optional<Part> remote(RepositoryContext r, String lowerId) throws IOException {
        Optional<String> base = NugetUpstream.resource(r, NugetUpstream.REGISTRATIONS);
        if (base.isEmpty()) {
            return Optional.empty();
        }
        String cache = NugetPaths.UPSTREAM_REGISTRATION + lowerId + "/";
        Optional<StoredAsset> index = r.fetch(cache + "index.json", URI.create(base.get() + lowerId + "/index.json"),
                AssetKind.METADATA);
        if (index.isEmpty()) {
            return Optional.empty();
        }
        JsonNode doc = NugetUpstream.read(index.get(), "the upstream's registration of " + lowerId);
        StringBuilder stamp = new StringBuilder(index.get().sha256());
        List<JsonNode> pages = new ArrayList<>();
        int n = 0;
        for (JsonNode page : doc.path("items")) {
            if (++n > MAX_PAGES) {
                break;
            }
            if (page.path("items").isArray()) {
                pages.add(page);
                continue;
            }
            String pageUrl = page.path("@id").asText("");
            if (!pageUrl.startsWith("http")) {
                continue;
            }
            Optional<StoredAsset> p = r.fetch(cache + "page-" + n + ".json", URI.create(pageUrl), AssetKind.METADATA);
            if (p.isPresent()) {
                stamp.append(',').append(p.get().sha256());
                pages.add(NugetUpstream.read(p.get(), "a page of the upstream's registration of " + lowerId));
            }
        }
        return Optional.of(new Part(stamp.toString(), () -> fromRegistration(pages, lowerId)));
    }

    private static List<NugetEntry> fromRegistration(List<JsonNode> pages, String lowerId) {
        List<NugetEntry> out = new ArrayList<>();
        for (JsonNode page : pages) {
            for (JsonNode leaf : page.path("items")) {
                JsonNode c = leaf.path("catalogEntry");
                if (!c.isObject()) {
                    continue;
                }
                String id = c.path("id").asText("");
                Optional<NugetVersion> v = NugetVersion.parse(c.path("version").asText(""));
                if (!NugetNuspec.isValidId(id) || !id.toLowerCase(Locale.ROOT).equals(lowerId) || v.isEmpty()) {
                    continue;
                }
                List<NugetNuspec.DependencyGroup> groups = new ArrayList<>();
                for (JsonNode g : c.path("dependencyGroups")) {
                    List<NugetNuspec.Dependency> deps = new ArrayList<>();
                    for (JsonNode d : g.path("dependencies")) {
                        if (NugetNuspec.isValidId(d.path("id").asText(""))) {
                            deps.add(new NugetNuspec.Dependency(d.path("id").asText(), d.path("range").asText("")));
                        }
                    }
                    groups.add(new NugetNuspec.DependencyGroup(g.path("targetFramework").asText(""), deps));
                }
                NugetNuspec meta = new NugetNuspec(id, v.get(), text(c, "title"), text(c, "description"),
                        text(c, "summary"), text(c, "authors"), null, text(c, "tags"), text(c, "projectUrl"),
                        text(c, "licenseUrl"), text(c, "iconUrl"), c.path("requireLicenseAcceptance").asBoolean(false),
                        groups);
                Instant published = Instant.EPOCH;
                try {
                    published = java.time.OffsetDateTime.parse(c.path("published").asText("")).toInstant();
                } catch (DateTimeParseException e) {
                    // an upstream without a publication date: shown as the epoch
                }
                boolean listed = c.path("listed").asBoolean(true) && published.isAfter(Instant.parse("1901-01-01T00:00:00Z"));
                out.add(new NugetEntry(meta, listed, published, -1, null));
            }
        }
        return out;
    }

    /** A string field, or an array of strings joined (authors and tags come either way). */
    private static String text(JsonNode c, String field) {
        JsonNode n = c.path(field);
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(x -> parts.add(x.asText()));
            return String.join(field.equals("tags") ? " " : ", ", parts);
        }
        return n.isValueNode() && !n.isNull() ? n.asText() : null;
    }
}
