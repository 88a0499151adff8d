package io.artifactkeeper.format.debian.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * Debian repositories through the in-process format kit. A version of the sample package {@code demo}
 * (architecture amd64) is a real .deb built here, published by {@code PUT} into its pool path; the
 * metadata is {@code dists/stable/main/binary-amd64/Packages}. A remote's upstream is another
 * in-memory Debian repository (unsigned: no upstream key configured); its Packages reach the remote
 * through the upstream's Release and by-hash files.
 */
class DebianConformanceTest extends FormatConformance {
    @Override
    protected FormatHandler createHandler() {
        return new DebianFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", contentPath(version)).body(DebTestPackages.deb("demo", version, "amd64")));
    }

    @Override
    protected String contentPath(String version) {
        return "pool/main/d/demo/demo_" + version + "_amd64.deb";
    }

    @Override
    protected String metadataPath() {
        return "dists/stable/main/binary-amd64/Packages";
    }

    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.text().contains("\nVersion: " + version + "\n");
    }
}
