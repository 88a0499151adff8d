package io.artifactkeeper.core.api;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.http.ApiException;
import io.artifactkeeper.core.http.Exchange;
import io.artifactkeeper.core.http.Router;
import io.artifactkeeper.core.security.Principal;
import io.artifactkeeper.core.signing.SigningService;
import io.artifactkeeper.core.signing.SigningService.KeyRecord;
import io.artifactkeeper.core.signing.SigningService.RepoConfig;
import io.artifactkeeper.core.store.RepositoryRecord;

/**
 * {@code /api/v1/signing}: keys (administrators only; private keys are accepted, never returned) and
 * which key signs which repository. A repository's public key is readable by whoever may read the
 * repository, anonymously for a public one: package managers fetch it to verify what they install.
 */
public final class SigningApi {
    private static final int MAX_NAME = 200;

    private final CorePlatform core;
    private final SigningService signing;

    public SigningApi(CorePlatform core) {
        this.core = core;
        this.signing = core.signing();
    }

    public void register(Router r) {
        String base = "/api/v1/signing";
        r.add("GET", base + "/keys", ex -> {
            ex.requireAdmin();
            ex.json(200, Exchange.list(signing.list().stream().map(SigningApi::describe).toList()));
        });
        r.add("POST", base + "/keys", this::create);
        r.add("GET", base + "/keys/{id}", ex -> {
            ex.requireAdmin();
            ex.json(200, describe(key(ex)));
        });
        r.add("DELETE", base + "/keys/{id}", ex -> {
            ex.requireAdmin();
            if (!signing.delete(id(ex))) {
                throw ApiException.notFound("no signing key " + ex.param("id"));
            }
            ex.noContent();
        });
        r.add("POST", base + "/keys/{id}/revoke", ex -> {
            ex.requireAdmin();
            ex.json(200, describe(signing.revoke(id(ex)).orElseThrow(() -> ApiException.notFound("no signing key " + ex.param("id")))));
        });
        r.add("POST", base + "/keys/{id}/rotate", ex -> {
            ex.requireAdmin();
            try {
                ex.json(201, describe(signing.rotate(id(ex)).orElseThrow(() -> ApiException.notFound("no signing key " + ex.param("id")))));
            } catch (IllegalArgumentException e) {
                throw ApiException.conflict(e.getMessage());
            }
        });
        r.add("GET", base + "/keys/{id}/public", ex -> {
            ex.requireAdmin();
            text(ex, key(ex).publicKey());
        });
        r.add("GET", base + "/repositories/{key}/config", ex -> {
            ex.requireAdmin();
            ex.json(200, config(repository(ex, true)));
        });
        r.add("POST", base + "/repositories/{key}/config", this::configure);
        r.add("PUT", base + "/repositories/{key}/config", this::configure);
        r.add("GET", base + "/repositories/{key}/public-key", ex -> {
            RepositoryRecord repo = repository(ex, false);
            RepoConfig c = signing.config(repo.id());
            KeyRecord k = c.keyId() == null ? null : signing.find(c.keyId()).orElse(null);
            if (k == null) {
                throw ApiException.notFound("repository " + repo.key() + " has no signing key");
            }
            text(ex, k.publicKey());
        });
    }

    private void create(Exchange ex) throws Exception {
        ex.requireAdmin();
        Map<String, Object> body = ex.readJson();
        String name = Exchange.field(body, "name", String.class, true).strip();
        if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(c -> c < 0x20)) {
            throw ApiException.badRequest("name must be 1 to " + MAX_NAME + " characters without control characters");
        }
        String type = Exchange.field(body, "key_type", String.class, true).toLowerCase(Locale.ROOT);
        String repoId = Exchange.field(body, "repository_id", String.class, false);
        UUID repository = null;
        if (repoId != null) {
            RepositoryRecord r = parse(repoId).flatMap(core.repositories()::find)
                    .or(() -> core.repositories().find(repoId))
                    .orElseThrow(() -> ApiException.badRequest("no repository " + repoId));
            repository = r.id();
        }
        String privateKey = Exchange.field(body, "private_key", String.class, false);
        KeyRecord k;
        try {
            k = privateKey != null
                    ? signing.importKey(name, type, privateKey, Exchange.field(body, "passphrase", String.class, false), repository)
                    : signing.generate(name, type, Exchange.field(body, "algorithm", String.class, false),
                            Exchange.field(body, "uid_name", String.class, false),
                            Exchange.field(body, "uid_email", String.class, false), repository);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ex.json(201, describe(k));
    }

