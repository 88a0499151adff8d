package io.artifactkeeper.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.FormatException;

class SafePathTest {

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "a/../../b", "%2e%2e/x", "a/%2E%2E/b", "a/%252e%252e/b", "a/..%2fb",
        "a\\..\\b", "a/%00b", "a//b", "./a", "a/.", "%2e/a", "a/%5c..", "a/%"})
    void traversalAndMalformedPathsAreRefused(String raw) {
        assertThatThrownBy(() -> SafePath.normalize(raw)).isInstanceOf(FormatException.class)
                .satisfies(e -> assertThat(((FormatException) e).status()).isEqualTo(400));
    }

    @Test
    void ordinaryPathsPass() {
        assertThat(SafePath.normalize("com/example/a/1.0/a-1.0.jar")).isEqualTo("com/example/a/1.0/a-1.0.jar");
        assertThat(SafePath.normalize("@scope%2fpkg")).isEqualTo("@scope/pkg");
        assertThat(SafePath.normalize("dir/")).isEqualTo("dir/");
        assertThat(SafePath.normalize("")).isEmpty();
        assertThat(SafePath.normalize("a%20b/c..d")).isEqualTo("a b/c..d");
    }

    /**
     * Found by SafePathFuzzTest: PathCodec took other scripts' digits as hex ("%\u06f2f" decoded to '/'),
     * and a path holding "%\u06f2e" passed the check although decoders built on Character.digit read it
     * as "%2e". Both are refused now.
     */
    @Test
    void unicodeDigitsInEscapesAreNoHex() {
        for (String raw : new String[] {"%\u06f2e%\u06f2e/x", "a/%\u0662f/b", "%25\u06f2f", "a/%25\u0662e%25\u0662e/b",
            "a/%25\uff12e/b"}) {
            assertThatThrownBy(() -> SafePath.normalize(raw)).as(raw).isInstanceOf(FormatException.class)
                    .satisfies(e -> assertThat(((FormatException) e).status()).isEqualTo(400));
        }
        assertThat(SafePath.normalize("a/\u06f2/b")).isEqualTo("a/\u06f2/b");
        assertThat(io.artifactkeeper.format.support.PathCodec.decode("%2E%2f")).isEqualTo("./");
    }
}
