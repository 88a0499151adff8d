package io.artifactkeeper.core.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;

/** Users, groups, API tokens and refresh tokens in PostgreSQL. */
public final class IdentityStore {
    private static final String USER_COLS = "id, username, email, display_name, password_hash, auth_provider, is_admin, "
            + "is_active, must_change_password, last_login_at, created_at, updated_at";

    private final Jdbi jdbi;

    public IdentityStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    static UserRecord user(ResultSet rs) throws SQLException {
        return new UserRecord(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("email"),
                rs.getString("display_name"), rs.getString("password_hash"), rs.getString("auth_provider"),
                rs.getBoolean("is_admin"), rs.getBoolean("is_active"), rs.getBoolean("must_change_password"),
                instant(rs, "last_login_at"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    static List<String> strings(ResultSet rs, String col) throws SQLException {
        Array a = rs.getArray(col);
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }

    public Optional<UserRecord> findUser(String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + USER_COLS + " FROM users WHERE username = :u")
                .bind("u", username).map((rs, c) -> user(rs)).findOne());
    }

    public Optional<UserRecord> findUser(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + USER_COLS + " FROM users WHERE id = :id")
                .bind("id", id).map((rs, c) -> user(rs)).findOne());
    }

    public List<UserRecord> listUsers() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + USER_COLS + " FROM users ORDER BY username")
                .map((rs, c) -> user(rs)).list());
    }

    public long countUsers() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM users").mapTo(Long.class).one());
    }

    public UserRecord createUser(String username, String email, String displayName, String passwordHash,
            String provider, boolean admin, boolean mustChange) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO users (id, username, email, display_name, password_hash, "
                + "auth_provider, is_admin, must_change_password) VALUES (:id, :u, :e, :d, :p, :ap, :a, :m)")
                .bind("id", id).bind("u", username).bind("e", email).bind("d", displayName).bind("p", passwordHash)
                .bind("ap", provider).bind("a", admin).bind("m", mustChange).execute());
        return findUser(id).orElseThrow();
    }

    public void updateUser(UUID id, String email, String displayName, Boolean admin, Boolean active) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET email = coalesce(:e, email), "
                + "display_name = coalesce(:d, display_name), is_admin = coalesce(:a, is_admin), "
                + "is_active = coalesce(:act, is_active), updated_at = now() WHERE id = :id")
                .bind("id", id).bind("e", email).bind("d", displayName).bind("a", admin).bind("act", active).execute());
    }

    public void setPassword(UUID id, String hash, boolean mustChange) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :p, must_change_password = :m, "
                + "updated_at = now() WHERE id = :id").bind("id", id).bind("p", hash).bind("m", mustChange).execute());
    }

    public void touchLogin(UUID id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET last_login_at = now() WHERE id = :id").bind("id", id).execute());
    }

    public boolean deleteUser(UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute()) > 0;
    }

    // --- API tokens

    /** A token as listed (never its secret). */
    public record TokenRecord(UUID id, UUID userId, String name, String prefix, List<String> scopes, Instant expiresAt,
            Instant lastUsedAt, Instant createdAt) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id.toString());
            m.put("name", name);
            m.put("token_prefix", prefix);
            m.put("scopes", scopes);
            m.put("expires_at", expiresAt == null ? null : expiresAt.toString());
            m.put("last_used_at", lastUsedAt == null ? null : lastUsedAt.toString());
            m.put("created_at", createdAt.toString());
            return m;
        }
    }

    static TokenRecord token(ResultSet rs) throws SQLException {
        return new TokenRecord(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("name"),
                rs.getString("token_prefix"), strings(rs, "scopes"), instant(rs, "expires_at"),
                instant(rs, "last_used_at"), instant(rs, "created_at"));
    }

    public TokenRecord createToken(UUID userId, String name, String hash, String prefix, List<String> scopes,
            Instant expiresAt) {
        UUID id = UUID.randomUUID();
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO api_tokens (id, user_id, name, token_hash, token_prefix, "
                + "scopes, expires_at) VALUES (:id, :u, :n, :h, :p, :s, :e) RETURNING *")
                .bind("id", id).bind("u", userId).bind("n", name).bind("h", hash).bind("p", prefix)
                .bind("s", scopes.toArray(String[]::new)).bind("e", expiresAt == null ? null : Timestamp.from(expiresAt))
                .map((rs, c) -> token(rs)).one());
    }

    public List<TokenRecord> listTokens(UUID userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE user_id = :u ORDER BY created_at")
                .bind("u", userId).map((rs, c) -> token(rs)).list());
    }

    public boolean deleteToken(UUID userId, UUID tokenId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM api_tokens WHERE id = :id AND user_id = :u")
                .bind("id", tokenId).bind("u", userId).execute()) > 0;
    }

    /** The user and scopes of a live token with this hash; marks it used. */
    public Optional<Map.Entry<UserRecord, TokenRecord>> resolveToken(String hash) {
        return jdbi.withHandle(h -> {
            Optional<TokenRecord> t = h.createQuery("UPDATE api_tokens SET last_used_at = now() WHERE token_hash = :h "
                    + "AND (expires_at IS NULL OR expires_at > now()) RETURNING *")
                    .bind("h", hash).map((rs, c) -> token(rs)).findOne();
            return t.flatMap(tok -> h.createQuery("SELECT " + USER_COLS + " FROM users WHERE id = :id AND is_active")
                    .bind("id", tok.userId()).map((rs, c) -> user(rs)).findOne().map(u -> Map.entry(u, tok)));
        });
    }

    // --- refresh tokens

    public void storeRefreshToken(UUID id, UUID userId, String hash, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO refresh_tokens (id, user_id, token_hash, expires_at) "
                + "VALUES (:id, :u, :h, :e)").bind("id", id).bind("u", userId).bind("h", hash)
                .bind("e", Timestamp.from(expiresAt)).execute());
    }

    /** Revokes a live refresh token and returns its user id: each refresh token is used once. */
    public Optional<UUID> consumeRefreshToken(String hash) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = :h "
                + "AND revoked_at IS NULL AND expires_at > now() RETURNING user_id").bind("h", hash)
                .mapTo(UUID.class).findOne());
    }

    // --- groups

    public record GroupRecord(UUID id, String name, String description, Instant createdAt, List<UUID> members) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id.toString());
            m.put("name", name);
            m.put("description", description);
            m.put("member_count", members.size());
            m.put("members", members.stream().map(UUID::toString).toList());
            m.put("created_at", createdAt.toString());
            return m;
        }
    }

    public List<GroupRecord> listGroups() {
        return jdbi.withHandle(h -> h.createQuery("SELECT g.*, coalesce(array_agg(m.user_id::text) FILTER "
                + "(WHERE m.user_id IS NOT NULL), '{}') AS members FROM groups g LEFT JOIN group_members m "
                + "ON m.group_id = g.id GROUP BY g.id ORDER BY g.name").map((rs, c) -> group(rs)).list());
    }

    public Optional<GroupRecord> findGroup(UUID id) {
        return listGroups().stream().filter(g -> g.id().equals(id)).findFirst();
    }

    public Optional<GroupRecord> findGroupByName(String name) {
        return listGroups().stream().filter(g -> g.name().equals(name)).findFirst();
    }

    private static GroupRecord group(ResultSet rs) throws SQLException {
        List<UUID> members = new ArrayList<>();
        for (String s : strings(rs, "members")) {
            members.add(UUID.fromString(s));
        }
        return new GroupRecord(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
                instant(rs, "created_at"), members);
    }

    public GroupRecord createGroup(String name, String description) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO groups (id, name, description) VALUES (:id, :n, :d)")
                .bind("id", id).bind("n", name).bind("d", description).execute());
        return findGroup(id).orElseThrow();
    }

    public boolean updateGroup(UUID id, String name, String description) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE groups SET name = coalesce(:n, name), "
                + "description = coalesce(:d, description), updated_at = now() WHERE id = :id")
                .bind("id", id).bind("n", name).bind("d", description).execute()) > 0;
    }

    public boolean deleteGroup(UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM groups WHERE id = :id").bind("id", id).execute()) > 0;
    }

    public void addMembers(UUID groupId, List<UUID> users) {
        jdbi.useTransaction(h -> {
            for (UUID u : users) {
                h.createUpdate("INSERT INTO group_members (group_id, user_id) VALUES (:g, :u) ON CONFLICT DO NOTHING")
                        .bind("g", groupId).bind("u", u).execute();
            }
        });
    }

    public void removeMembers(UUID groupId, List<UUID> users) {
        jdbi.useTransaction(h -> {
            for (UUID u : users) {
                h.createUpdate("DELETE FROM group_members WHERE group_id = :g AND user_id = :u")
                        .bind("g", groupId).bind("u", u).execute();
            }
        });
    }

    public Set<UUID> groupsOf(UUID userId) {
        return Set.copyOf(jdbi.withHandle(h -> h.createQuery("SELECT group_id FROM group_members WHERE user_id = :u")
                .bind("u", userId).mapTo(UUID.class).list()));
    }
}
