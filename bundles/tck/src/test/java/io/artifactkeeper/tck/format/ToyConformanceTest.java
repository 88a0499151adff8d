package io.artifactkeeper.tck.format;

import java.nio.charset.StandardCharsets;

import io.artifactkeeper.api.format.FormatHandler;

/** The kit passes a format built as formats should be. */
class ToyConformanceTest extends FormatConformance {
    @Override
    protected FormatHandler createHandler() {
        return new ToyFormat();
    }

    @Override
    protected void publish(Publisher p, String version) {
        p.send(p.request("PUT", contentPath(version)).body(("toy " + version).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    protected String contentPath(String version) {
        return "files/demo/" + version + "/demo-" + version + ".toy";
    }

    @Override
    protected String metadataPath() {
        return "files/demo/index.txt";
    }
}
