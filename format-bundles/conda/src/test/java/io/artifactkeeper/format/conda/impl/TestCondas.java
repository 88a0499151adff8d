package io.artifactkeeper.format.conda.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

import io.artifactkeeper.format.support.Json;

/**
 * Builds conda packages as conda-build lays them out: {@code .tar.bz2} (one bzip2 tar with {@code info/}
 * and the payload) and {@code .conda} (a stored zip: {@code metadata.json}, {@code pkg-*.tar.zst},
 * {@code info-*.tar.zst}).
 */
final class TestCondas {
    private TestCondas() {
    }

    static Map<String, Object> index(String name, String version, String build, String subdir) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("arch", subdir.equals("noarch") ? null : "x86_64");
        i.put("build", build);
        i.put("build_number", 0);
        i.put("depends", List.of("python >=3.8"));
        i.put("license", "MIT");
        i.put("name", name);
        i.put("platform", subdir.equals("noarch") ? null : "linux");
        i.put("subdir", subdir);
        i.put("timestamp", 1700000000000L);
        i.put("version", version);
        if (subdir.equals("noarch")) {
            i.put("noarch", "generic");
        }
        return i;
    }

    static Map<String, byte[]> payload(String name) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("bin/" + name, ("#!/bin/sh\necho " + name + "\n").getBytes(StandardCharsets.UTF_8));
        return m;
    }

    static byte[] tarBz2(String name, String version, String build, String subdir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("info/index.json", Json.bytesOf(index(name, version, build, subdir)));
        files.put("info/files", ("bin/" + name + "\n").getBytes(StandardCharsets.UTF_8));
        files.putAll(payload(name));
        return bzip2(tar(files));
    }

    static byte[] conda(String name, String version, String build, String subdir) throws IOException {
        return conda(name + "-" + version + "-" + build, Json.bytesOf(index(name, version, build, subdir)), payload(name));
    }

    static byte[] conda(String stem, byte[] indexJson, Map<String, byte[]> payload) throws IOException {
        Map<String, byte[]> info = new LinkedHashMap<>();
        info.put("info/index.json", indexJson);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("metadata.json", "{\"conda_pkg_format_version\": 2}".getBytes(StandardCharsets.UTF_8));
        entries.put("pkg-" + stem + ".tar.zst", zstd(tar(payload)));
        entries.put("info-" + stem + ".tar.zst", zstd(tar(info)));
        return zip(entries);
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
                e.setSize(f.getValue().length);
                e.setMode(0644);
                t.putArchiveEntry(e);
                t.write(f.getValue());
                t.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] bzip2(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdCompressorOutputStream z = new ZstdCompressorOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }
}
