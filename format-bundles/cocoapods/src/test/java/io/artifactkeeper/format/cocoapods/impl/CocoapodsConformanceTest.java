package io.artifactkeeper.format.cocoapods.impl;

import java.util.Arrays;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * cocoapods against the in-process format kit. A version is pushed with {@code POST api/pods}
 * (multipart: {@code Demo.podspec.json} and the source zip); the CDN client reads
 * {@code all_pods_versions_a_b_c.txt} of the pod's shard and its podspec, whose {@code source.http}
 * names {@code pods/Demo/V/Demo-V.zip}.
 */
class CocoapodsConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new CocoapodsFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        String b = "pod-push-" + version;
        p.send(p.request("POST", "api/pods").header("Content-Type", "multipart/form-data; boundary=" + b)
                .body(CocoapodsPods.pushBody(b, "Demo.podspec.json", CocoapodsPods.podspec("Demo", version),
                        CocoapodsPods.source("Demo", version))));
    }

    @Override
    protected String contentPath(String version) {
        return "pods/Demo/" + version + "/Demo-" + version + ".zip";
    }

    @Override
    protected String metadataPath() {
        return CocoapodsPods.versionsFile("Demo");
    }

    /** The pod's line {@code Demo/V1/V2} names the version. */
    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.text().lines().anyMatch(l -> l.startsWith("Demo/")
                && Arrays.asList(l.split("/")).subList(1, l.split("/").length).contains(version));
    }
}
