package io.artifactkeeper.wasm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for a plugin installation from a client: the ZIP (reachable through
 * {@code POST /api/v1/plugins}), the multipart body that carries it, and plugin.toml. Property: a
 * result or the refusal that becomes a 400 ({@link PluginPackage.InvalidPackageException},
 * {@link PluginManifest.InvalidManifestException}, a 4xx {@link FormatException}), never another
 * exception; limits read from plugin.toml are positive.
 */
class PluginInstallFuzzTest {
    static final String CONTENT_TYPE = "multipart/form-data; boundary=fuzz-boundary-7d1f";

    @FuzzTest(maxDuration = "30s")
    void manifest(byte[] raw) {
        PluginManifest m;
        try {
            m = PluginManifest.parse(new String(raw, StandardCharsets.UTF_8));
        } catch (PluginManifest.InvalidManifestException e) {
            return;
        }
        assertThat(m.name()).isNotBlank();
        assertThat(m.formatKey()).isNotBlank();
        if (m.maxMemoryBytes() != null) {
            assertThat(m.maxMemoryBytes()).isPositive();
        }
        if (m.timeoutMillis() != null) {
            assertThat(m.timeoutMillis()).isPositive();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void zip(byte[] zip) {
        try {
            PluginPackage p = PluginPackage.fromZip(zip, null);
            assertThat(p.manifest()).isNotNull();
            assertThat(p.wasm()).isNotNull();
        } catch (PluginPackage.InvalidPackageException e) {
            // 400
        }
    }

    /** The first byte, when it is '/', makes the rest of the first line the boundary parameter. */
    @FuzzTest(maxDuration = "30s")
    void multipart(byte[] body) {
        String ct = CONTENT_TYPE;
        if (body.length > 0 && body[0] == '/') {
            int nl = 1;
            while (nl < body.length && body[nl] != '\n') {
                nl++;
            }
            ct = "multipart/form-data; " + new String(body, 1, nl - 1, StandardCharsets.ISO_8859_1);
            body = Arrays.copyOfRange(body, Math.min(nl + 1, body.length), body.length);
        }
        try {
            byte[] file = PluginsApi.Multipart.field(body, ct, "file");
            if (file != null) {
                assertThat(file.length).isLessThanOrEqualTo(body.length);
            }
        } catch (FormatException e) {
            assertThat(e.status()).isBetween(400, 499);
        }
    }
}
