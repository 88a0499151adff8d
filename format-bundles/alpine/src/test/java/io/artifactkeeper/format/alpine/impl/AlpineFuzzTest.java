package io.artifactkeeper.format.alpine.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile-input fuzz targets for the two parsers of client and upstream bytes: the .apk reader
 * (gzip members, tar sections, .PKGINFO) and the APKINDEX reader of a remote's upstream. Property:
 * a well-formed record or the format's named refusal, never another exception; what is accepted
 * names a valid package, and its C: checksum is a Q1 SHA-1.
 */
class AlpineFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void apk(byte[] bytes) throws IOException {
        ApkIndex.Entry e;
        try {
            e = ApkPackage.read(() -> new ByteArrayInputStream(bytes), bytes.length);
        } catch (ApkPackage.BadPackageException ex) {
            assertThat(ex.getMessage()).isNotBlank().hasSizeLessThan(2000);
            return;
        }
        assertThat(e.name()).matches(ApkPackage.NAME);
        assertThat(e.version()).matches(ApkPackage.VERSION);
        assertThat(e.fields().get("C")).matches("Q1[A-Za-z0-9+/]{27}=");
        assertThat(e.fields().get("S")).isEqualTo(Long.toString(bytes.length));
        for (String v : e.fields().values()) {
            assertThat(v).doesNotContain("\n");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void index(byte[] bytes) {
        List<ApkIndex.Entry> entries;
        try {
            entries = ApkIndex.parse(bytes);
        } catch (IOException ex) {
            assertThat(ex.getMessage()).isNotBlank();
            return;
        }
        for (ApkIndex.Entry e : entries) {
            assertThat(e.name()).isNotNull();
            assertThat(e.version()).isNotNull();
        }
        // what is read writes back to a text that reads as the same records (first of each name+version)
        try {
            List<ApkIndex.Entry> again = ApkIndex.parse(ApkIndex.text(entries));
            assertThat(again.size()).isLessThanOrEqualTo(entries.size());
        } catch (IOException ex) {
            throw new AssertionError("a written index does not read back", ex);
        }
    }
}
