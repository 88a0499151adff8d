package io.artifactkeeper.format.cran.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile-input fuzz targets for cran: the DESCRIPTION reader, the package archive validator (a
 * source tarball and a Windows binary zip) and the reader of an upstream's PACKAGES. Property: the
 * format's named refusal (a 400, or a 502 for an upstream's index) or a result within the limits,
 * never another exception; what is accepted reads back the same when written again.
 */
class CranFuzzTest {
    private static final CranNames.PackageFile DEMO = new CranNames.PackageFile("demo", "1.0.0", "tar.gz");

    /** A DESCRIPTION: refused with a message, or one record with a valid Package and Version that round-trips. */
    @FuzzTest(maxDuration = "30s")
    void description(byte[] bytes) throws Exception {
        Map<String, String> d;
        try {
            d = CranArchive.parseDescription(bytes);
        } catch (CranArchive.BadPackageException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1000);
            return;
        }
        assertThat(CranNames.isName(d.get("Package"))).isTrue();
        assertThat(CranNames.isVersion(d.get("Version"))).isTrue();
        assertThat(d).hasSizeLessThanOrEqualTo(CranDcf.Limits.DESCRIPTION.maxFields());
        for (Map.Entry<String, String> e : d.entrySet()) {
            assertThat(e.getValue().length()).isLessThanOrEqualTo(CranDcf.Limits.DESCRIPTION.maxValue());
            assertThat(e.getKey()).doesNotContain(":", " ", "\n");
        }
        StringBuilder again = new StringBuilder();
        CranDcf.write(again, List.copyOf(d.keySet()), d);
        Map<String, String> nonEmpty = new java.util.LinkedHashMap<>(d);
        nonEmpty.values().removeIf(String::isBlank);
        assertThat(CranDcf.parse(again.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), CranDcf.Limits.PACKAGES))
                .singleElement().isEqualTo(nonEmpty);
    }

    /**
     * A source tarball uploaded as demo_1.0.0.tar.gz: refused with a message, or accepted as package demo
     * 1.0.0, and then, read independently by Commons Compress, every entry lies under {@code demo/}.
     */
    @FuzzTest(maxDuration = "30s")
    void sourceTarball(byte[] bytes) throws IOException {
        Map<String, String> d;
        try {
            d = CranArchive.fromTarGz(new ByteArrayInputStream(bytes), DEMO);
        } catch (CranArchive.BadPackageException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1000);
            return;
        }
        assertThat(d).containsEntry("Package", "demo").containsEntry("Version", "1.0.0");
        boolean description = false;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                String name = e.getName().replaceFirst("^(\\./)+", "");
                assertThat(name).as("accepted entry").matches("demo(/.*)?").doesNotContain("/../").doesNotEndWith("/..");
                description |= name.equals("demo/DESCRIPTION");
            }
        }
        assertThat(description).isTrue();
    }

    /** A Windows binary uploaded as demo_1.0.0.zip: refused with a message, or package demo 1.0.0. */
    @FuzzTest(maxDuration = "30s")
    void binaryZip(byte[] bytes) throws IOException {
        try {
            Map<String, String> d = CranArchive.fromZip(new SeekableInMemoryByteChannel(bytes),
                    new CranNames.PackageFile("demo", "1.0.0", "zip"));
            assertThat(d).containsEntry("Package", "demo").containsEntry("Version", "1.0.0");
        } catch (CranArchive.BadPackageException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1000);
        }
    }

    /**
     * An upstream's PACKAGES: refused as not DCF, or an index whose PACKAGES reads back to the same
     * entries and whose PACKAGES.rds is written.
     */
    @FuzzTest(maxDuration = "30s")
    void upstreamPackages(byte[] bytes) throws Exception {
        CranIndex idx;
        try {
            idx = CranIndex.parse(CranNames.Kind.SOURCE, bytes);
        } catch (CranDcf.DcfException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1000);
            return;
        }
        CranIndex again = CranIndex.parse(CranNames.Kind.SOURCE, idx.packages());
        assertThat(again.entries()).extracting(e -> e.name() + " " + e.version())
                .containsExactlyElementsOf(idx.entries().stream().map(e -> e.name() + " " + e.version()).toList());
        byte[] rds = idx.rds(2);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(rds))) {
            assertThat(new String(in.readNBytes(2), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("X\n");
        }
    }
}
