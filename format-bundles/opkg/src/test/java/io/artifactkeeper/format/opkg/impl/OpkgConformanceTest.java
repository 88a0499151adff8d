package io.artifactkeeper.format.opkg.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness;

/** The format kit's contract, with packages uploaded as an opkg feed takes them. */
class OpkgConformanceTest extends FormatConformance {
    static final String DIR = "packages/";

    @Override
    protected FormatHandler createHandler() {
        return new OpkgFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", contentPath(version)).body(TestIpks.ipk("demo", version, "x86_64", true)));
    }

    @Override
    protected String contentPath(String version) {
        return DIR + "demo_" + version + "_x86_64.ipk";
    }

    @Override
    protected String metadataPath() {
        return DIR + FeedIndex.PACKAGES;
    }

    @Override
    protected boolean lists(FormatHarness.Response metadata, String version) {
        return metadata.text().contains("\nVersion: " + version + "\n");
    }

    @Override
    protected String version(int n) {
        return n + ".0." + n + "-1";
    }

    @Override
    protected String missingVersion() {
        return "9.9.404-1";
    }
}
