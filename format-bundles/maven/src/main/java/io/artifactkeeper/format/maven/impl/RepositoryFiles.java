package io.artifactkeeper.format.maven.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * What the Maven and the Ivy layout share: folder listings, checksum files derived from the stored
 * digests (and verified, never stored, on upload), and the release redeploy rule.
 */
final class RepositoryFiles {
    /** Largest POM, ivy.xml or maven-metadata.xml we read into memory to validate. */
    static final int MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024;
    /** Repository setting that lets releases be replaced. */
    static final String ALLOW_REDEPLOY = "allow_redeploy";

    private RepositoryFiles() {
    }

    /** GET of a folder ({@code path} empty or ending in '/'): its HTML index, 404 when it has nothing. */
    static FormatResponse listing(RepositoryContext repo, String folder) throws IOException {
        List<String> paths = new ArrayList<>();
        for (StoredAsset a : repo.list(folder)) {
            paths.add(a.path());
        }
        var children = FolderListing.children(folder, paths);
        if (children.isEmpty() && !folder.isEmpty()) {
            return FormatResponse.notFound();
        }
        return FormatResponse.ok("text/html; charset=utf-8",
                FolderListing.html("/" + repo.key() + "/" + folder, children, !folder.isEmpty()));
    }

    /** GET of a file that is not stored: a redirect to the folder of that name when it is one, else 404. */
    static FormatResponse missing(RepositoryContext repo, String path) throws IOException {
        if (!repo.list(path + "/").isEmpty()) {
            return FormatResponse.status(301).header("Location", repo.baseUrl() + "/" + path + "/");
        }
        return FormatResponse.notFound();
    }

    /** The checksum file of a stored (or proxied, or member's) asset. */
    static FormatResponse checksum(Checksum c, Optional<StoredAsset> base) {
        return base.map(a -> checksumText(c.of(a))).orElseGet(FormatResponse::notFound);
    }

    static FormatResponse checksumText(String hex) {
        return FormatResponse.ok("text/plain; charset=us-ascii", hex.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * PUT of a checksum file: compared with the digest of what is stored at the base path. Matching
     * answers 201 and stores nothing (the checksum is served from the stored digest); a mismatch is
     * 400; a checksum for nothing is 404.
     */
    static FormatResponse verifyChecksumUpload(RepositoryContext repo, Checksum c, String path, InputStream body)
            throws IOException {
        String declared = c.parseUpload(readLimited(body, 1024));
        if (declared == null) {
            throw FormatException.badRequest(path + " is not a " + c.name() + " checksum");
        }
        String base = c.basePath(path);
        StoredAsset a = repo.get(base).orElseThrow(() -> FormatException.notFound(
                "no file at " + base + " to verify this checksum against; upload the file first"));
        String actual = c.of(a);
        if (!actual.equalsIgnoreCase(declared)) {
            throw new FormatException(400, "CHECKSUM_MISMATCH", c.name() + " of " + base + " is " + actual
                    + " but the uploaded checksum says " + declared);
        }
        return created(repo, path);
    }

    static FormatResponse created(RepositoryContext repo, String path) {
        return FormatResponse.status(201).header("Location", repo.baseUrl() + "/" + path);
    }

    /** Releases are immutable (identical bytes are fine) unless the repository allows redeploy. */
    static PutOptions.Overwrite overwrite(RepositoryContext repo, boolean mutableVersion) {
        Object allow = repo.settings().get(ALLOW_REDEPLOY);
        boolean allowed = Boolean.TRUE.equals(allow) || "true".equals(allow);
        return mutableVersion || allowed ? PutOptions.Overwrite.ALLOW : PutOptions.Overwrite.IF_IDENTICAL;
    }

    /** Writes go to hosted repositories only; refuse early, before reading a body. */
    static void requireHosted(RepositoryContext repo) {
        if (repo.type() == RepositoryType.REMOTE) {
            throw FormatException.methodNotAllowed("repository " + repo.key() + " is a remote (proxy) repository; "
                    + "it cannot be written to");
        }
        if (repo.type() == RepositoryType.VIRTUAL) {
            throw FormatException.badRequest("repository " + repo.key() + " is virtual; deploy to one of its members");
        }
    }

    static PutOptions putOptions(FormatRequest req, PutOptions.Overwrite overwrite) {
        return PutOptions.defaults().withOverwrite(overwrite).withExpectedChecksums(
                req.header("X-Checksum-Sha256").orElse(null), req.header("X-Checksum-Sha1").orElse(null),
                req.header("X-Checksum-Md5").orElse(null));
    }

    static byte[] readLimited(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > max) {
                throw new FormatException(413, "TOO_LARGE", "this file may be at most " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static FormatResponse methodNotAllowed() {
        return FormatResponse.text(405, "method not allowed").header("Allow", "GET, HEAD, PUT, DELETE");
    }
}
