package io.artifactkeeper.format.helm.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes small tar.gz archives for the tests, including malicious ones. */
final class HelmTestArchives {
    private HelmTestArchives() {
    }

    static byte[] tgz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                String name = f.getKey();
                if (name.length() > 100) {
                    // a pax header carries the long name, as Go's archive/tar writes it
                    String rec = " path=" + name + "\n";
                    int len = rec.length() + 2;
                    if (String.valueOf(len).length() + rec.length() != len) {
                        len++;
                    }
                    byte[] pax = (len + rec).getBytes(StandardCharsets.UTF_8);
                    header(gz, "PaxHeaders/x", pax.length, 'x');
                    gz.write(pax);
                    pad(gz, pax.length);
                    name = name.substring(0, 99);
                }
                header(gz, name, f.getValue().length, '0');
                gz.write(f.getValue());
                pad(gz, f.getValue().length);
            }
            gz.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void header(OutputStream out, String name, long size, char type) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = (byte) type;
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        out.write(h);
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = String.format("%0" + (len - 1) + "o", v);
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    }

    private static void pad(OutputStream out, long size) throws IOException {
        long r = size % 512;
        if (r != 0) {
            out.write(new byte[(int) (512 - r)]);
        }
    }
}
