package io.artifactkeeper.core.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.core.repo.FormatRegistry;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Errors that happen outside a format's handler (authentication, limits, outages, bugs), answered in
 * the shape the client expects: the format's own error form under a format's mount, the API's JSON
 * envelope elsewhere.
 */
final class ErrorResponses {
    private final FormatRegistry formats;

    ErrorResponses(FormatRegistry formats) {
        this.formats = formats;
    }

    void send(Exchange ex, String route, int status, String code, String message) throws IOException {
        HttpServletResponse resp = ex.response();
        if (resp.isCommitted()) {
            return;
        }
        // the reset clears what was set on the way; these headers belong to the error answer
        String wa = resp.getHeader("WWW-Authenticate");
        String ra = resp.getHeader("Retry-After");
        String conn = resp.getHeader("Connection");
        resp.reset();
        resp.setHeader("X-Request-Id", ex.requestId());
        UnreadBody.beforeRefusal(ex.request(), resp);
        if (ra != null) {
            resp.setHeader("Retry-After", ra);
        }
        if (conn != null) {
            resp.setHeader("Connection", conn);
        }
        if (route.startsWith("format:")) {
            String mount = route.substring(7);
            List<FormatRegistry.Entry> es = formats.byMount(mount);
            if (!es.isEmpty()) {
                FormatResponse fr = es.get(0).handler().renderError(errorRequest(ex, mount), status, code, message);
                // the format's own challenge (OCI: Bearer) is the only one; else Basic
                if (!FormatRoutes.hasChallenge(fr)) {
                    if (wa != null) {
                        resp.setHeader("WWW-Authenticate", wa);
                    } else if (status == 401) {
                        resp.setHeader("WWW-Authenticate", "Basic realm=\"Artifact Keeper\"");
                    }
                }
                FormatRoutes.write(ex, fr);
                return;
            }
            if (status == 401 && wa == null) {
                wa = "Basic realm=\"Artifact Keeper\"";
            }
        }
        if (wa != null) {
            resp.setHeader("WWW-Authenticate", wa);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        ex.json(status, m);
    }

    /** The request as a format sees it, for rendering an error that happened before the format was called. */
    private static FormatRequestImpl errorRequest(Exchange ex, String mount) {
        String raw = ex.path();
        String below = raw.length() > mount.length() + 2 ? raw.substring(mount.length() + 2) : "";
        String path;
        try {
            path = SafePath.normalize(below);
        } catch (FormatException e) {
            path = "";
        }
        return new FormatRequestImpl(ex.request(), path, below, FormatRoutes.caller(ex.principal().orElse(null)), ex.serverUrl());
    }

    static boolean isClientAbort(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String n = t.getClass().getName();
            if (n.endsWith("EofException") || n.endsWith("ClientAbortException")) {
                return true;
            }
        }
        return false;
    }

    static boolean isStorageFailure(IOException e) {
        String n = e.getClass().getName();
        return e instanceof java.nio.file.FileSystemException || n.contains("AccessDenied") || n.contains("ReadOnly");
    }

    static String rootCause(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 20 && c.getCause() != null && c.getCause() != c; i++) {
            c = c.getCause();
        }
        return c == t ? t.toString() : t.getClass().getSimpleName() + " <- " + c;
    }
}
