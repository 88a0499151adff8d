package io.artifactkeeper.format.nuget.impl;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.format.support.Json;

/**
 * The NuGet v3 documents, written from {@link NugetEntry}s: the service index, the flat container's
 * version list, the registration index (pages inlined, leaves with their catalog entries) and leaf,
 * search and autocomplete answers. {@code base} is the repository's root URL.
 */
final class NugetV3 {
    static final int PAGE_SIZE = 64;
    /** What unlisted versions show as their publication date (as nuget.org does). */
    static final Instant UNLISTED_PUBLISHED = Instant.parse("1900-01-01T00:00:00Z");
    static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

    private NugetV3() {
    }

    static String registrationBase(String base) {
        return base + "/v3/registration/";
    }

    static String registrationIndex(String base, String lowerId) {
        return registrationBase(base) + lowerId + "/index.json";
    }

    static String leafUrl(String base, NugetEntry e) {
        return registrationBase(base) + e.lowerId() + "/" + e.version().lower() + ".json";
    }

    static String contentUrl(String base, NugetEntry e) {
        return base + "/" + NugetPaths.nupkg(e.lowerId(), e.version().lower());
    }

    static byte[] serviceIndex(String base) {
        ObjectNode root = Json.object();
        root.put("version", "3.0.0");
        ArrayNode res = root.putArray("resources");
        add(res, base + "/api/v2/package", "PackagePublish/2.0.0");
        add(res, base + "/" + NugetPaths.FLAT, "PackageBaseAddress/3.0.0");
        // one registration hive holding SemVer 2 versions: the semver2 types point at it too
        for (String t : List.of("RegistrationsBaseUrl", "RegistrationsBaseUrl/3.0.0-beta", "RegistrationsBaseUrl/3.0.0-rc",
                "RegistrationsBaseUrl/3.4.0", "RegistrationsBaseUrl/3.6.0", "RegistrationsBaseUrl/Versioned")) {
            add(res, registrationBase(base), t);
        }
        for (String t : List.of("SearchQueryService", "SearchQueryService/3.0.0-beta", "SearchQueryService/3.0.0-rc",
                "SearchQueryService/3.5.0")) {
            add(res, base + "/v3/search", t);
        }
        for (String t : List.of("SearchAutocompleteService", "SearchAutocompleteService/3.0.0-beta",
                "SearchAutocompleteService/3.0.0-rc", "SearchAutocompleteService/3.5.0")) {
            add(res, base + "/v3/autocomplete", t);
        }
        add(res, base + "/", "LegacyGallery/2.0.0");
        return Json.bytes(root);
    }

    private static void add(ArrayNode res, String id, String type) {
        ObjectNode r = res.addObject();
        r.put("@id", id);
        r.put("@type", type);
    }

    /** The flat container's {@code {id}/index.json}: every version, lower-case, ascending. */
    static byte[] flatVersions(List<NugetEntry> entries) {
        ObjectNode root = Json.object();
        ArrayNode vs = root.putArray("versions");
        entries.stream().map(NugetEntry::version).sorted().forEach(v -> vs.add(v.lower()));
        return Json.bytes(root);
    }

