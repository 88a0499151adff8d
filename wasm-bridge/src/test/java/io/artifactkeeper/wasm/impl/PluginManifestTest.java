package io.artifactkeeper.wasm.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PluginManifestTest {

    @Test
    void readsPluginFormatCapabilitiesAndLimits() throws Exception {
        PluginManifest m = PluginManifest.parse("""
                # comment
                [plugin]
                name = "unity-packages"   # trailing comment
                version = '1.0.0'
                description = "a \\"quoted\\" word"

                [format]
                key = "unitypkg"
                display_name = "Unity packages"
                extensions = [".unitypackage", ".unity"]

                [capabilities]
                parse_metadata = true

                [requirements]
                max_memory_mb = 16
                timeout_secs = 5
                """);
        assertThat(m.name()).isEqualTo("unity-packages");
        assertThat(m.description()).isEqualTo("a \"quoted\" word");
        assertThat(m.formatKey()).isEqualTo("unitypkg");
        assertThat(m.extensions()).containsExactly(".unitypackage", ".unity");
        assertThat(m.capabilities()).containsEntry("parse_metadata", true);
        assertThat(m.maxMemoryBytes()).isEqualTo(16L << 20);
        assertThat(m.timeoutMillis()).isEqualTo(5000L);
        assertThat(m.maxFuel()).isNull();
    }

    @Test
    void resourcesWinOverRequirements() throws Exception {
        PluginManifest m = PluginManifest.parse("""
                [plugin]
                name = "x"
                version = "1"
                [format]
                key = "x"
                [requirements]
                max_memory_mb = 16
                [resources]
                max_memory_bytes = 1_048_576
                max_fuel = 1000
                max_execution_ms = 250
                """);
        assertThat(m.maxMemoryBytes()).isEqualTo(1048576L);
        assertThat(m.maxFuel()).isEqualTo(1000L);
        assertThat(m.timeoutMillis()).isEqualTo(250L);
    }

    @Test
    void saysWhatIsWrong() {
        assertThatThrownBy(() -> PluginManifest.parse("[plugin]\nname = \"x\"\nversion = \"1\"\n"))
                .hasMessageContaining("missing [format]");
        assertThatThrownBy(() -> PluginManifest.parse("[plugin]\nname = \"x\"\nversion = \"1\"\n[format]\nkey = \"Bad Key\"\n"))
                .hasMessageContaining("key 'Bad Key' must match");
        assertThatThrownBy(() -> PluginManifest.parse("[plugin]\nname = x\n")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PluginManifest.parse("[plugin]\nname = \"x\"\nversion = \"1\"\n[format]\nkey = \"k\"\n"
                + "[resources]\nmax_fuel = -5\n")).hasMessageContaining("max_fuel must be a positive integer");
    }

    /**
     * Found while fuzzing plugin.toml (PluginInstallFuzzTest#manifest's property that limits are
     * positive): max_memory_mb and timeout_secs were multiplied without overflow checks, so a large
     * value wrapped to a negative limit.
     */
    @Test
    void limitsThatOverflowWhenScaledAreRefused() {
        String head = "[plugin]\nname = \"x\"\nversion = \"1\"\n[format]\nkey = \"k\"\n[requirements]\n";
        assertThatThrownBy(() -> PluginManifest.parse(head + "max_memory_mb = 9000000000000000\n"))
                .isInstanceOf(PluginManifest.InvalidManifestException.class).hasMessageContaining("max_memory_mb is too large");
        assertThatThrownBy(() -> PluginManifest.parse(head + "timeout_secs = 9223372036854776\n"))
                .isInstanceOf(PluginManifest.InvalidManifestException.class).hasMessageContaining("timeout_secs is too large");
    }

    /** Found by PluginInstallFuzzTest#manifest: a \\u escape with non-hex digits threw NumberFormatException (a 500). */
    @Test
    void aBadUnicodeEscapeIsAManifestError() throws Exception {
        for (String esc : new String[] {"\\ur&\\u", "\\u+fff", "\\u-001", "\\uzzzz"}) {
            assertThatThrownBy(() -> PluginManifest.parse("[plugin]\nname = \"" + esc + "\"\n"))
                    .as(esc).isInstanceOf(PluginManifest.InvalidManifestException.class).hasMessageContaining("plugin.toml line 2");
        }
        assertThat(PluginManifest.parse("[plugin]\nname = \"x\"\nversion = \"\\u0031\"\n[format]\nkey = \"k\"\n").version())
                .isEqualTo("1");
    }
}
