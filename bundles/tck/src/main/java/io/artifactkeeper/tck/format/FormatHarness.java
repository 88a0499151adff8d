package io.artifactkeeper.tck.format;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.artifactkeeper.api.format.Caller;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.RouteTable;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Sends native-protocol requests to a {@link MemoryWorld}'s repositories the way the core dispatches
 * them: the format's routes matched once with the core's {@link RouteTable} (404 and 405 rendered by
 * the format), writes to remote (405) and virtual (400) repositories refused before the format is
 * called, {@link FormatException}s rendered in the format's native shape, assets and generated
 * documents answered with their validators and 304 on a match. Anything else a format throws is a 500
 * whose body is the stack trace (a conformance failure). Authorization is the core's and is not
 * simulated: the caller is whoever {@link Request#caller} names.
 */
public final class FormatHarness {
    private final MemoryWorld world;
    private final RouteTable routes;

    FormatHarness(MemoryWorld world) {
        this.world = world;
        this.routes = new RouteTable(world.handler().routes());
    }

    public Request request(String method, String repoKey, String pathAndQuery) {
        return new Request(method, repoKey, pathAndQuery);
    }

    public Response get(String repoKey, String pathAndQuery) {
        return request("GET", repoKey, pathAndQuery).send();
    }

    /**
     * This world as another registry's upstream: a URI {@code serverUrl/mount/key/path?query} is answered
     * by a GET (or the method asked) to repository {@code key}.
     */
    public ScriptedUpstream.Server asUpstream() {
        String prefix = world.serverUrl() + "/" + world.mountPath() + "/";
        return (method, uri, headers) -> {
            String s = uri.toString();
            if (!s.startsWith(prefix)) {
                return ScriptedUpstream.Reply.of(404, "text/plain", "not here".getBytes());
            }
            String rest = s.substring(prefix.length());
            int slash = rest.indexOf('/');
            String key = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "" : rest.substring(slash + 1);
            if (world.find(key).isEmpty()) {
                return ScriptedUpstream.Reply.of(404, "text/plain", "no repository".getBytes());
            }
            Request r = new Request(method, key, path);
            headers.forEach(r::header);
            Response resp = r.send();
            return ScriptedUpstream.Reply.of(resp.status(), resp.header("Content-Type").orElse(null), resp.body());
        };
    }

    /** A request being built. */
    public final class Request {
        private final String method;
        private final String repoKey;
        private final String rawPath;
        private final String query;
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte[] body = new byte[0];
        private Caller caller = new Caller("tck", "00000000-0000-0000-0000-000000000001", true);

        Request(String method, String repoKey, String pathAndQuery) {
            this.method = method.toUpperCase(Locale.ROOT);
            this.repoKey = repoKey;
            int q = pathAndQuery.indexOf('?');
            this.rawPath = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            this.query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        }

        public String method() {
            return method;
        }

        @Override
        public String toString() {
            return method + " " + repoKey + "/" + rawPath + (query.isEmpty() ? "" : "?" + query);
        }

        public Request header(String name, String value) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            return this;
        }

        public Request body(byte[] b) {
            this.body = b;
            return this;
        }

        public Request body(String s) {
            return body(s.getBytes(StandardCharsets.UTF_8));
        }

        public Request caller(Caller c) {
            this.caller = c;
            return this;
        }

        public Response send() {
            MemoryRepository repo = world.repository(repoKey);
            FormatHandler h = world.handler();
            String path = normalize(rawPath);
            Req req = new Req(this, path);
            try {
                FormatResponse fr;
                List<String> allow = null;
                try {
                    fr = dispatch(repo, h, req);
                } catch (FormatException e) {
                    fr = h.renderError(req, e.status(), e.code(), e.getMessage());
                }
                if (fr.status() == 405 && req.allowed != null) {
                    allow = List.of(String.join(", ", req.allowed));
                }
                Response r = render(req, fr);
                if (allow != null) {
                    r.headers.put("Allow", allow);
                }
                return r;
            } catch (IOException | RuntimeException e) {
                StringWriter sw = new StringWriter();
                e.printStackTrace(new PrintWriter(sw));
                return new Response(500, new LinkedHashMap<>(), sw.toString().getBytes(StandardCharsets.UTF_8));
            }
        }

        private FormatResponse dispatch(MemoryRepository repo, FormatHandler h, Req req) throws IOException {
            String path = req.path;
            if (!routes.routes().isEmpty()) {
                RouteTable.Result m = routes.match(method, path);
                if (m instanceof RouteTable.NoRoute) {
                    return h.renderError(req, 404, "NOT_FOUND", "not found: " + path);
                }
                if (m instanceof RouteTable.WrongMethod w) {
                    req.allowed = w.allowed();
                    return h.renderError(req, 405, "METHOD_NOT_ALLOWED", method + " is not allowed");
                }
                RouteMatch match = ((RouteTable.Matched) m).match();
                req.match = match;
                Route route = match.route();
                if (!route.allowedOnAnyRepositoryType() && !repo.type().hosted()) {
                    boolean remote = repo.type() == RepositoryType.REMOTE;
                    return h.renderError(req, remote ? 405 : 400, remote ? "METHOD_NOT_ALLOWED" : "BAD_REQUEST",
                            "repository " + repoKey + " is " + repo.type().wireName());
                }
            }
            return h.handle(req, repo);
        }

        private Response render(Req req, FormatResponse fr) throws IOException {
            Map<String, List<String>> hs = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Map.Entry<String, String> e : fr.headers()) {
                hs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
            boolean head = method.equals("HEAD");
            if (fr.asset() != null) {
                StoredAsset a = fr.asset();
                if (fr.status() == 200) {
                    String etag = "\"" + a.sha256() + "\"";
                    hs.put("ETag", List.of(etag));
                    Instant lm = a.updatedAt().truncatedTo(ChronoUnit.SECONDS);
                    hs.put("Last-Modified", List.of(httpDate(lm)));
                    if (notModified(etag, lm)) {
                        return new Response(304, hs, new byte[0]);
                    }
                }
                hs.put("Content-Type", List.of(fr.contentType() == null ? "application/octet-stream" : fr.contentType()));
                hs.put("Content-Length", List.of(String.valueOf(a.size())));
                byte[] b;
                try (InputStream in = a.open()) {
                    b = head ? new byte[0] : in.readAllBytes();
                }
                return new Response(fr.status(), hs, b);
            }
            if (fr.status() == 200 && (fr.etag() != null || fr.lastModified() != null)) {
                if (fr.etag() != null) {
                    hs.put("ETag", List.of(fr.etag()));
                }
                if (fr.lastModified() != null) {
                    hs.put("Last-Modified", List.of(httpDate(fr.lastModified())));
                }
                if (notModified(fr.etag(), fr.lastModified())) {
                    return new Response(304, hs, new byte[0]);
                }
            }
            if (fr.contentType() != null) {
                hs.put("Content-Type", List.of(fr.contentType()));
            }
            byte[] b = new byte[0];
            if (fr.bytes() != null) {
                b = fr.bytes();
            } else if (fr.writer() != null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                fr.writer().writeTo(out);
                b = out.toByteArray();
            }
            hs.put("Content-Length", List.of(String.valueOf(b.length)));
            return new Response(fr.status(), hs, head ? new byte[0] : b);
        }

        private boolean notModified(String etag, Instant lastModified) {
            List<String> inm = headers.get("If-None-Match");
            if (inm != null) {
                if (etag == null) {
                    return false;
                }
                for (String v : inm) {
                    for (String t : v.split(",")) {
                        String s = t.trim();
                        if (s.startsWith("W/")) {
                            s = s.substring(2);
                        }
                        if (s.equals(etag) || s.equals("*")) {
                            return true;
                        }
                    }
                }
                return false;
            }
            List<String> ims = headers.get("If-Modified-Since");
            if (ims == null || lastModified == null) {
                return false;
            }
            try {
                Instant since = ZonedDateTime.parse(ims.get(0), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return !lastModified.truncatedTo(ChronoUnit.SECONDS).isAfter(since);
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    static String httpDate(Instant i) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(i.atZone(ZoneOffset.UTC));
    }

    /**
     * The core's path rules, enforced here as the core does before a format sees a path. A trailing
     * slash stays, as the core keeps it: PyPI's {@code simple/{project}/} differs from
     * {@code simple/{project}} (which redirects to it).
     */
    static String normalize(String raw) {
        String decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        List<String> segs = new ArrayList<>();
        for (String s : decoded.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..") || s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the core refuses this path before a format sees it: " + raw);
            }
            segs.add(s);
        }
        // the core keeps a trailing slash (a PEP 503 page, a directory listing): so does the harness
        return String.join("/", segs) + (!segs.isEmpty() && decoded.endsWith("/") ? "/" : "");
    }

    /** A request as the format sees it. */
    private final class Req implements FormatRequest {
        private final Request r;
        private final String path;
        private RouteMatch match;
        private java.util.Set<String> allowed;

        Req(Request r, String path) {
            this.r = r;
            this.path = path;
        }

        @Override
        public String method() {
            return r.method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String rawPath() {
            return r.rawPath;
        }

        @Override
        public String query() {
            return r.query;
        }

        @Override
        public Optional<String> queryParam(String name) {
            List<String> v = queryParams().get(name);
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        @Override
        public Map<String, List<String>> queryParams() {
            Map<String, List<String>> out = new LinkedHashMap<>();
            if (r.query.isEmpty()) {
                return out;
            }
            for (String p : r.query.split("&")) {
                int eq = p.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
            return out;
        }

        @Override
        public Optional<String> header(String name) {
            List<String> v = r.headers.get(name);
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        @Override
        public InputStream body() {
            return new ByteArrayInputStream(r.body);
        }

        @Override
        public long contentLength() {
            return r.body.length;
        }

        @Override
        public Caller caller() {
            return r.caller;
        }

        @Override
        public String serverUrl() {
            return world.serverUrl();
        }

        @Override
        public Optional<String> repositoryKey() {
            return Optional.of(r.repoKey);
        }

        @Override
        public Optional<RouteMatch> match() {
            return Optional.ofNullable(match);
        }
    }

    /** What the harness answered. */
    public static final class Response {
        private final int status;
        private final Map<String, List<String>> headers;
        private final byte[] body;

        Response(int status, Map<String, List<String>> headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public byte[] body() {
            return body;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Optional<String> header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return Optional.of(e.getValue().get(0));
                }
            }
            return Optional.empty();
        }

        public Map<String, List<String>> headers() {
            return headers;
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + headers + " " + (t.length() > 2000 ? t.substring(0, 2000) + "..." : t);
        }
    }

    static URI uri(String s) {
        return URI.create(s);
    }

    static void unchecked(IOException e) {
        throw new UncheckedIOException(e);
    }
}
