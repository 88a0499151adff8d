package io.artifactkeeper.format.cargo.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.InvalidArtifactException;

class CargoPublishReaderTest {

    static byte[] body(String json, byte[] crate) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le(out, j.length);
        out.writeBytes(j);
        le(out, crate.length);
        out.writeBytes(crate);
        return out.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, int n) {
        out.write(n);
        out.write(n >>> 8);
        out.write(n >>> 16);
        out.write(n >>> 24);
    }

    @Test
    void readsMetadataThenStreamsExactlyTheCrate() throws Exception {
        byte[] b = body("{\"name\":\"x\"}", new byte[] {1, 2, 3});
        CargoPublishReader r = new CargoPublishReader(new ByteArrayInputStream(b), b.length);
        assertThat(r.metadata().get("name").asText()).isEqualTo("x");
        assertThat(r.crateLength()).isEqualTo(3);
        assertThat(r.crate().readAllBytes()).containsExactly(1, 2, 3);
        r.requireEnd();
    }

    @Test
    void lengthsThatDisagreeWithTheBodyAreRefusedBeforeTheCrateIsRead() throws Exception {
        byte[] b = body("{\"name\":\"x\"}", new byte[] {1, 2, 3});
        CargoPublishReader r = new CargoPublishReader(new ByteArrayInputStream(b), b.length + 5);
        r.metadata();
        assertThatThrownBy(r::crateLength).isInstanceOf(InvalidArtifactException.class).hasMessageContaining("lengths");
        CargoPublishReader r2 = new CargoPublishReader(new ByteArrayInputStream(b, 0, 6), -1);
        assertThatThrownBy(r2::metadata).isInstanceOf(InvalidArtifactException.class).hasMessageContaining("ends inside");
    }

    @Test
    void aTruncatedCrateFailsTheReadAndIsMarked() throws Exception {
        byte[] b = body("{\"name\":\"x\"}", new byte[100]);
        CargoPublishReader r = new CargoPublishReader(new ByteArrayInputStream(b, 0, b.length - 10), -1);
        r.metadata();
        r.crateLength();
        assertThatThrownBy(() -> r.crate().readAllBytes()).isInstanceOf(IOException.class);
        assertThat(r.crate().truncated()).isTrue();
        byte[] extra = java.util.Arrays.copyOf(b, b.length + 1);
        CargoPublishReader r3 = new CargoPublishReader(new ByteArrayInputStream(extra), -1);
        r3.metadata();
        r3.crateLength();
        r3.crate().readAllBytes();
        assertThatThrownBy(r3::requireEnd).isInstanceOf(InvalidArtifactException.class);
    }

    /** A minimal .crate: a gzipped ustar archive of the given entries (path, content). */
    static byte[] crate(String... pathsAndContents) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            byte[] data = pathsAndContents[i + 1].getBytes(StandardCharsets.UTF_8);
            byte[] h = new byte[512];
            byte[] name = pathsAndContents[i].getBytes(StandardCharsets.UTF_8);
            System.arraycopy(name, 0, h, 0, name.length);
            put(h, 100, String.format("%07o", 0644));
            put(h, 108, String.format("%07o", 0));
            put(h, 116, String.format("%07o", 0));
            put(h, 124, String.format("%011o", data.length));
            put(h, 136, String.format("%011o", 0));
            h[156] = '0';
            put(h, 257, "ustar");
            put(h, 263, "00");
            for (int k = 148; k < 156; k++) {
                h[k] = ' ';
            }
            long sum = 0;
            for (byte x : h) {
                sum += x & 0xff;
            }
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            tar.writeBytes(h);
            tar.writeBytes(data);
            tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
        }
        tar.writeBytes(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(tar.toByteArray());
        }
        return gz.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    @Test
    void crateArchivesAreChecked() throws Exception {
        byte[] good = crate("foo-1.0.0/Cargo.toml", "[package]\n", "foo-1.0.0/src/lib.rs", "");
        assertThat(CargoCrateArchive.problem(new ByteArrayInputStream(good), "foo", "1.0.0")).isNull();
        assertThat(CargoCrateArchive.problem(new ByteArrayInputStream(good), "foo", "1.0.1")).contains("outside");
        byte[] noManifest = crate("foo-1.0.0/src/lib.rs", "");
        assertThat(CargoCrateArchive.problem(new ByteArrayInputStream(noManifest), "foo", "1.0.0")).contains("Cargo.toml");
        byte[] escape = crate("foo-1.0.0/Cargo.toml", "", "foo-1.0.0/../../etc/x", "");
        assertThat(CargoCrateArchive.problem(new ByteArrayInputStream(escape), "foo", "1.0.0")).contains("..");
        assertThat(CargoCrateArchive.problem(new ByteArrayInputStream("not gzip".getBytes()), "foo", "1.0.0"))
                .contains("gzip");
        assertThat(CargoCrateArchive.problem(new ByteArrayInputStream(java.util.Arrays.copyOf(good, good.length / 2)),
                "foo", "1.0.0")).isNotNull();
    }

    /**
     * Found by CargoFuzzTest#publishBody: metadata starting '{' NUL NUL made Jackson read UTF-32 and
     * throw CharConversionException, an IOException that was no InvalidArtifactException (a 500). Read
     * as UTF-8 always, it is malformed JSON: a 400.
     */
    @Test
    void metadataThatLooksLikeUtf32IsMalformed() {
        byte[] json = {'{', 0, 0, 0, 0, ' ', '"', 'n', '"', ':', '1', '}'};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(json.length);
        body.write(0);
        body.write(0);
        body.write(0);
        body.writeBytes(json);
        byte[] b = body.toByteArray();
        assertThatThrownBy(() -> new CargoPublishReader(new ByteArrayInputStream(b), -1).metadata())
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("malformed JSON");
    }
}
