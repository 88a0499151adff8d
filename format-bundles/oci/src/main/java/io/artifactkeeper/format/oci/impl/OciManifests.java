package io.artifactkeeper.format.oci.impl;

import static io.artifactkeeper.format.oci.impl.OciErrors.error;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;

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

    static FormatResponse get(RepositoryContext repo, OciRoute r) throws IOException {
        String ref = checkReference(r.reference());
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
        OciFormat.requireHosted(repo);
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
        OciFormat.requireHosted(repo);
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
        FormatResponse resp = OciFormat.json(200, body);
        page.next().ifPresent(q -> resp.header("Link", "<" + "/v2/" + OciRoute.fullName(repo.key(), r.name())
                + "/tags/list?" + q + ">; rel=\"next\""));
        return resp;
    }

    /** The tags of an image, merged over a virtual repository's members; empty when the image is unknown. */
    static Optional<TreeSet<String>> tagsOf(RepositoryContext repo, OciRoute r) throws IOException {
        if (repo.type() == RepositoryType.VIRTUAL) {
            TreeSet<String> all = null;
            for (RepositoryContext m : repo.members()) {
                Optional<TreeSet<String>> t;
                try {
                    t = tagsOf(m, r);
                } catch (FormatException e) {
                    if (e.status() >= 500) {
                        continue;
                    }
                    throw e;
                }
                if (t.isPresent()) {
                    all = all == null ? new TreeSet<>() : all;
                    all.addAll(t.get());
                }
            }
            return Optional.ofNullable(all);
        }
        if (repo.type() == RepositoryType.REMOTE) {
            Optional<StoredAsset> list = repo.get(r.prefix() + "tags/list");
            if (list.isEmpty()) {
                return Optional.empty();
            }
            TreeSet<String> out = new TreeSet<>();
            try (InputStream in = list.get().open()) {
                Map<String, Object> o = OciJson.object(OciJson.parse(readLimited(in, 16 * MAX_MANIFEST_BYTES)));
                for (Object t : OciJson.emptyIfNull(o == null ? null : OciJson.array(o.get("tags")))) {
                    if (t instanceof String s) {
                        out.add(s);
                    }
                }
            } catch (OciJson.JsonException e) {
                throw error(502, "UNKNOWN", "upstream sent an unreadable tag list: " + e.getMessage());
            }
            return Optional.of(out);
        }
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

    private static boolean isTagPath(OciRoute r, String path) {
        String rest = path.substring(r.prefix().length() + "manifests/".length());
        return rest.indexOf('/') < 0 && !OciDigest.isDigest(rest);
    }

    // --- referrers

    static FormatResponse referrers(FormatRequest req, RepositoryContext repo, OciRoute r) throws IOException {
        String digest = OciBlobs.checkDigest(r.reference());
        Optional<String> filter = req.queryParam("artifactType").filter(s -> !s.isEmpty());
        List<Map<String, Object>> found = new ArrayList<>();
        collectReferrers(repo, r, digest, found, new TreeSet<>());
        if (filter.isPresent()) {
            found.removeIf(d -> !filter.get().equals(d.get("artifactType")));
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2L);
        index.put("mediaType", OciManifest.OCI_INDEX);
        index.put("manifests", found);
        FormatResponse resp = FormatResponse.status(200).body(OciManifest.OCI_INDEX,
                OciJson.write(index).getBytes(StandardCharsets.UTF_8)).header(OciErrors.API_VERSION_HEADER,
                OciErrors.API_VERSION);
        if (filter.isPresent()) {
            resp.header("OCI-Filters-Applied", "artifactType");
        }
        return resp;
    }

    private static void collectReferrers(RepositoryContext repo, OciRoute r, String digest, List<Map<String, Object>> out,
            TreeSet<String> seen) throws IOException {
        switch (repo.type()) {
            case VIRTUAL -> {
                for (RepositoryContext m : repo.members()) {
                    try {
                        collectReferrers(m, r, digest, out, seen);
                    } catch (FormatException e) {
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
            }
            case REMOTE -> {
                Optional<StoredAsset> idx = repo.get(r.prefix() + "referrers/" + digest);
                if (idx.isEmpty()) {
                    return;
                }
                try (InputStream in = idx.get().open()) {
                    Map<String, Object> o = OciJson.object(OciJson.parse(readLimited(in, MAX_MANIFEST_BYTES)));
                    for (Object d : OciJson.emptyIfNull(o == null ? null : OciJson.array(o.get("manifests")))) {
                        Map<String, Object> desc = OciJson.object(d);
                        if (desc != null && desc.get("digest") instanceof String dg && seen.add(dg)) {
                            out.add(desc);
                        }
                    }
                } catch (OciJson.JsonException e) {
                    throw error(502, "UNKNOWN", "upstream sent an unreadable referrers index: " + e.getMessage());
                }
            }
            default -> {
                for (StoredAsset a : repo.list(r.prefix() + "manifests/sha256:")) {
                    Map<String, Object> at = a.attributes();
                    if (!digest.equals(at.get("subject")) || !seen.add("sha256:" + a.sha256())) {
                        continue;
                    }
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("mediaType", at.getOrDefault("media_type", a.contentType()));
                    d.put("digest", "sha256:" + a.sha256());
                    d.put("size", a.size());
                    if (at.get("artifact_type") instanceof String t) {
                        d.put("artifactType", t);
                    }
                    if (at.get("annotations") instanceof Map<?, ?> an && !an.isEmpty()) {
                        d.put("annotations", an);
                    }
                    out.add(d);
                }
            }
        }
    }

    // --- helpers

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
