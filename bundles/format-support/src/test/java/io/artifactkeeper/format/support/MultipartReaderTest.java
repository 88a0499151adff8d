package io.artifactkeeper.format.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    static final String B = "a1b2c3d4e5f6";

    /** A body as requests (twine) writes it: fields, then the file. */
    static byte[] body(Map<String, String> fields, String filename, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            out.write(("--" + B + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n" + e.getValue()
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (filename != null) {
            out.write(("--" + B + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + B + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Hands out at most {@code n} bytes per read, to exercise every buffer edge. */
    static InputStream trickle(byte[] b, int n) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, n));
            }
        };
    }

    record Read(Map<String, String> fields, String filename, byte[] file) {
    }

    static Read readAll(InputStream in) throws IOException {
        MultipartReader mp = new MultipartReader(in, B);
        Map<String, String> fields = new LinkedHashMap<>();
        String filename = null;
        byte[] file = null;
        for (MultipartReader.Part p; (p = mp.next()) != null;) {
            if (p.filename() != null) {
                filename = p.filename();
                file = p.body().readAllBytes();
            } else {
                fields.put(p.name(), p.text(1 << 20));
            }
        }
        return new Read(fields, filename, file);
    }

    @Test
    void readsFieldsAndAFileWhateverTheReadSizes() throws IOException {
        byte[] content = new byte[200_000];
        new Random(7).nextBytes(content);
        // bytes that look like a delimiter start, inside the file
        byte[] tricky = ("\r\n--" + B.substring(0, 6) + "\r\n--").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tricky, 0, content, 1000, tricky.length);
        System.arraycopy(tricky, 0, content, content.length - tricky.length, tricky.length);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(":action", "file_upload");
        fields.put("name", "demo");
        fields.put("summary", "line one\r\nline two ü");
        fields.put("empty", "");
        byte[] body = body(fields, "demo-1.0.tar.gz", content);
        for (int chunk : new int[] {1, 3, 17, 4096, 1 << 20}) {
            Read r = readAll(trickle(body, chunk));
            assertThat(r.fields()).as("chunk " + chunk).isEqualTo(fields);
            assertThat(r.filename()).isEqualTo("demo-1.0.tar.gz");
            assertThat(r.file()).isEqualTo(content);
        }
    }

    @Test
    void skipsUnreadPartsAndPreambleAndAllowsQuotedBoundaries() throws IOException {
        byte[] body = ("preamble text\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nxxx\r\n--" + B
                + "  \r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nyyy\r\n--" + B + "--").getBytes(StandardCharsets.UTF_8);
        MultipartReader mp = new MultipartReader(new ByteArrayInputStream(body),
                MultipartReader.boundary("multipart/form-data; boundary=\"" + B + "\"").orElseThrow());
        List<String> names = new ArrayList<>();
        for (MultipartReader.Part p; (p = mp.next()) != null;) {
            names.add(p.name());
        }
        assertThat(names).containsExactly("a", "b");
    }

    /** NuGet 2 on Mono ends its file part with a bare LF before the closing delimiter. */
    @Test
    void aBareLineFeedBeforeTheClosingDelimiterEndsThePart() throws IOException {
        byte[] content = new byte[5000];
        new Random(3).nextBytes(content);
        content[content.length - 1] = 'x';
        for (int n : new int[] {1, 2, 3, 7, 13, 64, 8192}) {
            Read r = readAll(trickle(lfBody(content), n));
            assertThat(r.filename()).isEqualTo("package");
            assertThat(r.file()).as("read %d bytes at a time", n).isEqualTo(content);
        }
        // CR LF "--" boundary is RFC 2046's delimiter: a CR there is the delimiter's, not the content's
        content[content.length - 1] = '\r';
        assertThat(readAll(trickle(lfBody(content), 5)).file()).isEqualTo(java.util.Arrays.copyOf(content, content.length - 1));
    }

    private static byte[] lfBody(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + B + "\r\nContent-Disposition: form-data; name=\"package\"; filename=\"package\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(content);
        out.write(("\n--" + B + "--").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void boundaryFromContentType() {
        assertThat(MultipartReader.boundary("multipart/form-data; boundary=xyz")).contains("xyz");
        assertThat(MultipartReader.boundary("Multipart/Form-Data;charset=utf-8; BOUNDARY=xyz")).contains("xyz");
        assertThat(MultipartReader.boundary("application/json")).isEmpty();
        assertThat(MultipartReader.boundary("multipart/form-data")).isEmpty();
        assertThat(MultipartReader.boundary(null)).isEmpty();
        assertThat(MultipartReader.boundary("multipart/form-data; boundary=" + "x".repeat(71))).isEmpty();
    }

    @Test
    void dispositionParameters() throws IOException {
        assertThat(MultipartReader.dispositionParams("form-data; name=\"content\"; filename=\"a-1.0.tar.gz\""))
                .containsExactly("content", "a-1.0.tar.gz");
        assertThat(MultipartReader.dispositionParams("form-data; name=x; filename*=UTF-8''%C3%BC.whl"))
                .containsExactly("x", "ü.whl");
        assertThat(MultipartReader.dispositionParams("form-data; name=\"a\\\"b\"")[0]).isEqualTo("a\"b");
        assertThatThrownBy(() -> MultipartReader.dispositionParams("attachment; name=x"))
                .isInstanceOf(MultipartReader.MalformedException.class);
    }

    @Test
    void truncatedBodiesAreMalformed() throws IOException {
        byte[] ok = body(Map.of("name", "demo"), "demo-1.0.tar.gz", "payload".getBytes(StandardCharsets.UTF_8));
        // cut inside the file part: the part's stream fails instead of ending quietly
        byte[] cut = java.util.Arrays.copyOf(ok, ok.length - 20);
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(cut))).isInstanceOf(MultipartReader.MalformedException.class);
        // no boundary at all
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream("just some bytes".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(MultipartReader.MalformedException.class);
        // a boundary followed by garbage instead of CRLF
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(("--" + B + "xx\r\n").getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(MultipartReader.MalformedException.class);
        // a part without Content-Disposition
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(("--" + B + "\r\nX-Foo: 1\r\n\r\nv\r\n--" + B + "--")
                .getBytes(StandardCharsets.UTF_8)))).isInstanceOf(MultipartReader.MalformedException.class);
        // endless part headers
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(("--" + B + "\r\nX-Foo: " + "a".repeat(20_000))
                .getBytes(StandardCharsets.UTF_8)))).isInstanceOf(MultipartReader.MalformedException.class);
    }

    @Test
    void oversizedFieldsAreRefused() throws IOException {
        byte[] body = body(Map.of("name", "x".repeat(5000)), null, null);
        MultipartReader mp = new MultipartReader(new ByteArrayInputStream(body), B);
        MultipartReader.Part p = mp.next();
        assertThatThrownBy(() -> p.text(1000)).isInstanceOf(MultipartReader.MalformedException.class);
    }

    /** Found by PypiFuzzTest#fileNameAndContentType: a Content-Type of only ';' threw ArrayIndexOutOfBounds (a 500). */
    @Test
    void aContentTypeOfOnlySemicolonsHasNoBoundary() {
        assertThat(MultipartReader.boundary(";")).isEmpty();
        assertThat(MultipartReader.boundary(";;;;")).isEmpty();
        assertThat(MultipartReader.boundary("")).isEmpty();
    }
}
