package io.artifactkeeper.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Chart archives written byte for byte (deterministic, unlike {@code helm package}, which stamps
 * times), for the format kit's samples and for the malformed archives the bad-input tests send.
 */
final class HelmCharts {
    private HelmCharts() {
    }

    /** A minimal valid chart {@code name-version} with one ConfigMap template. */
    static byte[] chart(String name, String version, String marker) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(name + "/Chart.yaml", ("apiVersion: v2\nname: " + name + "\nversion: " + version
                + "\ndescription: \"" + marker + "\"\ntype: application\nappVersion: \"1.0\"\n").getBytes(StandardCharsets.UTF_8));
        files.put(name + "/values.yaml", ("marker: \"" + marker + "\"\n").getBytes(StandardCharsets.UTF_8));
        files.put(name + "/templates/cm.yaml", ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
                + "data:\n  marker: {{ .Values.marker | quote }}\n").getBytes(StandardCharsets.UTF_8));
        return tgz(files);
    }

    /** A gzip-compressed ustar archive of {@code files} (names as given, even malicious ones). */
    static byte[] tgz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                entry(gz, f.getKey(), f.getValue().length);
                gz.write(f.getValue());
                pad(gz, f.getValue().length);
            }
            gz.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    /** A tar whose one file unpacks to {@code size} zero bytes: a few hundred KB compressed. */
    static byte[] bomb(long size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            byte[] chartYaml = "apiVersion: v2\nname: bomb\nversion: 1.0.0\n".getBytes(StandardCharsets.UTF_8);
            entry(gz, "bomb/Chart.yaml", chartYaml.length);
            gz.write(chartYaml);
            pad(gz, chartYaml.length);
            entry(gz, "bomb/templates/zeros.yaml", size);
            byte[] zeros = new byte[1 << 20];
            for (long left = size; left > 0; left -= zeros.length) {
                gz.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
            pad(gz, size);
            gz.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    private static void entry(OutputStream out, String name, long size) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_700_000_000L);
        h[156] = '0';
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
        h[off + len - 1] = 0;
    }

    private static void pad(OutputStream out, long size) throws IOException {
        long r = size % 512;
        if (r != 0) {
            out.write(new byte[(int) (512 - r)]);
        }
    }
}
