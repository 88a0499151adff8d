package io.artifactkeeper.format.go.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;

/**
 * Go modules under {@code /go/{repo}/}, the GOPROXY protocol, as routes:
 * <ul>
 * <li>{@code GET $module/@v/list}, {@code $module/@latest}, {@code $module/@v/$version.info},
 * {@code .mod}, {@code .zip}, with case-encoded module paths and versions;</li>
 * <li>{@code PUT $module/@v/$version.zip} (checked against the module zip rules), {@code .mod},
 * {@code .info};</li>
 * <li>{@code sumdb/...}: 404, so that the go command falls back to the checksum database itself
 * (or is run with {@code GOSUMDB=off}).</li>
 * </ul>
 * Errors are plain text, as the go command prints them; "not found" answers are 404, which the go
 * command takes as "try the next proxy".
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=go")
public final class GoFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("go", List.of(), "go", "Go modules",
            List.of(".zip", ".mod", ".info"));
    private static final ProxyPolicy PROXY = new GoProxyPolicy();
    private static final List<Route> ROUTES = List.of(
            // before the module routes: a module path never starts with sumdb/ (no dot in its first element)
            Route.read("sumdb", "{path:sumdb(?:/.*)?}"),
            Route.read("list", "{module+}/@v/list").metadata(),
            Route.read("latest", "{module+}/@latest").metadata(),
            Route.read("info", "{module+}/@v/{version}.info"),
            Route.read("mod", "{module+}/@v/{version}.mod"),
            Route.read("zip", "{module+}/@v/{version}.zip"),
            Route.of("put-info", "PUT", "{module+}/@v/{version}.info", Access.WRITE),
            Route.of("put-mod", "PUT", "{module+}/@v/{version}.mod", Access.WRITE),
            Route.of("put-zip", "PUT", "{module+}/@v/{version}.zip", Access.WRITE));

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<Route> routes() {
        return ROUTES;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return PROXY;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        if (m.is("sumdb")) {
            return FormatResponse.text(404, "not found: this proxy does not serve checksum databases "
                    + "(run the go command with GOSUMDB=off or GONOSUMDB for these modules)\n");
        }
        boolean write = m.name().startsWith("put-");
        GoRoute.Kind kind = switch (write ? m.name().substring(4) : m.name()) {
            case "list" -> GoRoute.Kind.LIST;
            case "latest" -> GoRoute.Kind.LATEST;
            case "info" -> GoRoute.Kind.INFO;
            case "mod" -> GoRoute.Kind.MOD;
            case "zip" -> GoRoute.Kind.ZIP;
            default -> throw new IllegalStateException("route " + m.name());
        };
        GoRoute route;
        try {
            route = GoRoute.of(kind, m.param("module"), m.route().variables().contains("version") ? m.param("version")
                    : null).orElseThrow();
        } catch (GoRoute.BadEncodingException e) {
            return FormatResponse.text(400, "bad request: " + e.getMessage() + "\n");
        }
        if (!route.valid()) {
            return write ? FormatResponse.text(400, route.problem() + "\n")
                    : FormatResponse.text(404, "not found: " + route.problem() + "\n");
        }
        if (write) {
            if (kind == GoRoute.Kind.ZIP && req.contentLength() > GoModuleZip.MAX_ZIP) {
                return FormatResponse.text(413, "a module zip may be at most " + GoModuleZip.MAX_ZIP + " bytes (500 MiB)\n");
            }
            return GoUploads.put(repo, route, req.body());
        }
        return switch (kind) {
            case LIST -> list(repo, route);
            case LATEST -> latest(repo, route);
            default -> file(repo, route);
        };
    }

    private static FormatResponse list(RepositoryContext repo, GoRoute route) throws IOException {
        List<String> versions = GoVersions.list(repo, route);
        if (versions.isEmpty()) {
            return FormatResponse.text(404, "not found: module " + route.module() + ": no versions in " + repo.key() + "\n");
        }
        StringBuilder b = new StringBuilder();
        for (String v : versions) {
            b.append(v).append('\n');
        }
        return generated(GoRoute.Kind.LIST, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static FormatResponse latest(RepositoryContext repo, GoRoute route) throws IOException {
        return GoVersions.latest(repo, route)
                .map(l -> generated(GoRoute.Kind.LATEST, l.info()))
                .orElseGet(() -> FormatResponse.text(404, "not found: module " + route.module() + ": no versions in "
                        + repo.key() + "\n"));
    }

    /** A document generated for this request, with its entity tag (the core answers a match with 304). */
    private static FormatResponse generated(GoRoute.Kind kind, byte[] body) {
        return FormatResponse.ok(kind.contentType, body).validators(DocumentCache.etag(body), null);
    }

    private static FormatResponse file(RepositoryContext repo, GoRoute route) throws IOException {
        Optional<StoredAsset> a = repo.get(route.storagePath());
        if (a.isEmpty()) {
            return FormatResponse.text(404, "not found: " + route.display() + ": no " + route.kind().suffix
                    + " file in " + repo.key() + "\n");
        }
        return FormatResponse.asset(a.get()).contentType(route.kind().contentType);
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        return FormatResponse.text(status, (status == 404 || status == 410 ? "not found: " : "") + message + "\n");
    }

    /**
     * Checks a file stored by the artifacts API (or cached from an upstream) by the same rules as
     * the native upload: zips against the module zip rules, .mod and .info against their URL.
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        GoRoute route;
        try {
            route = GoRoute.parse(path).orElseThrow(() -> new InvalidArtifactException(path
                    + " is not a Go module file path ($module/@v/$version.zip, .mod or .info)"));
        } catch (GoRoute.BadEncodingException e) {
            throw new InvalidArtifactException(e.getMessage());
        }
        if (!route.valid()) {
            throw new InvalidArtifactException(route.problem());
        }
        switch (route.kind()) {
            case ZIP -> {
                // read in place through the stored bytes' channel: no copy to a temporary file
                GoModuleZip.Contents c = GoUploads.checkZip(content, route);
                return GoUploads.description(route.module(), route.version(), route.kind(),
                        Map.of("module", route.module(), "files", c.files(), "unpacked_bytes", c.unpackedBytes(),
                                "has_go_mod", c.goMod().isPresent()));
            }
            case MOD -> {
                try (InputStream in = content.open()) {
                    GoUploads.checkMod(in.readNBytes((int) GoModuleZip.MAX_GO_MOD + 1), route);
                }
            }
            case INFO -> {
                try (InputStream in = content.open()) {
                    GoUploads.checkInfo(in.readNBytes((64 << 10) + 1), route);
                }
            }
            default -> {
                // a version list or @latest cached from an upstream
            }
        }
        return GoUploads.description(route.module(), route.version(), route.kind(), Map.of("module", route.module()));
    }
}
