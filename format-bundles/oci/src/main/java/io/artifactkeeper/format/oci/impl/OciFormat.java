package io.artifactkeeper.format.oci.impl;

import static io.artifactkeeper.format.oci.impl.OciErrors.error;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import io.artifactkeeper.format.oci.impl.OciErrors.OciException;

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

    /** Reading an upload's status is part of pushing: it needs write access like the rest of the upload. */
    @Override
    public Access requiredAccess(FormatRequest request) {
        OciRoute r = OciRoute.parse(request.path());
        if (r != null && r.kind() == OciRoute.Kind.UPLOAD && request.method().equals("GET")) {
            return Access.WRITE;
        }
        return Access.forMethod(request.method());
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        try {
            return route(req, repo);
        } catch (FormatException e) {
            return renderError(req, e.status(), e.code(), e.getMessage(), e instanceof OciException o ? o.detail() : null);
        }
    }

    private FormatResponse route(FormatRequest req, RepositoryContext repo) throws IOException {
        OciRoute r = OciRoute.parse(req.path());
        if (r == null) {
            throw error(404, "NAME_UNKNOWN", "not an OCI distribution endpoint: /v2/" + repo.key() + "/" + req.path());
        }
        if (!r.validName()) {
            throw error(400, "NAME_INVALID", "invalid repository name: " + r.name(), Map.of("name", r.name()));
        }
        String m = req.method();
        boolean read = m.equals("GET") || m.equals("HEAD");
        switch (r.kind()) {
            case BLOB -> {
                if (read) {
                    return OciBlobs.get(repo, r);
                }
                if (m.equals("DELETE")) {
                    return OciBlobs.delete(repo, r);
                }
            }
            case UPLOAD_START -> {
                if (m.equals("POST")) {
                    return OciBlobs.start(req, repo, r);
                }
            }
            case UPLOAD -> {
                switch (m) {
                    case "GET" -> {
                        return OciBlobs.status(repo, r);
                    }
                    case "PATCH" -> {
                        return OciBlobs.patch(req, repo, r);
                    }
                    case "PUT" -> {
                        return OciBlobs.complete(req, repo, r);
                    }
                    case "DELETE" -> {
                        return OciBlobs.cancel(repo, r);
                    }
                    default -> {
                    }
                }
            }
            case MANIFEST -> {
                if (read) {
                    return OciManifests.get(repo, r);
                }
                if (m.equals("PUT")) {
                    return OciManifests.put(req, repo, r);
                }
                if (m.equals("DELETE")) {
                    return OciManifests.delete(repo, r);
                }
            }
            case TAGS -> {
                if (read) {
                    return OciManifests.tags(req, repo, r);
                }
            }
            case REFERRERS -> {
                if (read) {
                    return OciManifests.referrers(req, repo, r);
                }
            }
        }
        throw error(405, "UNSUPPORTED", m + " is not supported on " + r.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
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
        FormatResponse fr = OciErrors.envelope(status, code, message, detail);
        if (status == 401) {
            // below the repository, or (no repository found) below /v2 with the key first
            String p = req.path();
            String key = req.repositoryKey().orElse(null);
            if (key == null) {
                int slash = p.indexOf('/');
                key = slash > 0 ? p.substring(0, slash) : null;
                p = slash > 0 ? p.substring(slash + 1) : "";
            }
            OciRoute r = key == null ? null : OciRoute.parse(p);
            String scope = r == null ? null : OciRoute.fullName(key, r.name());
            String m = req.method();
            String actions = m.equals("GET") || m.equals("HEAD") ? "pull" : m.equals("DELETE") ? "delete" : "pull,push";
            fr.header("WWW-Authenticate", OciErrors.challenge(req.serverUrl(), scope, actions));
        }
        return fr;
    }

    /**
     * What an OCI file is when it arrives other than by a push (the artifacts API, a remote cache
     * fill): image name, tag, media type and, for manifests, the referrers metadata.
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        OciRoute r = OciRoute.parse(path);
        if (r == null) {
            return ArtifactDescription.fromPath(path);
        }
        String name = r.name().isEmpty() ? null : r.name();
        return switch (r.kind()) {
            case MANIFEST -> {
                String version = OciDigest.isDigest(r.reference()) ? null : r.reference();
                if (content.size() > OciManifests.MAX_MANIFEST_BYTES) {
                    yield new ArtifactDescription(name, version, null, Map.of());
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
                yield new ArtifactDescription(name, version, type, attrs);
            }
            case BLOB -> new ArtifactDescription(name, null, OciBlobs.OCTET_STREAM, Map.of("digest", r.reference()));
            case TAGS, REFERRERS -> new ArtifactDescription(name, null, "application/json", Map.of());
            default -> new ArtifactDescription(name, null, null, Map.of());
        };
    }

    // --- helpers shared by the route classes

    /** A response with the API version header every registry answer carries. */
    static FormatResponse respond(int status) {
        return FormatResponse.status(status).header(OciErrors.API_VERSION_HEADER, OciErrors.API_VERSION);
    }

    static FormatResponse json(int status, Object body) {
        return respond(status).body("application/json", OciJson.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** Pushes go to local repositories; remote and virtual ones answer the spec's UNSUPPORTED. */
    static void requireHosted(RepositoryContext repo) {
        if (!repo.type().hosted()) {
            throw error(405, "UNSUPPORTED", "repository " + repo.key() + " is " + repo.type().wireName()
                    + ": push to a local repository");
        }
    }
}
