package io.artifactkeeper.tck.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The harness hands a format the path the core would: decoded, normalized, a folder's '/' kept. */
class FormatHarnessPathTest {
    @Test
    void aTrailingSlashStaysAsInTheCore() {
        assertThat(FormatHarness.normalize("a/b/")).isEqualTo("a/b/");
        assertThat(FormatHarness.normalize("a//b/./c")).isEqualTo("a/b/c");
        assertThat(FormatHarness.normalize("")).isEmpty();
        assertThat(FormatHarness.normalize("/")).isEmpty();
        assertThat(FormatHarness.normalize("a%2Fb/")).isEqualTo("a/b/");
    }
}
