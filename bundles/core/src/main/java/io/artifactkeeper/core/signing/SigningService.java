package io.artifactkeeper.core.signing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.api.signing.SigningSettings;
import io.artifactkeeper.core.security.SecretBox;
import io.artifactkeeper.signing.KeyMaterial;
import io.artifactkeeper.signing.SigningKeys;

/**
 * Signing keys and which repository each signs. Private keys are sealed with the server's secrets
 * key before they reach the database and are never returned. Formats see a repository's
 * configuration through {@code RepositoryContext.signing()}, answered from a short-lived cache that
 * every change on this node clears (other nodes see a change within {@link #TTL_NANOS}).
 */
public final class SigningService {
    static final long TTL_NANOS = 5_000_000_000L;

    /** A key as the API shows it (no private part). */
    public record KeyRecord(UUID id, String name, String keyType, String algorithm, String fingerprint, String keyId,
            String publicKey, byte[] publicBytes, String uidName, String uidEmail, UUID repositoryId, Instant createdAt,
            Instant expiresAt, Instant revokedAt, UUID rotatedFrom, Instant lastUsedAt) {
        public boolean usable() {
            return revokedAt == null && (expiresAt == null || expiresAt.isAfter(Instant.now()));
        }
    }

    /** A repository's configuration. */
    public record RepoConfig(UUID keyId, boolean signMetadata, boolean signPackages, boolean requireSignatures) {
        public static final RepoConfig NONE = new RepoConfig(null, false, false, false);
    }

    private record Cached(SigningSettings settings, long at, long generation) {
    }

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final AtomicLong generation = new AtomicLong();
    private final ConcurrentHashMap<UUID, Cached> byRepository = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, RepositorySigner> signers = new ConcurrentHashMap<>();

    public SigningService(Jdbi jdbi, SecretBox secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    public KeyRecord generate(String name, String keyType, String algorithm, String uidName, String uidEmail,
            UUID repositoryId) {
        KeyMaterial m = SigningKeys.generate(keyType, algorithm, uidName, uidEmail);
        return insert(name, m, uidName, uidEmail, repositoryId, null);
    }

    public KeyRecord importKey(String name, String keyType, String privateKey, String passphrase, UUID repositoryId) {
        KeyMaterial m = SigningKeys.importKey(keyType, privateKey, passphrase);
        return insert(name, m, null, null, repositoryId, null);
    }

    /**
     * A new key of the same kind replaces {@code id} in every repository it signed; the old key stays
     * (not revoked), so signatures made with it keep verifying until the indexes are re-signed, which
     * happens on their next request because the signing stamp changed.
     */
    public Optional<KeyRecord> rotate(UUID id) {
        Optional<KeyRecord> old = find(id);
        if (old.isEmpty()) {
            return Optional.empty();
        }
        KeyRecord o = old.get();
        if (o.revokedAt() != null) {
            throw new IllegalArgumentException("key " + o.name() + " is revoked: create a new key instead");
        }
        KeyMaterial m = SigningKeys.generate(o.keyType(), o.algorithm(), o.uidName(), o.uidEmail());
        KeyRecord fresh = insert(o.name(), m, o.uidName(), o.uidEmail(), o.repositoryId(), o.id());
        jdbi.useHandle(h -> h.createUpdate("UPDATE repository_signing SET signing_key_id = :n, updated_at = now() "
                + "WHERE signing_key_id = :o").bind("n", fresh.id()).bind("o", o.id()).execute());
        changed();
        return Optional.of(fresh);
    }

    public Optional<KeyRecord> revoke(UUID id) {
        int n = jdbi.withHandle(h -> h.createUpdate("UPDATE signing_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = :id")
                .bind("id", id).execute());
        changed();
        return n == 0 ? Optional.empty() : find(id);
    }

    public boolean delete(UUID id) {
        int n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM signing_keys WHERE id = :id").bind("id", id).execute());
        changed();
        return n > 0;
    }

    public List<KeyRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM signing_keys ORDER BY created_at, name").map(SigningService::key).list());
    }

