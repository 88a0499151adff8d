package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Expected values from Python's hashlib.blake2b(digest_size=32). */
class PypiBlake2bTest {

    private static String hash(byte[] b, int chunk) {
        PypiBlake2b d = PypiBlake2b.blake2b256();
        for (int i = 0; i < b.length; i += chunk) {
            d.update(b, i, Math.min(chunk, b.length - i));
        }
        return d.hexDigest();
    }

    @Test
    void matchesHashlib() {
        assertThat(hash(new byte[0], 1)).isEqualTo("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
        assertThat(hash("abc".getBytes(StandardCharsets.US_ASCII), 1))
                .isEqualTo("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
        // exactly one block: the last block must carry the final flag
        assertThat(hash("a".repeat(128).getBytes(StandardCharsets.US_ASCII), 128))
                .isEqualTo("ae2aa48507885c4c950fb809b2076f959cde9f8ea6da260d9a3587df33dac450");
    }

    @Test
    void chunkingDoesNotMatter() {
        byte[] b = new byte[256 * 5];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        for (int chunk : new int[] {1, 7, 128, 129, 1000, 5000}) {
            assertThat(hash(b, chunk)).as("chunk " + chunk)
                    .isEqualTo("82628cbfc9689e234b0923a531f4578fe2e7138a03e2f81ed6cde97517336650");
        }
    }
}
