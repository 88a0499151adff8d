package io.artifactkeeper.format.cran.impl;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;

/**
 * CRAN-layout repositories through the in-process format kit. {@code PACKAGES} lists one version per
 * package (the current one; older ones move to {@code Archive/}, see {@link CranFormatTest}), so each
 * version the kit publishes is a package of its own: version {@code n.0.n} is package {@code demo{n}},
 * uploaded as R users upload one, {@code PUT src/contrib/demo{n}_{n.0.n}.tar.gz} of the tarball
 * {@code R CMD build} makes. The metadata is {@code src/contrib/PACKAGES}.
 */
class CranConformanceTest extends FormatConformance {

    @Override
    protected FormatHandler createHandler() {
        return new CranFormat();
    }

    static String pkg(String version) {
        return "demo" + version.substring(0, version.indexOf('.'));
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", contentPath(version)).body(CranTestPackages.source(pkg(version), version)));
    }

    @Override
    protected String contentPath(String version) {
        return "src/contrib/" + pkg(version) + "_" + version + ".tar.gz";
    }

    @Override
    protected String metadataPath() {
        return "src/contrib/PACKAGES";
    }

    @Override
    protected boolean lists(io.artifactkeeper.tck.format.FormatHarness.Response metadata, String version) {
        return metadata.text().contains("Package: " + pkg(version) + "\nVersion: " + version + "\n");
    }
}
