package io.artifactkeeper.format.npm.impl;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.support.SafeArchive;

class NpmTarballTest {

    /** A tar.gz of entries given as {name, type, linkOrData}. */
    static byte[] tgz(String[]... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (String[] e : entries) {
                char type = e[1].charAt(0);
                byte[] data = type == '0' || type == 'x' ? e[2].getBytes(StandardCharsets.UTF_8) : new byte[0];
                gz.write(header(e[0], type, data.length, type == '2' || type == '1' ? e[2] : ""));
                gz.write(data);
                gz.write(new byte[(512 - data.length % 512) % 512]);
            }
            gz.write(new byte[1024]);
        }
        return out.toByteArray();
    }

    static byte[] header(String name, char type, long size, String link) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 157, link);
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static void check(byte[] tgz) throws Exception {
        NpmTarball.check(new ByteArrayInputStream(tgz));
    }

    @Test
    void aPackageTarballPasses() {
        assertThatCode(() -> check(tgz(new String[] {"package/package.json", "0", "{\"name\":\"p\"}"},
                new String[] {"package/lib/a..b.js", "0", "x"}, new String[] {"package/link", "2", "lib/a..b.js"})))
                .doesNotThrowAnyException();
    }

    @Test
    void tarSlipIsRefused() {
        for (String evil : new String[] {"../../evil.js", "package/../../evil.js", "/etc/passwd", "package\\..\\..\\x",
            "C:/x.js"}) {
            assertThatThrownBy(() -> check(tgz(new String[] {"package/package.json", "0", "{}"},
                    new String[] {evil, "0", "x"}))).as(evil).isInstanceOf(SafeArchive.ArchiveException.class)
                    .hasMessageContaining("unsafe entry name");
        }
        // a pax header that renames the next entry
        assertThatThrownBy(() -> check(tgz(new String[] {"PaxHeader", "x", "22 path=../../evil.js\n"},
                new String[] {"package/ok.js", "0", "x"}))).hasMessageContaining("unsafe entry name");
        // a link out of the package
        assertThatThrownBy(() -> check(tgz(new String[] {"package/l", "2", "../../../etc/passwd"})))
                .hasMessageContaining("points outside");
        assertThatThrownBy(() -> check(tgz(new String[] {"package/l", "1", "/etc/passwd"})))
                .hasMessageContaining("points outside");
    }

    @Test
    void whatIsNoTarGzIsRefused() throws Exception {
        assertThatThrownBy(() -> check("not gzip".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("not gzip");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write("not a tar archive, just text".repeat(30).getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> check(out.toByteArray())).hasMessageContaining("tar archive");
        byte[] t = tgz(new String[] {"package/a.js", "0", "x".repeat(2000)});
        byte[] cut = java.util.Arrays.copyOf(t, t.length / 2);
        assertThatThrownBy(() -> check(cut)).isInstanceOf(SafeArchive.ArchiveException.class);
    }
}
