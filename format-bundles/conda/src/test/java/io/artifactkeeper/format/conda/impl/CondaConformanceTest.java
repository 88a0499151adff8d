package io.artifactkeeper.format.conda.impl;

import java.nio.charset.StandardCharsets;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness;

/** The format kit's contract, with .conda packages uploaded as a conda channel takes them. */
class CondaConformanceTest extends FormatConformance {
    @Override
    protected FormatHandler createHandler() {
        return new CondaFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", contentPath(version)).body(TestCondas.conda("demo", version, "h0_0", "linux-64")));
    }

    @Override
    protected String contentPath(String version) {
        return "linux-64/demo-" + version + "-h0_0.conda";
    }

    @Override
    protected String metadataPath() {
        return "linux-64/repodata.json";
    }

    @Override
    protected boolean lists(FormatHarness.Response metadata, String version) {
        return new String(metadata.body(), StandardCharsets.UTF_8).contains("\"demo-" + version + "-h0_0.conda\"");
    }

    @Override
    protected String version(int n) {
        return n + ".0." + n;
    }

    @Override
    protected String missingVersion() {
        return "9.9.404";
    }
}
