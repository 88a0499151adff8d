package io.artifactkeeper.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Archives and request bodies the pub, swift and cocoapods tests build themselves (their clients do
 * not run here): ustar tar.gz and zip files from name/content pairs, and multipart/form-data bodies as
 * the clients send them.
 */
final class LanguageArchives {
    private LanguageArchives() {
    }

    /** A gzipped ustar archive of name/content pairs (names as given: a test may write a hostile one). */
    static byte[] tarGz(String... nameAndContent) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
            for (int i = 0; i + 1 < nameAndContent.length; i += 2) {
                entry(gz, nameAndContent[i], nameAndContent[i + 1].getBytes(StandardCharsets.UTF_8));
            }
            gz.write(new byte[1024]);
        }
        return raw.toByteArray();
    }

    private static void entry(GZIPOutputStream out, String path, byte[] data) throws IOException {
        byte[] h = new byte[512];
        put(h, 0, path);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, "00000000000");
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        out.write(h);
        out.write(data);
        out.write(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, b.length);
    }

    /** A zip of name/content pairs, the same bytes for the same pairs. */
    static byte[] zip(String... nameAndContent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i + 1 < nameAndContent.length; i += 2) {
                ZipEntry e = new ZipEntry(nameAndContent[i]);
                // a fixed time: the same contents make the same bytes (tests compare archives built twice)
                e.setTimeLocal(java.time.LocalDateTime.of(2020, 1, 1, 0, 0));
                z.putNextEntry(e);
                z.write(nameAndContent[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** One part of a multipart body: form field name, file name (or null), content type (or null), bytes. */
    record Part(String name, String filename, String contentType, byte[] body) {
    }

    /** A multipart/form-data body of {@code parts}, CRLF-delimited by {@code boundary}. */
    static byte[] multipart(String boundary, Part... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n");
            h.append("Content-Disposition: form-data; name=\"").append(p.name()).append('"');
            if (p.filename() != null) {
                h.append("; filename=\"").append(p.filename()).append('"');
            }
            h.append("\r\n");
            if (p.contentType() != null) {
                h.append("Content-Type: ").append(p.contentType()).append("\r\n");
            }
            h.append("\r\n");
            out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.body());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
