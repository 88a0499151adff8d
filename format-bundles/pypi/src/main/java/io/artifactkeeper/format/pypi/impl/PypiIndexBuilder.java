package io.artifactkeeper.format.pypi.impl;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.pypi.impl.PypiSimpleIndex.Project;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;

/**
 * Builds the project list and project pages of a repository through {@link Members}: a hosted
 * repository answers from its stored files (its pages kept in a {@link DocumentCache} until their
 * content stamp changes), a remote one from its upstream's pages (fetched and cached as metadata by
 * the core), a virtual one merges its members' (union of files by file name, the first member by
 * priority wins).
 */
final class PypiIndexBuilder {
    static final String METADATA_SUFFIX = ".metadata";

    private final DocumentCache hostedPages = new DocumentCache();

    /** The page of a normalized project, if the repository has it. */
    Optional<PypiProjectPage> projectPage(RepositoryContext repo, String project) throws IOException {
        List<PypiProjectPage> pages = Members.values(repo, Members.bySource(h -> hostedPage(h, project),
                r -> remotePage(r, project)));
        if (pages.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(pages.size() == 1 ? pages.get(0) : PypiProjectPage.merge(project, pages));
    }

    /** The projects of a repository, sorted by normalized name. */
    List<Project> projects(RepositoryContext repo) throws IOException {
        TreeMap<String, Project> out = new TreeMap<>();
        for (List<Project> ps : Members.values(repo, Members.bySource(h -> Optional.of(hostedProjects(h)),
                PypiIndexBuilder::remoteProjects))) {
            for (Project p : ps) {
                out.putIfAbsent(p.normalized(), p);
            }
        }
        return new ArrayList<>(out.values());
    }

    private static List<Project> hostedProjects(RepositoryContext hosted) throws IOException {
        List<Project> out = new ArrayList<>();
        for (StoredAsset a : hosted.list("packages/")) {
            String[] seg = a.path().split("/");
            if (seg.length == 4 && !a.path().endsWith(METADATA_SUFFIX)) {
                String display = a.name() != null && PypiNames.isValidName(a.name()) ? a.name() : seg[1];
                out.add(new Project(display, seg[1]));
            }
        }
        return out;
    }

    private static Optional<List<Project>> remoteProjects(RepositoryContext remote) throws IOException {
        Optional<StoredAsset> list = remote.get(PypiProxyPolicy.PROJECT_LIST);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = open(list.get())) {
            return Optional.of(PypiSimpleIndex.parseProjectList(in, list.get().contentType()));
        } catch (PypiSimpleIndex.PageException e) {
            throw new FormatException(502, "BAD_UPSTREAM_PAGE", e.getMessage());
        }
    }

    /**
     * A hosted repository's page, built from its listing once per content stamp of the project's
     * folder (a file stored meanwhile changes the stamp, and the page is built again next time).
     */
    private Optional<PypiProjectPage> hostedPage(RepositoryContext repo, String project) throws IOException {
        String prefix = "packages/" + project + "/";
        byte[] doc = hostedPages.get(repo, prefix, "page:" + project, () -> {
            Optional<PypiProjectPage> page = buildHostedPage(repo, prefix, project);
            return page.isEmpty() ? new byte[0] : Json.bytesOf(page.get());
        }).bytes();
        return doc.length == 0 ? Optional.empty() : Optional.of(Json.mapper().readValue(doc, PypiProjectPage.class));
    }

    private static Optional<PypiProjectPage> buildHostedPage(RepositoryContext repo, String prefix, String project)
            throws IOException {
        List<StoredAsset> assets = repo.list(prefix);
        Map<String, StoredAsset> metadata = new HashMap<>();
        for (StoredAsset a : assets) {
            if (a.path().endsWith(METADATA_SUFFIX)) {
                metadata.put(a.path().substring(0, a.path().length() - METADATA_SUFFIX.length()), a);
            }
        }
        List<PypiProjectPage.File> files = new ArrayList<>();
        for (StoredAsset a : assets) {
            String[] seg = a.path().split("/");
            if (seg.length != 4 || a.path().endsWith(METADATA_SUFFIX) || PypiNames.typeOf(seg[3]).isEmpty()) {
                continue;
            }
            Object attrHash = a.attributes().get(PypiInspector.ATTR_METADATA_SHA256);
            StoredAsset md = metadata.get(a.path());
            String mdHash = attrHash instanceof String s ? s : md != null ? md.sha256() : null;
            Object rp = a.attributes().get(PypiInspector.ATTR_REQUIRES_PYTHON);
            files.add(new PypiProjectPage.File(seg[3], seg[2], null, Map.of("sha256", a.sha256()),
                    rp instanceof String s && !s.isBlank() ? s : null, mdHash != null,
                    mdHash == null ? Map.of() : Map.of("sha256", mdHash), false, null, a.size(),
                    PypiSimpleIndex.uploadTime(a.createdAt())));
        }
        if (files.isEmpty()) {
            return Optional.empty();
        }
        files.sort(Comparator.comparing(PypiProjectPage.File::filename));
        return Optional.of(new PypiProjectPage(project, List.copyOf(files), List.of()));
    }

    /** A remote repository's page of a project: its upstream's, as cached (fetched on a miss or after the TTL). */
    static Optional<PypiProjectPage> remotePage(RepositoryContext remote, String project) throws IOException {
        String path = PypiProxyPolicy.projectPagePath(project);
        Optional<StoredAsset> cached = remote.get(path);
        if (cached.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset page = cached.get();
        URI pageUri;
        if (page.attributes().get("upstream_url") instanceof String s) {
            pageUri = URI.create(s);
        } else {
            pageUri = PypiProxyPolicy.simpleRoot(remote.upstreamUrl().orElseThrow()).resolve(project + "/");
        }
        try (InputStream in = open(page)) {
            return Optional.of(PypiSimpleIndex.parseProjectPage(in, page.contentType(), pageUri, project));
        } catch (PypiSimpleIndex.PageException e) {
            throw new FormatException(502, "BAD_UPSTREAM_PAGE", e.getMessage());
        }
    }

    /** An upstream page's bytes, buffered (the form is sniffed from its start), within the size limit. */
    private static InputStream open(StoredAsset a) throws IOException {
        if (a.size() > PypiSimpleIndex.MAX_UPSTREAM_PAGE_BYTES) {
            throw new FormatException(502, "BAD_UPSTREAM_PAGE", "upstream page " + a.path() + " is larger than "
                    + PypiSimpleIndex.MAX_UPSTREAM_PAGE_BYTES + " bytes");
        }
        return new BufferedInputStream(a.open(), 65536);
    }
}
