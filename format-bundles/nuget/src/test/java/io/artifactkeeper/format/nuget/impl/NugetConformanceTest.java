package io.artifactkeeper.format.nuget.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;

/**
 * The format kit's conformance suite on nuget: a version is pushed as {@code nuget push} pushes it (a
 * multipart PUT to {@code api/v2/package} with a .nupkg built here), downloaded from the flat container
 * and listed by the flat container's version list; a remote is given its upstream's service index URL.
 */
class NugetConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new NugetFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", "api/v2/package").header("Content-Type", NugetTestPackages.pushType())
                .header("X-NuGet-ApiKey", "key").body(NugetTestPackages.pushBody(NugetTestPackages.nupkg("Demo", version))));
    }

    @Override
    protected String contentPath(String version) {
        return "v3-flatcontainer/demo/" + version + "/demo." + version + ".nupkg";
    }

    @Override
    protected String metadataPath() {
        return "v3-flatcontainer/demo/index.json";
    }

    @Override
    protected String upstreamUrl(String servedBase) {
        return servedBase + "/v3/index.json";
    }
}
