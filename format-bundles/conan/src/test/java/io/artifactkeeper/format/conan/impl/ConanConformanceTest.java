package io.artifactkeeper.format.conan.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;

/**
 * conan against the in-process format kit. A version is published as {@code conan upload} sends it:
 * the capabilities ping, then {@code PUT .../revisions/{rrev}/files/{file}} of each recipe file in
 * sorted order (the manifest last) with {@code X-Checksum-Sha1}, then the package's files the same
 * way. Clients download {@code conanfile.py} of the revision; the recipe search lists the versions.
 */
class ConanConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new ConanFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        ConanSamples s = ConanSamples.of("demo", version);
        p.send(p.request("GET", "v1/ping"));
        for (String f : s.recipeUploadOrder()) {
            byte[] b = s.recipeFiles().get(f);
            p.send(p.request("PUT", s.recipeBase() + "/files/" + f).header("X-Checksum-Sha1", ConanSamples.sha1(b)).body(b));
        }
        for (String f : s.packageUploadOrder()) {
            byte[] b = s.packageFiles().get(f);
            p.send(p.request("PUT", s.packageBase() + "/files/" + f).header("X-Checksum-Sha1", ConanSamples.sha1(b)).body(b));
        }
    }

    @Override
    protected String contentPath(String version) {
        try {
            return ConanSamples.of("demo", version).recipeBase() + "/files/conanfile.py";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected String metadataPath() {
        return "v2/conans/search?q=demo";
    }

    @Override
    protected boolean lists(io.artifactkeeper.tck.format.FormatHarness.Response metadata, String version) {
        return metadata.text().contains("\"demo/" + version + "\"");
    }
}
