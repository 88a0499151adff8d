package io.artifactkeeper.api.format;

import java.util.Map;
import java.util.Objects;

/**
 * A request matched to one of a format's {@link Route}s, with the template's variables.
 *
 * @param route the route
 * @param params the values of the route's variables, by name
 * @since 2.0
 */
public record RouteMatch(Route route, Map<String, String> params) {
    public RouteMatch {
        Objects.requireNonNull(route, "route");
        params = Map.copyOf(params);
    }

    /** The route's name. */
    public String name() {
        return route.name();
    }

    /** A variable's value; fails for a name the template does not have (a bug in the format). */
    public String param(String variable) {
        String v = params.get(variable);
        if (v == null) {
            throw new IllegalArgumentException("route " + route.name() + " has no variable " + variable);
        }
        return v;
    }

    /** Whether this is the route named {@code name}. */
    public boolean is(String name) {
        return route.name().equals(name);
    }
}
