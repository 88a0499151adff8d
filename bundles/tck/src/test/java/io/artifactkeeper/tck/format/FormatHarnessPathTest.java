package io.artifactkeeper.tck.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The harness hands a format the path the core would: the core's SafePath keeps a trailing slash, so the
 * kit must too, or a route template that passes the kit ({@code {name+}/blobs/uploads}) misses the
 * requests real clients send ({@code POST .../blobs/uploads/}).
 */
class FormatHarnessPathTest {
    @Test
    void keepsTheTrailingSlashAsTheCoreDoes() {
        assertThat(FormatHarness.normalize("app/blobs/uploads/")).isEqualTo("app/blobs/uploads/");
        assertThat(FormatHarness.normalize("simple/demo/")).isEqualTo("simple/demo/");
        assertThat(FormatHarness.normalize("files/a%20b/x")).isEqualTo("files/a b/x");
        assertThat(FormatHarness.normalize("")).isEmpty();
        assertThat(FormatHarness.normalize("/")).isEmpty();
    }
}
