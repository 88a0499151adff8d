package io.artifactkeeper.format.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;

/**
 * JSON through the runtime's Jackson bundle, configured once for bytes that clients and upstreams
 * send: nesting, string, number and document sizes bounded; trailing content refused; bytes read as
 * UTF-8 always (JSON's only interchange encoding; Jackson's own detection would read a NUL-prefixed
 * body as UTF-32). Parse failures are the format's 400 (a client's body) or 502 (an upstream's).
 */
public final class Json {
    /** Deeper documents are refused; no registry document nests near this. */
    public static final int MAX_NESTING = 256;
    /** Longer strings are refused (a base64 attachment in an npm publish is read as a stream, not a string). */
    public static final int MAX_STRING = 64 << 20;
    public static final int MAX_NUMBER = 256;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                    .maxStringLength(MAX_STRING).maxNumberLength(MAX_NUMBER).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    /** The shared mapper (thread-safe; do not reconfigure it). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A client's JSON body, at most {@code maxBytes}; malformed or too large is a 400 naming {@code what}. */
    public static JsonNode readClient(InputStream in, long maxBytes, String what) throws IOException {
        return read(in, maxBytes, what, 400, "BAD_REQUEST");
    }

    /** An upstream's JSON document; malformed or too large is a 502 naming {@code what}. */
    public static JsonNode readUpstream(InputStream in, long maxBytes, String what) throws IOException {
        return read(in, maxBytes, what, 502, "BAD_UPSTREAM");
    }

    /** JSON this server wrote itself (a stored index); malformed is a plain IOException (a bug or damage). */
    public static JsonNode readStored(InputStream in) throws IOException {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return MAPPER.readTree(r);
        }
    }

    private static JsonNode read(InputStream in, long maxBytes, String what, int status, String code)
            throws IOException {
        Bounded b = new Bounded(in, maxBytes);
        try (Reader r = new InputStreamReader(b, StandardCharsets.UTF_8)) {
            JsonNode n = MAPPER.readTree(r);
            if (n == null || n.isMissingNode()) {
                throw new FormatException(status, code, what + " is empty");
            }
            return n;
        } catch (JacksonException e) {
            if (b.exceeded) {
                throw new FormatException(status == 400 ? 413 : status, code, what + " is larger than " + maxBytes
                        + " bytes");
            }
            throw new FormatException(status, code, "malformed JSON in " + what + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            if (b.exceeded) {
                throw new FormatException(status == 400 ? 413 : status, code, what + " is larger than " + maxBytes
                        + " bytes");
            }
            throw e;
        }
    }

    /** Serializes {@code node} compactly as UTF-8. */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }

    /** Serializes any value Jackson can (maps, lists, records) compactly as UTF-8. */
    public static byte[] bytesOf(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass(), e);
        }
    }

    public static String string(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    /** Fails the read past a byte count. */
    private static final class Bounded extends java.io.FilterInputStream {
        private final long max;
        private long count;
        boolean exceeded;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > max) {
                exceeded = true;
                throw new IOException("too large");
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0 && (count += n) > max) {
                exceeded = true;
                throw new IOException("too large");
            }
            return n;
        }
    }
}
