package io.artifactkeeper.format.composer.impl;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.format.support.Json;

/**
 * Composer repositories under {@code /composer/{repo}/}: {@code packages.json}, the minified metadata
 * v2 at {@code p2/{vendor}/{package}.json} and {@code ~dev.json}, dists at
 * {@code dist/{vendor}/{package}/{version}/{reference}.zip}, download notifications
 * ({@code notify-batch}), and uploads of dist zips ({@code PUT {file}.zip} or
 * {@code PUT packages/upload/{vendor}/{package}/{version}}) and their removal
 * ({@code DELETE packages/{vendor}/{package}/{version}}), for local, remote (a Packagist-protocol
 * upstream) and virtual repositories. Errors are JSON ({@code {"status":"error","message":...}}, the
 * shape of Packagist's API); Composer shows the status and message.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=composer")
public final class ComposerFormat implements FormatHandler {
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("composer", List.of(), "composer", "Composer",
            List.of("zip"));
    static final String PACKAGES = "packages";
    static final String P2 = "p2";
    static final String DIST = "dist";
    static final String NOTIFY = "notify";
    static final String NOTIFY_SLASH = "notify@slash";
    static final String UPLOAD_ZIP = "upload-zip";
    static final String UPLOAD = "upload";
    static final String DELETE_VERSION = "delete-version";
    private static final List<Route> ROUTES = List.of(
            Route.read(PACKAGES, ComposerMetadata.PACKAGES_JSON).metadata(),
            Route.read(P2, "p2/{vendor}/{file:[^/]+\\.json}").metadata(),
            Route.read(DIST, "dist/{vendor}/{package}/{version}/{file}"),
            Route.of(NOTIFY, "POST", "downloads", Access.READ),
            Route.of(NOTIFY_SLASH, "POST", "downloads/", Access.READ),
            Route.of(UPLOAD_ZIP, "PUT", "{file:[^/]+\\.zip}", Access.WRITE),
            Route.of(UPLOAD, "PUT", "packages/upload/{vendor}/{package}/{version}", Access.WRITE),
            Route.of(DELETE_VERSION, "DELETE", "packages/{vendor}/{package}/{version}", Access.DELETE));
    /** A notify-batch body larger than this is refused (Composer sends one line per installed package). */
    private static final int MAX_NOTIFY = 1 << 20;

    private final ComposerMetadata metadata = new ComposerMetadata();
    private final ProxyPolicy policy = new ComposerProxyPolicy(metadata::upstreamDistUrl);

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
        return policy;
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        return FormatResponse.status(status).body(ComposerMetadata.JSON_TYPE,
                Json.bytesOf(Map.of("status", "error", "message", message == null ? code : message)));
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        if (path.startsWith(ComposerUploads.UPLOADS)) {
            // an upload in progress: refused here, before it is visible, unless it is a dist with a valid composer.json
            ComposerManifest m = ComposerUploads.manifest(content).orElseThrow();
            return new ArtifactDescription(m.name(), m.version(), ComposerUploads.ZIP_TYPE,
                    Map.of(ComposerUploads.ATTR_MANIFEST, Json.string(m.metadata())));
        }
        String dist = ComposerNames.nameOfDistPath(path);
        if (dist != null) {
            // a remote's cached dist: its version is the path's (unless it had to be hashed there)
            String version = path.split("/")[3];
            return new ArtifactDescription(dist, version.startsWith("~") ? null : version,
                    path.endsWith(".zip") ? ComposerUploads.ZIP_TYPE : null, Map.of());
        }
        if (path.startsWith(ComposerNames.P2) || path.endsWith(".json")) {
            return new ArtifactDescription(null, null, ComposerMetadata.JSON_TYPE, Map.of());
        }
        return ArtifactDescription.fromPath(path);
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case PACKAGES -> metadata.packagesJson(repo);
            case P2 -> p2(repo, m.param("vendor"), m.param("file"));
            case DIST -> dist(repo, req.path());
            case NOTIFY, NOTIFY_SLASH -> notifyBatch(req);
            case UPLOAD_ZIP -> ComposerUploads.upload(req, repo, null, null);
            case UPLOAD -> ComposerUploads.upload(req, repo, m.param("vendor") + "/" + m.param("package"),
                    m.param("version"));
            case DELETE_VERSION -> ComposerUploads.delete(repo, m.param("vendor") + "/" + m.param("package"),
                    m.param("version"));
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    private FormatResponse p2(RepositoryContext repo, String vendor, String file) throws IOException {
        String pkg = file.substring(0, file.length() - ".json".length());
        boolean dev = pkg.endsWith("~dev");
        if (dev) {
            pkg = pkg.substring(0, pkg.length() - "~dev".length());
        }
        String name = vendor + "/" + pkg;
        if (!ComposerNames.isName(name)) {
            throw FormatException.notFound("no package " + ComposerNames.printable(name) + " (not a package name)");
        }
        return metadata.p2(repo, name, dev);
    }

    private static FormatResponse dist(RepositoryContext repo, String path) throws IOException {
        if (ComposerNames.nameOfDistPath(path) == null) {
            throw FormatException.notFound("not a dist: " + ComposerNames.printable(path));
        }
        return FormatResponse.asset(repo.get(path).orElseThrow(() -> FormatException.notFound("dist "
                + ComposerNames.printable(path) + " not found in " + repo.key())));
    }

    /**
     * Composer's download notifications ({@code {"downloads":[{"name":..,"version":..}]}}), which it sends
     * after installing: checked and acknowledged; the server counts downloads of its own.
     */
    private static FormatResponse notifyBatch(FormatRequest req) throws IOException {
        JsonNode n = Json.readClient(req.body(), MAX_NOTIFY, "the download notification");
        if (!n.isObject() || !n.path("downloads").isArray()) {
            throw FormatException.badRequest("a download notification is {\"downloads\": [{\"name\": ..., \"version\": ...}]}");
        }
        for (JsonNode d : n.get("downloads")) {
            if (!d.isObject() || !d.path("name").isTextual()) {
                throw FormatException.badRequest("each download names its package: {\"name\": ..., \"version\": ...}");
            }
        }
        return FormatResponse.json(200, "{\"status\":\"success\"}");
    }
}
