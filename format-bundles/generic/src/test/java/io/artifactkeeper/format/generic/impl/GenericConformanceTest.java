package io.artifactkeeper.format.generic.impl;

import java.nio.charset.StandardCharsets;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;

/**
 * The generic format against the format kit: published as any HTTP client does (one PUT of the
 * file); its "metadata" is the folder listing that names the version folders.
 */
class GenericConformanceTest extends FormatConformance {
    @Override
    protected FormatHandler createHandler() {
        return new GenericFormat();
    }

    @Override
    protected void publish(Publisher p, String version) {
        p.send(p.request("PUT", contentPath(version)).header("Content-Type", "application/octet-stream")
                .body(("generic " + version + "\n").repeat(8).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    protected String contentPath(String version) {
        return "tools/demo/" + version + "/demo-" + version + ".bin";
    }

    @Override
    protected String metadataPath() {
        return "tools/demo/";
    }
}
