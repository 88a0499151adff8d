package io.artifactkeeper.format.helm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.artifactkeeper.format.support.MultipartReader;

/**
 * Hostile-input fuzz targets for helm: a chart .tgz (Chart.yaml read out of it, every entry checked),
 * Chart.yaml itself, and the ChartMuseum multipart upload. Property: a result or the format's refusal
 * ({@link HelmArchive.BadChartException}, {@link MultipartReader.MalformedException}: 400), never another
 * exception.
 */
class HelmFuzzTest {
    static final String BOUNDARY = "fuzz-boundary-7d1f";

    @FuzzTest(maxDuration = "30s")
    void chart(byte[] tgz) throws IOException {
        try {
            HelmChart c = HelmChart.parse(HelmArchive.chartYaml(new ByteArrayInputStream(tgz), true));
            assertThat(HelmChart.isName(c.name())).isTrue();
        } catch (HelmArchive.BadChartException e) {
            // 400
        }
    }

    @FuzzTest(maxDuration = "30s")
    void chartYaml(byte[] yaml) throws IOException {
        try {
            HelmChart.parse(yaml);
        } catch (HelmArchive.BadChartException e) {
            // 400
        }
    }

    /** The first line is the Content-Type's parameters; the rest the body. */
    @FuzzTest(maxDuration = "30s")
    void multipart(byte[] data) throws IOException {
        String s = new String(data, StandardCharsets.ISO_8859_1);
        int nl = s.indexOf('\n');
        String ct = "multipart/form-data; " + (nl < 0 ? "boundary=" + BOUNDARY : s.substring(0, nl));
        byte[] body = (nl < 0 ? s : s.substring(nl + 1)).getBytes(StandardCharsets.ISO_8859_1);
        MultipartReader.boundary(s.substring(0, Math.max(0, nl)));
        String boundary = MultipartReader.boundary(ct).orElse(null);
        if (boundary == null) {
            return;
        }
        MultipartReader mp = new MultipartReader(new ByteArrayInputStream(body), boundary);
        try {
            for (MultipartReader.Part p; (p = mp.next()) != null;) {
                drain(p.body());
            }
        } catch (MultipartReader.MalformedException e) {
            // 400
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] b = new byte[4096];
        while (in.read(b) != -1) {
            // discard
        }
    }
}
