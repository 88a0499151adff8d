package io.artifactkeeper.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.PathCodec;

/**
 * Path traversal, fuzzed: {@link SafePath#normalize} on any raw request path (plain, percent-encoded
 * once or twice, backslashes, overlong UTF-8, controls) either refuses with a 400 or returns a path
 * that stays below the root, has no "." or ".." segment, and still has none after a client decodes
 * it once more.
 */
class SafePathFuzzTest {
    private static final Path ROOT = Path.of("/srv/ak/repo");

    @FuzzTest(maxDuration = "30s")
    void normalize(byte[] raw) {
        // ISO-8859-1 keeps every byte as one char: "%c0%ae" and raw 0xc0 0xae bytes both reach the decoder
        check(new String(raw, StandardCharsets.ISO_8859_1));
        check(new String(raw, StandardCharsets.UTF_8));
    }

    private static void check(String raw) {
        String p;
        try {
            p = SafePath.normalize(raw);
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        assertThat(p).doesNotStartWith("/").doesNotContain("\\").doesNotContain("\0");
        assertSafe(p);
        // idempotent: the checked path passes the check again unchanged
        assertThat(SafePath.check(p)).isEqualTo(p);
        // a client or a storage layer that decodes once more finds no traversal either
        String twice;
        try {
            twice = PathCodec.decode(p);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertSafe(twice.replace('\\', '/'));
    }

    private static void assertSafe(String p) {
        for (String seg : p.split("/")) {
            assertThat(seg).isNotIn(".", "..");
        }
        if (p.indexOf('\0') < 0) {
            Path resolved = ROOT.resolve(p).normalize();
            assertThat(resolved.startsWith(ROOT)).as("%s escapes the root", p).isTrue();
        }
    }
}
