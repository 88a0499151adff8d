package io.artifactkeeper.format.conan.impl;

import java.util.List;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.Route;

/**
 * The routes below {@code /conan/{repo}/}, as data: Conan 2's REST API v2 (the paths its client's
 * {@code ClientV2Router} builds) and the v1 ping it asks for the server's capabilities. A reference
 * is {@code {name}/{version}/{user}/{channel}} with {@code _} for a missing user and channel; files
 * of a revision may sit below {@code metadata/}, hence {@code {file+}}.
 */
final class ConanRoutes {
    private static final String R = "v2/conans/{name}/{version}/{user}/{channel}";
    private static final String RR = R + "/revisions/{rrev}";
    private static final String P = RR + "/packages/{pkgid}";
    private static final String PR = P + "/revisions/{prev}";

    private ConanRoutes() {
    }

    static List<Route> all() {
        return List.of(
                // the capabilities ping, the login and the token check answer whoever asks: the format decides
                Route.of("ping", "GET", "v1/ping", Access.NONE),
                Route.of("ping-v2", "GET", "v2/ping", Access.NONE),
                Route.of("authenticate", "GET", "v2/users/authenticate", Access.NONE),
                Route.of("check-credentials", "GET", "v2/users/check_credentials", Access.NONE),
                Route.read("search", "v2/conans/search").metadata(),
                Route.read("recipe-revisions", R + "/revisions").metadata(),
                Route.read("recipe-latest", R + "/latest").metadata(),
                Route.read("recipe-search", R + "/search").metadata(),
                Route.of("recipe-delete", "DELETE", RR, Access.DELETE),
                Route.read("recipe-files", RR + "/files").metadata(),
                Route.read("recipe-file", RR + "/files/{file+}"),
                Route.of("recipe-upload", "PUT", RR + "/files/{file+}", Access.WRITE),
                Route.read("recipe-revision-search", RR + "/search").metadata(),
                Route.of("packages-delete", "DELETE", RR + "/packages", Access.DELETE),
                Route.of("package-delete", "DELETE", P, Access.DELETE),
                Route.read("package-revisions", P + "/revisions").metadata(),
                Route.read("package-latest", P + "/latest").metadata(),
                Route.of("package-revision-delete", "DELETE", PR, Access.DELETE),
                Route.read("package-files", PR + "/files").metadata(),
                Route.read("package-file", PR + "/files/{file+}"),
                Route.of("package-upload", "PUT", PR + "/files/{file+}", Access.WRITE));
    }
}
