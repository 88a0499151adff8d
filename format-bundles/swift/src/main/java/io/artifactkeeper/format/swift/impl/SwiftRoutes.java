package io.artifactkeeper.format.swift.impl;

import java.util.List;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.Route;

/**
 * The routes below {@code /swift/{repo}/} (the registry URL), as data, in matching order: SE-0292's
 * six endpoints plus {@code POST login}. The source archive ({@code {version}.zip}) and the manifest
 * come before the release they are part of, whose template would also match them.
 */
final class SwiftRoutes {
    static final String LOGIN = "login";
    static final String IDENTIFIERS = "identifiers";
    static final String ARCHIVE = "source-archive";
    static final String MANIFEST = "manifest";
    static final String RELEASE = "release";
    static final String PUBLISH = "publish";
    static final String RELEASES = "releases";

    private SwiftRoutes() {
    }

    static List<Route> all() {
        return List.of(
                // swift package-registry login: checks the credentials (the core does) and answers 200
                Route.of(LOGIN, "POST", "login", Access.READ),
                Route.read(IDENTIFIERS, "identifiers").metadata(),
                Route.read(ARCHIVE, "{scope}/{name}/{version}.zip"),
                Route.read(MANIFEST, "{scope}/{name}/{version}/Package.swift"),
                Route.read(RELEASE, "{scope}/{name}/{version}").metadata(),
                Route.of(PUBLISH, "PUT", "{scope}/{name}/{version}", Access.WRITE),
                Route.read(RELEASES, "{scope}/{name}").metadata());
    }
}
