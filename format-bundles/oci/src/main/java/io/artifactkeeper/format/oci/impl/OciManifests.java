package io.artifactkeeper.format.oci.impl;

import static io.artifactkeeper.format.oci.impl.OciErrors.error;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;

/**
 * Manifests (by tag and by digest), tag lists and the referrers API. A manifest is stored once per
 * digest ({@code name/manifests/sha256:...}) and once per tag ({@code name/manifests/tag}) with the
 * same bytes, which the blob store keeps once.
 */
final class OciManifests {
    /** Manifests larger than this are refused (the spec suggests 4 MiB as the floor a registry accepts). */
    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private OciManifests() {
    }

    /**
     * {@code GET}/{@code HEAD}: a reference that cannot name a manifest (a malformed tag or digest) names
     * none: 404 MANIFEST_UNKNOWN, as the distribution conformance suite expects of a pull.
     */
    static FormatResponse get(RepositoryContext repo, OciRoute r) throws IOException {
        String ref = r.reference();
        if (!isReference(ref)) {
            throw error(404, "MANIFEST_UNKNOWN", "manifest unknown to registry: " + ref + " is not a valid tag or digest",
                    Map.of("reference", ref));
        }
        Optional<StoredAsset> a = repo.get(OciRoute.manifestPath(r.name(), ref));
        if (a.isEmpty()) {
            throw error(404, "MANIFEST_UNKNOWN", "manifest unknown to registry", Map.of("reference", ref));
        }
        StoredAsset m = a.get();
        if (OciDigest.isDigest(ref) && !m.sha256().equals(OciDigest.hex(ref))) {
            throw error(502, "MANIFEST_UNKNOWN", "stored manifest does not match " + ref);
        }
        String type = m.contentType();
        Object mt = m.attributes().get("media_type");
        if (mt instanceof String s && !s.isEmpty()) {
            type = s;
        }
        return FormatResponse.asset(m).contentType(type).header("Docker-Content-Digest", "sha256:" + m.sha256())
                .header(OciErrors.API_VERSION_HEADER, OciErrors.API_VERSION);
    }

    static FormatResponse put(FormatRequest req, RepositoryContext repo, OciRoute r) throws IOException {
        String ref = checkReference(r.reference());
        byte[] bytes = readLimited(req.body(), MAX_MANIFEST_BYTES);
        String digest = OciDigest.of(bytes);
        if (OciDigest.isDigest(ref) && !ref.equals(digest)) {
            throw error(400, "DIGEST_INVALID", "manifest digest is " + digest + ", not " + ref,
                    Map.of("expected", ref, "actual", digest));
        }
        OciManifest m;
        try {
            m = OciManifest.parse(bytes, req.header("Content-Type").orElse(null));
        } catch (OciManifest.Invalid e) {
            throw error(400, e.code(), e.getMessage());
        }
        for (OciManifest.Descriptor d : m.requiredBlobs()) {
            if (!OciDigest.isSha256(d.digest()) || repo.get(OciRoute.blobPath(r.name(), d.digest())).isEmpty()) {
                throw error(400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry: " + d.digest(),
                        Map.of("digest", d.digest()));
            }
        }
        for (OciManifest.Descriptor d : m.manifests()) {
            if (!OciDigest.isSha256(d.digest()) || repo.get(OciRoute.manifestPath(r.name(), d.digest())).isEmpty()) {
                throw error(400, "MANIFEST_BLOB_UNKNOWN", "manifest unknown to registry: " + d.digest(),
                        Map.of("digest", d.digest()));
            }
        }
        String name = r.name().isEmpty() ? null : r.name();
        Map<String, Object> attrs = new LinkedHashMap<>(m.attributes());
        attrs.put("digest", digest);
        PutOptions byDigest = PutOptions.defaults().withDescription(new ArtifactDescription(name, null, m.mediaType(), attrs));
        repo.putBytes(OciRoute.manifestPath(r.name(), digest), bytes, byDigest);
        if (!OciDigest.isDigest(ref)) {
            PutOptions byTag = PutOptions.defaults().withDescription(new ArtifactDescription(name, ref, m.mediaType(), attrs));
            repo.putBytes(OciRoute.manifestPath(r.name(), ref), bytes, byTag);
        }
        FormatResponse resp = OciFormat.respond(201)
                .header("Location", repo.baseUrl() + "/" + OciRoute.manifestPath(r.name(), digest))
                .header("Docker-Content-Digest", digest);
        if (m.subject() != null) {
            resp.header("OCI-Subject", m.subject().digest());
        }
        return resp;
    }

