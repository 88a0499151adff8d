package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.core.net.OutboundClient;

/**
 * Bearer tokens for upstreams that use registry token authentication (Docker Registry "Token
 * Authentication Specification", as Docker Hub and most OCI registries do): the 401's
 * {@code WWW-Authenticate: Bearer realm=..,service=..,scope=..} names where to get a token; the
 * answer's {@code token} (or {@code access_token}) is kept until shortly before it expires.
 */
final class UpstreamTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DEFAULT_TTL_SECONDS = 60;

    private record Cached(String token, long expiresAtMillis) {
    }

    private final OutboundClient http;
    private final Duration timeout;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    UpstreamTokens(OutboundClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** A token for the challenge, cached or fetched (with {@code basic} credentials when not null). */
    String token(String owner, Map<String, String> challenge, String basic) throws IOException, InterruptedException {
        String key = key(owner, challenge);
        Cached c = cache.get(key);
        if (c != null && c.expiresAtMillis() > System.currentTimeMillis()) {
            return c.token();
        }
        String realm = challenge.get("realm");
        URI uri;
        try {
            StringBuilder q = new StringBuilder();
            for (String p : new String[] {"service", "scope"}) {
                String v = challenge.get(p);
                if (v != null && !v.isEmpty()) {
                    q.append(q.length() == 0 ? "" : "&").append(p).append('=')
                            .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
                }
            }
            uri = URI.create(q.length() == 0 ? realm : realm + (realm.contains("?") ? "&" : "?") + q);
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new FormatException(502, "UPSTREAM_AUTH", "upstream sent an unusable token realm: " + realm);
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (basic != null) {
            rb.header("Authorization", basic);
        }
        HttpResponse<InputStream> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        JsonNode body;
        try (InputStream in = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new FormatException(502, "UPSTREAM_AUTH", "upstream token service " + uri.getHost()
                        + " refused our credentials (" + resp.statusCode() + ")");
            }
            body = JSON.readTree(in.readNBytes(1 << 20));
        }
        String token = text(body, "token");
        if (token == null) {
            token = text(body, "access_token");
        }
        if (token == null) {
            throw new FormatException(502, "UPSTREAM_AUTH", "upstream token service " + uri.getHost()
                    + " answered without a token");
        }
        long ttl = body.path("expires_in").asLong(DEFAULT_TTL_SECONDS);
        // renew a little early; never cache for less than nothing
        long ms = Math.max(0, ttl - Math.min(30, ttl / 4)) * 1000;
        cache.put(key, new Cached(token, System.currentTimeMillis() + ms));
        if (cache.size() > 10_000) {
            cache.entrySet().removeIf(e -> e.getValue().expiresAtMillis() <= System.currentTimeMillis());
        }
        return token;
    }

    void forget(String owner, Map<String, String> challenge) {
        cache.remove(key(owner, challenge));
    }

    private static String key(String owner, Map<String, String> challenge) {
        return owner + "\n" + challenge.get("realm") + "\n" + challenge.getOrDefault("service", "") + "\n"
                + challenge.getOrDefault("scope", "");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    /** The parameters of a {@code Bearer} challenge (realm required), or empty for other schemes. */
    static Optional<Map<String, String>> parseBearer(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = 7;
        int n = h.length();
        while (i < n) {
            while (i < n && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
                i++;
            }
            int eq = h.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = h.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (i < n && h.charAt(i) == '"') {
                i++;
                while (i < n && h.charAt(i) != '"') {
                    if (h.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    v.append(h.charAt(i++));
                }
                i++;
            } else {
                while (i < n && h.charAt(i) != ',') {
                    v.append(h.charAt(i++));
                }
            }
            params.put(name, v.toString().trim());
        }
        return params.containsKey("realm") ? Optional.of(params) : Optional.empty();
    }
}
