package io.artifactkeeper.format.cargo.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for cargo: the publish body (u32 length, JSON metadata, u32 length,
 * .crate) and the .crate (a tar.gz whose entries must all be under {name}-{version}/). Property: a
 * result, a named problem, or the format's 4xx refusal, never another exception.
 */
class CargoFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void publishBody(byte[] body) throws IOException {
        CargoPublishReader r = new CargoPublishReader(new ByteArrayInputStream(body), body.length);
        try {
            r.metadata();
            long len = r.crateLength();
            assertThat(len).isPositive();
            long read = 0;
            InputStream crate = r.crate();
            byte[] b = new byte[8192];
            for (int n; (n = crate.read(b)) != -1;) {
                read += n;
            }
            assertThat(read).isEqualTo(len);
            r.requireEnd();
        } catch (FormatException e) {
            assertThat(e.status()).isBetween(400, 499);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void crate(byte[] crate) throws IOException {
        CargoCrateArchive.problem(new ByteArrayInputStream(crate), "demo", "1.0.0");
    }
}