    /** By digest: the manifest and every tag pointing at it; by tag: only the tag. */
    static FormatResponse delete(RepositoryContext repo, OciRoute r) throws IOException {
        String ref = checkReference(r.reference());
        if (!OciDigest.isDigest(ref)) {
            if (!repo.delete(OciRoute.manifestPath(r.name(), ref))) {
                throw error(404, "MANIFEST_UNKNOWN", "manifest unknown to registry", Map.of("reference", ref));
            }
            return OciFormat.respond(202);
        }
        if (!repo.delete(OciRoute.manifestPath(r.name(), ref))) {
            throw error(404, "MANIFEST_UNKNOWN", "manifest unknown to registry", Map.of("reference", ref));
        }
        String hex = OciDigest.hex(ref);
        for (StoredAsset t : repo.list(r.prefix() + "manifests/")) {
            if (isTagPath(r, t.path()) && t.sha256().equals(hex)) {
                repo.delete(t.path());
            }
        }
        return OciFormat.respond(202);
    }

    // --- tags

    static FormatResponse tags(FormatRequest req, RepositoryContext repo, OciRoute r) throws IOException {
        Optional<TreeSet<String>> tags = tagsOf(repo, r);
        if (tags.isEmpty()) {
            throw error(404, "NAME_UNKNOWN", "repository name not known to registry",
                    Map.of("name", OciRoute.fullName(repo.key(), r.name())));
        }
        OciPage page = OciPage.of(new ArrayList<>(tags.get()), req);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", OciRoute.fullName(repo.key(), r.name()));
        body.put("tags", page.items());
        byte[] json = Json.bytesOf(body);
        // generated from what is stored: the core answers a matching If-None-Match with 304
        FormatResponse resp = OciFormat.respond(200).body("application/json", json)
                .validators(DocumentCache.etag(json), null);
        page.next().ifPresent(q -> resp.header("Link", "<" + "/v2/" + OciRoute.fullName(repo.key(), r.name())
                + "/tags/list?" + q + ">; rel=\"next\""));
        return resp;
    }

    /** The tags of an image, merged over a virtual repository's members; empty when the image is unknown. */
    static Optional<TreeSet<String>> tagsOf(RepositoryContext repo, OciRoute r) throws IOException {
        List<TreeSet<String>> found = Members.values(repo, Members.bySource(h -> hostedTags(h, r), rm -> remoteTags(rm, r)));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> all = new TreeSet<>();
        found.forEach(all::addAll);
        return Optional.of(all);
    }

    private static Optional<TreeSet<String>> hostedTags(RepositoryContext repo, OciRoute r) throws IOException {
        List<StoredAsset> rows = repo.list(r.prefix() + "manifests/");
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> out = new TreeSet<>();
        for (StoredAsset a : rows) {
            if (isTagPath(r, a.path())) {
                out.add(a.path().substring(r.prefix().length() + "manifests/".length()));
            }
        }
        return Optional.of(out);
    }