    static byte[] registration(String base, String lowerId, List<NugetEntry> entries) {
        String indexUrl = registrationIndex(base, lowerId);
        ObjectNode root = Json.object();
        root.put("@id", indexUrl);
        root.putArray("@type").add("catalog:CatalogRoot").add("PackageRegistration").add("catalog:Permalink");
        ArrayNode pages = root.putArray("items");
        List<NugetEntry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.version().compareTo(b.version()));
        for (int i = 0; i < sorted.size(); i += PAGE_SIZE) {
            List<NugetEntry> page = sorted.subList(i, Math.min(sorted.size(), i + PAGE_SIZE));
            String lower = page.get(0).version().normalized();
            String upper = page.get(page.size() - 1).version().normalized();
            ObjectNode p = pages.addObject();
            p.put("@id", indexUrl + "#page/" + lower + "/" + upper);
            p.put("@type", "catalog:CatalogPage");
            p.put("commitTimeStamp", ISO.format(Instant.now()));
            p.put("count", page.size());
            ArrayNode items = p.putArray("items");
            for (NugetEntry e : page) {
                ObjectNode leaf = items.addObject();
                leaf.put("@id", leafUrl(base, e));
                leaf.put("@type", "Package");
                leaf.set("catalogEntry", catalogEntry(base, e));
                leaf.put("packageContent", contentUrl(base, e));
                leaf.put("registration", indexUrl);
            }
            p.put("parent", indexUrl);
            p.put("lower", lower);
            p.put("upper", upper);
        }
        root.put("count", pages.size());
        return Json.bytes(root);
    }

    private static ObjectNode catalogEntry(String base, NugetEntry e) {
        NugetNuspec m = e.meta();
        ObjectNode c = Json.object();
        c.put("@id", leafUrl(base, e) + "#catalogEntry");
        c.put("@type", "PackageDetails");
        c.put("id", m.id());
        c.put("version", e.version().full());
        c.put("authors", nz(m.authors()));
        c.put("description", nz(m.description()));
        c.put("title", nz(m.title()));
        c.put("summary", nz(m.summary()));
        c.put("iconUrl", nz(m.iconUrl()));
        c.put("licenseUrl", nz(m.licenseUrl()));
        c.put("projectUrl", nz(m.projectUrl()));
        c.put("requireLicenseAcceptance", m.requireLicenseAcceptance());
        ArrayNode tags = c.putArray("tags");
        tags(m).forEach(tags::add);
        c.put("listed", e.listed());
        c.put("published", ISO.format(e.listed() ? e.published() : UNLISTED_PUBLISHED));
        c.put("packageContent", contentUrl(base, e));
        ArrayNode groups = c.putArray("dependencyGroups");
        int gi = 0;
        for (NugetNuspec.DependencyGroup g : m.dependencyGroups()) {
            ObjectNode gn = groups.addObject();
            String gid = leafUrl(base, e) + "#dependencygroup/" + (g.targetFramework().isEmpty() ? "" + gi : g.targetFramework().toLowerCase(java.util.Locale.ROOT));
            gi++;
            gn.put("@id", gid);
            gn.put("@type", "PackageDependencyGroup");
            if (!g.targetFramework().isEmpty()) {
                gn.put("targetFramework", g.targetFramework());
            }
            ArrayNode deps = gn.putArray("dependencies");
            for (NugetNuspec.Dependency d : g.dependencies()) {
                ObjectNode dn = deps.addObject();
                dn.put("@id", gid + "/" + d.id().toLowerCase(java.util.Locale.ROOT));
                dn.put("@type", "PackageDependency");
                dn.put("id", d.id());
                dn.put("range", d.range().isEmpty() ? "(, )" : d.range());
                dn.put("registration", registrationIndex(base, d.id().toLowerCase(java.util.Locale.ROOT)));
            }
        }
        return c;
    }

    static byte[] leaf(String base, NugetEntry e) {
        ObjectNode root = Json.object();
        root.put("@id", leafUrl(base, e));
        root.putArray("@type").add("Package").add("http://schema.nuget.org/catalog#Permalink");
        root.put("catalogEntry", leafUrl(base, e) + "#catalogEntry");
        root.put("listed", e.listed());
        root.put("packageContent", contentUrl(base, e));
        root.put("published", ISO.format(e.listed() ? e.published() : UNLISTED_PUBLISHED));
        root.put("registration", registrationIndex(base, e.lowerId()));
        return Json.bytes(root);
    }

    static List<String> tags(NugetNuspec m) {
        if (m.tags() == null || m.tags().isBlank()) {
            return List.of();
        }
        return Arrays.stream(m.tags().split("[\\s,;]+")).filter(s -> !s.isEmpty()).toList();
    }

    static List<String> authors(NugetNuspec m) {
        if (m.authors() == null) {
            return List.of();
        }
        return Arrays.stream(m.authors().split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** One package in a search answer: its latest visible version and the visible versions. */
    record Hit(String lowerId, List<NugetEntry> versions) {
        NugetEntry latest() {
            return versions.get(versions.size() - 1);
        }
    }

    static byte[] search(String base, List<Hit> hits, int total) {
        ObjectNode root = Json.object();
        root.put("totalHits", total);
        ArrayNode data = root.putArray("data");
        for (Hit h : hits) {
            NugetEntry latest = h.latest();
            NugetNuspec m = latest.meta();
            ObjectNode d = data.addObject();
            d.put("@id", registrationIndex(base, h.lowerId()));
            d.put("@type", "Package");
            d.put("registration", registrationIndex(base, h.lowerId()));
            d.put("id", m.id());
            d.put("version", latest.version().full());
            d.put("description", nz(m.description()));
            d.put("summary", nz(m.summary()));
            d.put("title", m.title() == null || m.title().isEmpty() ? m.id() : m.title());
            d.put("iconUrl", nz(m.iconUrl()));
            d.put("licenseUrl", nz(m.licenseUrl()));
            d.put("projectUrl", nz(m.projectUrl()));
            ArrayNode tags = d.putArray("tags");
            tags(m).forEach(tags::add);
            ArrayNode authors = d.putArray("authors");
            authors(m).forEach(authors::add);
            d.putArray("owners");
            d.put("totalDownloads", 0);
            d.put("verified", false);
            d.putArray("packageTypes").addObject().put("name", "Dependency");
            ArrayNode vs = d.putArray("versions");
            for (NugetEntry e : h.versions()) {
                ObjectNode v = vs.addObject();
                v.put("version", e.version().full());
                v.put("downloads", 0);
                v.put("@id", leafUrl(base, e));
            }
        }
        return Json.bytes(root);
    }

    static byte[] autocomplete(List<String> data, int total) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("totalHits", total);
        m.put("data", data);
        return Json.bytesOf(m);
    }
}
