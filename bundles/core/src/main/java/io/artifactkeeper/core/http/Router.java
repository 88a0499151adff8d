package io.artifactkeeper.core.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.PathCodec;

/**
 * Routes of the REST API as data: method, template and handler. Templates use {@code {name}} for
 * one segment and {@code {name+}} for the rest of the path. Parameters are percent-decoded.
 */
public final class Router {

    /** A route handler. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange ex) throws Exception;
    }

    private record Route(String method, String[] segments, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String template, Handler handler) {
        String t = template.startsWith("/") ? template.substring(1) : template;
        routes.add(new Route(method.toUpperCase(Locale.ROOT), t.isEmpty() ? new String[0] : t.split("/"), handler));
        return this;
    }

    /** The outcome of matching: a handler, a known path with another method (405), or nothing (404). */
    public enum Outcome {
        MATCHED, WRONG_METHOD, NOT_FOUND
    }

    public Outcome dispatch(Exchange ex, String rawPath) throws Exception {
        String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        String[] parts = p.isEmpty() ? new String[0] : p.split("/", -1);
        boolean pathKnown = false;
        String method = ex.method().toUpperCase(Locale.ROOT);
        for (Route r : routes) {
            if (!matches(r, parts, null)) {
                continue;
            }
            pathKnown = true;
            if (r.method().equals(method) || (method.equals("HEAD") && r.method().equals("GET"))) {
                ex.params().clear();
                matches(r, parts, ex);
                r.handler().handle(ex);
                return Outcome.MATCHED;
            }
        }
        return pathKnown ? Outcome.WRONG_METHOD : Outcome.NOT_FOUND;
    }

    private static boolean matches(Route r, String[] parts, Exchange ex) {
        String[] segs = r.segments();
        for (int i = 0; i < segs.length; i++) {
            String s = segs[i];
            if (s.startsWith("{") && s.endsWith("+}")) {
                if (i >= parts.length) {
                    return false;
                }
                if (ex != null) {
                    StringBuilder rest = new StringBuilder();
                    for (int k = i; k < parts.length; k++) {
                        if (k > i) {
                            rest.append('/');
                        }
                        rest.append(parts[k]);
                    }
                    ex.params().put(s.substring(1, s.length() - 2), decode(rest.toString()));
                }
                return true;
            }
            if (i >= parts.length) {
                return false;
            }
            if (s.startsWith("{") && s.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return false;
                }
                if (ex != null) {
                    ex.params().put(s.substring(1, s.length() - 1), decode(parts[i]));
                }
            } else if (!s.equals(parts[i])) {
                return false;
            }
        }
        return segs.length == parts.length;
    }

    /** A malformed escape ("%zz", a trailing "%") is the client's error: 400, not an IllegalArgumentException. */
    private static String decode(String s) {
        try {
            return PathCodec.decode(s);
        } catch (IllegalArgumentException e) {
            throw FormatException.badRequest("malformed percent-encoding in path");
        }
    }
}
