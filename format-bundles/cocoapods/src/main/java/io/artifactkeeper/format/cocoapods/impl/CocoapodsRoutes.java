package io.artifactkeeper.format.cocoapods.impl;

import java.util.List;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.Route;

/**
 * The routes below {@code /cocoapods/{repo}/} (the CDN root a client adds with
 * {@code pod repo add-cdn}), as data: the CDN's files, the archives pushed here, and the push API
 * ({@code POST api/pods}, also at trunk's {@code api/v1/pods}).
 */
final class CocoapodsRoutes {
    static final String VERSION_YML = "version-yml";
    static final String ALL_PODS = "all-pods";
    static final String DEPRECATED = "deprecated";
    static final String VERSIONS = "versions";
    static final String PODSPEC = "podspec";
    static final String ARCHIVE = "archive";
    static final String PUSH = "push";
    static final String PUSH_V1 = "push-v1";
    private static final String HEX = ":[0-9a-f]}";

    private CocoapodsRoutes() {
    }

    static List<Route> all() {
        return List.of(
                Route.read(VERSION_YML, "CocoaPods-version.yml").metadata(),
                Route.read(ALL_PODS, "all_pods.txt").metadata(),
                Route.read(DEPRECATED, "deprecated_podspecs.txt").metadata(),
                Route.read(VERSIONS, "all_pods_versions_{a" + HEX + "_{b" + HEX + "_{c" + HEX + ".txt").metadata(),
                Route.read(PODSPEC, "Specs/{a" + HEX + "/{b" + HEX + "/{c" + HEX + "/{pod}/{version}/{file}").metadata(),
                Route.read(ARCHIVE, "pods/{pod}/{version}/{file}"),
                Route.of(PUSH, "POST", "api/pods", Access.WRITE),
                Route.of(PUSH_V1, "POST", "api/v1/pods", Access.WRITE));
    }
}
