package io.artifactkeeper.core.http;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who and where the client is: the server's external URL as the client sees it, and the client's
 * address (X-Forwarded-* only when the server is told to trust a proxy in front of it).
 */
final class ClientInfo {
    private final String externalUrl;
    private final boolean trustProxyHeaders;

    ClientInfo(String externalUrl, boolean trustProxyHeaders) {
        this.externalUrl = externalUrl == null ? "" : externalUrl;
        this.trustProxyHeaders = trustProxyHeaders;
    }

    String serverUrl(HttpServletRequest req) {
        if (!externalUrl.isBlank()) {
            String u = externalUrl;
            return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        }
        String scheme = req.getScheme();
        String host = req.getHeader("Host");
        if (trustProxyHeaders) {
            String fp = req.getHeader("X-Forwarded-Proto");
            String fh = req.getHeader("X-Forwarded-Host");
            if (fp != null) {
                scheme = fp.split(",")[0].trim();
            }
            if (fh != null) {
                host = fh.split(",")[0].trim();
            }
        }
        if (host == null || host.isBlank()) {
            host = req.getServerName() + ":" + req.getServerPort();
        }
        return scheme + "://" + host;
    }

    String clientIp(HttpServletRequest req) {
        if (trustProxyHeaders) {
            String f = req.getHeader("X-Forwarded-For");
            if (f != null && !f.isBlank()) {
                return f.split(",")[0].trim();
            }
        }
        return req.getRemoteAddr();
    }

}
