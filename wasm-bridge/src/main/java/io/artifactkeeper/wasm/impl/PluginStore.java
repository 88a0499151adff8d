package io.artifactkeeper.wasm.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;

/**
 * Installed plugins: rows in {@code wasm_plugins} and module bytes as
 * {@code <dir>/<sha256>.wasm} (content-addressed; written to a temporary file and moved into
 * place, so a crash leaves no half-written module).
 */
final class PluginStore {
    private final Jdbi jdbi;
    private final Path dir;

    PluginStore(Jdbi jdbi, Path dir) throws IOException {
        this.jdbi = jdbi;
        this.dir = dir;
        Files.createDirectories(dir);
    }

    Path dir() {
        return dir;
    }

    List<PluginRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM wasm_plugins ORDER BY format_key").map((rs, ctx) -> row(rs))
                .list());
    }

    Optional<PluginRecord> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM wasm_plugins WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> row(rs)).findOne());
    }

    Optional<PluginRecord> findByKey(String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM wasm_plugins WHERE format_key = :k").bind("k", key)
                .map((rs, ctx) -> row(rs)).findOne());
    }

    /** Inserts; false when the format key is taken (a concurrent install). */
    boolean insert(PluginRecord r) {
        return jdbi.withHandle(h -> h.createUpdate("""
                INSERT INTO wasm_plugins (id, name, version, format_key, state, source_type, source_url, source_ref,
                    source_path, source_commit, manifest, wasm_sha256, signed)
                VALUES (:id, :name, :version, :key, :state, :type, :url, :ref, :path, :commit, :manifest, :sha, :signed)
                ON CONFLICT (format_key) DO NOTHING""")
                .bind("id", r.id()).bind("name", r.name()).bind("version", r.version()).bind("key", r.formatKey())
                .bind("state", r.state()).bind("type", r.sourceType()).bind("url", r.sourceUrl()).bind("ref", r.sourceRef())
                .bind("path", r.sourcePath()).bind("commit", r.sourceCommit()).bind("manifest", r.manifest())
                .bind("sha", r.wasmSha256()).bind("signed", r.signed()).execute()) == 1;
    }

    void update(PluginRecord r) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE wasm_plugins SET name = :name, version = :version, state = :state, source_commit = :commit,
                    manifest = :manifest, wasm_sha256 = :sha, signed = :signed, updated_at = now() WHERE id = :id""")
                .bind("id", r.id()).bind("name", r.name()).bind("version", r.version()).bind("state", r.state())
                .bind("commit", r.sourceCommit()).bind("manifest", r.manifest()).bind("sha", r.wasmSha256())
                .bind("signed", r.signed()).execute());
    }

    void delete(UUID id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM wasm_plugins WHERE id = :id").bind("id", id).execute());
    }

    void saveModule(String sha256, byte[] bytes) throws IOException {
        Path target = dir.resolve(sha256 + ".wasm");
        if (Files.exists(target)) {
            return;
        }
        Path tmp = Files.createTempFile(dir, "upload-", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    byte[] loadModule(String sha256) throws IOException {
        return Files.readAllBytes(dir.resolve(sha256 + ".wasm"));
    }

    /** Removes a module file that no row references any more. */
    void dropModuleIfUnused(String sha256) throws IOException {
        boolean used = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM wasm_plugins WHERE wasm_sha256 = :s")
                .bind("s", sha256).mapTo(Long.class).one()) > 0;
        if (!used) {
            Files.deleteIfExists(dir.resolve(sha256 + ".wasm"));
        }
    }

    private static PluginRecord row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new PluginRecord(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("version"),
                rs.getString("format_key"), rs.getString("state"), rs.getString("source_type"), rs.getString("source_url"),
                rs.getString("source_ref"), rs.getString("source_path"), rs.getString("source_commit"),
                rs.getString("manifest"), rs.getString("wasm_sha256"), rs.getBoolean("signed"),
                instant(rs.getTimestamp("installed_at")), instant(rs.getTimestamp("updated_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
