package io.artifactkeeper.core.http;

import io.artifactkeeper.api.format.FormatException;

/**
 * An expected failure of the REST API: rendered as {"code","message"} with its status. The same
 * kind of failure as a format's {@link FormatException}, which the dispatcher renders natively.
 */
public class ApiException extends FormatException {
    private static final long serialVersionUID = 1L;

    public ApiException(int status, String code, String message) {
        super(status, code, message);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BAD_REQUEST", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "UNAUTHORIZED", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "FORBIDDEN", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "CONFLICT", message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "SERVICE_UNAVAILABLE", message);
    }
}
