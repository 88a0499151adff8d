package io.artifactkeeper.tck.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The harness hands a format the path the core would (SafePath keeps a trailing slash). */
class HarnessPathsTest {
    @Test
    void aTrailingSlashReachesTheFormatAsTheCoreSendsIt() {
        assertThat(FormatHarness.normalize("simple/demo-pkg/")).isEqualTo("simple/demo-pkg/");
        assertThat(FormatHarness.normalize("simple/demo-pkg")).isEqualTo("simple/demo-pkg");
        assertThat(FormatHarness.normalize("a//b/./c")).isEqualTo("a/b/c");
        assertThat(FormatHarness.normalize("/")).isEmpty();
        assertThat(FormatHarness.normalize("")).isEmpty();
    }
}
