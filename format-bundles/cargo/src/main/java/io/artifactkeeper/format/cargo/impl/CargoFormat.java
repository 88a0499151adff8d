package io.artifactkeeper.format.cargo.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;
import io.artifactkeeper.format.support.SemVer;

/**
 * The Cargo registry protocol under {@code /cargo/{repo}/}: the sparse index at the repository root
 * (and, as before, at {@code index/}: {@code config.json} and one file per crate) and the Web API at
 * {@code api/v1/crates} (publish,
 * download, yank, unyank, owners, search), for local, remote and virtual repositories. Errors are
 * answered in the Web API's {@code {"errors":[{"detail":...}]}} form, which cargo prints.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=cargo")
public final class CargoFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("cargo", List.of(), "cargo", "Cargo",
            List.of("crate"));
    private static final ProxyPolicy POLICY = new CargoProxyPolicy();
    private static final List<Route> ROUTES = CargoRoutes.all();
    private static final String INDEX_TYPE = "text/plain; charset=utf-8";
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final int MAX_SMALL_BODY = 1024 * 1024;

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return POLICY;
    }

    @Override
    public List<Route> routes() {
        return ROUTES;
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        ObjectNode o = CargoIndex.JSON.createObjectNode();
        o.putArray("errors").addObject().put("detail", message == null ? code : message);
        FormatResponse r = FormatResponse.status(status).body(JSON_TYPE, bytes(o));
        if (status == 401) {
            // cargo reads a "Cargo" challenge; other clients (curl, browsers) want Basic
            r.header("WWW-Authenticate", "Cargo").header("WWW-Authenticate", "Basic realm=\"Artifact Keeper\"");
        }
        return r;
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) {
        String[] nv = CargoNames.ofCratePath(path);
        if (nv != null) {
            return new ArtifactDescription(nv[0], nv[1], "application/gzip", Map.of("cargo_kind", "crate"));
        }
        if (path.startsWith(CargoNames.INDEX_DIR)) {
            String name = CargoNames.nameOfIndexPath(path.substring(CargoNames.INDEX_DIR.length()));
            if (name != null) {
                return new ArtifactDescription(name, null, INDEX_TYPE, Map.of("cargo_kind", "index"));
            }
        }
        return ArtifactDescription.fromPath(path);
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch r = req.route();
        return switch (r.name()) {
            case "config", "config-in-index" -> config(repo);
            case "index-file", "index-file-in-index" -> indexFile(repo, r.param("dir") + "/" + r.param("name"));
            case "search" -> search(req, repo);
            case "publish" -> json(200, new CargoPublisher(repo, req.caller()).publish(req.body(), req.contentLength()));
            case "owners" -> owners(repo, crateName(r));
            case "owners-change" -> changeOwners(req, repo, crateName(r));
            case "download" -> download(repo, crateName(r), version(r));
            case "yank" -> yank(req, repo, crateName(r), version(r), true);
            case "unyank" -> yank(req, repo, crateName(r), version(r), false);
            default -> throw new IllegalStateException("route without a handler: " + r.name());
        };
    }

    /** The route's crate name, when it is one (the template only shapes the path). */
    private static String crateName(RouteMatch r) {
        String name = r.param("name");
        if (!CargoNames.isDependencyName(name)) {
            throw FormatException.notFound("not found: invalid crate name `" + name + "`");
        }
        return name;
    }

    private static String version(RouteMatch r) {
        String version = r.param("version");
        if (!CargoNames.isVersion(version)) {
            throw FormatException.notFound("not found: invalid version `" + version + "`");
        }
        return version;
    }

    // --- index

    /** The index's {@code config.json}: downloads and the API on this repository, whatever its type. */
    private FormatResponse config(RepositoryContext repo) {
        ObjectNode o = CargoIndex.JSON.createObjectNode();
        o.put("dl", repo.baseUrl() + "/api/v1/crates");
        o.put("api", repo.baseUrl());
        // cargo then sends its token on every request, downloads and index files included
        o.put("auth-required", !repo.isPublic());
        byte[] body = bytes(o);
        return FormatResponse.ok(JSON_TYPE, body).validators(DocumentCache.etag(body), null);
    }

    /**
     * An index file below the index root ({@code dir/name}): one repository's file as stored (the core
     * answers conditional requests on it), or several members' lines merged, with validators of their
     * own (the core answers cargo's If-None-Match and If-Modified-Since with 304).
     */
    private FormatResponse indexFile(RepositoryContext repo, String below) throws IOException {
        String name = CargoNames.nameOfIndexPath(below);
        if (name == null) {
            throw FormatException.notFound("not found: " + below + " is not an index file");
        }
        CargoResolver.Index index = CargoResolver.index(repo, name).orElseThrow(() -> notFound(name));
        if (index.single().isPresent()) {
            return FormatResponse.asset(index.single().get()).contentType(INDEX_TYPE);
        }
        byte[] body = CargoIndex.bytes(index.lines());
        return FormatResponse.ok(INDEX_TYPE, body).validators(DocumentCache.etag(body), index.modified());
    }

    private FormatResponse download(RepositoryContext repo, String name, String version) throws IOException {
        StoredAsset a = CargoResolver.crate(repo, name, version).orElseThrow(() -> FormatException.notFound(
                "crate `" + name + "` version " + version + " not found in " + repo.key()));
        return FormatResponse.asset(a).contentType("application/gzip");
    }

    // --- web API

    private FormatResponse yank(FormatRequest req, RepositoryContext repo, String name, String version, boolean yanked)
            throws IOException {
        new CargoPublisher(repo, req.caller()).yank(name, version, yanked);
        return ok();
    }

    /** Owners are kept by hosted repositories: a virtual answers its first hosted member's, a remote none. */
    private FormatResponse owners(RepositoryContext repo, String name) throws IOException {
        List<String> owners = Members.first(repo, Members.bySource(
                h -> CargoPublisher.index(h, name).map(CargoPublisher.Index::owners), r -> Optional.empty()))
                .orElseThrow(() -> FormatException.notFound("crate `" + name + "` has no owners here "
                        + "(owners are kept by hosted repositories only)"));
        ObjectNode o = CargoIndex.JSON.createObjectNode();
        ArrayNode users = o.putArray("users");
        int id = 1;
        for (String u : owners) {
            ObjectNode x = users.addObject();
            x.put("id", id++);
            x.put("login", u);
            x.putNull("name");
        }
        return json(200, o);
    }

    private FormatResponse changeOwners(FormatRequest req, RepositoryContext repo, String name) throws IOException {
        boolean add = req.method().equals("PUT");
        JsonNode body = readSmallJson(req);
        List<String> users = new ArrayList<>();
        if (body.get("users") instanceof ArrayNode a) {
            a.forEach(u -> users.add(u.asText()));
        } else {
            throw FormatException.badRequest("expected {\"users\": [...]}");
        }
        new CargoPublisher(repo, req.caller()).changeOwners(name, users, add);
        ObjectNode o = CargoIndex.JSON.createObjectNode();
        o.put("ok", true);
        o.put("msg", (add ? "added " : "removed ") + String.join(", ", users) + (add ? " as owner(s) of "
                : " from the owners of ") + name);
        return json(200, o);
    }

    /** One search hit. */
    private record Hit(String name, String maxVersion, String description) {
    }

    /** {@code cargo search}: crates whose name or description contain the query. */
    private FormatResponse search(FormatRequest req, RepositoryContext repo) throws IOException {
        String q = req.queryParam("q").orElse("").trim().toLowerCase(Locale.ROOT);
        int perPage = req.queryParam("per_page").map(CargoFormat::parsePerPage).orElse(10);
        Map<String, Hit> hits = new LinkedHashMap<>();
        long[] total = {0};
        // each repository answers for itself: hosted ones from their index files, a remote from its upstream's API
        for (Hits h : Members.values(repo, Members.bySource(hosted -> Optional.of(searchHosted(hosted, q)),
                remote -> searchUpstream(remote, q, perPage)))) {
            h.hits().forEach(hits::putIfAbsent);
            total[0] += h.total();
        }
        ObjectNode o = CargoIndex.JSON.createObjectNode();
        ArrayNode crates = o.putArray("crates");
        hits.values().stream().limit(perPage).forEach(h -> {
            ObjectNode c = crates.addObject();
            c.put("name", h.name());
            c.put("max_version", h.maxVersion());
            if (h.description() != null) {
                c.put("description", h.description());
            } else {
                c.putNull("description");
            }
        });
        o.putObject("meta").put("total", Math.max(total[0], hits.size()));
        return json(200, o);
    }

    /** What one repository found. */
    private record Hits(Map<String, Hit> hits, long total) {
    }

    private static Hits searchHosted(RepositoryContext repo, String q) throws IOException {
        Map<String, Hit> hits = new LinkedHashMap<>();
        long total = 0;
        for (StoredAsset a : repo.list(CargoNames.INDEX_DIR)) {
            List<ObjectNode> lines;
            try (InputStream in = a.open()) {
                lines = CargoIndex.parse(in);
            } catch (IOException e) {
                continue;
            }
            if (lines.isEmpty()) {
                continue;
            }
            String name = lines.get(0).path("name").asText();
            String max = maxVersion(lines);
            if (max == null) {
                continue;
            }
            String description = repo.get(CargoNames.cratePath(name, max))
                    .map(c -> c.attributes().get("description")).map(String::valueOf).orElse(null);
            if (!matches(q, name, description)) {
                continue;
            }
            total++;
            hits.putIfAbsent(name.toLowerCase(Locale.ROOT), new Hit(name, max, description));
        }
        return new Hits(hits, total);
    }

    /** A remote asks its upstream's Web API, when the upstream's config.json names one. */
    private static Optional<Hits> searchUpstream(RepositoryContext repo, String q, int perPage) throws IOException {
        Optional<StoredAsset> cfg = repo.get(CargoProxyPolicy.UPSTREAM_CONFIG);
        if (cfg.isEmpty()) {
            return Optional.empty();
        }
        String api;
        try (InputStream in = cfg.get().open()) {
            api = Json.readUpstream(in, MAX_SMALL_BODY, "the upstream's config.json").path("api").asText(null);
        }
        if (api == null || api.isBlank()) {
            return Optional.empty();
        }
        URI uri = URI.create((api.endsWith("/") ? api.substring(0, api.length() - 1) : api) + "/api/v1/crates?q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&per_page=" + perPage);
        Optional<FormatResponse> fr = repo.forwardUpstream("GET", uri, Map.of("Accept", "application/json"), null);
        if (fr.isEmpty() || fr.get().status() != 200) {
            return Optional.empty();
        }
        JsonNode n = Json.readUpstream(new java.io.ByteArrayInputStream(readBody(fr.get())), 4 * MAX_SMALL_BODY,
                "the upstream's search answer");
        Map<String, Hit> hits = new LinkedHashMap<>();
        for (JsonNode c : n.path("crates")) {
            String name = c.path("name").asText(null);
            if (name != null) {
                hits.putIfAbsent(name.toLowerCase(Locale.ROOT), new Hit(name, c.path("max_version").asText(""),
                        c.path("description").isTextual() ? c.path("description").asText() : null));
            }
        }
        return Optional.of(new Hits(hits, n.path("meta").path("total").asLong(0)));
    }

    private static byte[] readBody(FormatResponse fr) throws IOException {
        if (fr.bytes() != null) {
            return fr.bytes();
        }
        if (fr.writer() == null) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fr.writer().writeTo(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (out.size() + len > 4 * MAX_SMALL_BODY) {
                    throw new IOException("upstream search answer too large");
                }
                out.write(b, off, len);
            }
        });
        return out.toByteArray();
    }

    private static boolean matches(String q, String name, String description) {
        if (q.isEmpty()) {
            return true;
        }
        String n = name.toLowerCase(Locale.ROOT).replace('-', '_');
        return n.contains(q.replace('-', '_')) || (description != null && description.toLowerCase(Locale.ROOT).contains(q));
    }

    /** The highest version that is not yanked (preferring releases over pre-releases), or null. */
    static String maxVersion(List<ObjectNode> lines) {
        String best = null;
        for (ObjectNode l : lines) {
            if (l.path("yanked").asBoolean(false)) {
                continue;
            }
            String v = l.path("vers").asText();
            if (best == null || (CargoNames.isPrerelease(best) && !CargoNames.isPrerelease(v))
                    || (CargoNames.isPrerelease(best) == CargoNames.isPrerelease(v) && SemVer.compareStrings(v, best) > 0)) {
                best = v;
            }
        }
        return best;
    }

    private static int parsePerPage(String s) {
        try {
            return Math.max(1, Math.min(100, Integer.parseInt(s)));
        } catch (NumberFormatException e) {
            return 10;
        }
    }

    // --- helpers

    private static FormatException notFound(String name) {
        return FormatException.notFound("crate `" + name + "` not found");
    }

    private static FormatResponse ok() {
        return FormatResponse.json(200, "{\"ok\":true}");
    }

    private static FormatResponse json(int status, JsonNode body) {
        return FormatResponse.status(status).body(JSON_TYPE, bytes(body));
    }

    private static byte[] bytes(JsonNode n) {
        return Json.bytes(n);
    }

    private static JsonNode readSmallJson(FormatRequest req) throws IOException {
        JsonNode n = Json.readClient(req.body(), MAX_SMALL_BODY, "the request body");
        if (!n.isObject()) {
            throw FormatException.badRequest("a JSON object is expected");
        }
        return n;
    }
}