    public Optional<KeyRecord> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM signing_keys WHERE id = :id").bind("id", id)
                .map(SigningService::key).findOne());
    }

    public RepoConfig config(UUID repositoryId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM repository_signing WHERE repository_id = :r")
                .bind("r", repositoryId)
                .map((rs, ctx) -> new RepoConfig(rs.getObject("signing_key_id", UUID.class), rs.getBoolean("sign_metadata"),
                        rs.getBoolean("sign_packages"), rs.getBoolean("require_signatures")))
                .findOne().orElse(RepoConfig.NONE));
    }

    public void putConfig(UUID repositoryId, RepoConfig c) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO repository_signing (repository_id, signing_key_id, sign_metadata, "
                + "sign_packages, require_signatures) VALUES (:r, CAST(:k AS uuid), :m, :p, :q) ON CONFLICT (repository_id) DO UPDATE SET "
                + "signing_key_id = CAST(:k AS uuid), sign_metadata = :m, sign_packages = :p, require_signatures = :q, updated_at = now()")
                .bind("r", repositoryId).bind("k", c.keyId() == null ? null : c.keyId().toString()).bind("m", c.signMetadata()).bind("p", c.signPackages())
                .bind("q", c.requireSignatures()).execute());
        changed();
    }

    /** What a format sees: the repository's configuration with a signer when its key is usable. */
    public SigningSettings settings(UUID repositoryId) {
        long gen = generation.get();
        long now = System.nanoTime();
        Cached c = byRepository.get(repositoryId);
        if (c != null && c.generation() == gen && now - c.at() < TTL_NANOS) {
            return c.settings();
        }
        RepoConfig cfg = config(repositoryId);
        Optional<RepositorySigner> signer = Optional.empty();
        if (cfg.keyId() != null) {
            signer = find(cfg.keyId()).filter(KeyRecord::usable).map(k -> signers.computeIfAbsent(k.id(), id -> open(k)));
            signer.ifPresent(s -> jdbi.useHandle(h -> h.createUpdate(
                    "UPDATE signing_keys SET last_used_at = now() WHERE id = :id").bind("id", cfg.keyId()).execute()));
        }
        SigningSettings s = new SigningSettings(signer, cfg.signMetadata(), cfg.signPackages(), cfg.requireSignatures());
        if (byRepository.size() > 10_000) {
            byRepository.clear();
        }
        byRepository.put(repositoryId, new Cached(s, now, gen));
        return s;
    }

    private RepositorySigner open(KeyRecord k) {
        String sealed = jdbi.withHandle(h -> h.createQuery("SELECT private_key FROM signing_keys WHERE id = :id")
                .bind("id", k.id()).mapTo(String.class).one());
        byte[] priv = Base64.getDecoder().decode(secrets.open(sealed));
        KeyMaterial m = new KeyMaterial(k.keyType(), k.algorithm(), k.fingerprint(), k.keyId(), k.publicKey(),
                k.publicBytes(), priv, k.createdAt());
        return SigningKeys.signer(k.id().toString(), k.name(), m);
    }

    private void changed() {
        generation.incrementAndGet();
        byRepository.clear();
    }

    private KeyRecord insert(String name, KeyMaterial m, String uidName, String uidEmail, UUID repositoryId, UUID rotatedFrom) {
        UUID id = UUID.randomUUID();
        String sealed = secrets.seal(Base64.getEncoder().encodeToString(m.privateBytes()));
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO signing_keys (id, name, key_type, algorithm, fingerprint, key_id, public_key, "
                    + "public_bytes, private_key, uid_name, uid_email, repository_id, key_created_at, rotated_from) VALUES "
                    + "(:id, :n, :t, :a, :f, :k, :pub, :pb, :priv, :un, :ue, CAST(:r AS uuid), :kc, CAST(:rf AS uuid))")
                    .bind("id", id).bind("n", name).bind("t", m.keyType()).bind("a", m.algorithm()).bind("f", m.fingerprint())
                    .bind("k", m.keyId()).bind("pub", m.publicText()).bind("pb", m.publicBytes()).bind("priv", sealed)
                    .bind("un", uidName).bind("ue", uidEmail).bind("r", repositoryId == null ? null : repositoryId.toString())
                    .bind("kc", Timestamp.from(m.createdAt())).bind("rf", rotatedFrom == null ? null : rotatedFrom.toString()).execute();
            if (repositoryId != null && rotatedFrom == null) {
                h.createUpdate("INSERT INTO repository_signing (repository_id, signing_key_id) VALUES (:r, :k) "
                        + "ON CONFLICT (repository_id) DO UPDATE SET signing_key_id = :k, updated_at = now()")
                        .bind("r", repositoryId).bind("k", id).execute();
            }
        });
        changed();
        return find(id).orElseThrow();
    }

    private static KeyRecord key(ResultSet rs, StatementContext ctx) throws SQLException {
        return new KeyRecord(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("key_type"),
                rs.getString("algorithm"), rs.getString("fingerprint"), rs.getString("key_id"), rs.getString("public_key"),
                rs.getBytes("public_bytes"), rs.getString("uid_name"), rs.getString("uid_email"),
                rs.getObject("repository_id", UUID.class), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "revoked_at"), rs.getObject("rotated_from", UUID.class), instant(rs, "last_used_at"));
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }
}
