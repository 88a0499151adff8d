package io.artifactkeeper.format.debian.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small .deb files built in the test, laid out as dpkg-deb builds them. */
final class DebTestPackages {
    private DebTestPackages() {
    }

    static String control(String name, String version, String arch) {
        return "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch
                + "\nMaintainer: Test <t@example.com>\nInstalled-Size: 1\nSection: misc\nPriority: optional\n"
                + "Description: a test package\n a longer description\n .\n second paragraph\n";
    }

    static byte[] deb(String name, String version, String arch) throws IOException {
        return deb(control(name, version, arch));
    }

    static byte[] deb(String control) throws IOException {
        Map<String, byte[]> c = new LinkedHashMap<>();
        c.put("./control", control.getBytes(StandardCharsets.UTF_8));
        c.put("./md5sums", "d41d8cd98f00b204e9800998ecf8427e  usr/share/doc/x\n".getBytes(StandardCharsets.UTF_8));
        return deb("control.tar.gz", tgz(c), tgz(Map.of("./usr/share/doc/x", new byte[0])));
    }

    static byte[] deb(String controlMember, byte[] controlTar, byte[] dataTar) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArArchiveOutputStream ar = new ArArchiveOutputStream(out)) {
            member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
            member(ar, controlMember, controlTar);
            member(ar, "data.tar.gz", dataTar);
        }
        return out.toByteArray();
    }

    private static void member(ArArchiveOutputStream ar, String name, byte[] b) throws IOException {
        ar.putArchiveEntry(new ArArchiveEntry(name, b.length));
        ar.write(b);
        ar.closeArchiveEntry();
    }

    static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                te.setSize(e.getValue().length);
                tar.putArchiveEntry(te);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] tgz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(tar(files));
        }
        return out.toByteArray();
    }
}
