package io.artifactkeeper.core.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.core.security.SecretBox;

/** A row of {@code repositories}. */
public record RepositoryRecord(UUID id, String key, String name, String description, String format,
        RepositoryType type, boolean isPublic, String upstreamUrl, Long quotaBytes, Map<String, Object> settings,
        Instant createdAt, Instant updatedAt) {

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id.toString());
        m.put("key", key);
        m.put("name", name);
        m.put("description", description);
        m.put("format", format);
        m.put("repo_type", type.wireName());
        m.put("is_public", isPublic);
        m.put("upstream_url", upstreamUrl);
        m.put("quota_bytes", quotaBytes);
        m.put("settings", redacted(settings));
        m.put("created_at", createdAt.toString());
        m.put("updated_at", updatedAt.toString());
        return m;
    }

    /**
     * Settings as the API shows them: a secret is write-only, so only whether it is set shows
     * ({@code upstream_password_set}), never its value.
     */
    public static Map<String, Object> redacted(Map<String, Object> settings) {
        if (settings == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>(settings);
        for (String k : SecretBox.SECRET_SETTINGS) {
            if (out.remove(k) instanceof String s && !s.isEmpty()) {
                out.put(k + "_set", true);
            }
        }
        return out;
    }

    /**
     * The settings an update stores. Secrets are write-only: a client that never saw the password
     * sends settings without it, and that keeps the stored one; {@code null} or {@code ""} clears
     * it; the {@code *_set} flags the API shows are not settings.
     */
    public static Map<String, Object> mergeWriteOnly(Map<String, Object> incoming, Map<String, Object> stored) {
        if (incoming == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>(incoming);
        for (String k : SecretBox.SECRET_SETTINGS) {
            out.remove(k + "_set");
            if (!out.containsKey(k)) {
                if (stored != null && stored.get(k) != null) {
                    out.put(k, stored.get(k));
                }
            } else if (out.get(k) == null || "".equals(out.get(k))) {
                out.remove(k);
            }
        }
        return out;
    }
}
