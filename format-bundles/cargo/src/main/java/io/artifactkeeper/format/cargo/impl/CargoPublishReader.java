package io.artifactkeeper.format.cargo.impl;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.format.support.Json;

/**
 * The body of {@code PUT /api/v1/crates/new}: a 32-bit little-endian length, that many bytes of
 * JSON metadata, a second 32-bit little-endian length, then the .crate itself. The metadata is
 * small and read whole (bounded); the .crate is handed on as a stream of exactly its declared
 * length, so it is never held in memory, and a body that ends early is told apart from one that
 * is complete.
 */
final class CargoPublishReader {
    /** The metadata carries the README's text; crates.io allows a few MiB of it. */
    static final long MAX_METADATA = 10L * 1024 * 1024;

    private final InputStream in;
    private final long declaredLength;
    private long jsonLength = -1;
    private CrateStream crate;

    CargoPublishReader(InputStream in, long declaredLength) {
        this.in = in;
        this.declaredLength = declaredLength;
    }

    /** Reads and parses the metadata. */
    ObjectNode metadata() throws IOException {
        jsonLength = u32("metadata length");
        if (jsonLength == 0) {
            throw new InvalidArtifactException("the publish body carries no metadata");
        }
        if (jsonLength > MAX_METADATA) {
            throw new FormatException(413, "TOO_LARGE", "the publish metadata is " + jsonLength
                    + " bytes; at most " + MAX_METADATA + " are accepted");
        }
        if (declaredLength >= 0 && 8 + jsonLength > declaredLength) {
            throw new InvalidArtifactException("the metadata length (" + jsonLength + ") runs past the end of the "
                    + declaredLength + "-byte body");
        }
        byte[] json = in.readNBytes((int) jsonLength);
        if (json.length < jsonLength) {
            throw new InvalidArtifactException("the publish body ends inside the metadata (" + json.length + " of "
                    + jsonLength + " bytes)");
        }
        JsonNode n = Json.readClient(new ByteArrayInputStream(json), MAX_METADATA, "the publish metadata");
        if (!(n instanceof ObjectNode o)) {
            throw new InvalidArtifactException("the publish metadata must be a JSON object");
        }
        return o;
    }

    /** Reads the .crate's length, checked against the body's declared length; call after {@link #metadata}. */
    long crateLength() throws IOException {
        long len = u32("crate length");
        if (len == 0) {
            throw new InvalidArtifactException("the publish body carries an empty .crate");
        }
        if (declaredLength >= 0 && declaredLength != 8 + jsonLength + len) {
            throw new InvalidArtifactException("the body is " + declaredLength + " bytes but its lengths say "
                    + (8 + jsonLength + len) + " (metadata " + jsonLength + ", crate " + len + ")");
        }
        crate = new CrateStream(in, len);
        return len;
    }

    /** Exactly the .crate's bytes; a read past a premature end throws. */
    CrateStream crate() {
        return crate;
    }

    /** Throws when anything follows the .crate. */
    void requireEnd() throws IOException {
        if (in.read() >= 0) {
            throw new InvalidArtifactException("the publish body continues after the .crate's declared length");
        }
    }

    private long u32(String what) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new InvalidArtifactException("the publish body ends before the " + what);
        }
        return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
    }

    /** The .crate part of the body: ends after its declared length, fails if the body ends before. */
    static final class CrateStream extends InputStream {
        private final InputStream in;
        private final long length;
        private long read;
        private volatile boolean truncated;

        CrateStream(InputStream in, long length) {
            this.in = in;
            this.length = length;
        }

        boolean truncated() {
            return truncated;
        }

        long bytesRead() {
            return read;
        }

        long length() {
            return length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read >= length) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = in.read(b, off, (int) Math.min(len, length - read));
            } catch (IOException e) {
                truncated = true;
                throw e;
            }
            if (n < 0) {
                truncated = true;
                throw new EOFException("the body ended after " + read + " of the .crate's " + length + " bytes");
            }
            read += n;
            return n;
        }

        @Override
        public void close() {
            // the request body belongs to the core
        }
    }
}
