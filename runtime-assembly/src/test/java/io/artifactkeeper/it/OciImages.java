package io.artifactkeeper.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Builds container images for the OCI tests without any registry: gzipped ustar layers, an image
 * config with their diff_ids, an OCI image manifest, written as an OCI image layout directory
 * (image-spec "Image Layout") that skopeo, podman and umoci read.
 */
final class OciImages {
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    /** A built image: its manifest bytes and every blob by digest. */
    record Image(byte[] manifest, String manifestDigest, Map<String, byte[]> blobs, byte[] config,
            String configDigest, List<String> layerDigests) {
    }

    private OciImages() {
    }

    static String sha256(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An image of {@code layers.size()} layers, each a tar of the given files (path -> bytes), for
     * linux/amd64.
     */
    static Image image(List<Map<String, byte[]>> layers, String label) {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        List<String> diffIds = new ArrayList<>();
        List<String> layerDigests = new ArrayList<>();
        StringBuilder layerJson = new StringBuilder();
        for (Map<String, byte[]> files : layers) {
            byte[] tar = tar(files);
            byte[] gz = gzip(tar);
            diffIds.add("\"" + sha256(tar) + "\"");
            String d = sha256(gz);
            layerDigests.add(d);
            blobs.put(d, gz);
            if (layerJson.length() > 0) {
                layerJson.append(',');
            }
            layerJson.append("{\"mediaType\":\"").append(LAYER).append("\",\"digest\":\"").append(d)
                    .append("\",\"size\":").append(gz.length).append('}');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
                + "\"config\":{\"Env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\"],\"Cmd\":[\"/bin/sh\"],"
                + "\"Labels\":{\"test\":\"" + label + "\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = sha256(config);
        blobs.put(configDigest, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":\""
                + CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":["
                + layerJson + "]}").getBytes(StandardCharsets.UTF_8);
        return new Image(manifest, sha256(manifest), blobs, config, configDigest, layerDigests);
    }

    /** A three-layer image; the first layer holds {@code bigBytes} of random (incompressible) data. */
    static Image multiLayer(String label, int bigBytes, long seed) {
        byte[] big = new byte[bigBytes];
        new Random(seed).nextBytes(big);
        return image(List.of(Map.of("data/big.bin", big),
                Map.of("etc/motd", ("hello from " + label + "\n").getBytes(StandardCharsets.UTF_8)),
                Map.of("app/run.sh", ("#!/bin/sh\necho " + label + "\n").getBytes(StandardCharsets.UTF_8),
                        "app/README", "an OCI test image\n".getBytes(StandardCharsets.UTF_8))), label);
    }

    /** Writes the image as an OCI image layout with one tag. */
    static Path writeLayout(Path dir, Image img, String tag) {
        try {
            Path blobDir = dir.resolve("blobs/sha256");
            Files.createDirectories(blobDir);
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            for (Map.Entry<String, byte[]> b : img.blobs().entrySet()) {
                Files.write(blobDir.resolve(b.getKey().substring(7)), b.getValue());
            }
            Files.write(blobDir.resolve(img.manifestDigest().substring(7)), img.manifest());
            Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
                    + MANIFEST + "\",\"digest\":\"" + img.manifestDigest() + "\",\"size\":" + img.manifest().length
                    + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A POSIX ustar archive of regular files (and their parent directories), sorted, fixed times. */
    static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.TreeSet<String> dirs = new java.util.TreeSet<>();
        for (String p : files.keySet()) {
            for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
                dirs.add(p.substring(0, i + 1));
            }
        }
        for (String d : dirs) {
            entry(out, d, null);
        }
        for (String p : new java.util.TreeSet<>(files.keySet())) {
            entry(out, p, files.get(p));
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void entry(ByteArrayOutputStream out, String name, byte[] body) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        put(h, 100, 8, octal(body == null ? 0755 : 0644, 7));
        put(h, 108, 8, octal(0, 7));
        put(h, 116, 8, octal(0, 7));
        put(h, 124, 12, octal(body == null ? 0 : body.length, 11));
        put(h, 136, 12, octal(1704067200L, 11));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = (byte) (body == null ? '5' : '0');
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        put(h, 265, 32, "root");
        put(h, 297, 32, "root");
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, 8, octal(sum, 6));
        h[154] = 0;
        h[155] = ' ';
        out.writeBytes(h);
        if (body != null) {
            out.writeBytes(body);
            int pad = (512 - body.length % 512) % 512;
            out.writeBytes(new byte[pad]);
        }
    }

    private static String octal(long v, int width) {
        String s = Long.toOctalString(v);
        return "0".repeat(Math.max(0, width - s.length())) + s;
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }
}
