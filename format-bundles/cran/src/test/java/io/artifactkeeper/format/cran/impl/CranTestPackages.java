package io.artifactkeeper.format.cran.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Small R packages for the tests, laid out as {@code R CMD build} lays them out, and hostile variants. */
final class CranTestPackages {
    private CranTestPackages() {
    }

    static String description(String name, String version, String extra) {
        return "Package: " + name + "\nVersion: " + version + "\nTitle: A Test Package\nDescription: Used by the tests\n"
                + "    of the cran format.\nLicense: MIT\nDepends: R (>= 3.5)\nNeedsCompilation: no\n" + extra;
    }

    /** The files of a source package {@code name} at {@code version}. */
    static Map<String, byte[]> files(String name, String version, String extra) {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put(name + "/DESCRIPTION", utf8(description(name, version, extra)));
        f.put(name + "/NAMESPACE", utf8("export(hello)\n"));
        f.put(name + "/R/hello.R", utf8("hello <- function() \"" + name + " " + version + "\"\n"));
        return f;
    }

    static byte[] source(String name, String version) throws IOException {
        return tgz(files(name, version, ""));
    }

    static byte[] source(String name, String version, String extraFields) throws IOException {
        return tgz(files(name, version, extraFields));
    }

    static byte[] tgz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                TarArchiveEntry t = new TarArchiveEntry(e.getKey(), true);
                t.setSize(e.getValue().length);
                tar.putArchiveEntry(t);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
