package io.artifactkeeper.format.cran.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PACKAGES.rds as R writes it: the expected streams were written by R 4.2.2 itself
 * ({@code saveRDS(m, version = 2|3, compress = FALSE)} of the same matrix, with an NA, a UTF-8 string
 * and row and column names); only the writer's R version in the header (bytes 6 to 9) may differ.
 */
class CranRdsTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void theSameBytesAsSaveRdsOfTheSameMatrix(int version) throws IOException {
        byte[] ours = CranRds.matrix(List.of("Package", "Version", "Depends", "Title"),
                List.of(new String[] {"abc", "0.2-1", null, "Jos\u00e9 \u00fcber"}, new String[] {"demo", "1.0.0", "R (>= 3.5)", null}),
                List.of("abc", "demo"), version);
        byte[] plain;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(ours))) {
            plain = in.readAllBytes();
        }
        byte[] r;
        try (InputStream in = getClass().getResourceAsStream("matrix-v" + version + ".rds")) {
            r = in.readAllBytes();
        }
        assertThat(plain).hasSameSizeAs(r);
        assertThat(Arrays.copyOfRange(plain, 0, 6)).isEqualTo(Arrays.copyOfRange(r, 0, 6));
        assertThat(Arrays.copyOfRange(plain, 10, plain.length)).isEqualTo(Arrays.copyOfRange(r, 10, r.length));
    }
}
