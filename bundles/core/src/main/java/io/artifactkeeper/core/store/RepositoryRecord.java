package io.artifactkeeper.core.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.artifactkeeper.api.format.RepositoryType;

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
        m.put("settings", settings);
        m.put("created_at", createdAt.toString());
        m.put("updated_at", updatedAt.toString());
        return m;
    }
}
