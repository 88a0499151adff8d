package io.artifactkeeper.core.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A row of {@code artifacts}: one stored file of a repository. */
public record ArtifactRecord(UUID id, UUID repositoryId, String path, String name, String version, long sizeBytes,
        String sha256, String sha1, String md5, String sha512, String contentType, String kind,
        Map<String, Object> attributes, Instant createdAt, Instant updatedAt) {

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id.toString());
        m.put("repository_id", repositoryId.toString());
        m.put("path", path);
        m.put("name", name);
        m.put("version", version);
        m.put("size_bytes", sizeBytes);
        m.put("checksum_sha256", sha256);
        m.put("checksum_sha1", sha1);
        m.put("checksum_md5", md5);
        m.put("content_type", contentType);
        m.put("metadata", attributes);
        m.put("created_at", createdAt.toString());
        m.put("updated_at", updatedAt.toString());
        return m;
    }
}