    /** The upstream's own tag list (cached as metadata by the core). */
    private static Optional<TreeSet<String>> remoteTags(RepositoryContext repo, OciRoute r) throws IOException {
        Optional<StoredAsset> list = repo.get(r.prefix() + "tags/list");
        if (list.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> out = new TreeSet<>();
        try (InputStream in = list.get().open()) {
            for (JsonNode t : Json.readUpstream(in, 16L * MAX_MANIFEST_BYTES, "the upstream's tag list").path("tags")) {
                if (t.isTextual()) {
                    out.add(t.asText());
                }
            }
        }
        return Optional.of(out);
    }

    private static boolean isTagPath(OciRoute r, String path) {
        String rest = path.substring(r.prefix().length() + "manifests/".length());
        return rest.indexOf('/') < 0 && !OciDigest.isDigest(rest);
    }

    // --- referrers

    static FormatResponse referrers(FormatRequest req, RepositoryContext repo, OciRoute r) throws IOException {
        String digest = OciBlobs.checkDigest(r.reference());
        Optional<String> filter = req.queryParam("artifactType").filter(s -> !s.isEmpty());
        List<JsonNode> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (List<JsonNode> part : Members.values(repo, Members.bySource(h -> Optional.of(hostedReferrers(h, r, digest)),
                rm -> remoteReferrers(rm, r, digest)))) {
            for (JsonNode d : part) {
                // the first member's descriptor of a manifest wins
                if (seen.add(d.path("digest").asText())) {
                    found.add(d);
                }
            }
        }
        if (filter.isPresent()) {
            found.removeIf(d -> !filter.get().equals(d.path("artifactType").asText(null)));
        }
        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", OciManifest.OCI_INDEX);
        index.putArray("manifests").addAll(found);
        FormatResponse resp = FormatResponse.status(200).body(OciManifest.OCI_INDEX, Json.bytes(index))
                .header(OciErrors.API_VERSION_HEADER, OciErrors.API_VERSION);
        if (filter.isPresent()) {
            resp.header("OCI-Filters-Applied", "artifactType");
        }
        return resp;
    }

    /** Descriptors of the stored manifests whose subject is {@code digest}, from what was recorded at push. */
    private static List<JsonNode> hostedReferrers(RepositoryContext repo, OciRoute r, String digest) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (StoredAsset a : repo.list(r.prefix() + "manifests/sha256:")) {
            Map<String, Object> at = a.attributes();
            if (!digest.equals(at.get("subject"))) {
                continue;
            }
            ObjectNode d = Json.object();
            d.put("mediaType", String.valueOf(at.getOrDefault("media_type", a.contentType())));
            d.put("digest", "sha256:" + a.sha256());
            d.put("size", a.size());
            if (at.get("artifact_type") instanceof String t) {
                d.put("artifactType", t);
            }
            if (at.get("annotations") instanceof Map<?, ?> an && !an.isEmpty()) {
                d.set("annotations", Json.mapper().valueToTree(an));
            }
            out.add(d);
        }
        return out;
    }

    /** The upstream's referrers index (cached as metadata by the core). */
    private static Optional<List<JsonNode>> remoteReferrers(RepositoryContext repo, OciRoute r, String digest)
            throws IOException {
        Optional<StoredAsset> idx = repo.get(r.prefix() + "referrers/" + digest);
        if (idx.isEmpty()) {
            return Optional.empty();
        }
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = idx.get().open()) {
            for (JsonNode d : Json.readUpstream(in, MAX_MANIFEST_BYTES, "the upstream's referrers index").path("manifests")) {
                if (d.isObject() && d.path("digest").isTextual()) {
                    out.add(d);
                }
            }
        }
        return Optional.of(out);
    }

    // --- helpers

    /** Whether {@code ref} can name a manifest: a sha256 digest or a tag. */
    static boolean isReference(String ref) {
        return OciDigest.isDigest(ref) ? OciDigest.isSha256(ref) : OciRoute.TAG.matcher(ref).matches();
    }

    /** A reference a push or delete may use; a malformed one is the client's error (400). */
    static String checkReference(String ref) {
        if (OciDigest.isDigest(ref)) {
            return OciBlobs.checkDigest(ref);
        }
        if (!OciRoute.TAG.matcher(ref).matches()) {
            throw error(400, "MANIFEST_INVALID", "invalid tag: " + ref, Map.of("tag", ref));
        }
        return ref;
    }

    static byte[] readLimited(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > max) {
                throw error(413, "SIZE_INVALID", "manifest larger than " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
