package io.artifactkeeper.core.http;

import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;

/** Request ids, the route class of a path (for metrics and rate limits), and the access log line. */
final class AccessLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("io.artifactkeeper.access");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final Set<String> HEALTH = Set.of("/health", "/healthz", "/livez");
    static final Set<String> READY = Set.of("/ready", "/readyz");

    private AccessLog() {
    }

    /** The client's X-Request-Id when it is a sane one, else a new id. */
    static String requestId(HttpServletRequest req) {
        String rid = req.getHeader("X-Request-Id");
        return rid != null && REQUEST_ID.matcher(rid).matches() ? rid : UUID.randomUUID().toString();
    }

    static void log(String clientIp, String method, String logged, int status, long millis, String user, String requestId) {
        ACCESS.info("{} {} {} {} {}ms {} {}", clientIp, method, logged, status, millis, user, requestId);
    }

    /** Path segments that are credentials: what follows them is never logged. */
    private static final Pattern SECRET_IN_PATH = Pattern.compile("(/-/user/token/)[^/]+");
    /** Query parameters that carry credentials. */
    private static final Pattern SECRET_IN_QUERY = Pattern.compile(
            "(?i)((?:^|&)(?:[a-z_]*token|password|passwd|secret|api_?key|key|code|sig|signature|x-amz-signature|x-amz-credential)=)[^&]*");

    /**
     * The path and query as the logs show them: tokens redacted (npm logout puts the token in the path;
     * some clients put credentials in the query).
     */
    static String forLog(String path, String query) {
        String p = SECRET_IN_PATH.matcher(path).replaceAll("$1[redacted]");
        if (query == null || query.isEmpty()) {
            return p;
        }
        return p + "?" + SECRET_IN_QUERY.matcher(query).replaceAll("$1[redacted]");
    }

    static String routeClass(String raw) {
        if (HEALTH.contains(raw) || READY.contains(raw)) {
            return "health";
        }
        if (raw.equals("/metrics")) {
            return "metrics";
        }
        if (raw.startsWith("/api/v1/auth/")) {
            return "auth";
        }
        if (raw.startsWith("/api/")) {
            return "api";
        }
        int s = raw.indexOf('/', 1);
        return "format:" + (s < 0 ? raw.substring(1) : raw.substring(1, s));
    }

}
