package io.artifactkeeper.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.core.security.SecretBox;

/** Repositories, virtual members, permissions and artifact rows in PostgreSQL. */
public final class RepositoryStore {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ART_COLS = "id, repository_id, path, name, version, size_bytes, checksum_sha256, "
            + "checksum_sha1, checksum_md5, checksum_sha512, content_type, kind, attributes::text AS attributes, "
            + "created_at, updated_at";

    /** Lookups by key happen on every request; repositories change rarely. */
    private static final long KEY_CACHE_MS = 2000;

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final java.util.concurrent.ConcurrentHashMap<String, Map.Entry<Optional<RepositoryRecord>, Long>> byKey =
            new java.util.concurrent.ConcurrentHashMap<>();

    public RepositoryStore(Jdbi jdbi, SecretBox secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    /** Forgets cached lookups after a change to repositories. */
    private void changed() {
        byKey.clear();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    static Map<String, Object> jsonMap(String s) {
        if (s == null || s.isEmpty()) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(s, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String jsonText(Map<String, Object> m) {
        try {
            return MAPPER.writeValueAsString(m == null ? Map.of() : m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings as they go into the database: secrets sealed (values already sealed stay as they are). */
    private Map<String, Object> sealed(Map<String, Object> settings) {
        if (settings == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>(settings);
        for (String k : SecretBox.SECRET_SETTINGS) {
            if (out.get(k) instanceof String v && !v.isEmpty() && !SecretBox.isSealed(v)) {
                out.put(k, secrets.seal(v));
            }
        }
        return out;
    }

    /** Settings as the server uses them: secrets opened (plain rows from before encryption read as they are). */
    private Map<String, Object> opened(Map<String, Object> settings) {
        if (settings.keySet().stream().noneMatch(SecretBox.SECRET_SETTINGS::contains)) {
            return settings;
        }
        Map<String, Object> out = new LinkedHashMap<>(settings);
        for (String k : SecretBox.SECRET_SETTINGS) {
            if (out.get(k) instanceof String v) {
                out.put(k, secrets.open(v));
            }
        }
        return out;
    }

    /**
     * Seals secrets that rows written before encryption hold in plain text. Runs on every start;
     * returns how many repositories it rewrote.
     */
    public int encryptPlainSecrets() {
        return jdbi.inTransaction(h -> {
            int n = 0;
            for (Map.Entry<UUID, String> row : h.createQuery("SELECT id, settings::text AS s FROM repositories FOR UPDATE")
                    .map((rs, c) -> Map.entry(rs.getObject("id", UUID.class), rs.getString("s"))).list()) {
                Map<String, Object> settings = jsonMap(row.getValue());
                boolean plain = SecretBox.SECRET_SETTINGS.stream()
                        .anyMatch(k -> settings.get(k) instanceof String v && !v.isEmpty() && !SecretBox.isSealed(v));
                if (plain) {
                    h.createUpdate("UPDATE repositories SET settings = CAST(:s AS jsonb) WHERE id = :id")
                            .bind("id", row.getKey()).bind("s", jsonText(sealed(settings))).execute();
                    n++;
                }
            }
            changed();
            return n;
        });
    }

    RepositoryRecord repo(ResultSet rs) throws SQLException {
        Long quota = rs.getObject("quota_bytes", Long.class);
        return new RepositoryRecord(rs.getObject("id", UUID.class), rs.getString("key"), rs.getString("name"),
                rs.getString("description"), rs.getString("format"), RepositoryType.fromWire(rs.getString("repo_type")),
                rs.getBoolean("is_public"), rs.getString("upstream_url"), quota,
                opened(jsonMap(rs.getString("settings_text"))), IdentityStore.instant(rs, "created_at"),
                IdentityStore.instant(rs, "updated_at"));
    }

    static ArtifactRecord artifact(ResultSet rs) throws SQLException {
        return new ArtifactRecord(rs.getObject("id", UUID.class), rs.getObject("repository_id", UUID.class),
                rs.getString("path"), rs.getString("name"), rs.getString("version"), rs.getLong("size_bytes"),
                rs.getString("checksum_sha256"), rs.getString("checksum_sha1"), rs.getString("checksum_md5"),
                rs.getString("checksum_sha512"), rs.getString("content_type"), rs.getString("kind"),
                jsonMap(rs.getString("attributes")), IdentityStore.instant(rs, "created_at"),
                IdentityStore.instant(rs, "updated_at"));
    }

    private static final String REPO_SELECT = "SELECT *, settings::text AS settings_text FROM repositories";

    public List<RepositoryRecord> list(String format, String type) {
        return jdbi.withHandle(h -> h.createQuery(REPO_SELECT + " WHERE (:f IS NULL OR format = :f) "
                + "AND (:t IS NULL OR repo_type = :t) ORDER BY key").bind("f", format).bind("t", type)
                .map((rs, c) -> repo(rs)).list());
    }

    public Optional<RepositoryRecord> find(String key) {
        long now = System.currentTimeMillis();
        Map.Entry<Optional<RepositoryRecord>, Long> hit = byKey.get(key);
        if (hit != null && hit.getValue() > now) {
            return hit.getKey();
        }
        Optional<RepositoryRecord> r = jdbi.withHandle(h -> h.createQuery(REPO_SELECT + " WHERE key = :k").bind("k", key)
                .map((rs, c) -> repo(rs)).findOne());
        if (byKey.size() > 10_000) {
            byKey.clear();
        }
        byKey.put(key, Map.entry(r, now + KEY_CACHE_MS));
        return r;
    }

    public Optional<RepositoryRecord> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery(REPO_SELECT + " WHERE id = :id").bind("id", id)
                .map((rs, c) -> repo(rs)).findOne());
    }

    public RepositoryRecord create(String key, String name, String description, String format, RepositoryType type,
            boolean isPublic, String upstream, Long quota, Map<String, Object> settings) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO repositories (id, key, name, description, format, repo_type, "
                + "is_public, upstream_url, quota_bytes, settings) VALUES (:id, :k, :n, :d, :f, :t, :p, :u, :q, "
                + "CAST(:s AS jsonb))").bind("id", id).bind("k", key).bind("n", name).bind("d", description)
                .bind("f", format).bind("t", type.wireName()).bind("p", isPublic).bind("u", upstream)
                .bind("q", quota).bind("s", jsonText(sealed(settings))).execute());
        changed();
        return find(id).orElseThrow();
    }

    public void update(UUID id, String name, String description, Boolean isPublic, String upstream, Long quota,
            Map<String, Object> settings) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE repositories SET name = coalesce(:n, name), "
                + "description = coalesce(:d, description), is_public = coalesce(:p, is_public), "
                + "upstream_url = coalesce(:u, upstream_url), quota_bytes = coalesce(:q, quota_bytes), "
                + "settings = coalesce(CAST(:s AS jsonb), settings), updated_at = now() WHERE id = :id")
                .bind("id", id).bind("n", name).bind("d", description).bind("p", isPublic).bind("u", upstream)
                .bind("q", quota).bind("s", settings == null ? null : jsonText(sealed(settings))).execute());
        changed();
    }

    public boolean delete(UUID id) {
        boolean gone = jdbi.withHandle(h -> h.createUpdate("DELETE FROM repositories WHERE id = :id").bind("id", id)
                .execute()) > 0;
        changed();
        return gone;
    }

    // --- virtual members

    public record Member(RepositoryRecord repository, int priority) {
    }

    public List<Member> members(UUID virtualId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT r.*, r.settings::text AS settings_text, m.priority "
                + "FROM repository_members m JOIN repositories r ON r.id = m.member_id WHERE m.virtual_id = :v "
                + "ORDER BY m.priority, r.key").bind("v", virtualId)
                .map((rs, c) -> new Member(repo(rs), rs.getInt("priority"))).list());
    }

    public void putMember(UUID virtualId, UUID memberId, int priority) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO repository_members (virtual_id, member_id, priority) "
                + "VALUES (:v, :m, :p) ON CONFLICT (virtual_id, member_id) DO UPDATE SET priority = :p")
                .bind("v", virtualId).bind("m", memberId).bind("p", priority).execute());
    }

    public void replaceMembers(UUID virtualId, Map<UUID, Integer> members) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM repository_members WHERE virtual_id = :v").bind("v", virtualId).execute();
            for (Map.Entry<UUID, Integer> e : members.entrySet()) {
                h.createUpdate("INSERT INTO repository_members (virtual_id, member_id, priority) VALUES (:v, :m, :p)")
                        .bind("v", virtualId).bind("m", e.getKey()).bind("p", e.getValue()).execute();
            }
        });
    }

    public boolean removeMember(UUID virtualId, UUID memberId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM repository_members WHERE virtual_id = :v AND member_id = :m")
                .bind("v", virtualId).bind("m", memberId).execute()) > 0;
    }

    // --- artifacts

    public Optional<ArtifactRecord> artifact(UUID repoId, String path) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + ART_COLS + " FROM artifacts WHERE repository_id = :r AND path = :p")
                .bind("r", repoId).bind("p", path).map((rs, c) -> artifact(rs)).findOne());
    }

    /**
     * Records an artifact (insert or replace at its path). Called only after the blob is durable.
     * Returns the previous row if one was replaced.
     */
    public ArtifactRecord upsertArtifact(Handle h, UUID repoId, String path, String name, String version, long size,
            String sha256, String sha1, String md5, String sha512, String contentType, String kind,
            Map<String, Object> attributes, UUID createdBy) {
        return h.createQuery("INSERT INTO artifacts (id, repository_id, path, name, version, size_bytes, checksum_sha256, "
                + "checksum_sha1, checksum_md5, checksum_sha512, content_type, kind, attributes, created_by) VALUES "
                + "(:id, :r, :p, :n, :v, :s, :h256, :h1, :m5, :h512, :ct, :k, CAST(:a AS jsonb), CAST(:cb AS uuid)) "
                + "ON CONFLICT (repository_id, path) DO UPDATE SET name = excluded.name, version = excluded.version, "
                + "size_bytes = excluded.size_bytes, checksum_sha256 = excluded.checksum_sha256, "
                + "checksum_sha1 = excluded.checksum_sha1, checksum_md5 = excluded.checksum_md5, "
                + "checksum_sha512 = excluded.checksum_sha512, content_type = excluded.content_type, kind = excluded.kind, "
                + "attributes = excluded.attributes, updated_at = now() RETURNING " + ART_COLS)
                .bind("id", UUID.randomUUID()).bind("r", repoId).bind("p", path).bind("n", name).bind("v", version)
                .bind("s", size).bind("h256", sha256).bind("h1", sha1).bind("m5", md5).bind("h512", sha512)
                .bind("ct", contentType).bind("k", kind).bind("a", jsonText(attributes)).bind("cb", createdBy == null ? null : createdBy.toString())
                .map((rs, c) -> artifact(rs)).one();
    }

    /** Marks a cached remote asset as freshly validated without changing its bytes. */
    public void touchArtifact(UUID id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE artifacts SET updated_at = now() WHERE id = :id").bind("id", id).execute());
    }

    public boolean deleteArtifact(UUID repoId, String path) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM artifacts WHERE repository_id = :r AND path = :p")
                .bind("r", repoId).bind("p", path).execute()) > 0;
    }

    public List<ArtifactRecord> listArtifacts(UUID repoId, String prefix, String q, int offset, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + ART_COLS + " FROM artifacts WHERE repository_id = :r "
                + "AND path LIKE :pre ESCAPE '\\' AND (:q IS NULL OR path ILIKE :ql OR name ILIKE :ql) "
                + "ORDER BY path OFFSET :o LIMIT :l").bind("r", repoId).bind("pre", likePrefix(prefix))
                .bind("q", q).bind("ql", q == null ? null : "%" + escapeLike(q) + "%").bind("o", offset).bind("l", limit)
                .map((rs, c) -> artifact(rs)).list());
    }

    /**
     * A fingerprint of the artifacts under {@code prefix}: count, newest update and a sum of hashes of
     * (path, checksum, update time), so that any store, replace or delete changes it.
     */
    public String contentStamp(UUID repoId, String prefix) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) || ':' || coalesce(floor(extract(epoch FROM max(updated_at)) * 1000000)::bigint, 0)"
                + " || ':' || coalesce(sum(hashtext(path || checksum_sha256 || updated_at::text)::bigint), 0)"
                + " FROM artifacts WHERE repository_id = :r AND path LIKE :pre ESCAPE '\\'")
                .bind("r", repoId).bind("pre", likePrefix(prefix)).mapTo(String.class).one());
    }

    public long countArtifacts(UUID repoId, String prefix, String q) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM artifacts WHERE repository_id = :r "
                + "AND path LIKE :pre ESCAPE '\\' AND (:q IS NULL OR path ILIKE :ql OR name ILIKE :ql)")
                .bind("r", repoId).bind("pre", likePrefix(prefix)).bind("q", q)
                .bind("ql", q == null ? null : "%" + escapeLike(q) + "%").mapTo(Long.class).one());
    }

    public List<ArtifactRecord> findByName(UUID repoId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + ART_COLS + " FROM artifacts WHERE repository_id = :r "
                + "AND name = :n ORDER BY created_at DESC").bind("r", repoId).bind("n", name)
                .map((rs, c) -> artifact(rs)).list());
    }

    public long usedBytes(UUID repoId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT coalesce(sum(size_bytes), 0) FROM artifacts WHERE repository_id = :r")
                .bind("r", repoId).mapTo(Long.class).one());
    }

    /** Whether any artifact row names this blob (the garbage collector's question). */
    public boolean isReferenced(String sha256) {
        return jdbi.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM artifacts WHERE checksum_sha256 = :d)")
                .bind("d", sha256).mapTo(Boolean.class).one());
    }

    /** Full-text and name search over the given repositories. */
    public List<Map.Entry<ArtifactRecord, String>> search(String q, List<UUID> repoIds, int offset, int limit) {
        if (repoIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT " + prefixed(ART_COLS) + ", r.key AS repository_key FROM artifacts a "
                + "JOIN repositories r ON r.id = a.repository_id WHERE a.repository_id = ANY(:ids) AND "
                + "(a.search @@ plainto_tsquery('simple', :q) OR a.name ILIKE :ql OR a.path ILIKE :ql) "
                + "ORDER BY ts_rank(a.search, plainto_tsquery('simple', :q)) DESC, a.path OFFSET :o LIMIT :l")
                .bind("ids", repoIds.toArray(UUID[]::new)).bind("q", q).bind("ql", "%" + escapeLike(q) + "%")
                .bind("o", offset).bind("l", limit)
                .map((rs, c) -> Map.entry(artifact(rs), rs.getString("repository_key"))).list());
    }

    public List<Map.Entry<ArtifactRecord, String>> findByChecksum(String sha256, List<UUID> repoIds) {
        if (repoIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT " + prefixed(ART_COLS) + ", r.key AS repository_key FROM artifacts a "
                + "JOIN repositories r ON r.id = a.repository_id WHERE a.repository_id = ANY(:ids) AND "
                + "a.checksum_sha256 = :d ORDER BY r.key, a.path").bind("ids", repoIds.toArray(UUID[]::new))
                .bind("d", sha256).map((rs, c) -> Map.entry(artifact(rs), rs.getString("repository_key"))).list());
    }

    private static String prefixed(String cols) {
        StringBuilder sb = new StringBuilder();
        for (String c : cols.split(",\\s*")) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.startsWith("attributes::text") ? "a.attributes::text AS attributes" : "a." + c);
        }
        return sb.toString();
    }

    private static String likePrefix(String prefix) {
        return escapeLike(prefix == null ? "" : prefix) + "%";
    }

    static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    // --- permissions

    public record PermissionRecord(UUID id, String principalType, UUID principalId, String targetType, UUID targetId,
            List<String> actions, java.time.Instant createdAt) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id.toString());
            m.put("principal_type", principalType);
            m.put("principal_id", principalId.toString());
            m.put("target_type", targetType);
            m.put("target_id", targetId.toString());
            m.put("actions", actions);
            m.put("created_at", createdAt.toString());
            return m;
        }
    }

    static PermissionRecord permission(ResultSet rs) throws SQLException {
        return new PermissionRecord(rs.getObject("id", UUID.class), rs.getString("principal_type"),
                rs.getObject("principal_id", UUID.class), rs.getString("target_type"),
                rs.getObject("target_id", UUID.class), IdentityStore.strings(rs, "actions"),
                IdentityStore.instant(rs, "created_at"));
    }

    public List<PermissionRecord> listPermissions() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM permissions ORDER BY created_at")
                .map((rs, c) -> permission(rs)).list());
    }

    public Optional<PermissionRecord> findPermission(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM permissions WHERE id = :id").bind("id", id)
                .map((rs, c) -> permission(rs)).findOne());
    }

    public PermissionRecord createPermission(String principalType, UUID principalId, String targetType, UUID targetId,
            List<String> actions) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO permissions (id, principal_type, principal_id, target_type, "
                + "target_id, actions) VALUES (:id, :pt, :pi, :tt, :ti, :a)").bind("id", id).bind("pt", principalType)
                .bind("pi", principalId).bind("tt", targetType).bind("ti", targetId)
                .bind("a", actions.toArray(String[]::new)).execute());
        return findPermission(id).orElseThrow();
    }

    public boolean updatePermission(UUID id, List<String> actions) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE permissions SET actions = :a, updated_at = now() WHERE id = :id")
                .bind("id", id).bind("a", actions.toArray(String[]::new)).execute()) > 0;
    }

    public boolean deletePermission(UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM permissions WHERE id = :id").bind("id", id).execute()) > 0;
    }

    /** The actions granted on a repository to a user directly or through its groups. */
    public List<String> actionsOn(UUID repoId, UUID userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT unnest(actions) FROM permissions p WHERE "
                + "p.target_type = 'repository' AND p.target_id = :r AND ((p.principal_type = 'user' AND p.principal_id = :u) "
                + "OR (p.principal_type = 'group' AND p.principal_id IN (SELECT group_id FROM group_members WHERE user_id = :u)))")
                .bind("r", repoId).bind("u", userId).mapTo(String.class).list());
    }

    public static Timestamp ts(java.time.Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
