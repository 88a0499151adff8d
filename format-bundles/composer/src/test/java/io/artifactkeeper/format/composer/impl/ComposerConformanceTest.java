package io.artifactkeeper.format.composer.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * composer against the in-process format kit. A version is published as a dist zip whose
 * composer.json names the package ({@code PUT packages/upload/tck/demo/V}); Composer reads
 * {@code p2/tck/demo.json} and downloads the dist from the URL it lists,
 * {@code dist/tck/demo/V/{sha1 of the zip}.zip}.
 */
class ComposerConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new ComposerFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", "packages/upload/tck/demo/" + version).header("Content-Type", "application/zip")
                .body(zip(version)));
    }

    static byte[] zip(String version) throws Exception {
        return ComposerZips.dist("tck/demo", version, "v" + version);
    }

    @Override
    protected String contentPath(String version) {
        try {
            return "dist/tck/demo/" + version + "/" + ComposerZips.sha1(zip(version)) + ".zip";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected String metadataPath() {
        return "p2/tck/demo.json";
    }

    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.text().contains("\"version\":\"" + version + "\"");
    }
}
