package io.artifactkeeper.api.format;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** A native-protocol request as the core hands it to a format. */
@ProviderType
public interface FormatRequest {

    /** Upper-case HTTP method. */
    String method();

    /**
     * The path below {@code /{mount}/{repo_key}/}, percent-decoded and normalized: no leading
     * slash, no empty, "." or ".." segments (the core refuses those before a format sees them). A
     * trailing slash is kept ({@code simple/pkg/} is a page, {@code simple/pkg} a redirect to it; a
     * folder listing ends in one). Empty for the repository root.
     */
    String path();

    /** The raw (still encoded) path below the repository, for formats whose names contain '/'. */
    String rawPath();

    /** The query string without '?', or empty. */
    String query();

    /** First value of a query parameter. */
    Optional<String> queryParam(String name);

    /** All query parameters, decoded. */
    Map<String, List<String>> queryParams();

    /** First value of a header, case-insensitive. */
    Optional<String> header(String name);

    /** The body. Read it once; the core closes it. */
    InputStream body();

    /** Declared body length, or -1. */
    long contentLength();

    /** The caller; {@link Caller#anonymous()} when no credentials were sent. */
    Caller caller();

    /** External base URL of the server, without trailing slash ("http://host:8080"). */
    String serverUrl();

    /**
     * The key of the repository the request is for; empty for a request under the mount that names
     * no repository ({@link FormatHandler#handleMount}), whose {@link #path()} is below the mount.
     */
    default Optional<String> repositoryKey() {
        return Optional.empty();
    }

    /**
     * The route this request matched, for a format that declares {@link FormatHandler#routes()};
     * empty otherwise.
     *
     * @since 2.0
     */
    default Optional<RouteMatch> match() {
        return Optional.empty();
    }

    /**
     * The matched route; fails when the format declares no routes (a bug in the format).
     *
     * @since 2.0
     */
    default RouteMatch route() {
        return match().orElseThrow(() -> new IllegalStateException("no route matched: the format declares no routes"));
    }
}
