package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Serves distribution files and their PEP 658 metadata files. Files are found by project and file
 * name: a local repository reads what it stored; a remote one serves its cache or fetches the file
 * from the URL the upstream's page gives (another host, an absolute or a relative URL) and checks it
 * against the page's sha256; a virtual one asks its members in order.
 */
final class PypiDownloads {
    static final String METADATA_CONTENT_TYPE = "text/plain; charset=utf-8";

    private final PypiIndexBuilder index;

    PypiDownloads(PypiIndexBuilder index) {
        this.index = index;
    }

    Optional<StoredAsset> file(RepositoryContext repo, String project, String version, String filename)
            throws IOException {
        switch (repo.type()) {
            case LOCAL, STAGING -> {
                Optional<StoredAsset> a = repo.get(PypiNames.filePath(project, version, filename));
                return a.isPresent() ? a : findStored(repo, project, filename);
            }
            case REMOTE -> {
                String path = remotePath(project, filename);
                Optional<StoredAsset> cached = cachedOnly(repo, path);
                if (cached.isPresent()) {
                    return cached;
                }
                Optional<PypiProjectPage> page = index.projectPage(repo, project);
                PypiProjectPage.File f = page.map(p -> p.file(filename)).orElse(null);
                if (f == null) {
                    return Optional.empty();
                }
                Optional<StoredAsset> got = repo.fetch(path, URI.create(f.url()), AssetKind.CONTENT);
                if (got.isPresent() && f.sha256() != null && !f.sha256().equalsIgnoreCase(got.get().sha256())) {
                    throw new FormatException(502, "UPSTREAM_HASH_MISMATCH", filename + " from " + f.url()
                            + " has sha256 " + got.get().sha256() + " but the upstream index says " + f.sha256());
                }
                return got;
            }
            case VIRTUAL -> {
                for (RepositoryContext m : repo.members()) {
                    try {
                        Optional<StoredAsset> a = file(m, project, version, filename);
                        if (a.isPresent()) {
                            return a;
                        }
                    } catch (FormatException e) {
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
                return Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** The metadata file of {@code filename}, answered as a response, or empty when there is none. */
    Optional<FormatResponse> metadata(RepositoryContext repo, String project, String version, String filename)
            throws IOException {
        switch (repo.type()) {
            case LOCAL, STAGING -> {
                Optional<StoredAsset> file = file(repo, project, version, filename);
                if (file.isEmpty()) {
                    return Optional.empty();
                }
                Optional<StoredAsset> stored = repo.get(file.get().path() + PypiIndexBuilder.METADATA_SUFFIX);
                if (stored.isPresent()) {
                    return Optional.of(FormatResponse.asset(stored.get()).contentType(METADATA_CONTENT_TYPE));
                }
                if (!(file.get().attributes().get(PypiInspector.ATTR_METADATA_SHA256) instanceof String)) {
                    return Optional.empty();
                }
                // uploaded through the artifacts API: read it from the archive now
                Optional<PypiNames.DistFile> dist = PypiNames.parse(filename, project);
                if (dist.isEmpty()) {
                    return Optional.empty();
                }
                try {
                    PypiInspector.Inspection i = PypiInspector.inspect(dist.get(), PypiByteSource.of(file.get()));
                    return i.servesMetadata() ? Optional.of(FormatResponse.ok(METADATA_CONTENT_TYPE, i.metadataBytes()))
                            : Optional.empty();
                } catch (PypiArchives.InvalidArchiveException e) {
                    return Optional.empty();
                }
            }
            case REMOTE -> {
                String path = remotePath(project, filename) + PypiIndexBuilder.METADATA_SUFFIX;
                Optional<StoredAsset> cached = cachedOnly(repo, path);
                if (cached.isEmpty()) {
                    PypiProjectPage.File f = index.projectPage(repo, project).map(p -> p.file(filename)).orElse(null);
                    if (f == null || !f.hasMetadata()) {
                        return Optional.empty();
                    }
                    cached = repo.fetch(path, URI.create(f.url() + PypiIndexBuilder.METADATA_SUFFIX), AssetKind.CONTENT);
                }
                return cached.map(a -> FormatResponse.asset(a).contentType(METADATA_CONTENT_TYPE));
            }
            case VIRTUAL -> {
                // the member whose file the merged page lists answers for its metadata too
                for (RepositoryContext m : repo.members()) {
                    try {
                        Optional<PypiProjectPage> page = index.projectPage(m, project);
                        if (page.isPresent() && page.get().file(filename) != null) {
                            return metadata(m, project, version, filename);
                        }
                    } catch (FormatException e) {
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
                return Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** Where a remote repository caches a file: the same layout as uploads, version from the file name. */
    static String remotePath(String project, String filename) {
        return PypiNames.filePath(project, PypiNames.versionOf(filename, project), filename);
    }

    /** A remote's cached copy, without asking the upstream (content never changes once cached). */
    private static Optional<StoredAsset> cachedOnly(RepositoryContext repo, String path) throws IOException {
        for (StoredAsset a : repo.list(path)) {
            if (a.path().equals(path)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
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
