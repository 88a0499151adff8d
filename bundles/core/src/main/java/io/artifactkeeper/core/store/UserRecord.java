package io.artifactkeeper.core.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A row of {@code users}. */
public record UserRecord(UUID id, String username, String email, String displayName, String passwordHash,
        String authProvider, boolean admin, boolean active, boolean mustChangePassword, Instant lastLoginAt,
        Instant createdAt, Instant updatedAt) {

    /** The API representation (never the hash). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id.toString());
        m.put("username", username);
        m.put("email", email);
        m.put("display_name", displayName);
        m.put("auth_provider", authProvider);
        m.put("is_admin", admin);
        m.put("is_active", active);
        m.put("must_change_password", mustChangePassword);
        m.put("last_login_at", lastLoginAt == null ? null : lastLoginAt.toString());
        m.put("created_at", createdAt.toString());
        m.put("updated_at", updatedAt.toString());
        return m;
    }
}
