package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.util.Optional;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Members;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * Serves distribution files and their PEP 658 metadata files, found by project and file name through
 * {@link Members}: a hosted repository reads what it stored; a remote one serves the files its
 * upstream's page lists (the core fetches them from the page's URLs, {@link PypiProxyPolicy#contentUri},
 * and caches them) and checks them against the page's sha256; a virtual one asks its members in order.
 */
final class PypiDownloads {
    static final String METADATA_CONTENT_TYPE = "text/plain; charset=utf-8";

    private final PypiIndexBuilder index;

    PypiDownloads(PypiIndexBuilder index) {
        this.index = index;
    }

    Optional<StoredAsset> file(RepositoryContext repo, String project, String version, String filename)
            throws IOException {
        return Members.first(repo, Members.bySource(h -> hostedFile(h, project, version, filename),
                r -> remoteFile(r, project, filename)));
    }

    private static Optional<StoredAsset> hostedFile(RepositoryContext hosted, String project, String version,
            String filename) throws IOException {
        Optional<StoredAsset> a = hosted.get(PypiNames.filePath(project, version, filename));
        return a.isPresent() ? a : findStored(hosted, project, filename);
    }

    private static Optional<StoredAsset> remoteFile(RepositoryContext remote, String project, String filename)
            throws IOException {
        // only what the upstream page lists: an unknown name costs no upstream request
        PypiProjectPage.File f = PypiIndexBuilder.remotePage(remote, project).map(p -> p.file(filename)).orElse(null);
        if (f == null) {
            return Optional.empty();
        }
        Optional<StoredAsset> got = remote.get(remotePath(project, filename));
        if (got.isPresent() && f.sha256() != null && !f.sha256().equalsIgnoreCase(got.get().sha256())) {
            throw new FormatException(502, "UPSTREAM_HASH_MISMATCH", filename + " from " + f.url()
                    + " has sha256 " + got.get().sha256() + " but the upstream index says " + f.sha256());
        }
        return got;
    }

    /**
     * The metadata file of {@code filename}, answered as a response, or empty when there is none. The
     * first repository by priority that has the file answers for its metadata too (also when it has no
     * metadata file: another member's would describe other bytes).
     */
    Optional<FormatResponse> metadata(RepositoryContext repo, String project, String version, String filename)
            throws IOException {
        return Members.first(repo, Members.bySource(h -> hostedMetadata(h, project, version, filename),
                r -> remoteMetadata(r, project, filename))).flatMap(m -> m);
    }

    private static Optional<Optional<FormatResponse>> hostedMetadata(RepositoryContext hosted, String project,
            String version, String filename) throws IOException {
        Optional<StoredAsset> f = hostedFile(hosted, project, version, filename);
        return f.isEmpty() ? Optional.empty() : Optional.of(hostedMetadata(hosted, project, filename, f.get()));
    }

    private static Optional<FormatResponse> hostedMetadata(RepositoryContext hosted, String project, String filename,
            StoredAsset file) throws IOException {
        try {
            Optional<StoredAsset> stored = hosted.get(file.path() + PypiIndexBuilder.METADATA_SUFFIX);
            if (stored.isPresent()) {
                return Optional.of(FormatResponse.asset(stored.get()).contentType(METADATA_CONTENT_TYPE));
            }
            if (!(file.attributes().get(PypiInspector.ATTR_METADATA_SHA256) instanceof String)) {
                return Optional.empty();
            }
            // uploaded through the artifacts API: read it from the archive now
            Optional<PypiNames.DistFile> dist = PypiNames.parse(filename, project);
            if (dist.isEmpty()) {
                return Optional.empty();
            }
            PypiInspector.Inspection i = PypiInspector.inspect(dist.get(), file);
            return i.servesMetadata() ? Optional.of(FormatResponse.ok(METADATA_CONTENT_TYPE, i.metadataBytes()))
                    : Optional.empty();
        } catch (ArchiveException e) {
            return Optional.empty();
        }
    }

    private static Optional<Optional<FormatResponse>> remoteMetadata(RepositoryContext remote, String project,
            String filename) throws IOException {
        PypiProjectPage.File f = PypiIndexBuilder.remotePage(remote, project).map(p -> p.file(filename)).orElse(null);
        if (f == null) {
            return Optional.empty();
        }
        if (!f.hasMetadata()) {
            return Optional.of(Optional.empty());
        }
        return Optional.of(remote.get(remotePath(project, filename) + PypiIndexBuilder.METADATA_SUFFIX)
                .map(a -> FormatResponse.asset(a).contentType(METADATA_CONTENT_TYPE)));
    }

    /** Where a remote repository caches a file: the same layout as uploads, version from the file name. */
    static String remotePath(String project, String filename) {
        return PypiNames.filePath(project, PypiNames.versionOf(filename, project), filename);
    }

    private static Optional<StoredAsset> findStored(RepositoryContext repo, String project, String filename)
            throws IOException {
        for (StoredAsset a : repo.list("packages/" + project + "/")) {
            if (a.path().endsWith("/" + filename) && a.path().split("/").length == 4) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
