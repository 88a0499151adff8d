package io.artifactkeeper.format.rpm.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * RPM repositories through the in-process format kit. A version of the sample package {@code demo}
 * is an RPM file built by {@link RpmTestPackages}, uploaded by {@code PUT packages/...rpm}; the
 * metadata that lists it is {@code repodata/primary.xml.gz} (gzip, read here).
 */
class RpmConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new RpmFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", contentPath(version)).body(RpmTestPackages.rpm("demo", version, "1", "noarch", null)));
    }

    @Override
    protected String contentPath(String version) {
        return "packages/demo-" + version + "-1.noarch.rpm";
    }

    @Override
    protected String metadataPath() {
        return "repodata/primary.xml.gz";
    }

    @Override
    protected boolean lists(Response metadata, String version) {
        if (metadata.status() != 200) {
            return false;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(metadata.body()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("ver=\"" + version + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
