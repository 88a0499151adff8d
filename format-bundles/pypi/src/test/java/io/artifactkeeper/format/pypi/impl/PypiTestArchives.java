package io.artifactkeeper.format.pypi.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds small wheels, zips and tar.gz files for the tests. */
final class PypiTestArchives {
    private PypiTestArchives() {
    }

    static String metadata(String name, String version, String... extra) {
        StringBuilder sb = new StringBuilder("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n");
        for (String e : extra) {
            sb.append(e).append('\n');
        }
        return sb.append("\nLong description.\n").toString();
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] wheel(String distName, String version, String metadata) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(distName + "/__init__.py", "X = 1\n".getBytes(StandardCharsets.UTF_8));
        m.put(distName + "-" + version + ".dist-info/WHEEL", "Wheel-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
        m.put(distName + "-" + version + ".dist-info/METADATA", metadata.getBytes(StandardCharsets.UTF_8));
        m.put(distName + "-" + version + ".dist-info/RECORD", new byte[0]);
        return zip(m);
    }

    static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                if (name.length > 100) {
                    String rec = " path=" + e.getKey() + "\n";
                    int len = rec.length();
                    len += String.valueOf(len + String.valueOf(len).length()).length();
                    byte[] pax = (len + rec).getBytes(StandardCharsets.UTF_8);
                    gz.write(header("PaxHeader", pax.length, 'x'));
                    gz.write(pax);
                    gz.write(new byte[pad(pax.length)]);
                    name = "truncated".getBytes(StandardCharsets.UTF_8);
                }
                gz.write(header(new String(name, StandardCharsets.UTF_8), e.getValue().length, '0'));
                gz.write(e.getValue());
                gz.write(new byte[pad(e.getValue().length)]);
            }
            gz.write(new byte[1024]);
        }
        return out.toByteArray();
    }

    private static int pad(int n) {
        return (512 - n % 512) % 512;
    }

    static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        put(h, 100, String.format("%07o", 0644));
        put(h, 108, String.format("%07o", 0));
        put(h, 116, String.format("%07o", 0));
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 0));
        h[156] = (byte) type;
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum));
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
