package io.artifactkeeper.format.npm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;

/**
 * The npm registry protocol under {@code /npm/{repo}/} for npm, yarn, pnpm and bower: packuments
 * (full and abbreviated), tarballs, publish, unpublish, deprecate, dist-tags, login, whoami, ping,
 * audit, search, and bower's package lookup.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=npm")
public final class NpmFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("npm", List.of("yarn", "pnpm", "bower"),
            "npm", "npm", List.of("tgz"));
    private static final ProxyPolicy POLICY = new NpmProxyPolicy();
    private static final List<Route> ROUTES = NpmRoutes.all();
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

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        ObjectNode o = NpmPackument.JSON.createObjectNode();
        o.put("error", message == null ? code : message);
        return FormatResponse.json(status, o.toString());
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) {
        int dash = path.indexOf("/-/");
        if (dash > 0) {
            String name = path.substring(0, dash);
            String file = path.substring(dash + 3);
            return new ArtifactDescription(name, NpmNames.versionOfTarball(name, file), "application/octet-stream", Map.of());
        }
        if (NpmProxyPolicy.isPackumentPath(path)) {
            return new ArtifactDescription(path.substring(0, path.length() - NpmNames.PACKUMENT_FILE.length() - 1), null,
                    "application/json", Map.of());
        }
        return ArtifactDescription.fromPath(path);
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch r = req.route();
        NpmPublisher pub = new NpmPublisher(repo);
        return switch (r.name()) {
            case "ping" -> json(200, NpmPackument.JSON.createObjectNode());
            case "whoami" -> whoami(req);
            case "login", "login-rev" -> login(req, repo, r.param("user"));
            case "logout" -> logout(req, repo, r.param("token"));
            case "audit" -> audit(req, repo, req.path());
            case "search" -> search(req, repo);
            case "dist-tags" -> json(200, NpmResolver.packument(repo, name(r)).map(NpmPackument::distTags)
                    .orElseThrow(() -> notFound(name(r))));
            case "dist-tags-write" -> json(201, pub.putTags(name(r), jsonObject(req), req.method().equals("PUT")));
            case "dist-tag" -> {
                ObjectNode tags = NpmResolver.packument(repo, name(r)).map(NpmPackument::distTags)
                        .orElseThrow(() -> notFound(name(r)));
                if (!tags.has(r.param("tag"))) {
                    throw FormatException.notFound("tag " + r.param("tag") + " not found on " + name(r));
                }
                yield json(200, tags.get(r.param("tag")));
            }
            case "dist-tag-write" -> req.method().equals("DELETE") ? json(200, pub.removeTag(name(r), r.param("tag")))
                    : json(201, pub.setTag(name(r), r.param("tag"), jsonString(req)));
            case "bower" -> bower(repo, name(r));
            case "packument" -> packument(req, repo, name(r));
            case "publish" -> json(201, pub.put(checkPublishName(name(r)), req.body(), false));
            case "update-rev" -> json(201, pub.put(checkPublishName(name(r)), req.body(), true));
            case "unpublish", "unpublish-rev" -> unpublish(pub, name(r));
            case "tarball" -> FormatResponse.asset(NpmResolver.tarball(repo, name(r), file(r))
                    .orElseThrow(() -> FormatException.notFound("tarball " + file(r) + " of " + name(r) + " not found")))
                    .contentType("application/octet-stream");
            case "delete-tarball", "delete-tarball-rev" -> deleteTarball(pub, name(r), file(r));
            case "delete-tarball-doubled" -> {
                if (!ownPath(repo).equals(r.param("mount") + "/" + r.param("repo"))) {
                    throw FormatException.notFound("not found: " + req.path());
                }
                yield deleteTarball(pub, name(r), file(r));
            }
            case "version" -> version(repo, name(r), r.param("version"));
            default -> throw new IllegalStateException("route without a handler: " + r.name());
        };
    }

    /** The route's package name, when it is one (the template only shapes the path). */
    private static String name(RouteMatch r) {
        String name = r.param("name");
        if (!NpmNames.isValid(name) || name.equals("-")) {
            throw notFound(name);
        }
        return name;
    }

    private static String file(RouteMatch r) {
        String file = r.param("file");
        if (!NpmNames.isSafeFile(file)) {
            throw FormatException.notFound("tarball " + file + " not found");
        }
        return file;
    }

    // --- reads

    private FormatResponse packument(FormatRequest req, RepositoryContext repo, String name) throws IOException {
        ObjectNode doc = NpmResolver.packument(repo, name).orElseThrow(() -> notFound(name));
        ObjectNode out = NpmPackument.withTarballsAt(doc, name, repo.baseUrl());
        boolean abbreviated = req.header("Accept").map(a -> a.toLowerCase(Locale.ROOT).contains(NpmPackument.ABBREVIATED_TYPE))
                .orElse(false);
        if (abbreviated) {
            out = NpmPackument.abbreviated(out);
        }
        byte[] body = NpmPackument.bytes(out);
        // the core answers If-None-Match with 304; the abbreviated and the full document differ in bytes
        return FormatResponse.ok(abbreviated ? NpmPackument.ABBREVIATED_TYPE + "; charset=utf-8"
                : "application/json; charset=utf-8", body).validators(DocumentCache.etag(body), null)
                .header("Vary", "Accept").header("Cache-Control", "no-cache");
    }

    private FormatResponse version(RepositoryContext repo, String name, String versionOrTag) throws IOException {
        ObjectNode doc = NpmPackument.withTarballsAt(NpmResolver.packument(repo, name).orElseThrow(() -> notFound(name)),
                name, repo.baseUrl());
        String v = NpmPackument.distTags(doc).path(versionOrTag).asText(versionOrTag);
        JsonNode manifest = NpmPackument.versions(doc).get(v);
        if (manifest == null) {
            throw FormatException.notFound("version " + versionOrTag + " of " + name + " not found");
        }
        return json(200, manifest);
    }

    private FormatResponse whoami(FormatRequest req) {
        if (req.caller().isAnonymous()) {
            return renderError(401, "UNAUTHORIZED", "You must be logged in to use whoami")
                    .header("WWW-Authenticate", "Basic realm=\"Artifact Keeper\"");
        }
        ObjectNode o = NpmPackument.JSON.createObjectNode();
        o.put("username", req.caller().username());
        return json(200, o);
    }

    /** CouchDB-style login: the user's password in the body, an API token in the answer. */
    private FormatResponse login(FormatRequest req, RepositoryContext repo, String user) throws IOException {
        if (isRead(req.method())) {
            if (req.caller().isAnonymous() || !req.caller().username().equals(user)) {
                throw FormatException.notFound("user " + user + " not found");
            }
            ObjectNode u = NpmPackument.JSON.createObjectNode();
            u.put("_id", "org.couchdb.user:" + user);
            u.put("name", user);
            u.put("type", "user");
            u.putArray("roles");
            return json(200, u);
        }
        ObjectNode body = jsonObject(req);
        String name = body.path("name").asText(null);
        String password = body.path("password").asText(null);
        if (name == null || password == null || password.isEmpty()) {
            throw FormatException.badRequest("name and password are required");
        }
        if (!name.equals(user)) {
            throw FormatException.badRequest("the body names user " + name + " but the URL names " + user);
        }
        Optional<String> token = repo.issueApiToken(name, password, "npm login " + Instant.now());
        if (token.isEmpty()) {
            return renderError(401, "UNAUTHORIZED", "bad username or password");
        }
        ObjectNode o = NpmPackument.JSON.createObjectNode();
        o.put("ok", "you are authenticated as '" + name + "'");
        o.put("id", "org.couchdb.user:" + name);
        o.put("token", token.get());
        return json(201, o);
    }

    /** npm logout: the caller's own token is revoked; nobody else's. */
    private FormatResponse logout(FormatRequest req, RepositoryContext repo, String token) throws IOException {
        if (req.caller().isAnonymous()) {
            return renderError(401, "UNAUTHORIZED", "log in to log out").header("WWW-Authenticate",
                    "Basic realm=\"Artifact Keeper\"");
        }
        if (!repo.revokeOwnApiToken(token)) {
            return renderError(403, "FORBIDDEN", "not a token of " + req.caller().username());
        }
        return ok(200);
    }

    /** Audits go to the upstream of a remote (or of a virtual's first remote member); others know no advisory. */
    private FormatResponse audit(FormatRequest req, RepositoryContext repo, String path) throws IOException {
        if (!req.method().equals("POST")) {
            return notAllowed();
        }
        RepositoryContext remote = Members.firstRemote(repo).orElse(null);
        if (remote != null) {
            Map<String, String> h = new LinkedHashMap<>();
            req.header("Content-Type").ifPresent(v -> h.put("Content-Type", v));
            req.header("Content-Encoding").ifPresent(v -> h.put("Content-Encoding", v));
            req.header("Accept").ifPresent(v -> h.put("Accept", v));
            URI up = remote.upstreamUrl().orElseThrow();
            String base = up.toString().endsWith("/") ? up.toString() : up + "/";
            Optional<FormatResponse> fr = remote.forwardUpstream("POST", URI.create(base + path), h, req.body());
            if (fr.isPresent()) {
                return fr.get();
            }
        }
        if (path.endsWith("/audits/quick") || path.endsWith("/audits")) {
            return json(200, NpmPackument.emptyQuickAudit());
        }
        return json(200, NpmPackument.JSON.createObjectNode());
    }

    /** {@code npm search}: the hosted packuments whose name, description or keywords contain the text. */
    private FormatResponse search(FormatRequest req, RepositoryContext repo) throws IOException {
        String text = req.queryParam("text").orElse("").toLowerCase(Locale.ROOT).trim();
        int size = req.queryParam("size").map(NpmFormat::parseIntOr20).orElse(20);
        ArrayNode objects = NpmPackument.JSON.createArrayNode();
        int total = 0;
        for (StoredAsset a : repo.list("")) {
            if (!NpmProxyPolicy.isPackumentPath(a.path())) {
                continue;
            }
            ObjectNode doc;
            try (InputStream in = a.open()) {
                doc = NpmPackument.parse(in);
            } catch (IOException e) {
                continue;
            }
            String name = doc.path("name").asText("");
            String latest = NpmPackument.distTags(doc).path("latest").asText(null);
            JsonNode m = latest == null ? null : NpmPackument.versions(doc).get(latest);
            String description = m != null ? m.path("description").asText("") : doc.path("description").asText("");
            String keywords = m != null ? m.path("keywords").toString() : "";
            if (!text.isEmpty() && !(name + " " + description + " " + keywords).toLowerCase(Locale.ROOT).contains(text)) {
                continue;
            }
            total++;
            if (objects.size() >= size) {
                continue;
            }
            ObjectNode o = objects.addObject();
            ObjectNode p = o.putObject("package");
            p.put("name", name);
            p.put("version", latest);
            p.put("description", description);
            if (m != null && m.get("keywords") != null) {
                p.set("keywords", m.get("keywords"));
            }
            p.put("date", NpmPackument.time(doc).path("modified").asText(null));
            // npm's search output lists (and filters on) maintainers' user names
            ArrayNode maintainers = p.putArray("maintainers");
            JsonNode ms = m != null && m.get("maintainers") != null ? m.get("maintainers") : doc.path("maintainers");
            for (JsonNode x : ms) {
                String u = x.path("username").asText(x.path("name").asText(null));
                if (u != null) {
                    ObjectNode o2 = maintainers.addObject();
                    o2.put("username", u);
                    if (x.hasNonNull("email")) {
                        o2.set("email", x.get("email"));
                    }
                }
            }
            if (m != null && m.get("_npmUser") instanceof ObjectNode u && u.hasNonNull("name")) {
                ObjectNode pubr = p.putObject("publisher");
                pubr.put("username", u.get("name").asText());
            }
            p.putObject("links").put("npm", repo.baseUrl() + "/" + name);
            ObjectNode score = o.putObject("score");
            score.put("final", 1.0);
            ObjectNode detail = score.putObject("detail");
            detail.put("quality", 1.0);
            detail.put("popularity", 1.0);
            detail.put("maintenance", 1.0);
            o.put("searchScore", 1.0);
        }
        ObjectNode out = NpmPackument.JSON.createObjectNode();
        out.set("objects", objects);
        out.put("total", total);
        out.put("time", Instant.now().toString());
        return json(200, out);
    }

    private static int parseIntOr20(String s) {
        try {
            return Math.max(1, Math.min(250, Integer.parseInt(s)));
        } catch (NumberFormatException e) {
            return 20;
        }
    }

    /**
     * Bower's registry lookup: {@code {"name", "url"}} with the URL of the package's latest tarball
     * here, which bower downloads and unpacks (no git needed).
     */
    private FormatResponse bower(RepositoryContext repo, String name) throws IOException {
        if (!NpmNames.isValid(name)) {
            throw FormatException.notFound("package " + name + " not found");
        }
        ObjectNode doc = NpmResolver.packument(repo, name).orElseThrow(() -> notFound(name));
        String latest = NpmPackument.distTags(doc).path("latest").asText(null);
        if (latest == null || !(NpmPackument.versions(doc).get(latest) instanceof ObjectNode m)) {
            throw FormatException.notFound("package " + name + " has no latest version");
        }
        String file = m.get("dist") instanceof ObjectNode d ? NpmPackument.fileOf(name, latest, d)
                : NpmNames.tarballFile(name, latest);
        ObjectNode o = NpmPackument.JSON.createObjectNode();
        o.put("name", name);
        o.put("url", repo.baseUrl() + "/" + NpmNames.tarballPath(name, file));
        return json(200, o);
    }

    // --- writes

    private static String checkPublishName(String name) {
        if (!NpmNames.isPublishable(name)) {
            throw FormatException.badRequest("invalid package name: " + name);
        }
        return name;
    }

    private static FormatResponse unpublish(NpmPublisher pub, String name) throws IOException {
        if (!pub.unpublish(name)) {
            throw notFound(name);
        }
        return ok(200);
    }

    private static FormatResponse deleteTarball(NpmPublisher pub, String name, String file) throws IOException {
        if (!pub.deleteTarball(name, file)) {
            throw notFound(name);
        }
        return ok(200);
    }

    /** The repository's own path below the server root: {@code npm/{repo}}. */
    private static String ownPath(RepositoryContext repo) {
        String own;
        try {
            own = URI.create(repo.baseUrl()).getPath();
        } catch (IllegalArgumentException e) {
            return "";
        }
        while (own.startsWith("/")) {
            own = own.substring(1);
        }
        return own;
    }

    // --- helpers

    private static FormatException notFound(String name) {
        return FormatException.notFound("package " + name + " not found");
    }

    private FormatResponse notAllowed() {
        return renderError(405, "METHOD_NOT_ALLOWED", "method not allowed here");
    }

    private static FormatResponse ok(int status) {
        return FormatResponse.json(status, "{\"ok\":true}");
    }

    private static FormatResponse json(int status, JsonNode body) {
        return FormatResponse.status(status).body("application/json; charset=utf-8", NpmPackument.bytes(body));
    }

    private static JsonNode readSmallJson(FormatRequest req) throws IOException {
        return Json.readClient(req.body(), MAX_SMALL_BODY, "the request body");
    }

    private static ObjectNode jsonObject(FormatRequest req) throws IOException {
        JsonNode n = readSmallJson(req);
        if (!(n instanceof ObjectNode o)) {
            throw FormatException.badRequest("a JSON object is expected");
        }
        return o;
    }

    /** The body of a dist-tag PUT: a JSON string (npm), or the bare version. */
    private static String jsonString(FormatRequest req) throws IOException {
        byte[] b = req.body().readNBytes(1024 + 1);
        if (b.length > 1024) {
            throw FormatException.badRequest("a version is expected");
        }
        String s = new String(b, StandardCharsets.UTF_8).trim();
        if (s.startsWith("\"")) {
            s = Json.readClient(new java.io.ByteArrayInputStream(b), 1024, "the dist-tag's version").asText();
        }
        if (!NpmNames.isVersion(s)) {
            throw FormatException.badRequest("not a version: " + s);
        }
        return s;
    }
}
