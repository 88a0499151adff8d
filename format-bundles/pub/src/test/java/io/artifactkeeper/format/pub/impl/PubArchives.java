package io.artifactkeeper.format.pub.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Package archives as {@code dart pub publish} packs them (pubspec.yaml at the root), built by the tests. */
final class PubArchives {
    private PubArchives() {
    }

    /** A tar.gz of name/content pairs. */
    static byte[] tarGz(String... nameAndContent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
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

    static String pubspec(String name, String version) {
        return "name: " + name + "\nversion: " + version + "\ndescription: A sample package of the tests.\n"
                + "environment:\n  sdk: '>=3.0.0 <4.0.0'\ndependencies:\n  meta: ^1.9.0\n";
    }

    static byte[] archive(String name, String version) throws IOException {
        return tarGz("pubspec.yaml", pubspec(name, version), "lib/" + name + ".dart",
                "String version() => '" + version + "';\n", "README.md", "# " + name + "\n", "LICENSE", "MIT\n");
    }

    /** The multipart body dart pub sends: the form's fields, then the archive as {@code file}. */
    static byte[] multipart(String boundary, byte[] archive) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"package.tar.gz\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(archive);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
