package io.artifactkeeper.format.oci.impl;

import static io.artifactkeeper.format.oci.impl.OciErrors.error;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.MountContext;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.format.oci.impl.OciErrors.OciException;
import io.artifactkeeper.format.support.Json;

/**
 * The OCI registry (Distribution Specification 1.1) under {@code /v2/{repo_key}/{name}/...}: one
 * switch over the endpoint and the method; blobs, manifests and the mount-level routes live in
 * their own classes.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=oci")
public final class OciFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("oci",
            List.of("docker", "podman", "buildx", "oras", "wasm_oci", "helm_oci"), "v2", "OCI / Docker registry",
            List.of());
    private static final ProxyPolicy PROXY = new OciProxyPolicy();

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return PROXY;
    }

    @Override
    public List<Route> routes() {
        return OciRoute.ROUTES;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        try {
            return route(req, repo, OciRoute.of(req.route()));
        } catch (FormatException e) {
            return renderError(req, e.status(), e.code(), e.getMessage(), e instanceof OciException o ? o.detail() : null);
        }
    }

    private static FormatResponse route(FormatRequest req, RepositoryContext repo, OciRoute r) throws IOException {
        if (!r.validName()) {
            throw error(400, "NAME_INVALID", "invalid repository name: " + r.name(), Map.of("name", r.name()));
        }
        return switch (r.op()) {
            case OciRoute.TAGS -> OciManifests.tags(req, repo, r);
            case OciRoute.PULL_MANIFEST -> OciManifests.get(repo, r);
            case OciRoute.PUSH_MANIFEST -> OciManifests.put(req, repo, r);
            case OciRoute.DELETE_MANIFEST -> OciManifests.delete(repo, r);
            case OciRoute.START_UPLOAD -> OciBlobs.start(req, repo, r);
            case OciRoute.UPLOAD_STATUS -> OciBlobs.status(repo, r);
            case OciRoute.UPLOAD_CHUNK -> OciBlobs.patch(req, repo, r);
            case OciRoute.COMPLETE_UPLOAD -> OciBlobs.complete(req, repo, r);
            case OciRoute.CANCEL_UPLOAD -> OciBlobs.cancel(repo, r);
            case OciRoute.PULL_BLOB -> OciBlobs.get(repo, r);
            case OciRoute.DELETE_BLOB -> OciBlobs.delete(repo, r);
            case OciRoute.REFERRERS -> OciManifests.referrers(req, repo, r);
            default -> throw new IllegalStateException("route without a handler: " + r.op());
        };
    }

    @Override
    public FormatResponse handleMount(FormatRequest req, MountContext mount) throws IOException {
        try {
            return OciMount.handle(req, mount);
        } catch (FormatException e) {
            return renderError(req, e.status(), e.code(), e.getMessage(), e instanceof OciException o ? o.detail() : null);
        }
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        return OciErrors.envelope(status, code, message, null);
    }

    @Override
    public FormatResponse renderError(FormatRequest request, int status, String code, String message) {
        return renderError(request, status, code, message, null);
    }

    /** The envelope, plus for a 401 the challenge naming this server's token endpoint and the scope asked for. */
    private static FormatResponse renderError(FormatRequest req, int status, String code, String message, Object detail) {
        if (status == 400 && "BAD_REQUEST".equals(code) && req.match().map(m -> m.route().access() != Access.READ)
                .orElse(false)) {
            // the core's refusal of a push to a virtual repository: the spec's "not supported here"
            code = "UNSUPPORTED";
        }
        FormatResponse fr = OciErrors.envelope(status, code, message, detail);
        if (status == 401) {
            // below the repository, or (no repository found) below /v2 with the key first
            String key = req.repositoryKey().orElseGet(() -> {
                int slash = req.path().indexOf('/');
                return slash > 0 ? req.path().substring(0, slash) : null;
            });
            String scope = key == null ? null : req.match().map(OciRoute::of).or(() -> OciRoute.parse(rest(req, key)))
                    .map(r -> OciRoute.fullName(key, r.name())).orElse(null);
            String m = req.method();
            String actions = m.equals("GET") || m.equals("HEAD") ? "pull" : m.equals("DELETE") ? "delete" : "pull,push";
            fr.header("WWW-Authenticate", OciErrors.challenge(req.serverUrl(), scope, actions));
        }
        return fr;
    }

    /** The path below the repository: below the mount, a request that named no repository starts with the key. */
    private static String rest(FormatRequest req, String key) {
        return req.repositoryKey().isPresent() ? req.path() : req.path().substring(key.length() + 1);
    }

    /**
     * What an OCI file is when it arrives other than by a push (the artifacts API, a remote cache
     * fill): image name, tag, media type and, for manifests, the referrers metadata.
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        Optional<OciRoute> parsed = OciRoute.parse(path);
        if (parsed.isEmpty()) {
            return ArtifactDescription.fromPath(path);
        }
        OciRoute r = parsed.get();
        String name = r.name().isEmpty() ? null : r.name();
        if (r.is(OciRoute.PULL_MANIFEST)) {
            String version = OciDigest.isDigest(r.reference()) ? null : r.reference();
            if (content.size() > OciManifests.MAX_MANIFEST_BYTES) {
                return new ArtifactDescription(name, version, null, Map.of());
            }
            byte[] bytes;
            try (InputStream in = content.open()) {
                bytes = in.readAllBytes();
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            String type = null;
            try {
                OciManifest m = OciManifest.parse(bytes, null);
                attrs.putAll(m.attributes());
                type = m.mediaType();
            } catch (OciManifest.Invalid e) {
                // not ours to refuse here: recorded without manifest metadata
            }
            attrs.put("digest", "sha256:" + content.sha256());
            return new ArtifactDescription(name, version, type, attrs);
        }
        if (r.is(OciRoute.PULL_BLOB)) {
            return new ArtifactDescription(name, null, OciBlobs.OCTET_STREAM, Map.of("digest", r.reference()));
        }
        if (r.is(OciRoute.TAGS, OciRoute.REFERRERS)) {
            return new ArtifactDescription(name, null, "application/json", Map.of());
        }
        return new ArtifactDescription(name, null, null, Map.of());
    }

    // --- helpers shared by the route classes

    /** A response with the API version header every registry answer carries. */
    static FormatResponse respond(int status) {
        return FormatResponse.status(status).header(OciErrors.API_VERSION_HEADER, OciErrors.API_VERSION);
    }

    static FormatResponse json(int status, Object body) {
        return respond(status).body("application/json", Json.bytesOf(body));
    }
}
