package io.artifactkeeper.format.npm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.SemVer;

/**
 * The packument (an npm package document: every version's manifest, dist-tags, times) as a JSON
 * tree, and what the registry does with it: serve it with this server's tarball URLs, abbreviate it
 * for installers, merge members' documents, add and remove versions.
 */
final class NpmPackument {
    /** The runtime's Jackson, configured once for what clients and upstreams send. */
    static final ObjectMapper JSON = Json.mapper();
    /** The largest packuments on npmjs are tens of MiB (every version's manifest and readme). */
    static final long MAX_UPSTREAM_BYTES = 256L << 20;

    /** Media type of the abbreviated ("corgi") document. */
    static final String ABBREVIATED_TYPE = "application/vnd.npm.install-v1+json";

    /** Version fields the abbreviated document keeps (npm registry API, "abbreviated metadata"). */
    private static final List<String> ABBREVIATED_VERSION_FIELDS = List.of("name", "version", "deprecated",
            "dependencies", "optionalDependencies", "devDependencies", "bundleDependencies", "bundledDependencies",
            "peerDependencies", "peerDependenciesMeta", "acceptDependencies", "bin", "directories", "dist", "engines",
            "_hasShrinkwrap", "hasInstallScript", "cpu", "os", "libc", "funding", "license");

    /** Top-level fields a publish must not copy from the client's document. */
    private static final Set<String> REGISTRY_OWNED = Set.of("_id", "_rev", "name", "versions", "dist-tags", "time",
            "_attachments", "access", "_revisions", "users");

    private NpmPackument() {
    }

    /** A packument this server stored (malformed: an IOException, our own damage). */
    static ObjectNode parse(InputStream in) throws IOException {
        if (!(Json.readStored(in) instanceof ObjectNode o)) {
            throw new IOException("a stored packument is not a JSON object");
        }
        return o;
    }

