package io.artifactkeeper.format.composer.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Dist zips built by the tests, byte for byte the same each time (fixed entry times). */
final class ComposerZips {
    private ComposerZips() {
    }

    static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setTime(315532800000L);
                z.putNextEntry(ze);
                if (e.getValue() != null) {
                    z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                }
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** A package {@code name} whose composer.json declares {@code version} (null: none), with one class. */
    static byte[] dist(String name, String version, String marker) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("composer.json", composerJson(name, version));
        m.put("src/Marker.php", "<?php\nnamespace Tck;\nfinal class Marker { const VALUE = '" + marker + "'; }\n");
        return zip(m);
    }

    static String composerJson(String name, String version) {
        return "{\n  \"name\": \"" + name + "\",\n" + (version == null ? "" : "  \"version\": \"" + version + "\",\n")
                + "  \"description\": \"a test package\",\n  \"type\": \"library\",\n  \"license\": \"MIT\",\n"
                + "  \"require\": {\"php\": \">=8.0\"},\n  \"autoload\": {\"psr-4\": {\"Tck\\\\\": \"src/\"}}\n}\n";
    }

    static String sha1(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
