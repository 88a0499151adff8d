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
