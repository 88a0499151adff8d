package io.artifactkeeper.format.opkg.impl;

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

/**
 * Builds ipk packages as opkg-build (ar) and OpenWrt's ipkg-build (gzip'd tar) lay them out:
 * {@code debian-binary}, {@code control.tar.gz} with {@code ./control}, {@code data.tar.gz}.
 */
final class TestIpks {
    private TestIpks() {
    }

    static String control(String name, String version, String arch) {
        return "Package: " + name + "\nVersion: " + version + "\nDepends: libc\nSource: feeds/base/" + name
                + "\nLicense: MIT\nSection: utils\nArchitecture: " + arch + "\nInstalled-Size: 1024\n"
                + "Description: test package " + name + "\n  a second line of the description\n";
    }

    static byte[] ipk(String name, String version, String arch, boolean ar) throws IOException {
        return ipk(control(name, version, arch).getBytes(StandardCharsets.UTF_8),
                Map.of("./usr/bin/" + name, ("#!/bin/sh\necho " + name + "\n").getBytes(StandardCharsets.UTF_8)), ar);
    }

    static byte[] ipk(byte[] control, Map<String, byte[]> data, boolean ar) throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        members.put("control.tar.gz", gzip(tar(Map.of("./control", control))));
        members.put("data.tar.gz", gzip(tar(data)));
        return ar ? ar(members) : outerTarGz(members);
    }

    static byte[] ar(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ArArchiveOutputStream a = new ArArchiveOutputStream(b)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                a.putArchiveEntry(new ArArchiveEntry(m.getKey(), m.getValue().length));
                a.write(m.getValue());
                a.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] outerTarGz(Map<String, byte[]> members) throws IOException {
        Map<String, byte[]> dotted = new LinkedHashMap<>();
        members.forEach((k, v) -> dotted.put("./" + k, v));
        return gzip(tar(dotted));
    }

    static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                t.putArchiveEntry(e);
                t.write(f.getValue());
                t.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }
}
