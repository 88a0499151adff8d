package io.artifactkeeper.format.npm.impl;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads the body of {@code npm publish} (a packument with the tarball base64-encoded in
 * {@code _attachments.<file>.data}) with a streaming parser: the attachment's bytes are decoded
 * straight into the {@link AttachmentSink} while they arrive, everything else (small) becomes a tree.
 * The order of the top-level fields does not matter.
 */
final class NpmPublishReader {

    /** Where the decoded bytes of an attachment go. */
    @FunctionalInterface
    interface AttachmentSink {
        /** A stream for the bytes of {@code file}; the reader closes it after the last byte. */
        OutputStream open(String file) throws IOException;
    }

    /** One attachment as declared and as decoded. */
    record Attachment(String file, String contentType, long declaredLength, long decodedLength) {
    }

    /** The document without {@code _attachments}, and what its attachments were. */
    record Result(ObjectNode document, List<Attachment> attachments) {
    }

    /** The body is not a well-formed publish document (bad JSON, bad base64, wrong shapes). */
    static final class MalformedPublishException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedPublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads one field's value from the middle of the document (the shared mapper refuses what follows a value). */
    private static final ObjectReader FIELD = NpmPackument.JSON.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private NpmPublishReader() {
    }

    static Result read(InputStream body, AttachmentSink sink) throws IOException {
        ObjectNode doc = NpmPackument.JSON.createObjectNode();
        List<Attachment> attachments = new ArrayList<>();
        // UTF-8 always (JSON's interchange encoding): Jackson's own detection reads NUL-led bytes as UTF-32
        try (JsonParser p = NpmPackument.JSON.getFactory().createParser(
                new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("the body must be a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("_attachments")) {
                    readAttachments(p, sink, attachments);
                } else {
                    JsonNode v = FIELD.readTree(p);
                    doc.set(field, v);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw malformed("trailing content after the JSON object", null);
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw malformed("malformed publish body: " + e.getOriginalMessage(), e);
        }
        return new Result(doc, attachments);
    }

    private static void readAttachments(JsonParser p, AttachmentSink sink, List<Attachment> out) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw malformed("_attachments must be an object", null);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String file = p.currentName();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("attachment " + file + " must be an object", null);
            }
            String contentType = null;
            long declared = -1;
            long decoded = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                switch (f) {
                    case "data" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            throw malformed("attachment " + file + ": data must be a base64 string", null);
                        }
                        if (decoded >= 0) {
                            throw malformed("attachment " + file + " has data twice", null);
                        }
                        CountingStream cs = new CountingStream(sink.open(file));
                        try {
                            p.readBinaryValue(cs);
                        } catch (IllegalArgumentException e) {
                            throw malformed("attachment " + file + ": " + e.getMessage(), e);
                        }
                        // closed only on success: a clean end would let a truncated upload be stored
                        cs.close();
                        decoded = cs.count;
                    }
                    case "content_type" -> contentType = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "length" -> {
                        if (t.isNumeric()) {
                            declared = p.getLongValue();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (decoded < 0) {
                throw malformed("attachment " + file + " has no data", null);
            }
            out.add(new Attachment(file, contentType, declared, decoded));
        }
    }

    private static MalformedPublishException malformed(String message, Throwable cause) {
        return new MalformedPublishException(message, cause);
    }

    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
