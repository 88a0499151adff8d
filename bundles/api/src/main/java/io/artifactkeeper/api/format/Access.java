package io.artifactkeeper.api.format;

import java.util.Locale;

/** The permission a request needs on its repository. */
public enum Access {
    /** No permission: anyone may call (e.g. a login endpoint, a ping). */
    NONE,
    READ,
    WRITE,
    DELETE,
    ADMIN;

    public static Access forMethod(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> READ;
            case "DELETE" -> DELETE;
            default -> WRITE;
        };
    }
}
