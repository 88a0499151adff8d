package io.artifactkeeper.format.rubygems.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * rubygems against the in-process format kit. A version is published as {@code gem push} sends it:
 * {@code POST api/v1/gems} with the .gem as the body and the API key raw in {@code Authorization};
 * bundler then reads {@code info/demo} and downloads {@code gems/demo-V.gem}.
 */
class RubygemsConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new RubygemsFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("POST", "api/v1/gems").header("Content-Type", "application/octet-stream")
                .header("User-Agent", "RubyGems/3.3.15 x86_64-linux Ruby/3.1.2 (2022-04-12 patchlevel 20)")
                .body(TestGems.gem("demo", version)));
    }

    @Override
    protected String contentPath(String version) {
        return "gems/demo-" + version + ".gem";
    }

    @Override
    protected String metadataPath() {
        return "info/demo";
    }

    /** An info file lists a version at the start of its line. */
    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.text().contains("\n" + version + " ");
    }
}
