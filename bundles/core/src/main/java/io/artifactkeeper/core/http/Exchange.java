package io.artifactkeeper.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.artifactkeeper.core.security.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** One request/response pair with the helpers every resource needs. */
public final class Exchange {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** JSON request bodies on the API are small; anything bigger is refused. */
    private static final int MAX_JSON_BODY = 4 * 1024 * 1024;

    private final HttpServletRequest req;
    private final HttpServletResponse resp;
    private final String path;
    private final Map<String, String> params = new LinkedHashMap<>();
    private Principal principal;
    private String requestId;
    private String serverUrl;

    public Exchange(HttpServletRequest req, HttpServletResponse resp, String path) {
        this.req = req;
        this.resp = resp;
        this.path = path;
    }

    public HttpServletRequest request() {
        return req;
    }

    public HttpServletResponse response() {
        return resp;
    }

    /** The raw (encoded) path of the request without the context path. */
    public String path() {
        return path;
    }

    public String method() {
        return req.getMethod();
    }

    public Map<String, String> params() {
        return params;
    }

    public String param(String name) {
        return params.get(name);
    }

    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    public void principal(Principal p) {
        this.principal = p;
    }

    public Principal requirePrincipal() {
        if (principal == null) {
            throw ApiException.unauthorized("authentication required");
        }
        return principal;
    }

    public Principal requireAdmin() {
        Principal p = requirePrincipal();
        if (!p.admin() || !p.hasScope("admin")) {
            throw ApiException.forbidden("administrator rights required");
        }
        return p;
    }

    public String requestId() {
        return requestId;
    }

    public void requestId(String id) {
        this.requestId = id;
    }

    public String serverUrl() {
        return serverUrl;
    }

    public void serverUrl(String url) {
        this.serverUrl = url;
    }

    public String query(String name) {
        String v = req.getParameter(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public int queryInt(String name, int dflt, int min, int max) {
        String v = query(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter " + name + " must be a number");
        }
    }

    public Map<String, Object> readJson() throws IOException {
        // Only JSON media types: text/plain (or none) is what a cross-site page can send without a CORS
        // preflight, so accepting it would let any site post JSON with the browser's credentials.
        String ct = req.getContentType();
        boolean json = ct != null && (ct.toLowerCase().startsWith("application/json")
                || ct.toLowerCase().matches("application/[a-z0-9.+-]*\\+json.*"));
        boolean hasBody = req.getContentLengthLong() > 0 || (req.getContentLengthLong() < 0 && req.getHeader("Transfer-Encoding") != null);
        if (!json && (ct != null || hasBody)) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "expected Content-Type: application/json"
                    + (ct == null ? "" : ", got " + ct));
        }
        if (req.getContentLengthLong() > MAX_JSON_BODY) {
            throw new ApiException(413, "TOO_LARGE", "JSON body larger than " + MAX_JSON_BODY + " bytes");
        }
        try (InputStream in = req.getInputStream()) {
            byte[] body = in.readNBytes(MAX_JSON_BODY + 1);
            if (body.length > MAX_JSON_BODY) {
                throw new ApiException(413, "TOO_LARGE", "JSON body larger than " + MAX_JSON_BODY + " bytes");
            }
            if (body.length == 0) {
                return new LinkedHashMap<>();
            }
            if (new String(body, java.nio.charset.StandardCharsets.UTF_8).contains("\\u0000")) {
                // PostgreSQL refuses NUL in text; no field of ours may hold one
                throw ApiException.badRequest("JSON strings must not contain NUL (\\u0000)");
            }
            Object v = JSON.readValue(body, Object.class);
            if (!(v instanceof Map)) {
                throw ApiException.badRequest("expected a JSON object");
            }
            return JSON.convertValue(v, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
    }

    public void json(int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        byte[] bytes = JSON.writeValueAsBytes(body);
        resp.setContentLength(bytes.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(bytes);
        }
    }

    public void noContent() {
        resp.setStatus(204);
    }

    /** {"items": [...], "total": n} plus paging fields. */
    public static Map<String, Object> page(List<?> items, long total, int page, int perPage) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("total", total);
        m.put("page", page);
        m.put("per_page", perPage);
        m.put("pagination", Map.of("page", page, "per_page", perPage, "total", total,
                "total_pages", perPage == 0 ? 0 : (total + perPage - 1) / perPage));
        return m;
    }

    public static Map<String, Object> list(List<?> items) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("total", items.size());
        return m;
    }

    @SuppressWarnings("unchecked")
    public static <T> T field(Map<String, Object> body, String name, Class<T> type, boolean required) {
        Object v = body.get(name);
        if (v == null) {
            if (required) {
                throw ApiException.badRequest("missing field: " + name);
            }
            return null;
        }
        if (type == Long.class && v instanceof Number n) {
            return (T) Long.valueOf(n.longValue());
        }
        if (type == Integer.class && v instanceof Number n) {
            return (T) Integer.valueOf(n.intValue());
        }
        if (!type.isInstance(v)) {
            throw ApiException.badRequest("field " + name + " must be " + type.getSimpleName().toLowerCase());
        }
        return (T) v;
    }
}
