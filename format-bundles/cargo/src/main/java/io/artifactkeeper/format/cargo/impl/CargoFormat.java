package io.artifactkeeper.format.cargo.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.cargo.impl.CargoRoutes.Route;

/**
 * The Cargo registry protocol under {@code /cargo/{repo}/}: the sparse index at {@code index/}
 * ({@code config.json} and one file per crate) and the Web API at {@code api/v1/crates} (publish,
 * download, yank, unyank, owners, search), for local, remote and virtual repositories. Errors are
 * answered in the Web API's {@code {"errors":[{"detail":...}]}} form, which cargo prints.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=cargo")
public final class CargoFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("cargo", List.of(), "cargo", "Cargo",
            List.of("crate"));
    private static final ProxyPolicy POLICY = new CargoProxyPolicy();
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
    public Access requiredAccess(FormatRequest req) {
        Route r = CargoRoutes.parse(req.path());
        String m = req.method();
        return switch (r.kind()) {
            case CONFIG, INDEX_FILE, DOWNLOAD, SEARCH -> isRead(m) ? Access.READ : Access.WRITE;
            // yanking keeps the file: it is a change, not a deletion
            case PUBLISH, YANK, UNYANK -> Access.WRITE;
            case OWNERS -> isRead(m) ? Access.READ : Access.WRITE;
            case UNKNOWN -> Access.forMethod(m);
        };
    }

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
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
        Route r = CargoRoutes.parse(req.path());
        String m = req.method();
        return switch (r.kind()) {
            case CONFIG -> isRead(m) ? config(req, repo) : notAllowed();
            case INDEX_FILE -> isRead(m) ? indexFile(req, repo, r.name()) : notAllowed();
            case DOWNLOAD -> isRead(m) ? download(repo, r.name(), r.version()) : notAllowed();
            case PUBLISH -> m.equals("PUT") ? json(200, new CargoPublisher(repo, req.caller())
                    .publish(req.body(), req.contentLength())) : notAllowed();
            case YANK -> m.equals("DELETE") ? yank(req, repo, r, true) : notAllowed();
            case UNYANK -> m.equals("PUT") ? yank(req, repo, r, false) : notAllowed();
            case OWNERS -> owners(req, repo, r.name());
            case SEARCH -> isRead(m) ? search(req, repo) : notAllowed();
            case UNKNOWN -> throw FormatException.notFound("not found: " + req.path());
        };
    }

    // --- index

    /** The index's {@code config.json}: downloads and the API on this repository, whatever its type. */
    private FormatResponse config(FormatRequest req, RepositoryContext repo) {
        ObjectNode o = CargoIndex.JSON.createObjectNode();
        o.put("dl", repo.baseUrl() + "/api/v1/crates");
        o.put("api", repo.baseUrl());
        // cargo then sends its token on every request, downloads and index files included
        o.put("auth-required", !repo.isPublic());
        return conditional(req, JSON_TYPE, bytes(o));
    }

    private FormatResponse indexFile(FormatRequest req, RepositoryContext repo, String name) throws IOException {
        if (repo.type() != RepositoryType.VIRTUAL) {
            StoredAsset a = CargoResolver.indexFile(repo, name).orElseThrow(() -> notFound(name));
            return FormatResponse.asset(a).contentType(INDEX_TYPE);
        }
        CargoResolver.Lines lines = CargoResolver.lines(repo, name).orElseThrow(() -> notFound(name));
        return conditional(req, INDEX_TYPE, CargoIndex.bytes(lines.lines()), lines.modified());
    }

    private static FormatResponse conditional(FormatRequest req, String type, byte[] body) {
        return conditional(req, type, body, null);
    }

    /**
     * Generated bytes with an ETag (and Last-Modified when {@code modified} is known); a matching
     * {@code If-None-Match}, or without one an {@code If-Modified-Since} not before it, gets 304.
     */
    private static FormatResponse conditional(FormatRequest req, String type, byte[] body, Instant modified) {
        String etag = "\"" + sha256(body) + "\"";
        boolean match = req.header("If-None-Match").map(v -> {
            for (String t : v.split(",")) {
                String s = t.trim();
                if (s.startsWith("W/")) {
                    s = s.substring(2);
                }
                if (s.equals(etag) || s.equals("*")) {
                    return true;
                }
            }
            return false;
        }).orElse(false);
        Instant lm = modified == null ? null : modified.truncatedTo(ChronoUnit.SECONDS);
        if (lm != null && req.header("If-None-Match").isEmpty()) {
            match = req.header("If-Modified-Since").map(v -> {
                try {
                    return !lm.isAfter(ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                } catch (DateTimeParseException e) {
                    return false;
                }
            }).orElse(false);
        }
        FormatResponse r = match ? FormatResponse.status(304) : FormatResponse.ok(type, body);
        if (lm != null) {
            r.header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(lm.atZone(ZoneOffset.UTC)));
        }
        return r.header("ETag", etag);
    }

    private FormatResponse download(RepositoryContext repo, String name, String version) throws IOException {
        StoredAsset a = CargoResolver.crate(repo, name, version).orElseThrow(() -> FormatException.notFound(
                "crate `" + name + "` version " + version + " not found in " + repo.key()));
        return FormatResponse.asset(a).contentType("application/gzip");
    }

    // --- web API

    private FormatResponse yank(FormatRequest req, RepositoryContext repo, Route r, boolean yanked) throws IOException {
        new CargoPublisher(repo, req.caller()).yank(r.name(), r.version(), yanked);
        return ok();
    }

    private FormatResponse owners(FormatRequest req, RepositoryContext repo, String name) throws IOException {
        CargoPublisher pub = new CargoPublisher(repo, req.caller());
        switch (req.method()) {
            case "GET", "HEAD" -> {
                if (repo.type() != RepositoryType.LOCAL && repo.type() != RepositoryType.STAGING) {
                    throw FormatException.notFound("owners are kept by hosted repositories only");
                }
                ObjectNode o = CargoIndex.JSON.createObjectNode();
                ArrayNode users = o.putArray("users");
                int id = 1;
                for (String u : pub.owners(name)) {
                    ObjectNode x = users.addObject();
                    x.put("id", id++);
                    x.put("login", u);
                    x.putNull("name");
                }
                return json(200, o);
            }
            case "PUT", "DELETE" -> {
                boolean add = req.method().equals("PUT");
                JsonNode body = readSmallJson(req);
                List<String> users = new ArrayList<>();
                if (body.get("users") instanceof ArrayNode a) {
                    a.forEach(u -> users.add(u.asText()));
                } else {
                    throw FormatException.badRequest("expected {\"users\": [...]}");
                }
                pub.changeOwners(name, users, add);
                ObjectNode o = CargoIndex.JSON.createObjectNode();
                o.put("ok", true);
                o.put("msg", (add ? "added " : "removed ") + String.join(", ", users) + (add ? " as owner(s) of " : " from the owners of ")
                        + name);
                return json(200, o);
            }
            default -> {
                return notAllowed();
            }
        }
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
        collect(repo, q, perPage, hits, total);
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

    private void collect(RepositoryContext repo, String q, int perPage, Map<String, Hit> hits, long[] total)
            throws IOException {
        switch (repo.type()) {
            case VIRTUAL -> {
                for (RepositoryContext m : repo.members()) {
                    try {
                        collect(m, q, perPage, hits, total);
                    } catch (FormatException e) {
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
            }
            case REMOTE -> searchUpstream(repo, q, perPage, hits, total);
            default -> {
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
                    total[0]++;
                    hits.putIfAbsent(name.toLowerCase(Locale.ROOT), new Hit(name, max, description));
                }
            }
        }
    }

    /** A remote asks its upstream's Web API, when the upstream's config.json names one. */
    private static void searchUpstream(RepositoryContext repo, String q, int perPage, Map<String, Hit> hits,
            long[] total) throws IOException {
        Optional<StoredAsset> cfg = repo.get(CargoProxyPolicy.UPSTREAM_CONFIG);
        if (cfg.isEmpty()) {
            return;
        }
        String api;
        try (InputStream in = cfg.get().open()) {
            JsonNode c = CargoIndex.JSON.readTree(in);
            api = c == null ? null : c.path("api").asText(null);
        } catch (JacksonException e) {
            return;
        }
        if (api == null || api.isBlank()) {
            return;
        }
        URI uri = URI.create((api.endsWith("/") ? api.substring(0, api.length() - 1) : api) + "/api/v1/crates?q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&per_page=" + perPage);
        Optional<FormatResponse> fr = repo.forwardUpstream("GET", uri, Map.of("Accept", "application/json"), null);
        if (fr.isEmpty() || fr.get().status() != 200) {
            return;
        }
        byte[] body = readBody(fr.get());
        JsonNode n;
        try {
            n = CargoIndex.JSON.readTree(body);
        } catch (JacksonException e) {
            return;
        }
        if (n == null) {
            return;
        }
        for (JsonNode c : n.path("crates")) {
            String name = c.path("name").asText(null);
            if (name != null) {
                hits.putIfAbsent(name.toLowerCase(Locale.ROOT), new Hit(name, c.path("max_version").asText(""),
                        c.path("description").isTextual() ? c.path("description").asText() : null));
            }
        }
        total[0] += n.path("meta").path("total").asLong(0);
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
                    || (CargoNames.isPrerelease(best) == CargoNames.isPrerelease(v) && CargoNames.compare(v, best) > 0)) {
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

    private FormatResponse notAllowed() {
        return renderError(405, "METHOD_NOT_ALLOWED", "method not allowed here");
    }

    private static FormatResponse ok() {
        return FormatResponse.json(200, "{\"ok\":true}");
    }

    private static FormatResponse json(int status, JsonNode body) {
        return FormatResponse.status(status).body(JSON_TYPE, bytes(body));
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return CargoIndex.JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readSmallJson(FormatRequest req) throws IOException {
        byte[] b = req.body().readNBytes(MAX_SMALL_BODY + 1);
        if (b.length > MAX_SMALL_BODY) {
            throw new FormatException(413, "TOO_LARGE", "request body too large");
        }
        try {
            JsonNode n = CargoIndex.JSON.readTree(b);
            if (n == null || !n.isObject()) {
                throw FormatException.badRequest("a JSON object is expected");
            }
            return n;
        } catch (JacksonException e) {
            throw FormatException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
