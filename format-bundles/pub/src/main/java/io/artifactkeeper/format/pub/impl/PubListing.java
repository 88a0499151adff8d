package io.artifactkeeper.format.pub.impl;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.SemVer;

/**
 * The JSON of the package API: one version object per release ({@code version}, {@code pubspec},
 * {@code archive_sha256}, {@code published}; {@code archive_url} added for the repository a client
 * asked, so that downloads come back to it), and the package listing ({@code name}, {@code latest},
 * {@code versions} oldest first, as pub.dev lists them).
 */
final class PubListing {
    static final String ATTR_PUBSPEC = "pub_pubspec";
    /** Largest upstream listing read (pub.dev's biggest packages list a few MiB). */
    static final int MAX_UPSTREAM_BYTES = 32 << 20;

    private PubListing() {
    }

    /** A hosted archive's version object, without {@code archive_url}. */
    static ObjectNode versionOf(StoredAsset archive, String version) {
        ObjectNode v = Json.object();
        v.put("version", version);
        Object pubspec = archive.attributes().get(ATTR_PUBSPEC);
        v.set("pubspec", pubspec == null ? Json.object() : Json.mapper().valueToTree(pubspec));
        v.put("archive_sha256", archive.sha256());
        v.put("published", archive.createdAt().toString());
        return v;
    }

    /**
     * The version objects of an upstream's listing of {@code name}, by version, without their
     * {@code archive_url} (kept apart: the remote downloads from it). Versions that are not SemVer and
     * entries that are not objects are left out; a listing that is not one is the upstream's fault (502).
     */
    static Map<String, Upstream> upstreamVersions(InputStream in, String name) throws IOException {
        JsonNode doc = Json.readUpstream(in, MAX_UPSTREAM_BYTES, "the upstream's listing of " + name);
        if (!doc.path("versions").isArray()) {
            throw new io.artifactkeeper.api.format.FormatException(502, "BAD_UPSTREAM",
                    "the upstream's listing of " + name + " has no versions array");
        }
        Map<String, Upstream> out = new LinkedHashMap<>();
        for (JsonNode v : doc.path("versions")) {
            if (!(v instanceof ObjectNode o) || !PubNames.isVersion(o.path("version").asText(null))) {
                continue;
            }
            ObjectNode copy = o.deepCopy();
            String url = copy.path("archive_url").asText(null);
            copy.remove("archive_url");
            out.putIfAbsent(copy.path("version").asText(), new Upstream(copy, url));
        }
        return out;
    }

    /** An upstream's version object and the URL its archive is at. */
    record Upstream(ObjectNode version, String archiveUrl) {
    }

    /** {@code v} with the archive URL of {@code base} (a repository's root URL). */
    static ObjectNode withArchiveUrl(ObjectNode v, String base, String name) {
        ObjectNode o = v.deepCopy();
        ObjectNode out = Json.object();
        out.put("version", o.path("version").asText());
        out.put("archive_url", base + "/" + PubNames.archivePath(name, o.path("version").asText()));
        o.remove("version");
        out.setAll(o);
        return out;
    }

    /** The listing of {@code name} from its version objects (archive URLs already set). */
    static ObjectNode listing(String name, Collection<ObjectNode> versions) {
        List<ObjectNode> sorted = new ArrayList<>(versions);
        sorted.sort((a, b) -> SemVer.compareStrings(a.path("version").asText(), b.path("version").asText()));
        ObjectNode doc = Json.object();
        doc.put("name", name);
        doc.put("isDiscontinued", false);
        latest(sorted).ifPresent(l -> doc.set("latest", l));
        ArrayNode arr = doc.putArray("versions");
        sorted.forEach(arr::add);
        return doc;
    }

    /** pub's latest: the highest release that is not retracted, else the highest version at all. */
    static Optional<ObjectNode> latest(List<ObjectNode> ascending) {
        ObjectNode best = null;
        for (ObjectNode v : ascending) {
            boolean retracted = v.path("retracted").asBoolean(false);
            boolean pre = SemVer.parse(v.path("version").asText()).map(SemVer::isPrerelease).orElse(true);
            if (!retracted && !pre) {
                best = v;
            }
        }
        if (best == null && !ascending.isEmpty()) {
            best = ascending.get(ascending.size() - 1);
        }
        return Optional.ofNullable(best);
    }

    static String now() {
        return Instant.now().toString();
    }
}
