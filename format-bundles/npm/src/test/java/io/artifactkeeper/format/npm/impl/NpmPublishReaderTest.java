package io.artifactkeeper.format.npm.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class NpmPublishReaderTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesTheAttachmentIntoTheSinkAndKeepsTheRest() throws Exception {
        byte[] tgz = new byte[200_000];
        new Random(1).nextBytes(tgz);
        String body = "{\"_attachments\":{\"p-1.0.0.tgz\":{\"content_type\":\"application/octet-stream\",\"data\":\""
                + Base64.getEncoder().encodeToString(tgz) + "\",\"length\":" + tgz.length + "}},"
                + "\"name\":\"p\",\"versions\":{\"1.0.0\":{\"name\":\"p\",\"version\":\"1.0.0\"}},\"dist-tags\":{\"latest\":\"1.0.0\"}}";
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        String[] opened = new String[1];
        NpmPublishReader.Result r = NpmPublishReader.read(new ByteArrayInputStream(utf8(body)), f -> {
            opened[0] = f;
            return sink;
        });
        assertThat(opened[0]).isEqualTo("p-1.0.0.tgz");
        assertThat(sink.toByteArray()).isEqualTo(tgz);
        assertThat(r.attachments()).containsExactly(new NpmPublishReader.Attachment("p-1.0.0.tgz",
                "application/octet-stream", tgz.length, tgz.length));
        assertThat(r.document().has("_attachments")).isFalse();
        assertThat(r.document().path("versions").path("1.0.0").path("version").asText()).isEqualTo("1.0.0");
        assertThat(r.document().path("dist-tags").path("latest").asText()).isEqualTo("1.0.0");
    }

    @Test
    void streamsALargeAttachmentThroughABoundedPipe() throws Exception {
        // 64 MiB decoded, produced and consumed chunk by chunk: neither side ever holds it whole
        int chunks = 1024;
        byte[] block = new byte[64 * 1024];
        new Random(2).nextBytes(block);
        String b64 = Base64.getEncoder().encodeToString(block); // 65536 is a multiple of 3? no: pad only at the end
        byte[] head = utf8("{\"name\":\"big\",\"_attachments\":{\"big-1.0.0.tgz\":{\"data\":\"");
        byte[] tail = utf8("\"}}}");
        // 64 KiB blocks whose length is a multiple of 3 concatenate into valid base64
        byte[] block3 = java.util.Arrays.copyOf(block, 65535);
        byte[] enc = utf8(Base64.getEncoder().encodeToString(block3));
        assertThat(b64).isNotEmpty();
        List<InputStream> parts = new java.util.ArrayList<>();
        parts.add(new ByteArrayInputStream(head));
        for (int i = 0; i < chunks; i++) {
            parts.add(new ByteArrayInputStream(enc));
        }
        parts.add(new ByteArrayInputStream(tail));
        InputStream body = new SequenceInputStream(Collections.enumeration(parts));
        BlockingPipe pipe = new BlockingPipe();
        long[] read = new long[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try (InputStream in = pipe.source()) {
                byte[] b = new byte[8192];
                int n;
                while ((n = in.read(b)) > 0) {
                    read[0] += n;
                }
            } catch (Exception e) {
                read[0] = -1;
            }
        });
        long before = usedHeap();
        NpmPublishReader.Result r = NpmPublishReader.read(body, f -> pipe.sink());
        consumer.join();
        assertThat(read[0]).isEqualTo(65535L * chunks);
        assertThat(r.attachments().get(0).decodedLength()).isEqualTo(65535L * chunks);
        assertThat(usedHeap() - before).isLessThan(48L * 1024 * 1024);
    }

    static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void badBase64IsMalformedAndTheSinkIsNotClosedCleanly() throws Exception {
        String body = "{\"name\":\"p\",\"_attachments\":{\"p-1.0.0.tgz\":{\"data\":\"AAAA!!!!\"}}}";
        boolean[] closed = new boolean[1];
        assertThatThrownBy(() -> NpmPublishReader.read(new ByteArrayInputStream(utf8(body)), f -> new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        })).isInstanceOf(NpmPublishReader.MalformedPublishException.class);
        assertThat(closed[0]).isFalse();
    }

    @Test
    void malformedJsonShapesAreRefused() {
        for (String body : List.of("{\"name\":", "[1,2]", "{\"_attachments\":[]}", "{\"_attachments\":{\"a.tgz\":{\"length\":3}}}",
                "{\"a\":1} trailing", "{\"_attachments\":{\"a.tgz\":{\"data\":12}}}")) {
            assertThatThrownBy(() -> NpmPublishReader.read(new ByteArrayInputStream(utf8(body)), f -> new ByteArrayOutputStream()))
                    .as(body).isInstanceOf(NpmPublishReader.MalformedPublishException.class);
        }
    }

    @Test
    void aFailedPipeMakesTheReaderFailInsteadOfEnding() throws Exception {
        BlockingPipe pipe = new BlockingPipe();
        var out = pipe.sink();
        out.write(new byte[100_000]);
        pipe.fail(new RuntimeException("boom"));
        InputStream in = pipe.source();
        assertThatThrownBy(() -> in.readAllBytes()).hasMessageContaining("boom");
    }

    /**
     * Found by NpmFuzzTest#publishBody: "{" then NUL bytes makes Jackson read UTF-32, whose impossible
     * character raised a CharConversionException, an IOException that became a 500 instead of a 400.
     */
    @Test
    void aBodyThatLooksLikeUtf32IsMalformed() {
        byte[] body = {'{', 0, 0, 0, 0, ' ', '"', 'd', 'e', 'm', 'o', '"', ':', '1', '}'};
        assertThatThrownBy(() -> NpmPublishReader.read(new ByteArrayInputStream(body), f -> new ByteArrayOutputStream()))
                .isInstanceOf(NpmPublishReader.MalformedPublishException.class).hasMessageContaining("malformed");
    }
}
