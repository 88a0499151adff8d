package io.artifactkeeper.format.npm.impl;

import java.util.List;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.Route;

/**
 * The npm registry's routes below {@code /npm/{repo}/}, as data, in matching order. A scoped name
 * arrives either as one encoded segment ({@code @scope%2fpkg}, decoded by the core) or as two; both
 * are the two segments {@code @scope/pkg} that {@link #NAME} matches. The templates only shape the
 * path: whether a name, a file or a version is acceptable is decided by {@link NpmNames}.
 */
final class NpmRoutes {
    /** A package name: {@code @scope/pkg} (two segments) or {@code pkg} (one, not starting with '@'). */
    static final String NAME = "{name:@[^/]+/[^/]+|[^@/][^/]*}";

    private NpmRoutes() {
    }

    static List<Route> all() {
        String pkg = NAME;
        return List.of(
                // ping and whoami answer anyone; login checks the password in its body
                Route.of("ping", "GET HEAD", "-/ping", Access.NONE),
                Route.of("whoami", "GET HEAD", "-/whoami", Access.NONE),
                Route.of("login", "GET HEAD PUT", "-/user/org.couchdb.user:{user}", Access.NONE),
                Route.of("login-rev", "PUT", "-/user/org.couchdb.user:{user}/-rev/{rev}", Access.NONE),
                Route.of("logout", "DELETE", "-/user/token/{token}", Access.NONE),
                // audits are reads even when POSTed; a remote forwards them (with its credentials), nothing
                // is stored; only npm's audit endpoints: no other path under -/npm/v1/security/ is forwarded
                Route.of("audit", "POST", "-/npm/v1/security/{endpoint:advisories/bulk|audits/quick|audits}",
                        Access.READ).anyRepositoryType(), // declared reason: a route flag, not a type test
                Route.read("search", "-/v1/search"),
                Route.read("dist-tags", "-/package/" + pkg + "/dist-tags").metadata(),
                Route.of("dist-tags-write", "PUT POST", "-/package/" + pkg + "/dist-tags", Access.WRITE),
                Route.read("dist-tag", "-/package/" + pkg + "/dist-tags/{tag}").metadata(),
                Route.of("dist-tag-write", "PUT POST DELETE", "-/package/" + pkg + "/dist-tags/{tag}", Access.WRITE),
                Route.read("bower", "packages/{name}").metadata(),
                Route.read("packument", pkg).metadata(),
                Route.of("publish", "PUT", pkg, Access.WRITE),
                Route.of("unpublish", "DELETE", pkg, Access.DELETE),
                // npm unpublishes a single version by PUTting the document without it
                Route.of("update-rev", "PUT", pkg + "/-rev/{rev}", Access.DELETE),
                Route.of("unpublish-rev", "DELETE", pkg + "/-rev/{rev}", Access.DELETE),
                Route.read("tarball", pkg + "/-/{file}"),
                Route.of("delete-tarball", "DELETE", pkg + "/-/{file}", Access.DELETE),
                Route.of("delete-tarball-rev", "DELETE", pkg + "/-/{file}/-rev/{rev}", Access.DELETE),
                // npm deletes a tarball at its URL's path resolved against the registry URL:
                // /npm/{repo}/npm/{repo}/{name}/-/{file}/-rev/{rev}
                Route.of("delete-tarball-doubled", "DELETE", "{mount}/{repo}/" + pkg + "/-/{file}/-rev/{rev}",
                        Access.DELETE),
                Route.read("version", pkg + "/{version}").metadata());
    }
}
