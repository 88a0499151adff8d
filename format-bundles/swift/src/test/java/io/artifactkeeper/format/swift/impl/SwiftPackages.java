package io.artifactkeeper.format.swift.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Source archives as {@code swift package archive-source} makes them and publish bodies as SwiftPM sends them. */
final class SwiftPackages {
    static final String ACCEPT_JSON = "application/vnd.swift.registry.v1+json";

    private SwiftPackages() {
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

    static String manifest(String tools, String name) {
        return "// swift-tools-version:" + tools + "\nimport PackageDescription\n\nlet package = Package(\n    name: \""
                + name + "\",\n    targets: [.target(name: \"" + name + "\")]\n)\n";
    }

    /** A package's source archive: everything under one top-level directory named after the package. */
    static byte[] sourceArchive(String name, String version) throws IOException {
        return zip(name + "/Package.swift", manifest("5.9", name), name + "/Package@swift-5.8.swift", manifest("5.8", name),
                name + "/Sources/" + name + "/" + name + ".swift", "public let version = \"" + version + "\"\n",
                name + "/README.md", "# " + name + "\n");
    }

    /** The multipart body of a publish: source-archive, then metadata (as SwiftPM orders them). */
    static byte[] publishBody(String boundary, byte[] archive, String metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"source-archive\"\r\n"
                + "Content-Type: application/zip\r\nContent-Length: " + archive.length + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(archive);
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        if (metadata != null) {
            byte[] m = metadata.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + m.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(m);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String metadata(String repoUrl) {
        return "{\"description\":\"One thing links to another.\",\"repositoryURLs\":[\"" + repoUrl + "\"],"
                + "\"licenseURL\":\"https://www.apache.org/licenses/LICENSE-2.0\",\"author\":{\"name\":\"Mona\"}}";
    }
}
