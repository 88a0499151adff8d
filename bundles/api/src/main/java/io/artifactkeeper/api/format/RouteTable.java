package io.artifactkeeper.api.format;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a request against a format's routes, in declaration order: the first route whose template
 * and method match wins. The core and the format TCK match with this one class, so a format sees the
 * same decision in both.
 *
 * @since 2.0
 */
public final class RouteTable {
    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        Set<String> names = new LinkedHashSet<>();
        for (Route r : this.routes) {
            if (!names.add(r.name() + " " + r.methods())) {
                throw new IllegalArgumentException("two routes named " + r.name() + " answer " + r.methods());
            }
        }
    }

    public List<Route> routes() {
        return routes;
    }

    /** What matching a request gave. */
    public sealed interface Result {
    }

    /** A route matched. */
    public record Matched(RouteMatch match) implements Result {
    }

    /** The path matches routes, none of them for this method: 405 with {@code Allow}. */
    public record WrongMethod(Set<String> allowed) implements Result {
    }

    /** No route's template matches the path: 404. */
    public record NoRoute() implements Result {
    }

    public Result match(String method, String path) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Optional<Map<String, String>> params = r.matchPath(path);
            if (params.isEmpty()) {
                continue;
            }
            if (r.methods().contains(method) || (method.equals("HEAD") && r.methods().contains("GET"))) {
                return new Matched(new RouteMatch(r, params.get()));
            }
            allowed.addAll(r.methods());
        }
        if (allowed.isEmpty()) {
            return new NoRoute();
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        return new WrongMethod(allowed);
    }
}