    /** An upstream registry's packument of {@code name}; malformed or not an object is the proxy's 502. */
    static ObjectNode parseUpstream(InputStream in, String name) throws IOException {
        if (!(Json.readUpstream(in, MAX_UPSTREAM_BYTES, "the upstream packument of " + name) instanceof ObjectNode o)) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream packument of " + name + " is not a JSON object");
        }
        return o;
    }

    static byte[] bytes(JsonNode doc) {
        return Json.bytes(doc);
    }

    static ObjectNode create(String name, Instant now) {
        ObjectNode d = JSON.createObjectNode();
        d.put("_id", name);
        d.put("name", name);
        d.set("dist-tags", JSON.createObjectNode());
        d.set("versions", JSON.createObjectNode());
        ObjectNode time = d.putObject("time");
        time.put("created", iso(now));
        time.put("modified", iso(now));
        return d;
    }

    static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static ObjectNode versions(ObjectNode doc) {
        JsonNode v = doc.get("versions");
        if (v instanceof ObjectNode o) {
            return o;
        }
        return doc.putObject("versions");
    }

    static ObjectNode distTags(ObjectNode doc) {
        JsonNode v = doc.get("dist-tags");
        if (v instanceof ObjectNode o) {
            return o;
        }
        return doc.putObject("dist-tags");
    }

    static ObjectNode time(ObjectNode doc) {
        JsonNode v = doc.get("time");
        if (v instanceof ObjectNode o) {
            return o;
        }
        return doc.putObject("time");
    }

    /**
     * A copy of {@code doc} whose every {@code dist.tarball} points at this repository:
     * {@code {repoBaseUrl}/{name}/-/{file}}, the file name taken from the stored URL.
     */
    static ObjectNode withTarballsAt(ObjectNode doc, String name, String repoBaseUrl) {
        ObjectNode out = doc.deepCopy();
        for (Map.Entry<String, JsonNode> e : versions(out).properties()) {
            if (e.getValue() instanceof ObjectNode manifest && manifest.get("dist") instanceof ObjectNode dist) {
                String file = fileOf(name, e.getKey(), dist);
                dist.put("tarball", repoBaseUrl + "/" + NpmNames.tarballPath(name, file));
            }
        }
        return out;
    }

    /** The tarball file name of a version: from its stored URL, else the conventional one. */
    static String fileOf(String name, String version, ObjectNode dist) {
        JsonNode t = dist.get("tarball");
        if (t != null && t.isTextual()) {
            String f = NpmNames.lastSegment(t.asText());
            try {
                f = java.net.URLDecoder.decode(f.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException ignored) {
                // keep it as it is
            }
            if (NpmNames.isSafeFile(f)) {
                return f;
            }
        }
        return NpmNames.tarballFile(name, version);
    }

    /** The upstream URL of the tarball named {@code file}, as the (unrewritten) document says. */
    static Optional<String> tarballUrl(ObjectNode doc, String name, String file) {
        for (Map.Entry<String, JsonNode> e : versions(doc).properties()) {
            if (e.getValue() instanceof ObjectNode manifest && manifest.get("dist") instanceof ObjectNode dist
                    && dist.get("tarball") != null && dist.get("tarball").isTextual()
                    && fileOf(name, e.getKey(), dist).equals(file)) {
                return Optional.of(dist.get("tarball").asText());
            }
        }
        return Optional.empty();
    }

    /** The abbreviated document npm, yarn and pnpm ask for when installing. */
    static ObjectNode abbreviated(ObjectNode full) {
        ObjectNode out = JSON.createObjectNode();
        out.set("name", full.get("name"));
        JsonNode modified = full.path("time").get("modified");
        if (modified != null) {
            out.set("modified", modified);
        }
        out.set("dist-tags", distTags(full).deepCopy());
        ObjectNode vs = out.putObject("versions");
        for (Map.Entry<String, JsonNode> e : versions(full).properties()) {
            if (!(e.getValue() instanceof ObjectNode m)) {
                continue;
            }
            ObjectNode a = vs.putObject(e.getKey());
            for (String f : ABBREVIATED_VERSION_FIELDS) {
                if (m.has(f)) {
                    a.set(f, m.get(f));
                }
            }
            if (!a.has("hasInstallScript") && m.get("scripts") instanceof ObjectNode scripts
                    && (scripts.has("preinstall") || scripts.has("install") || scripts.has("postinstall"))) {
                a.put("hasInstallScript", true);
            }
        }
        return out;
    }

    /**
     * Merges members' documents in priority order: the first member's top-level fields; every
     * version (the first member that has it wins); every dist-tag (the first member that has it
     * wins); times (likewise), with {@code modified} the latest of all.
     */
    static Optional<ObjectNode> merge(List<ObjectNode> docs) {
        if (docs.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode out = docs.get(0).deepCopy();
        ObjectNode versions = versions(out);
        ObjectNode tags = distTags(out);
        ObjectNode time = time(out);
        for (int i = 1; i < docs.size(); i++) {
            ObjectNode d = docs.get(i);
            for (Map.Entry<String, JsonNode> e : versions(d).properties()) {
                if (!versions.has(e.getKey())) {
                    versions.set(e.getKey(), e.getValue().deepCopy());
                }
            }
            for (Map.Entry<String, JsonNode> e : distTags(d).properties()) {
                if (!tags.has(e.getKey())) {
                    tags.set(e.getKey(), e.getValue());
                }
            }
            for (Map.Entry<String, JsonNode> e : time(d).properties()) {
                if (!time.has(e.getKey())) {
                    time.set(e.getKey(), e.getValue());
                } else if (e.getKey().equals("modified") && e.getValue().isTextual()
                        && e.getValue().asText().compareTo(time.get("modified").asText()) > 0) {
                    time.set("modified", e.getValue());
                }
            }
        }
        return Optional.of(out);
    }

    /** The highest non-prerelease version (else the highest), or null when there is none. */
    static String highest(Iterable<String> versions) {
        String best = null;
        String bestAny = null;
        for (String v : versions) {
            if (bestAny == null || SemVer.compareStrings(v, bestAny) > 0) {
                bestAny = v;
            }
            boolean prerelease = SemVer.parseLenient(v).map(SemVer::isPrerelease).orElse(false);
            if (!prerelease && (best == null || SemVer.compareStrings(v, best) > 0)) {
                best = v;
            }
        }
        return best != null ? best : bestAny;
    }

    static List<String> versionKeys(ObjectNode doc) {
        List<String> out = new ArrayList<>();
        versions(doc).fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Copies a publish's descriptive top-level fields (description, readme, maintainers, ...). */
    static void copyDescriptiveFields(ObjectNode from, ObjectNode to) {
        for (Map.Entry<String, JsonNode> e : from.properties()) {
            if (!REGISTRY_OWNED.contains(e.getKey())) {
                to.set(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * Removes a version: its manifest, its time, and the dist-tags naming it; {@code latest} moves
     * to the highest remaining version.
     */
    static void removeVersion(ObjectNode doc, String version) {
        versions(doc).remove(version);
        time(doc).remove(version);
        ObjectNode tags = distTags(doc);
        boolean wasLatest = version.equals(tags.path("latest").asText(null));
        for (Iterator<Map.Entry<String, JsonNode>> it = tags.properties().iterator(); it.hasNext();) {
            if (version.equals(it.next().getValue().asText(null))) {
                it.remove();
            }
        }
        if (wasLatest) {
            String h = highest(versionKeys(doc));
            if (h != null) {
                tags.put("latest", h);
            }
        }
    }

    /** Sets {@code modified} and a new CouchDB-style revision ({@code N-hex}). */
    static void touch(ObjectNode doc, Instant now) {
        time(doc).put("modified", iso(now));
        if (!time(doc).has("created")) {
            time(doc).put("created", iso(now));
        }
        int n = 0;
        JsonNode rev = doc.get("_rev");
        if (rev != null && rev.isTextual()) {
            String r = rev.asText();
            int dash = r.indexOf('-');
            try {
                n = Integer.parseInt(dash < 0 ? r : r.substring(0, dash));
            } catch (NumberFormatException ignored) {
                n = 0;
            }
        }
        doc.put("_rev", (n + 1) + "-" + UUID.randomUUID().toString().replace("-", ""));
    }

    /** What npm-audit answers when it knows of no advisory. */
    static ObjectNode emptyQuickAudit() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("actions");
        o.putObject("advisories");
        o.putArray("muted");
        ObjectNode meta = o.putObject("metadata");
        ObjectNode vul = meta.putObject("vulnerabilities");
        for (String s : List.of("info", "low", "moderate", "high", "critical")) {
            vul.put(s, 0);
        }
        meta.put("dependencies", 0);
        meta.put("devDependencies", 0);
        meta.put("optionalDependencies", 0);
        meta.put("totalDependencies", 0);
        return o;
    }
}
