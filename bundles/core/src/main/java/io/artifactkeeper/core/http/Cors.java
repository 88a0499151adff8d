package io.artifactkeeper.core.http;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Cross-origin requests: CORS headers and preflights, and cross-site writes refused. */
final class Cors {
    private final List<String> origins;
    private final String pid;

    Cors(String[] origins, String pid) {
        this.origins = List.of(origins);
        this.pid = pid;
    }

    /** Answers a CORS preflight (true) or adds the CORS headers to a normal response. */
    boolean handle(HttpServletRequest req, HttpServletResponse resp) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        List<String> allowed = origins;
        if (!allowed.contains("*") && !allowed.contains(origin)) {
            return false;
        }
        // a listed origin may send credentials; the "*" wildcard never (browsers then send none)
        if (allowed.contains(origin)) {
            resp.setHeader("Access-Control-Allow-Origin", origin);
            resp.setHeader("Access-Control-Allow-Credentials", "true");
        } else {
            resp.setHeader("Access-Control-Allow-Origin", "*");
        }
        resp.setHeader("Vary", "Origin");
        resp.setHeader("Access-Control-Expose-Headers", "ETag, Location, X-Request-Id, Docker-Content-Digest, Link");
        if ("OPTIONS".equalsIgnoreCase(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null) {
            resp.setHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            String h = req.getHeader("Access-Control-Request-Headers");
            resp.setHeader("Access-Control-Allow-Headers", h != null ? h : "Authorization, Content-Type");
            resp.setHeader("Access-Control-Max-Age", "600");
            resp.setStatus(204);
            return true;
        }
        return false;
    }

    /**
     * A browser sends Origin with every cross-site write, including the ones a page can make without
     * a CORS preflight (form posts, text/plain bodies), and cached Basic credentials go with them.
     * Writes from another site are refused unless that origin is listed by name in cors_origins
     * ("*" allows cross-site reads, not writes). Clients that are not browsers send no Origin.
     */
    void refuseCrossSite(Exchange ex) {
        String origin = ex.request().getHeader("Origin");
        if (origin == null) {
            return;
        }
        String own = ex.request().getScheme() + "://" + ex.request().getHeader("Host");
        if (origin.equalsIgnoreCase(ex.serverUrl()) || origin.equalsIgnoreCase(own)
                || origins.contains(origin)) {
            return;
        }
        throw new ApiException(403, "CROSS_SITE_REQUEST", "writes from " + origin + " are not allowed; "
                + "list the origin in cors_origins of " + pid + " to allow it");
    }

}
