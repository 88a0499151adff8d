package io.artifactkeeper.api.format;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A package format. Implementations are thin: they parse the native protocol's paths, call the
 * {@link RepositoryContext} to read and write assets, and build or merge the format's metadata.
 * The core owns authentication, authorization, repository lookup, conditional and range requests,
 * streaming, checksums, remote caching and virtual fan-out.
 *
 * <p>Register as a DS component with service property {@value #KEY_PROPERTY}.
 */
@ConsumerType
public interface FormatHandler {

    /** Service property carrying the format key. */
    String KEY_PROPERTY = "format.key";

    /**
     * Key, aliases, mount and display name. The key is declared here only: the registry refuses a
     * handler whose {@value #KEY_PROPERTY} service property (optional) says otherwise.
     */
    FormatDescriptor descriptor();

    /**
     * The native routes below {@code /{mount}/{repo_key}/}, in matching order. When the list is not
     * empty the core matches each request once: no route is a 404 and a route without the method a 405
     * (both rendered by {@link #renderError}); the route's {@link Route#access()} is checked instead
     * of {@link #requiredAccess}; writes to remote (405) and virtual (400) repositories are refused
     * before {@link #handle} is called; and {@link FormatRequest#match()} carries the match. An empty
     * list (the default) leaves routing to {@link #handle}.
     *
     * @since 2.0
     */
    default List<Route> routes() {
        return List.of();
    }

    /**
     * What the caller must be allowed to do on the repository for this request. The default maps
     * GET/HEAD/OPTIONS to read, DELETE to delete and every other method to write.
     */
    default Access requiredAccess(FormatRequest request) {
        return Access.forMethod(request.method());
    }

    /** Serves a native-protocol request on a repository of this format. */
    FormatResponse handle(FormatRequest request, RepositoryContext repository) throws IOException;

    /**
     * Serves a request under this format's mount whose first path segment names no repository
     * (or that has no segment at all), e.g. OCI's {@code GET /v2/} or {@code /v2/_catalog}.
     * {@link FormatRequest#path()} is the path below the mount. The default answers 404.
     */
    default FormatResponse handleMount(FormatRequest request, MountContext mount) throws IOException {
        String p = request.path();
        int slash = p.indexOf('/');
        return renderError(404, "NOT_FOUND", "repository " + (slash < 0 ? p : p.substring(0, slash)) + " not found");
    }

    /**
     * Describes an artifact uploaded without format-specific routing (through the artifacts API or
     * a plain PUT): its name, version and content type. Called after the bytes are stored and before
     * the artifact becomes visible; throw {@link InvalidArtifactException} to refuse it.
     */
    default ArtifactDescription describe(String path, AssetContent content) throws IOException {
        return ArtifactDescription.fromPath(path);
    }

    /**
     * Renders an error the way this format's native client expects (npm: a JSON "error", OCI: its
     * error envelope, Maven: plain text). The default is plain text.
     */
    default FormatResponse renderError(int status, String code, String message) {
        return FormatResponse.text(status, message);
    }

    /**
     * Renders an error for a request, so that the format can add headers that depend on it (OCI's 401
     * challenge names the token endpoint on this server and the scope of the repository). The core
     * calls this form wherever it knows the request; the default ignores the request.
     */
    default FormatResponse renderError(FormatRequest request, int status, String code, String message) {
        return renderError(status, code, message);
    }

    /** How a remote repository of this format reaches its upstream. */
    default ProxyPolicy proxyPolicy() {
        return ProxyPolicy.PATH_APPEND;
    }
}
