package io.artifactkeeper.api.http;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;

/**
 * REST routes that a bundle contributes under {@code /api/v1/{prefix}/...}. Register as a service
 * with {@value #PREFIX_PROPERTY} (one path segment, e.g. {@code plugins}). The core authenticates
 * the caller and enforces {@value #ACCESS_PROPERTY} before calling; routes of the core itself win
 * over an extension with the same path.
 *
 * <p>{@link FormatRequest#path()} is the path below the prefix (empty for the prefix itself).
 * Throw {@link io.artifactkeeper.api.format.FormatException} for expected failures: the core
 * renders it as the API's {@code {"code","message"}} error with its status.
 */
@ConsumerType
public interface ApiExtension {

    /** Service property: the first path segment below {@code /api/v1/}. */
    String PREFIX_PROPERTY = "api.prefix";

    /**
     * Service property: who may call. {@value #ACCESS_ADMIN} (the default): administrators with the
     * admin scope; {@value #ACCESS_AUTHENTICATED}: any authenticated caller.
     */
    String ACCESS_PROPERTY = "api.access";

    String ACCESS_ADMIN = "admin";

    String ACCESS_AUTHENTICATED = "authenticated";

    FormatResponse handle(FormatRequest request) throws IOException;
}
