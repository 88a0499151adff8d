package io.artifactkeeper.format.cargo.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for cargo: the publish body (u32 length, JSON metadata, u32 length,
 * .crate) and the .crate (a tar.gz whose entries must all be under {name}-{version}/). Property: a
 * result, a named problem, or the format's 4xx refusal, never another exception; the .crate read is
 * exactly its declared length; an accepted .crate really is one.
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

    /**
     * The published .crate: a named problem (400) or accepted, never an exception; and what is accepted
     * is, read independently by Commons Compress, a tar.gz of entries all under {@code demo-1.0.0/}
     * holding {@code demo-1.0.0/Cargo.toml}.
     */
    @FuzzTest(maxDuration = "30s")
    void crate(byte[] crate) throws IOException {
        String problem = CargoCrateArchive.problem(new ByteArrayInputStream(crate), "demo", "1.0.0");
        if (problem != null) {
            assertThat(problem).isNotBlank().hasSizeLessThan(1000);
            return;
        }
        boolean manifest = false;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                // gzip as the JDK reads it (as SafeArchive does: members concatenated, trailing bytes ignored,
                // trailer checked); the tar structure is what this reads independently
                new java.util.zip.GZIPInputStream(new ByteArrayInputStream(crate)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                String name = e.getName().replaceFirst("^(\\./)+", "");
                assertThat(name).as("accepted entry").matches("demo-1\\.0\\.0(/.*)?").doesNotContain("/../")
                        .doesNotEndWith("/..");
                manifest |= name.equals("demo-1.0.0/Cargo.toml");
            }
        }
        assertThat(manifest).as("an accepted crate has its Cargo.toml").isTrue();
    }
}