    private void configure(Exchange ex) throws Exception {
        ex.requireAdmin();
        RepositoryRecord repo = repository(ex, true);
        Map<String, Object> body = ex.readJson();
        RepoConfig now = signing.config(repo.id());
        UUID keyId = now.keyId();
        if (body.containsKey("signing_key_id")) {
            Object v = body.get("signing_key_id");
            if (v == null) {
                keyId = null;
            } else {
                KeyRecord k = parse(v.toString()).flatMap(signing::find)
                        .orElseThrow(() -> ApiException.badRequest("no signing key " + v));
                if (!k.usable()) {
                    throw ApiException.badRequest("signing key " + k.name() + " is revoked or expired");
                }
                keyId = k.id();
            }
        }
        boolean meta = bool(body, "sign_metadata", now.keyId() == null && keyId != null || now.signMetadata());
        RepoConfig c = new RepoConfig(keyId, meta, bool(body, "sign_packages", now.signPackages()),
                bool(body, "require_signatures", now.requireSignatures()));
        signing.putConfig(repo.id(), c);
        ex.json(200, config(repo));
    }

    private Map<String, Object> config(RepositoryRecord repo) {
        RepoConfig c = signing.config(repo.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repository_key", repo.key());
        m.put("repository_id", repo.id().toString());
        m.put("signing_key_id", c.keyId() == null ? null : c.keyId().toString());
        m.put("sign_metadata", c.signMetadata());
        m.put("sign_packages", c.signPackages());
        m.put("require_signatures", c.requireSignatures());
        return m;
    }

    /** The repository by key: for administrators (config), or for whoever may read it (public key). */
    private RepositoryRecord repository(Exchange ex, boolean admin) {
        String key = ex.param("key");
        Principal p = ex.principal().orElse(null);
        RepositoryRecord r = core.repositories().find(key).filter(x -> admin || core.access().visible(p, x))
                .orElseThrow(() -> ApiException.notFound("no repository " + key));
        if (!admin && !core.access().allowed(p, r, Access.READ)) {
            if (p == null) {
                throw ApiException.unauthorized("authentication required");
            }
            throw ApiException.forbidden("no read permission on " + key);
        }
        return r;
    }

    private KeyRecord key(Exchange ex) {
        return signing.find(id(ex)).orElseThrow(() -> ApiException.notFound("no signing key " + ex.param("id")));
    }

    private static UUID id(Exchange ex) {
        return parse(ex.param("id")).orElseThrow(() -> ApiException.notFound("no signing key " + ex.param("id")));
    }

    private static java.util.Optional<UUID> parse(String s) {
        try {
            return java.util.Optional.of(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static boolean bool(Map<String, Object> body, String name, boolean dflt) {
        Object v = body.get(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw ApiException.badRequest(name + " must be true or false");
    }

    private static void text(Exchange ex, String armored) throws java.io.IOException {
        byte[] b = armored.getBytes(StandardCharsets.US_ASCII);
        ex.response().setStatus(200);
        ex.response().setContentType(armored.startsWith("-----BEGIN PGP") ? "application/pgp-keys" : "application/x-pem-file");
        ex.response().setContentLength(b.length);
        try (OutputStream out = ex.response().getOutputStream()) {
            out.write(b);
        }
    }

    static Map<String, Object> describe(KeyRecord k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id().toString());
        m.put("name", k.name());
        m.put("key_type", k.keyType());
        m.put("algorithm", k.algorithm());
        m.put("fingerprint", k.fingerprint());
        m.put("key_id", k.keyId());
        m.put("public_key", k.publicKey());
        m.put("uid_name", k.uidName());
        m.put("uid_email", k.uidEmail());
        m.put("repository_id", k.repositoryId() == null ? null : k.repositoryId().toString());
        m.put("created_at", k.createdAt() == null ? null : k.createdAt().toString());
        m.put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString());
        m.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
        m.put("rotated_from", k.rotatedFrom() == null ? null : k.rotatedFrom().toString());
        m.put("last_used_at", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
        return m;
    }
}
