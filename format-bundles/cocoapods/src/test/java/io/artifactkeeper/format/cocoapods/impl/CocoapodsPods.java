package io.artifactkeeper.format.cocoapods.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Podspecs, source archives and push bodies built by the tests. */
final class CocoapodsPods {
    private CocoapodsPods() {
    }

    static String podspec(String name, String version) {
        return "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"summary\":\"A sample pod.\","
                + "\"homepage\":\"https://example.org/" + name + "\",\"license\":{\"type\":\"MIT\"},"
                + "\"authors\":{\"Mona\":\"mona@example.org\"},\"platforms\":{\"ios\":\"12.0\"},"
                + "\"source\":{\"git\":\"https://example.org/" + name + ".git\",\"tag\":\"" + version + "\"},"
                + "\"source_files\":\"Sources/**/*.swift\",\"swift_versions\":[\"5.9\"]}";
    }

    static byte[] zip(String... nameAndContent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i + 1 < nameAndContent.length; i += 2) {
                z.putNextEntry(new ZipEntry(nameAndContent[i]));
                z.write(nameAndContent[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] tarGz(String... nameAndContent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            for (int i = 0; i + 1 < nameAndContent.length; i += 2) {
                byte[] b = nameAndContent[i + 1].getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(nameAndContent[i]);
                e.setSize(b.length);
                tar.putArchiveEntry(e);
                tar.write(b);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] source(String name, String version) throws IOException {
        return zip("Sources/" + name + "/" + name + ".swift", "public let version = \"" + version + "\"\n", "LICENSE", "MIT\n");
    }

    /** The push body: the podspec (as NAME.podspec.json), then the source archive. */
    static byte[] pushBody(String boundary, String specFile, String podspec, byte[] source) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (podspec != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"podspec\""
                    + (specFile != null ? "; filename=\"" + specFile + "\"" : "") + "\r\nContent-Type: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.writeBytes(podspec.getBytes(StandardCharsets.UTF_8));
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        if (source != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"source\"; filename=\"source.zip\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(source);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String versionsFile(String name) {
        return CocoapodsNames.versionsFile(CocoapodsNames.shard(name));
    }
}
