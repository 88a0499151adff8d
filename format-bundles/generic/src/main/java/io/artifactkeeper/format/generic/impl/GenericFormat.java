package io.artifactkeeper.format.generic.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Component;
import org.owasp.encoder.Encode;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;
import io.artifactkeeper.format.support.PathCodec;

/**
 * The generic format: any file at any path under {@code /general/{repo}/}. GET/HEAD serve it,
 * PUT (or POST) stores it, replacing what was there, DELETE removes it; a path ending in '/' (or the
 * repository root) lists a folder.
 */
@Component
public final class GenericFormat implements FormatHandler {

    // "/generic/" too: Artifact Keeper's own clients and suites use that spelling
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("generic", List.of("raw"), "general",
            "Generic", List.of()).withMountAliases("generic");

    /** A folder: the root (empty) or segments each followed by '/'. */
    private static final String FOLDER = "{folder:(?:[^/]+/)*}";
    private static final List<Route> ROUTES = List.of(
            Route.read("folder", FOLDER).metadata(),
            Route.read("file", "{path+}"),
            Route.of("upload", "PUT POST", "{path+}", Access.WRITE),
            Route.of("delete", "DELETE", "{path+}", Access.DELETE));
    /** Largest upstream folder page read. */
    private static final int MAX_PAGE = 4 << 20;

    /** A remote fetches a folder's page as metadata (it changes upstream) and files as content. */
    private static final ProxyPolicy PROXY = new ProxyPolicy() {
        @Override
        public AssetKind kindOf(String path) {
            return path.isEmpty() || path.endsWith("/") ? AssetKind.METADATA : AssetKind.CONTENT;
        }
    };

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<Route> routes() {
        return ROUTES;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return PROXY;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case "folder" -> listing(repo, m.param("folder"));
            case "file" -> file(repo, m.param("path"));
            case "upload" -> upload(req, repo, m.param("path"));
            case "delete" -> repo.delete(m.param("path")) ? FormatResponse.status(204) : FormatResponse.notFound();
            default -> throw new IllegalStateException("unrouted " + m.name());
        };
    }

    private static FormatResponse file(RepositoryContext repo, String path) throws IOException {
        Optional<StoredAsset> a = repo.get(path);
        if (a.isPresent()) {
            return FormatResponse.asset(a.get());
        }
        if (!repo.list(path + "/").isEmpty()) {
            return FormatResponse.status(301).header("Location", repo.baseUrl() + "/" + PathCodec.encodePath(path) + "/");
        }
        return FormatResponse.notFound();
    }

    private static FormatResponse upload(FormatRequest req, RepositoryContext repo, String path) throws IOException {
        StoredAsset a = repo.put(path, req.body(), PutOptions.defaults().withExpectedChecksums(
                req.header("X-Checksum-Sha256").orElse(null), req.header("X-Checksum-Sha1").orElse(null),
                req.header("X-Checksum-Md5").orElse(null)));
        ObjectNode json = Json.object().put("path", a.path()).put("size_bytes", a.size()).put("checksum_sha256", a.sha256());
        return FormatResponse.status(201).body("application/json", Json.bytes(json))
                .header("Location", repo.baseUrl() + "/" + PathCodec.encodePath(a.path()));
    }

    /**
     * An HTML index of the folder's direct children (folders end in '/'); 404 for a folder with
     * nothing. A remote lists what it cached and what its upstream's own page for the folder names;
     * a virtual repository, the union of its members'.
     */
    private static FormatResponse listing(RepositoryContext repo, String folder) throws IOException {
        TreeSet<String> children = new TreeSet<>();
        for (Set<String> c : Members.values(repo, Members.bySource(h -> Optional.of(stored(h, folder)),
                r -> upstream(r, folder)))) {
            children.addAll(c);
        }
        if (children.isEmpty() && !folder.isEmpty()) {
            return FormatResponse.notFound();
        }
        byte[] page = page("/" + repo.key() + "/" + folder, children);
        return FormatResponse.ok("text/html; charset=utf-8", page).validators(DocumentCache.etag(page), null);
    }

    /** The direct children of {@code folder} among what {@code repo} holds. */
    private static Set<String> stored(RepositoryContext repo, String folder) throws IOException {
        Set<String> children = new TreeSet<>();
        for (StoredAsset a : repo.list(folder)) {
            String rest = a.path().substring(folder.length());
            int slash = rest.indexOf('/');
            if (!rest.isEmpty()) { // a remote's cached copy of the folder's own page
                children.add(slash < 0 ? rest : rest.substring(0, slash + 1));
            }
        }
        return children;
    }

    /**
     * A remote's children: what it cached, and what the upstream's page for the folder names (fetched
     * as metadata: kept for the metadata TTL, served stale while the upstream is down).
     */
    private static Optional<Set<String>> upstream(RepositoryContext remote, String folder) throws IOException {
        Set<String> children = stored(remote, folder);
        Optional<StoredAsset> page;
        try {
            page = remote.get(folder);
        } catch (FormatException e) {
            if (!Members.skippable(e) || children.isEmpty()) {
                throw e;
            }
            page = Optional.empty(); // the upstream is down and never answered for this folder: what is cached
        }
        if (page.isPresent()) {
            try (InputStream in = page.get().open()) {
                children.addAll(FolderLinks.children(new String(in.readNBytes(MAX_PAGE), StandardCharsets.UTF_8)));
            }
        }
        return children.isEmpty() ? Optional.empty() : Optional.of(children);
    }

    /**
     * The page. Names are whatever uploaders (or an upstream's page) chose, so every link is relative
     * and starts with {@code ./} (a child named {@code javascript:alert(1)} is a path, never a scheme),
     * the name is percent-encoded, and all of it goes through OWASP Encoder for its HTML context.
     */
    static byte[] page(String title, Iterable<String> children) {
        String t = Encode.forHtml("Index of " + title);
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(t)
                .append("</title></head><body><h1>").append(t).append("</h1><ul>\n");
        for (String c : children) {
            sb.append("<li><a href=\"").append(Encode.forHtmlAttribute(href(c))).append("\">").append(Encode.forHtml(c))
                    .append("</a></li>\n");
        }
        sb.append("</ul></body></html>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A relative link to a child: {@code ./} and the percent-encoded name (a folder keeps its slash). */
    static String href(String child) {
        boolean folder = child.endsWith("/");
        String name = folder ? child.substring(0, child.length() - 1) : child;
        return "./" + Encode.forUriComponent(name) + (folder ? "/" : "");
    }
}
