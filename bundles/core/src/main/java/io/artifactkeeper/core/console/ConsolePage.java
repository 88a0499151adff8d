package io.artifactkeeper.core.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Shared parts of our Web Console pages: escaping, the console's table and button styles, and a
 * same-origin check on every POST (the console authenticates with Basic, which a browser would
 * otherwise send along with a forged cross-site form).
 */
abstract class ConsolePage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static String esc(Object o) {
        if (o == null) {
            return "";
        }
        String s = String.valueOf(o);
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** True when the POST comes from a page of this server. */
    static boolean sameOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            origin = req.getHeader("Referer");
        }
        if (origin == null) {
            return true; // not a browser form post (curl, scripts): Basic credentials were sent on purpose
        }
        try {
            URI u = URI.create(origin);
            String host = req.getHeader("Host");
            String authority = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
            return host != null && host.equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static void message(PrintWriter w, String msg, boolean error) {
        if (msg != null && !msg.isBlank()) {
            w.printf("<p class='statline ui-state-%s' id='ak-message'>%s</p>%n", error ? "error" : "highlight", esc(msg));
        }
    }

    /** After a POST: back to the page with a message (post/redirect/get). */
    static void redirect(HttpServletRequest req, HttpServletResponse resp, String msg, boolean error) throws IOException {
        String base = req.getRequestURI();
        resp.sendRedirect(base + "?" + (error ? "error=" : "msg=") + java.net.URLEncoder.encode(msg,
                java.nio.charset.StandardCharsets.UTF_8));
    }
}
