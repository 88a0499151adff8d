package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.format.pypi.impl.PypiArchives.InvalidArchiveException;
import io.artifactkeeper.format.support.MultipartReader;

/**
 * Hostile-input fuzz targets for what pypi reads from a client: wheels (zip), sdists (tar.gz and
 * zip), the core metadata inside them, distribution file names and the multipart upload body.
 * Property of each: a result or the format's own refusal ({@link InvalidArchiveException},
 * {@link MultipartReader.MalformedException}), which the upload turns into a 400 — never another
 * exception (those are 500s), never more output than the caps. {@code mvn verify} replays the
 * seeds under {@code src/test/resources/.../PypiFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1}
 * fuzzes ({@code ./ak fuzz}).
 */
class PypiFuzzTest {
    private static final int MAX_INPUT = 256 * 1024;
    static final String BOUNDARY = "fuzz-boundary-7d1f";

    @FuzzTest(maxDuration = "30s")
    void wheel(byte[] data) throws IOException {
        inspect("demo_pkg-1.0-py3-none-any.whl", data);
    }

    @FuzzTest(maxDuration = "30s")
    void sdistTarGz(byte[] data) throws IOException {
        inspect("demo-pkg-1.0.tar.gz", data);
    }

    @FuzzTest(maxDuration = "30s")
    void sdistZip(byte[] data) throws IOException {
        inspect("demo-pkg-1.0.zip", data);
    }

    @FuzzTest(maxDuration = "30s")
    void coreMetadata(byte[] data) {
        PypiCoreMetadata md = PypiCoreMetadata.parse(data);
        md.reliableForSdist();
    }

    @FuzzTest(maxDuration = "30s")
    void fileNameAndContentType(FuzzedDataProvider d) {
        String filename = d.consumeString(300);
        String hint = d.consumeBoolean() ? d.consumeString(100) : null;
        PypiNames.parse(filename, hint).ifPresent(f -> {
            assertThat(PypiNames.isSafeSegment(f.filename())).isTrue();
            PypiNames.normalize(f.project());
        });
        PypiNames.versionOf(filename, hint);
        MultipartReader.boundary(d.consumeRemainingAsString()).ifPresent(b -> assertThat(b.length()).isBetween(1, 70));
    }

    /** A twine upload body; the boundary is fixed so that the seeds are real bodies. */
    @FuzzTest(maxDuration = "30s")
    void multipart(byte[] body) throws IOException {
        MultipartReader mp = new MultipartReader(new ByteArrayInputStream(body), BOUNDARY);
        long read = 0;
        try {
            int parts = 0;
            for (MultipartReader.Part p; (p = mp.next()) != null;) {
                assertThat(p.name()).isNotNull();
                parts++;
                if (p.filename() == null) {
                    read += p.text(1024).length();
                } else {
                    read += drain(p.body());
                }
            }
            assertThat(parts).isLessThanOrEqualTo(MultipartReader.MAX_PARTS);
        } catch (MultipartReader.MalformedException e) {
            // the format's refusal: 400
        }
        assertThat(read).isLessThanOrEqualTo(body.length);
    }

    private static void inspect(String filename, byte[] data) throws IOException {
        if (data.length > MAX_INPUT) {
            return;
        }
        PypiNames.DistFile dist = PypiNames.parse(filename, null).orElseThrow();
        try {
            PypiInspector.Inspection i = PypiInspector.inspect(dist, PypiByteSource.of(data));
            if (i.metadataBytes() != null) {
                assertThat(i.metadataBytes().length).isLessThanOrEqualTo(PypiArchives.MAX_METADATA_BYTES);
            }
            i.attributes();
            i.displayName();
            i.version();
        } catch (InvalidArchiveException e) {
            // the format's refusal: 400
        }
    }

    private static long drain(InputStream in) throws IOException {
        long n = 0;
        byte[] b = new byte[4096];
        for (int k; (k = in.read(b)) != -1;) {
            n += k;
        }
        return n;
    }
}
