package io.artifactkeeper.wasm.impl;

import java.time.Instant;
import java.util.UUID;

/** A row of wasm_plugins. */
record PluginRecord(UUID id, String name, String version, String formatKey, String state, String sourceType,
        String sourceUrl, String sourceRef, String sourcePath, String sourceCommit, String manifest, String wasmSha256,
        boolean signed, Instant installedAt, Instant updatedAt) {

    boolean enabled() {
        return "enabled".equals(state);
    }

    PluginRecord withState(String s) {
        return new PluginRecord(id, name, version, formatKey, s, sourceType, sourceUrl, sourceRef, sourcePath, sourceCommit,
                manifest, wasmSha256, signed, installedAt, Instant.now());
    }
}
