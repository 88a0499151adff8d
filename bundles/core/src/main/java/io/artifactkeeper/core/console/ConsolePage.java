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

    static boolean safeMethod(String method) {
        return method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD") || method.equalsIgnoreCase("OPTIONS");
    }

    /**
     * True when a state-changing request comes from a page of this server. Browsers send Origin on
     * every cross-site POST (and Sec-Fetch-Site where they know it); either naming another site, or
     * "null" (sandboxed frames, data: URLs), refuses the request. A request without any of them is not
     * a browser form post (curl, scripts): its Basic credentials were sent on purpose.
     */
    static boolean sameOrigin(HttpServletRequest req) {
        String site = req.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return false;
        }
        String origin = req.getHeader("Origin");
        if (origin == null) {
            origin = req.getHeader("Referer");
        }
        if (origin == null) {
            return true;
        }
        try {
            URI u = URI.create(origin.trim());
            String host = req.getHeader("Host");
            if (u.getHost() == null || host == null) {
                return false;
            }
            int defaultPort = "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
            String authority = u.getPort() < 0 || u.getPort() == defaultPort ? u.getHost() : u.getHost() + ":" + u.getPort();
            String h = host.trim();
            if (h.endsWith(":" + defaultPort)) {
                h = h.substring(0, h.length() - (":" + defaultPort).length());
            }
            return h.equalsIgnoreCase(authority);
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
