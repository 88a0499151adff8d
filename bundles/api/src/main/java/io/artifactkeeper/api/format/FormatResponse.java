package io.artifactkeeper.api.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a format answers. The body is one of: nothing, small bytes, a {@link StoredAsset} (the core
 * streams it and handles {@code If-None-Match}, {@code If-Modified-Since} and {@code Range}), or a
 * writer that streams generated output.
 */
public final class FormatResponse {

    /** Streams a generated body. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private final int status;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private byte[] bytes;
    private StoredAsset asset;
    private BodyWriter writer;
    private String contentType;
    private String etag;
    private java.time.Instant lastModified;

    private FormatResponse(int status) {
        this.status = status;
    }

    public static FormatResponse status(int status) {
        return new FormatResponse(status);
    }

    /** 200 with the asset's bytes, content type and validators. */
    public static FormatResponse asset(StoredAsset asset) {
        FormatResponse r = new FormatResponse(200);
        r.asset = Objects.requireNonNull(asset);
        r.contentType = asset.contentType();
        return r;
    }

    public static FormatResponse ok(String contentType, byte[] body) {
        return status(200).body(contentType, body);
    }

    public static FormatResponse json(int status, String json) {
        return status(status).body("application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public static FormatResponse text(int status, String text) {
        return status(status).body("text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static FormatResponse notFound() {
        return text(404, "not found");
    }

    public FormatResponse body(String contentType, byte[] body) {
        this.contentType = contentType;
        this.bytes = body;
        return this;
    }

    public FormatResponse stream(String contentType, BodyWriter writer) {
        this.contentType = contentType;
        this.writer = writer;
        return this;
    }

    public FormatResponse header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    /** Overrides the content type (e.g. of an asset). */
    public FormatResponse contentType(String type) {
        this.contentType = type;
        return this;
    }

    /**
     * Validators of a generated body (bytes or a writer): the core sends them as {@code ETag} and
     * {@code Last-Modified} and answers a matching {@code If-None-Match} (or, without one, an
     * {@code If-Modified-Since} not before {@code lastModified}) with 304 and no body. {@code etag} is
     * the quoted entity tag; either may be null.
     *
     * @since 2.0
     */
    public FormatResponse validators(String etag, java.time.Instant lastModified) {
        this.etag = etag;
        this.lastModified = lastModified;
        return this;
    }

    /** @since 2.0 */
    public String etag() {
        return etag;
    }

    /** @since 2.0 */
    public java.time.Instant lastModified() {
        return lastModified;
    }

    public int status() {
        return status;
    }

    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    public String contentType() {
        return contentType;
    }

    public byte[] bytes() {
        return bytes;
    }

    public StoredAsset asset() {
        return asset;
    }

    public BodyWriter writer() {
        return writer;
    }
}
