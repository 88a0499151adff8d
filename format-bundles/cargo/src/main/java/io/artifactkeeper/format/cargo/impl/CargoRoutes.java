package io.artifactkeeper.format.cargo.impl;

import java.util.List;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.Route;

/**
 * The routes below {@code /cargo/{repo}/}, as data, in matching order. The repository root is the
 * sparse registry root ({@code sparse+BASE/cargo/{repo}/}): {@code config.json} and the index files
 * ({@code 1/a}, {@code 2/ab}, {@code 3/a/abc}, {@code ab/cd/abcd}) sit directly below it; the same
 * index under {@code index/} keeps working for registries configured that way. The Web API is under
 * {@code api/v1/crates}; its first segment ({@code api}) is never an index directory (those are
 * {@code 1}, {@code 2}, {@code 3} or two characters), so the two never overlap.
 */
final class CargoRoutes {
    /** An index directory by name length: {@code 1}, {@code 2}, {@code 3/a}, {@code ab/cd}. */
    private static final String DIR = "{dir:1|2|3/[^/]|[^/][^/]/[^/][^/]}";
    private static final String API = "api/v1/crates";

    private CargoRoutes() {
    }

    static List<Route> all() {
        return List.of(
                Route.read("config", "config.json").metadata(),
                Route.read("config-in-index", CargoNames.INDEX_DIR + "config.json").metadata(),
                Route.read("index-file", DIR + "/{name}").metadata(),
                Route.read("index-file-in-index", CargoNames.INDEX_DIR + DIR + "/{name}").metadata(),
                Route.read("search", API),
                Route.of("publish", "PUT", API + "/new", Access.WRITE),
                Route.read("owners", API + "/{name}/owners"),
                Route.of("owners-change", "PUT DELETE", API + "/{name}/owners", Access.WRITE),
                Route.read("download", API + "/{name}/{version}/download"),
                // yanking keeps the file: it is a change, not a deletion
                Route.of("yank", "DELETE", API + "/{name}/{version}/yank", Access.WRITE),
                Route.of("unyank", "PUT", API + "/{name}/{version}/unyank", Access.WRITE));
    }
}
