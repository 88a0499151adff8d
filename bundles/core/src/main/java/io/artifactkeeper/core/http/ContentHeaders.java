package io.artifactkeeper.core.http;

import java.util.Locale;
import java.util.Set;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Headers that keep stored and proxied bytes from running as pages of this origin (where the Web
 * Console and the API's browser sessions live). Everything on a format route is served with
 * {@code X-Content-Type-Options: nosniff} (no guessing HTML out of a .txt) and a sandboxing CSP (a
 * document that does render gets an opaque origin and no scripts). Artifact bytes of a type a
 * browser would render actively (HTML, SVG, XML, JavaScript) are also served as attachments, for
 * browsers that ignore CSP sandboxing. The type itself is kept: clients that read it (pip reading
 * an upstream's simple page, Maven its XML) go on working, and {@code text/plain} would be a lie to
 * them; {@code Content-Disposition} is a header they ignore.
 */
public final class ContentHeaders {
    /** No scripts, plugins, forms or same-origin access; inline styles only, for listing pages. */
    public static final String ARTIFACT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + "frame-ancestors 'none'";

    private static final Set<String> ACTIVE = Set.of("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
            "application/xml", "text/xsl", "application/xslt+xml", "text/javascript", "application/javascript",
            "application/x-javascript", "application/ecmascript", "text/ecmascript", "multipart/x-mixed-replace",
            "application/pdf");

    private ContentHeaders() {
    }

    /** For every response of a format route. */
    public static void protect(HttpServletResponse resp) {
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Content-Security-Policy", ARTIFACT_CSP);
    }

    /** For artifact bytes: as {@link #protect}, and an attachment when the type is an active one. */
    public static void protectAsset(HttpServletResponse resp, String contentType, String path) {
        protect(resp);
        if (active(contentType)) {
            resp.setHeader("Content-Disposition", "attachment; filename=\"" + fileName(path) + "\"");
        }
    }

    /** A type a browser renders as a document or runs (also any {@code +xml} type); unknown or empty is not. */
    public static boolean active(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String t = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return ACTIVE.contains(t) || t.endsWith("+xml");
    }

    /** The last path segment, reduced to characters that need no quoting in a header. */
    static String fileName(String path) {
        String p = path == null ? "" : path;
        int slash = p.lastIndexOf('/');
        String name = slash < 0 ? p : p.substring(slash + 1);
        String safe = name.replaceAll("[^A-Za-z0-9._+-]", "_");
        return safe.isEmpty() ? "download" : safe;
    }
}
