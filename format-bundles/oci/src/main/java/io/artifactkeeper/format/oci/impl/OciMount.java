package io.artifactkeeper.format.oci.impl;

import static io.artifactkeeper.format.oci.impl.OciErrors.error;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.MountContext;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * The routes under {@code /v2/} that name no repository: the API version check, the token endpoint
 * and the catalog; and what a request for a repository that does not exist answers.
 */
final class OciMount {
    private OciMount() {
    }

    static FormatResponse handle(FormatRequest req, MountContext mount) throws IOException {
        String p = req.path();
        boolean read = req.method().equals("GET") || req.method().equals("HEAD");
        if (p.isEmpty() && read) {
            return ping(req);
        }
        if (p.equals("token")) {
            if (read) {
                return token(mount);
            }
            // no OAuth2 (POST) token flow: 404 is what makes docker and oras-go fall back to GET
            throw error(404, "UNSUPPORTED", "the token endpoint answers GET with Basic credentials; OAuth2 is not offered");
        }
        if (p.equals("_catalog") && read) {
            return catalog(req, mount);
        }
        // a repository key that does not exist: anonymous callers are asked to log in first, so
        // that an existing private repository and a missing one look the same
        int slash = p.indexOf('/');
        String key = slash < 0 ? p : p.substring(0, slash);
        String name = slash < 0 ? key : OciRoute.parse(p.substring(slash + 1)).map(r -> OciRoute.fullName(key, r.name()))
                .orElse(key);
        if (req.caller().isAnonymous()) {
            throw error(401, "UNAUTHORIZED", "authentication required");
        }
        throw error(404, "NAME_UNKNOWN", "repository name not known to registry",
                Map.of("name", name));
    }

    /**
     * {@code GET /v2/}: 200 for callers with credentials (a token counts, even an anonymous one);
     * otherwise 401 with the challenge that tells clients where to get a token.
     */
    private static FormatResponse ping(FormatRequest req) {
        if (req.caller().isAnonymous() && req.header("Authorization").isEmpty()) {
            throw error(401, "UNAUTHORIZED", "authentication required");
        }
        return OciFormat.json(200, Map.of());
    }

    /**
     * {@code GET /v2/token?service=..&scope=..}: a bearer token for whoever authenticated (Basic,
     * an API token, or nobody). The token carries the caller's identity, not the requested scopes:
     * each request is authorized by the caller's permissions on the repository it names.
     */
    private static FormatResponse token(MountContext mount) {
        String token = mount.issueAccessToken();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("access_token", token);
        body.put("expires_in", mount.accessTokenTtlSeconds());
        body.put("issued_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return OciFormat.json(200, body).header("Cache-Control", "no-store");
    }

    /** {@code GET /v2/_catalog}: {@code repo/name} of every image in a repository the caller may read. */
    private static FormatResponse catalog(FormatRequest req, MountContext mount) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (RepositoryContext repo : mount.readableRepositories()) {
            for (StoredAsset a : repo.list("")) {
                String path = a.path();
                int at = path.lastIndexOf("manifests/");
                if (at < 0 || (at > 0 && path.charAt(at - 1) != '/') || path.indexOf('/', at + 10) >= 0) {
                    continue;
                }
                String name = at == 0 ? "" : path.substring(0, at - 1);
                if (name.isEmpty() || OciRoute.NAME.matcher(name).matches()) {
                    names.add(OciRoute.fullName(repo.key(), name));
                }
            }
        }
        OciPage page = OciPage.of(new ArrayList<>(names), req);
        FormatResponse resp = OciFormat.json(200, Map.of("repositories", page.items()));
        page.next().ifPresent(q -> resp.header("Link", "</v2/_catalog?" + q + ">; rel=\"next\""));
        return resp;
    }
}
