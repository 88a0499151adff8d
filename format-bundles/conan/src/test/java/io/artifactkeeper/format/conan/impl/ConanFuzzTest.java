package io.artifactkeeper.format.conan.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for every reader of client bytes in the conan format: the reference
 * parser, the file-name rule of upload paths, {@code conanmanifest.txt} and {@code conaninfo.txt}.
 * Property: the format's 4xx refusal or a result within bounds (no field that could climb out of its
 * folder, a reference that reads back the same), never another exception.
 */
class ConanFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void reference(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8);
        ConanRef ref;
        try {
            ref = ConanRef.parse(s);
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        String[] segs = ref.path().split("/", -1);
        assertThat(segs).hasSize(4);
        for (String seg : segs) {
            assertThat(seg).isNotEmpty().isNotIn(".", "..").doesNotContain("\\").doesNotContain("\0").hasSizeLessThan(102);
        }
        assertThat(ConanRef.parse(ref.display())).as("what is parsed reads back the same").isEqualTo(ref);
        assertThat(ConanRef.of(segs[0], segs[1], segs[2], segs[3])).isEqualTo(ref);
    }

    @FuzzTest(maxDuration = "30s")
    void fileName(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8);
        String f;
        try {
            f = ConanRef.fileName(s);
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        assertThat(s).startsWith(f);
        assertThat(f).doesNotStartWith("/").doesNotContain("//").doesNotContain("\\").doesNotContain("\0");
        for (String seg : f.split("/", -1)) {
            assertThat(seg).isNotEmpty().doesNotStartWith(".");
        }
        assertThat(f.contains("/")).isEqualTo(ConanRef.isMetadata(f));
    }

    @FuzzTest(maxDuration = "30s")
    void manifest(byte[] input) {
        ConanManifest m;
        try {
            m = ConanManifest.parse(input);
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        assertThat(m.time()).isNotNegative();
        assertThat(m.files().size()).isLessThanOrEqualTo(ConanManifest.MAX_FILES);
        for (Map.Entry<String, String> e : m.files().entrySet()) {
            assertThat(e.getValue()).matches("[0-9a-f]{32}");
            assertThat(e.getKey()).isNotEmpty().doesNotStartWith("/").doesNotContain("\0").isNotEqualTo("..")
                    .doesNotStartWith("../").doesNotContain("/../").doesNotContain("\\");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void conaninfo(byte[] input) {
        ConanInfo i;
        try {
            i = ConanInfo.parse(input);
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        for (String section : i.sections().keySet()) {
            assertThat(section).isNotBlank().doesNotContain("[").doesNotContain("]");
        }
        for (String k : new String[] {"settings", "options"}) {
            i.keyed(k).forEach((key, value) -> assertThat(key).isNotEmpty());
            assertThat(i.keyed(k)).hasSizeLessThanOrEqualTo(i.lines(k).size());
        }
        // the search answer built from it is always well-formed JSON-able
        assertThat(ConanResolver.packageEntry(input).path("content").isTextual()).isTrue();
    }
}
