package io.artifactkeeper.format.maven.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.maven.impl.MavenMetadata.InvalidMetadataException;
import io.artifactkeeper.format.support.DocumentCache;

/**
 * What the Maven and the Ivy layout share: folder listings, checksum files derived from the stored
 * digests (and verified, never stored, on upload), and the release redeploy rule.
 */
final class RepositoryFiles {
    /** Largest POM, ivy.xml or maven-metadata.xml we read into memory to validate. */
    static final int MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024;
    /** Repository setting that lets releases be replaced. */
    static final String ALLOW_REDEPLOY = "allow_redeploy";

    /** A folder: the repository root (empty) or segments each followed by '/'. */
    static final String FOLDER = "{folder:(?:[^/]+/)*}";
    /** A checksum file beside any file. */
    static final String CHECKSUM = "{file+}.{algorithm:md5|sha1|sha256|sha512}";
    /** Any file. */
    static final String FILE = "{file+}";

    private RepositoryFiles() {
    }

    /** The routes both layouts have, with {@code own} (matched first among the file routes) in between. */
    static List<Route> routes(List<Route> ownReads, List<Route> ownWrites) {
        List<Route> r = new ArrayList<>();
        r.add(Route.read("folder", FOLDER));
        r.add(Route.read("checksum", CHECKSUM));
        r.addAll(ownReads);
        r.add(Route.read("file", FILE));
        r.add(Route.of("putChecksum", "PUT", CHECKSUM, Access.WRITE));
        r.addAll(ownWrites);
        r.add(Route.of("deploy", "PUT", FILE, Access.WRITE));
        r.add(Route.of("deleteFolder", "DELETE", FOLDER, Access.DELETE));
        r.add(Route.of("deleteChecksum", "DELETE", CHECKSUM, Access.DELETE));
        r.add(Route.of("delete", "DELETE", FILE, Access.DELETE));
        return List.copyOf(r);
    }

    /** The answer to a route both layouts treat alike (reading a file, deletes). */
    static FormatResponse common(RouteMatch m, FormatRequest req, RepositoryContext repo) throws IOException {
        return switch (m.name()) {
            case "file" -> file(repo, req.path());
            case "deleteFolder" -> deleteFolder(repo, m.param("folder")).isEmpty() ? FormatResponse.notFound()
                    : FormatResponse.status(204);
            case "deleteChecksum" -> deleteChecksum(repo, m.param("file"));
            case "delete" -> repo.delete(req.path()) ? FormatResponse.status(204) : FormatResponse.notFound();
            default -> throw new IllegalStateException("unrouted " + m.name());
        };
    }

    /** Checks a module descriptor (a POM, an ivy.xml) before it is stored. */
    @FunctionalInterface
    interface DescriptorCheck {
        void check(byte[] descriptor) throws InvalidMetadataException;
    }

    /**
     * Stores a deployed file: releases immutable unless {@code mutable} or the repository allows
     * redeploy, the client's checksum headers verified; a descriptor ({@code check} not null) read and
     * checked first (400 when it is invalid).
     */
    static FormatResponse deploy(FormatRequest req, RepositoryContext repo, boolean mutable, ArtifactDescription d,
            DescriptorCheck check) throws IOException {
        String path = req.path();
        PutOptions opts = putOptions(req, overwrite(repo, mutable)).withDescription(d);
        StoredAsset stored;
        if (check != null) {
            byte[] xml = readLimited(req.body(), MAX_DESCRIPTOR_BYTES);
            try {
                check.check(xml);
            } catch (InvalidMetadataException e) {
                throw new InvalidArtifactException("invalid descriptor " + path + ": " + e.getMessage());
            }
            stored = repo.putBytes(path, xml, opts);
        } else {
            stored = repo.put(path, req.body(), opts);
        }
        return created(repo, stored.path());
    }

    /** The checksum a checksum route names. */
    static Checksum checksum(RouteMatch m) {
        return Checksum.valueOf(m.param("algorithm").toUpperCase(java.util.Locale.ROOT));
    }

    /** DELETE of a checksum: derived from the stored digest, nothing of its own to delete. */
    static FormatResponse deleteChecksum(RepositoryContext repo, String base) throws IOException {
        return repo.get(base).isPresent() ? FormatResponse.status(204) : FormatResponse.notFound();
    }

    /** DELETE of a folder: everything below it; the paths that went. */
    static List<String> deleteFolder(RepositoryContext repo, String folder) throws IOException {
        List<String> gone = new ArrayList<>();
        for (StoredAsset a : repo.list(folder)) {
            if (repo.delete(a.path())) {
                gone.add(a.path());
            }
        }
        return gone;
    }

    /**
     * GET of a folder ({@code path} empty or ending in '/'): its HTML index, 404 when it has nothing.
     * {@code generated} names the documents served there that are not stored (among the stored paths
     * below the folder).
     */
    static FormatResponse listing(RepositoryContext repo, String folder, Function<List<String>, Set<String>> generated)
            throws IOException {
        List<String> paths = new ArrayList<>();
        for (StoredAsset a : repo.list(folder)) {
            paths.add(a.path());
        }
        var children = FolderListing.children(folder, paths);
        children.addAll(generated.apply(paths));
        if (children.isEmpty() && !folder.isEmpty()) {
            return FormatResponse.notFound();
        }
        byte[] page = FolderListing.html("/" + repo.key() + "/" + folder, children, !folder.isEmpty());
        return FormatResponse.ok("text/html; charset=utf-8", page).validators(DocumentCache.etag(page), null);
    }

    /** GET of a file: the asset, else {@link #missing}. */
    static FormatResponse file(RepositoryContext repo, String path) throws IOException {
        Optional<StoredAsset> a = repo.get(path);
        return a.isPresent() ? FormatResponse.asset(a.get()) : missing(repo, path);
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
}
