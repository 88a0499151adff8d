package io.artifactkeeper.format.pub.impl;

import java.util.List;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.Route;

/**
 * The routes below {@code /pub/{repo}/} (the repository's hosted-url), as data, in matching order:
 * the publish flow ({@code versions/new}, the multipart upload, finalize: all need write access, so
 * remote and virtual repositories refuse them), the package API, and archives at
 * {@code packages/{name}/versions/{version}.tar.gz} (the archive URL, and the deprecated download
 * endpoint of the spec), which also take a raw {@code PUT}.
 */
final class PubRoutes {
    static final String NEW = "new";
    static final String UPLOAD = "upload";
    static final String FINALIZE = "finalize";
    static final String LISTING = "listing";
    static final String VERSION = "version";
    static final String ARCHIVE = "archive";
    static final String ARCHIVE_PUT = "archive-put";

    private PubRoutes() {
    }

    static List<Route> all() {
        return List.of(
                Route.of(NEW, "GET", "api/packages/versions/new", Access.WRITE),
                Route.of(UPLOAD, "POST", "api/packages/versions/upload", Access.WRITE),
                Route.of(FINALIZE, "GET", "api/packages/versions/finalize/{name}/{version}", Access.WRITE),
                Route.read(LISTING, "api/packages/{name}").metadata(),
                Route.read(VERSION, "api/packages/{name}/versions/{version}").metadata(),
                Route.read(ARCHIVE, "packages/{name}/versions/{version}.tar.gz"),
                Route.of(ARCHIVE_PUT, "PUT", "packages/{name}/versions/{version}.tar.gz", Access.WRITE));
    }
}
