package io.artifactkeeper.format.oci.impl;

import static io.artifactkeeper.format.oci.impl.OciErrors.error;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.api.format.UploadSessions;

/**
 * Blobs: pull by digest (ranges and validators come from the core), delete, and the push flows of
 * the spec: monolithic POST, POST then PUT, chunked PATCHes (in order, resumable), cross-repository
 * mount. Bytes are content-addressed in the core's blob store, so a layer shared by images and
 * repositories is stored once.
 */
final class OciBlobs {
    static final String OCTET_STREAM = "application/octet-stream";
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes[ =])?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?");

    private OciBlobs() {
    }

    static FormatResponse get(RepositoryContext repo, OciRoute r) throws IOException {
        String digest = checkDigest(r.reference());
        Optional<StoredAsset> a = repo.get(OciRoute.blobPath(r.name(), digest));
        if (a.isEmpty()) {
            throw error(404, "BLOB_UNKNOWN", "blob unknown to registry", Map.of("digest", digest));
        }
        if (!a.get().sha256().equals(OciDigest.hex(digest))) {
            throw error(502, "BLOB_UNKNOWN", "stored bytes do not match " + digest);
        }
        return FormatResponse.asset(a.get()).contentType(OCTET_STREAM).header("Docker-Content-Digest", digest)
                .header(OciErrors.API_VERSION_HEADER, OciErrors.API_VERSION);
    }

    static FormatResponse delete(RepositoryContext repo, OciRoute r) throws IOException {
        String digest = checkDigest(r.reference());
        if (!repo.delete(OciRoute.blobPath(r.name(), digest))) {
            throw error(404, "BLOB_UNKNOWN", "blob unknown to registry", Map.of("digest", digest));
        }
        return OciFormat.respond(202);
    }

    /** {@code POST /v2/<name>/blobs/uploads/}: mount, monolithic upload, or a new session. */
    static FormatResponse start(FormatRequest req, RepositoryContext repo, OciRoute r) throws IOException {
        Optional<String> mount = req.queryParam("mount");
        if (mount.isPresent()) {
            String digest = checkDigest(mount.get());
            Optional<StoredAsset> source = req.queryParam("from").flatMap(from -> mountSource(repo, from, digest));
            if (source.isPresent()) {
                StoredAsset a = repo.putCopy(OciRoute.blobPath(r.name(), digest), source.get(), blobOptions(r, digest));
                return created(repo, r, a);
            }
            // not mountable: the spec's fallback is an ordinary upload session
        }
        Optional<String> digest = req.queryParam("digest");
        if (digest.isPresent()) {
            String d = checkDigest(digest.get());
            StoredAsset a = storeChecked(() -> repo.put(OciRoute.blobPath(r.name(), d), req.body(), blobOptions(r, d)));
            return created(repo, r, a);
        }
        String id = repo.uploads().start();
        return progress(202, repo, r, id, 0);
    }

    /** The blob a {@code from=repo/name} mount names, if the caller may read it there. */
    private static Optional<StoredAsset> mountSource(RepositoryContext target, String from, String digest) {
        int slash = from.indexOf('/');
        String key = slash < 0 ? from : from.substring(0, slash);
        String name = slash < 0 ? "" : from.substring(slash + 1);
        if (!name.isEmpty() && !OciRoute.NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        try {
            Optional<RepositoryContext> src = key.equals(target.key()) ? Optional.of(target)
                    : target.readableRepository(key);
            if (src.isEmpty()) {
                return Optional.empty();
            }
            return src.get().get(OciRoute.blobPath(name, digest))
                    .filter(a -> a.sha256().equals(OciDigest.hex(digest)));
        } catch (IOException | FormatException e) {
            return Optional.empty();
        }
    }

    /** {@code PATCH}: appends a chunk; with {@code Content-Range} it must start where the upload ends. */
    static FormatResponse patch(FormatRequest req, RepositoryContext repo, OciRoute r) throws IOException {
        UploadSessions uploads = repo.uploads();
        long size = append(req, uploads, r.reference());
        return progress(202, repo, r, r.reference(), size);
    }

    /** {@code PUT ?digest=}: the last chunk (if any), then the digest check, then the blob exists. */
    static FormatResponse complete(FormatRequest req, RepositoryContext repo, OciRoute r) throws IOException {
        String digest = checkDigest(req.queryParam("digest")
                .orElseThrow(() -> error(400, "DIGEST_INVALID", "a digest query parameter is required to complete an upload")));
        UploadSessions uploads = repo.uploads();
        if (uploads.size(r.reference()).isEmpty()) {
            throw unknownUpload(r.reference());
        }
        if (req.contentLength() != 0) {
            append(req, uploads, r.reference());
        }
        StoredAsset a = storeChecked(() -> uploads.complete(r.reference(), OciRoute.blobPath(r.name(), digest),
                blobOptions(r, digest)));
        return created(repo, r, a);
    }

    static FormatResponse status(RepositoryContext repo, OciRoute r) throws IOException {
        OptionalLong size = repo.uploads().size(r.reference());
        if (size.isEmpty()) {
            throw unknownUpload(r.reference());
        }
        return progress(204, repo, r, r.reference(), size.getAsLong());
    }

    static FormatResponse cancel(RepositoryContext repo, OciRoute r) throws IOException {
        if (!repo.uploads().cancel(r.reference())) {
            throw unknownUpload(r.reference());
        }
        return OciFormat.respond(204);
    }

    private static long append(FormatRequest req, UploadSessions uploads, String id) throws IOException {
        long offset = -1;
        Optional<String> range = req.header("Content-Range");
        if (range.isPresent()) {
            Matcher m = CONTENT_RANGE.matcher(range.get().trim());
            if (!m.matches()) {
                throw error(400, "BLOB_UPLOAD_INVALID", "malformed Content-Range: " + range.get());
            }
            long from;
            long to;
            try {
                from = Long.parseLong(m.group(1));
                to = Long.parseLong(m.group(2));
            } catch (NumberFormatException e) {
                throw error(400, "BLOB_UPLOAD_INVALID", "malformed Content-Range: " + range.get());
            }
            if (to < from) {
                throw error(400, "BLOB_UPLOAD_INVALID", "Content-Range ends before it starts: " + range.get());
            }
            if (req.contentLength() >= 0 && req.contentLength() != to - from + 1) {
                throw error(400, "BLOB_UPLOAD_INVALID", "Content-Range " + range.get() + " does not match Content-Length "
                        + req.contentLength());
            }
            offset = from;
        }
        OptionalLong current = uploads.size(id);
        if (current.isEmpty()) {
            throw unknownUpload(id);
        }
        if (offset >= 0 && offset != current.getAsLong()) {
            throw error(416, "BLOB_UPLOAD_INVALID", "chunk out of order: the upload has " + current.getAsLong()
                    + " bytes, the chunk starts at " + offset, Map.of("size", current.getAsLong()));
        }
        try (InputStream body = req.body()) {
            return uploads.append(id, offset, body);
        }
    }

    private interface Store {
        StoredAsset run() throws IOException;
    }

    /** Runs a store whose declared digest is checked, answering the spec's code on a mismatch. */
    private static StoredAsset storeChecked(Store s) throws IOException {
        try {
            return s.run();
        } catch (FormatException e) {
            if ("CHECKSUM_MISMATCH".equals(e.code())) {
                throw error(400, "DIGEST_INVALID", "provided digest did not match uploaded content: " + e.getMessage());
            }
            throw e;
        }
    }

    static PutOptions blobOptions(OciRoute r, String digest) {
        return PutOptions.defaults().withExpectedChecksums(OciDigest.hex(digest), null, null)
                .withDescription(new ArtifactDescription(r.name().isEmpty() ? null : r.name(), null, OCTET_STREAM,
                        Map.of("digest", digest)));
    }

    private static FormatResponse created(RepositoryContext repo, OciRoute r, StoredAsset a) {
        String digest = "sha256:" + a.sha256();
        return OciFormat.respond(201).header("Location", repo.baseUrl() + "/" + OciRoute.blobPath(r.name(), digest))
                .header("Docker-Content-Digest", digest);
    }

    private static FormatResponse progress(int status, RepositoryContext repo, OciRoute r, String id, long size) {
        // distribution's convention: "0-0" before the first byte too
        return OciFormat.respond(status)
                .header("Location", repo.baseUrl() + "/" + OciRoute.prefix(r.name()) + "blobs/uploads/" + id)
                .header("Range", "0-" + Math.max(0, size - 1)).header("Docker-Upload-UUID", id)
               ;
    }

    private static FormatException unknownUpload(String id) {
        return error(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", Map.of("upload", id));
    }

    /** A digest this registry can store (sha256); anything else is the spec's DIGEST_INVALID, saying why. */
    static String checkDigest(String d) {
        if (OciDigest.isSha256(d)) {
            return d;
        }
        if (d != null && d.startsWith("sha256:")) {
            throw error(400, "DIGEST_INVALID", "malformed sha256 digest (64 lowercase hex digits expected): " + d,
                    Map.of("digest", d));
        }
        if (!OciDigest.isWellFormed(d)) {
            throw error(400, "DIGEST_INVALID", "malformed digest (algorithm:encoded expected): " + d);
        }
        throw error(400, "DIGEST_INVALID", "only sha256 digests are supported: " + d, Map.of("digest", d));
    }
}
