package io.artifactkeeper.format.alpine.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness;

/** The format kit's contract, with packages uploaded as an Alpine repository takes them. */
class AlpineConformanceTest extends FormatConformance {
    static final String DIR = "v3.19/main/x86_64/";

    @Override
    protected FormatHandler createHandler() {
        return new AlpineFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", contentPath(version)).body(TestApks.apk("demo", version, "x86_64")));
    }

    @Override
    protected String contentPath(String version) {
        return DIR + "demo-" + version + ".apk";
    }

    @Override
    protected String metadataPath() {
        return DIR + ApkIndex.FILE;
    }

    @Override
    protected boolean lists(FormatHarness.Response metadata, String version) {
        try {
            String text = new String(ApkIndex.textOf(new ByteArrayInputStream(metadata.body())), StandardCharsets.UTF_8);
            return text.contains("\nV:" + version + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected String version(int n) {
        return n + ".0." + n + "-r0";
    }

    @Override
    protected String missingVersion() {
        return "9.9.404-r0";
    }
}
