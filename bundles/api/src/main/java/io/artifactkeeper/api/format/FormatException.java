package io.artifactkeeper.api.format;

/**
 * An expected failure with the HTTP status it maps to. The core renders it for the native client
 * (see {@link FormatHandler#handle}); formats may also return their own error bodies directly.
 */
public class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    public FormatException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static FormatException notFound(String message) {
        return new FormatException(404, "NOT_FOUND", message);
    }

    public static FormatException conflict(String message) {
        return new FormatException(409, "CONFLICT", message);
    }

    public static FormatException badRequest(String message) {
        return new FormatException(400, "BAD_REQUEST", message);
    }

    public static FormatException methodNotAllowed(String message) {
        return new FormatException(405, "METHOD_NOT_ALLOWED", message);
    }
}
