package io.artifactkeeper.format.rpm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for the RPM reader: the lead, both headers and what is read from them.
 * Property: a package whose fields lie within the file and the reader's limits, or the format's 400
 * ({@link RpmFormatException}), never another exception, never more than the file brings.
 */
class RpmFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void header(byte[] file) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(file);
        try {
            RpmFile f = RpmFile.read(in);
            assertThat(f.headerStart()).isGreaterThanOrEqualTo(RpmFile.LEAD_SIZE + 16).isEqualTo(f.headerStart() / 8 * 8);
            assertThat(f.headerEnd()).isGreaterThan(f.headerStart()).isLessThanOrEqualTo(file.length);
            RpmPackage p = RpmPackage.fromFile(f);
            assertThat(p.name()).isNotEmpty().hasSizeLessThanOrEqualTo(RpmPackage.MAX_NAME).doesNotContain("/");
            assertThat(p.version()).isNotEmpty().doesNotContain("-").doesNotContain("/");
            assertThat(p.release()).isNotEmpty().doesNotContain("-").doesNotContain("/");
            assertThat(p.fileName()).doesNotContain("/");
            // what was read from the headers is no larger than the headers
            long chars = 0;
            for (RpmPackage.FileEntry e : p.files()) {
                chars += e.path().length();
            }
            assertThat(chars).isLessThanOrEqualTo(2L * file.length);
            assertThat(p.provides().size() + p.requires().size() + p.files().size() + p.changelogs().size())
                    .isLessThanOrEqualTo(file.length);
            RpmFormat.checkPayload(f, in, file.length);
            RepoDataWriter.write(java.util.List.of(new RepoDataWriter.Entry(p, "packages/" + p.fileName(), "0".repeat(64),
                    file.length, 0)), null);
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e).isInstanceOf(RpmFormatException.class);
        }
    }

    /**
     * An upstream's primary.xml (as a remote reads it for a virtual repository's merged index): the
     * packages it lists, each with a name and a location, or the upstream's fault (502), never another
     * exception; no DTD or external entity is read.
     */
    @FuzzTest(maxDuration = "30s")
    void upstreamPrimary(byte[] xml) throws IOException {
        try {
            for (RepoDataReader.Listed l : RepoDataReader.primary(new ByteArrayInputStream(xml))) {
                assertThat(l.pkg().name()).isNotNull();
                assertThat(l.href()).isNotNull();
            }
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(502);
        }
    }
}
