package io.artifactkeeper.core.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.artifactkeeper.api.format.Caller;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.RouteTable;
import io.artifactkeeper.core.repo.FormatRegistry;

/**
 * Sends a request that arrived on another route to the same data (the artifacts API) through the
 * format's own native route, so that one set of rules — validation, immutability, ownership, index
 * consistency — guards every way in. A format that declares its routes owns its layout: a path its
 * routes do not accept for the method is refused rather than written around the format.
 */
public final class NativeRoutes {
    private NativeRoutes() {
    }

    /** What the native route answered. */
    public record Outcome(int status, String message) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * The format's native route for {@code method} at {@code path}, or empty when the format routes
     * in its handler (no route table: a plugin or a format not on SPI 2 yet).
     *
     * @throws ApiException 400 when the format owns its layout and has no such route
     */
    public static Optional<RouteMatch> route(FormatRegistry.Entry f, String method, String path) {
        if (!f.routesAsData()) {
            return Optional.empty();
        }
        RouteTable.Result r = f.routes().match(method, path);
        if (r instanceof RouteTable.Matched m) {
            return Optional.of(m.match());
        }
        throw new ApiException(400, "PATH_OWNED_BY_FORMAT", "the " + f.descriptor().key() + " format does not accept "
                + method + " of " + path + " (it keeps its indexes itself): publish with the format's own client at /"
                + FormatRegistry.mountPath(f.descriptor()) + "/{repository}/");
    }

    /** Runs the format's handler for {@code match} with the artifacts API request's body and headers. */
    public static Outcome dispatch(Exchange ex, FormatRegistry.Entry f, RepositoryContext ctx, RouteMatch match,
            String path, Caller caller) throws IOException {
        FormatRequestImpl freq = new FormatRequestImpl(ex.request(), path, path, caller, ex.serverUrl(), ctx.key())
                .match(match);
        FormatResponse fr;
        try {
            fr = f.handler().handle(freq, ctx);
        } catch (FormatException e) {
            return new Outcome(e.status(), e.getMessage());
        }
        String message = fr.bytes() == null ? "" : new String(fr.bytes(), StandardCharsets.UTF_8);
        return new Outcome(fr.status(), message.length() > 2000 ? message.substring(0, 2000) : message);
    }
}
