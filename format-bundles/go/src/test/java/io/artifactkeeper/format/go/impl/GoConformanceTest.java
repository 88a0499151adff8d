package io.artifactkeeper.format.go.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;

/**
 * The format kit's conformance suite on go: a version is published as a GOPROXY upload is made here
 * (PUT of its .mod, its module zip, then its .info), downloaded as the go command downloads it (the
 * .zip), and listed by {@code @v/list}.
 */
class GoConformanceTest extends FormatConformance {
    static final String MODULE = "example.com/demo";

    @Override
    protected FormatHandler createHandler() {
        return new GoFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        String mod = "module " + MODULE + "\n\ngo 1.21\n";
        p.send(p.request("PUT", MODULE + "/@v/" + version + ".mod").body(mod));
        p.send(p.request("PUT", contentPath(version)).header("Content-Type", "application/zip")
                .body(moduleZip(MODULE, version, mod)));
        p.send(p.request("PUT", MODULE + "/@v/" + version + ".info")
                .body("{\"Version\":\"" + version + "\",\"Time\":\"2026-01-01T00:00:00Z\"}"));
    }

    @Override
    protected String contentPath(String version) {
        return MODULE + "/@v/" + version + ".zip";
    }

    @Override
    protected String metadataPath() {
        return MODULE + "/@v/list";
    }

    /** v1 versions: a module path without a /vN suffix takes v0 and v1 only. */
    @Override
    protected String version(int n) {
        return "v1." + n + "." + n;
    }

    @Override
    protected String missingVersion() {
        return "v1.99.404";
    }

    /** A module zip as the go command makes it: every file below {@code module@version/}. */
    static byte[] moduleZip(String module, String version, String goMod) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            String prefix = module + "@" + version + "/";
            z.putNextEntry(new ZipEntry(prefix + "go.mod"));
            z.write(goMod.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry(prefix + "demo.go"));
            z.write(("package demo\n\n// Version is the module version.\nconst Version = \"" + version + "\"\n")
                    .getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return out.toByteArray();
    }
}
