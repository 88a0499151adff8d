package io.artifactkeeper.format.nuget.impl;

/**
 * Where things live in a repository. A hosted repository stores the flat container as it is served:
 * {@code v3-flatcontainer/{id}/{version}/{id}.{version}.nupkg} and {@code .../{id}.nuspec} (lower-case
 * id and normalized version), plus an empty {@code .unlisted} marker beside an unlisted version. A
 * remote caches its upstream's flat container files under the same paths, and the upstream's service
 * index and registration documents under {@code .upstream/}.
 */
final class NugetPaths {
    static final String FLAT = "v3-flatcontainer/";
    static final String UPLOADS = ".uploads/";
    static final String UNLISTED = ".unlisted";
    static final String UPSTREAM_INDEX = ".upstream/index.json";
    static final String UPSTREAM_REGISTRATION = ".upstream/registration/";

    private NugetPaths() {
    }

    static String folder(String lowerId) {
        return FLAT + lowerId + "/";
    }

    static String nupkg(String lowerId, String lowerVersion) {
        return FLAT + lowerId + "/" + lowerVersion + "/" + lowerId + "." + lowerVersion + ".nupkg";
    }

    static String nuspec(String lowerId, String lowerVersion) {
        return FLAT + lowerId + "/" + lowerVersion + "/" + lowerId + ".nuspec";
    }

    static String unlisted(String lowerId, String lowerVersion) {
        return FLAT + lowerId + "/" + lowerVersion + "/" + UNLISTED;
    }
}
