package io.artifactkeeper.format.conda.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hostile-input fuzz targets for the parsers of client bytes: the .conda reader (zip, zstd, tar), the
 * .tar.bz2 reader (bzip2, tar) and the index.json checks. Property: a checked index.json or the
 * format's named refusal ({@link CondaPackage.BadPackageException}, a 400), never another exception.
 */
class CondaFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void conda(byte[] bytes) throws IOException {
        ObjectNode index;
        try {
            index = CondaPackage.readConda(new SeekableInMemoryByteChannel(bytes));
        } catch (CondaPackage.BadPackageException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2000);
            return;
        }
        valid(index);
    }

    @FuzzTest(maxDuration = "30s")
    void tarBz2(byte[] bytes) throws IOException {
        ObjectNode index;
        try {
            index = CondaPackage.readTarBz2(new ByteArrayInputStream(bytes));
        } catch (CondaPackage.BadPackageException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2000);
            return;
        }
        valid(index);
    }

    @FuzzTest(maxDuration = "30s")
    void indexJson(byte[] bytes) throws IOException {
        ObjectNode index;
        try {
            index = CondaPackage.index(new ByteArrayInputStream(bytes));
        } catch (CondaPackage.BadPackageException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2000);
            return;
        }
        valid(index);
    }

    private static void valid(ObjectNode index) {
        assertThat(index.get("name").asText()).matches(CondaPackage.NAME);
        assertThat(index.get("version").asText()).matches(CondaPackage.VERSION);
        assertThat(index.get("build").asText()).matches(CondaPackage.BUILD);
        assertThat(index.get("subdir").asText()).matches(CondaPackage.SUBDIR);
    }
}
