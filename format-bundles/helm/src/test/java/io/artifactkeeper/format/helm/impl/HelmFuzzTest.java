package io.artifactkeeper.format.helm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.SemVer;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;

/**
 * Hostile-input fuzz targets for helm: a chart .tgz (read through the support layer's SafeArchive within
 * Helm's limits, Chart.yaml checked), Chart.yaml itself, and the ChartMuseum multipart upload as the
 * format answers it. Property: a result that satisfies Helm's rules and stays bounded, or the format's
 * refusal ({@link HelmArchive.BadChartException}, a 4xx answer), never another exception or a 5xx.
 */
class HelmFuzzTest {
    static final String BOUNDARY = "fuzz-boundary-7d1f";

    @FuzzTest(maxDuration = "30s")
    void chart(byte[] tgz) {
        byte[] yaml;
        try {
            yaml = HelmArchive.chartYaml(new ByteArrayInputStream(tgz), true);
        } catch (HelmArchive.BadChartException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(yaml.length).isLessThanOrEqualTo(HelmArchive.MAX_CHART_YAML_BYTES);
        try {
            checkChart(HelmChart.parse(yaml), yaml.length);
        } catch (HelmArchive.BadChartException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void chartYaml(byte[] yaml) {
        HelmChart c;
        try {
            c = HelmChart.parse(yaml);
        } catch (HelmArchive.BadChartException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        checkChart(c, yaml.length);
    }

    /** What Helm would accept, and no larger than its Chart.yaml allows (aliases expand nothing much). */
    private static void checkChart(HelmChart c, int yamlBytes) {
        assertThat(HelmChart.isName(c.name())).as("name %s", c.name()).isTrue();
        assertThat(SemVer.parseLenient(c.version())).as("version %s", c.version()).isPresent();
        assertThat(c.metadata()).containsKey("apiVersion").containsEntry("name", c.name())
                .containsEntry("version", c.version());
        assertThat(HelmIndex.isSafeFile(c.fileName())).isTrue();
        assertThat((long) Json.bytesOf(c.metadata()).length).isLessThanOrEqualTo(16L * yamlBytes + 65_536);
    }

    /** The first line is the Content-Type's parameters; the rest the body of {@code POST api/charts}. */
    @FuzzTest(maxDuration = "30s")
    void multipart(byte[] data) {
        String s = new String(data, StandardCharsets.ISO_8859_1);
        int nl = s.indexOf('\n');
        String ct = "multipart/form-data; " + (nl < 0 ? "boundary=" + BOUNDARY : s.substring(0, nl));
        byte[] body = (nl < 0 ? s : s.substring(nl + 1)).getBytes(StandardCharsets.ISO_8859_1);
        MemoryWorld world = new MemoryWorld(new HelmFormat(), "http://helm.fuzz");
        world.local("charts");
        Response r = world.harness().request("POST", "charts", "api/charts").header("Content-Type", ct).body(body).send();
        assertThat(r.status()).as("%s", r).isIn(201, 400, 409, 413);
        int stored = 0;
        for (Map.Entry<String, StoredAsset> e : world.repository("charts").contents().entrySet()) {
            if (HelmIndex.isChartPath(e.getKey())) {
                stored++;
                assertThat(e.getValue().size()).isLessThanOrEqualTo(body.length);
            }
        }
        // all or nothing: a refused upload leaves no chart behind; an accepted one stored one
        assertThat(stored).as("charts stored after %s", r.status()).isEqualTo(r.status() == 201 ? 1 : 0);
    }
}
