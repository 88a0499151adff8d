package io.artifactkeeper.format.swift.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * swift against the in-process format kit. A release is published as SwiftPM's
 * {@code swift package-registry publish} sends it: {@code PUT mona/Demo/V} with a multipart body of
 * {@code source-archive} and {@code metadata}; a client lists releases at {@code mona/Demo} and
 * downloads {@code mona/Demo/V.zip}, stored as {@code mona/demo/V.zip} (scopes and names are
 * case-insensitive).
 */
class SwiftConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new SwiftFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        String boundary = "swiftpm-boundary-" + version;
        p.send(p.request("PUT", "mona/Demo/" + version).header("Accept", SwiftPackages.ACCEPT_JSON)
                .header("Content-Type", "multipart/form-data;boundary=\"" + boundary + "\"")
                .body(SwiftPackages.publishBody(boundary, SwiftPackages.sourceArchive("Demo", version),
                        SwiftPackages.metadata("https://github.com/mona/Demo"))));
    }

    @Override
    protected String contentPath(String version) {
        return "mona/Demo/" + version + ".zip";
    }

    @Override
    protected String contentAssetPath(String version) {
        return "mona/demo/" + version + ".zip";
    }

    @Override
    protected String metadataPath() {
        return "mona/Demo";
    }

    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.text().contains("\"" + version + "\":{");
    }
}
