package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.pypi.impl.PypiSimpleIndex.Project;

/**
 * Builds the project list and project pages of a repository: from the stored files (local), from
 * the upstream's cached pages (remote), or merged from the members (virtual: union of files by
 * file name, the first member by priority wins).
 */
final class PypiIndexBuilder {
    /** Largest upstream page read (PyPI's own project list is about 30 MB). */
    static final int MAX_UPSTREAM_PAGE_BYTES = 256 * 1024 * 1024;
    static final String METADATA_SUFFIX = ".metadata";

    /** The page of a normalized project, if the repository has it. */
    Optional<PypiProjectPage> projectPage(RepositoryContext repo, String project) throws IOException {
        return switch (repo.type()) {
            case LOCAL, STAGING -> localPage(repo, project);
            case REMOTE -> remotePage(repo, project);
            case VIRTUAL -> {
                List<PypiProjectPage> pages = new ArrayList<>();
                for (RepositoryContext m : repo.members()) {
                    try {
                        projectPage(m, project).ifPresent(pages::add);
                    } catch (FormatException e) {
                        // a member whose upstream is down must not hide the others
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
                yield pages.isEmpty() ? Optional.empty() : Optional.of(PypiProjectPage.merge(project, pages));
            }
        };
    }

    /** The projects of a repository, sorted by normalized name. */
    List<Project> projects(RepositoryContext repo) throws IOException {
        TreeMap<String, Project> out = new TreeMap<>();
        collect(repo, out);
        return new ArrayList<>(out.values());
    }

    private void collect(RepositoryContext repo, Map<String, Project> out) throws IOException {
        switch (repo.type()) {
            case LOCAL, STAGING -> {
                for (StoredAsset a : repo.list("packages/")) {
                    String[] seg = a.path().split("/");
                    if (seg.length == 4 && !a.path().endsWith(METADATA_SUFFIX)) {
                        String display = a.name() != null && PypiNames.isValidName(a.name()) ? a.name() : seg[1];
                        out.putIfAbsent(seg[1], new Project(display, seg[1]));
                    }
                }
            }
            case REMOTE -> {
                Optional<StoredAsset> list = repo.get(PypiProxyPolicy.PROJECT_LIST);
                if (list.isPresent()) {
                    try {
                        for (Project p : PypiSimpleIndex.parseProjectList(read(list.get()), list.get().contentType())) {
                            out.putIfAbsent(p.normalized(), p);
                        }
                    } catch (PypiSimpleIndex.PageException e) {
                        throw new FormatException(502, "BAD_UPSTREAM_PAGE", e.getMessage());
                    }
                }
            }
            case VIRTUAL -> {
                for (RepositoryContext m : repo.members()) {
                    try {
                        collect(m, out);
                    } catch (FormatException e) {
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
            }
        }
    }

    /** Project pages of hosted repositories as last built, with the content stamp they were built at. */
    private final Map<String, CachedPage> localPages = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedPage> eldest) {
            return size() > 10_000;
        }
    });

    private record CachedPage(String stamp, Optional<PypiProjectPage> page) {
    }

    private Optional<PypiProjectPage> localPage(RepositoryContext repo, String project) throws IOException {
        String prefix = "packages/" + project + "/";
        String key = repo.key() + '\0' + project;
        // taken before the listing: a file stored meanwhile changes it and the page is rebuilt next time
        String stamp = repo.contentStamp(prefix);
        CachedPage cached = localPages.get(key);
        if (cached != null && cached.stamp().equals(stamp)) {
            return cached.page();
        }
        Optional<PypiProjectPage> page = buildLocalPage(repo, prefix, project);
        localPages.put(key, new CachedPage(stamp, page));
        return page;
    }

    private static Optional<PypiProjectPage> buildLocalPage(RepositoryContext repo, String prefix, String project) throws IOException {
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

    private static Optional<PypiProjectPage> remotePage(RepositoryContext repo, String project) throws IOException {
        String path = PypiProxyPolicy.projectPagePath(project);
        Optional<StoredAsset> cached = repo.get(path);
        if (cached.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset page = cached.get();
        URI pageUri;
        Object fetchedFrom = page.attributes().get("upstream_url");
        if (fetchedFrom instanceof String s) {
            pageUri = URI.create(s);
        } else {
            pageUri = new PypiProxyPolicy().upstreamUri(repo.upstreamUrl().orElseThrow(), path);
        }
        try {
            return Optional.of(PypiSimpleIndex.parseProjectPage(read(page), page.contentType(), pageUri, project));
        } catch (PypiSimpleIndex.PageException e) {
            throw new FormatException(502, "BAD_UPSTREAM_PAGE", e.getMessage());
        }
    }

    private static String read(StoredAsset a) throws IOException {
        if (a.size() > MAX_UPSTREAM_PAGE_BYTES) {
            throw new FormatException(502, "BAD_UPSTREAM_PAGE", "upstream page " + a.path() + " is larger than "
                    + MAX_UPSTREAM_PAGE_BYTES + " bytes");
        }
        try (InputStream in = a.open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
