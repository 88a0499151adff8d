package io.artifactkeeper.format.helm.impl;

import static io.artifactkeeper.format.helm.impl.HelmTestArchives.tgz;
import static io.artifactkeeper.format.helm.impl.HelmTestArchives.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HelmArchiveTest {
    private static final byte[] CHART_YAML = utf8("apiVersion: v2\nname: demo\nversion: 1.2.3\n");

    private static byte[] chartYaml(byte[] tgz, boolean all) throws IOException {
        return HelmArchive.chartYaml(new ByteArrayInputStream(tgz), all);
    }

    @Test
    void findsChartYamlBelowTheTopFolder() throws IOException {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("demo/values.yaml", utf8("a: 1\n"));
        f.put("demo/charts/sub/Chart.yaml", utf8("apiVersion: v2\nname: sub\nversion: 9.9.9\n"));
        f.put("demo/Chart.yaml", CHART_YAML);
        assertThat(chartYaml(tgz(f), true)).isEqualTo(CHART_YAML);
        assertThat(chartYaml(tgz(f), false)).isEqualTo(CHART_YAML);
    }

    @Test
    void readsPaxLongNames() throws IOException {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("demo/Chart.yaml", CHART_YAML);
        f.put("demo/templates/" + "x".repeat(150) + ".yaml", utf8("k: v\n"));
        assertThat(chartYaml(tgz(f), true)).isEqualTo(CHART_YAML);
        Map<String, byte[]> evil = new LinkedHashMap<>();
        evil.put("demo/Chart.yaml", CHART_YAML);
        evil.put("demo/" + "../".repeat(40) + "etc/passwd", utf8("root\n"));
        assertThatThrownBy(() -> chartYaml(tgz(evil), true)).isInstanceOf(HelmArchive.BadChartException.class)
                .hasMessageContaining("unsafe entry name");
    }

    @Test
    void refusesWhatIsNotAChart() {
        assertThatThrownBy(() -> chartYaml(utf8("hello"), true)).hasMessageContaining("gzip");
        assertThatThrownBy(() -> chartYaml(new byte[0], true)).hasMessageContaining("gzip");
        assertThatThrownBy(() -> chartYaml(tgz(Map.of("demo/values.yaml", utf8("a: 1\n"))), true))
                .hasMessageContaining("no Chart.yaml");
        assertThatThrownBy(() -> chartYaml(tgz(Map.of("Chart.yaml", CHART_YAML)), true))
                .as("Chart.yaml must be in the chart's folder").hasMessageContaining("no Chart.yaml");
        assertThatThrownBy(() -> chartYaml(tgz(Map.of("/demo/Chart.yaml", CHART_YAML)), true))
                .hasMessageContaining("unsafe entry name");
        assertThatThrownBy(() -> chartYaml(tgz(Map.of("demo\\..\\Chart.yaml", CHART_YAML)), true))
                .hasMessageContaining("unsafe entry name");
    }

    @Test
    void boundsChartYamlAndFiles() throws IOException {
        byte[] big = new byte[HelmArchive.MAX_CHART_YAML_BYTES + 1];
        java.util.Arrays.fill(big, (byte) '#');
        assertThatThrownBy(() -> chartYaml(tgz(Map.of("demo/Chart.yaml", big)), false))
                .hasMessageContaining("Chart.yaml is larger");
        byte[] huge = new byte[(int) HelmArchive.MAX_FILE_BYTES + 1];
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("demo/Chart.yaml", CHART_YAML);
        f.put("demo/templates/big.yaml", huge);
        assertThatThrownBy(() -> chartYaml(tgz(f), true)).hasMessageContaining("is larger than " + HelmArchive.MAX_FILE_BYTES);
        // without the full scan, reading stops at Chart.yaml
        assertThat(chartYaml(tgz(f), false)).isEqualTo(CHART_YAML);
    }

    @Test
    void refusesDamagedAndHostileArchivesWithTheirReason() throws IOException {
        byte[] good = tgz(Map.of("demo/Chart.yaml", CHART_YAML));
        assertThatThrownBy(() -> chartYaml(java.util.Arrays.copyOf(good, good.length / 2), true))
                .isInstanceOf(HelmArchive.BadChartException.class);
        // a gzip bomb: more than Helm's 100 MiB unpacked
        java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bomb)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 101; i++) {
                gz.write(zeros);
            }
        }
        assertThatThrownBy(() -> chartYaml(bomb.toByteArray(), true)).isInstanceOf(HelmArchive.BadChartException.class);
        assertThat(HelmArchive.isTopLevelChartYaml("./demo//Chart.yaml")).isTrue();
        assertThat(HelmArchive.isTopLevelChartYaml("demo/sub/Chart.yaml")).isFalse();
    }

    @Test
    void recordingReplaysWhatWasRead() throws IOException {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("demo/Chart.yaml", CHART_YAML);
        f.put("demo/values.yaml", utf8("a: 1\n".repeat(1000)));
        byte[] archive = tgz(f);
        ByteArrayInputStream body = new ByteArrayInputStream(archive);
        HelmArchive.Recording rec = new HelmArchive.Recording(body, 1 << 20);
        assertThat(HelmArchive.chartYaml(rec, false)).isEqualTo(CHART_YAML);
        byte[] replay = new java.io.SequenceInputStream(new ByteArrayInputStream(rec.recorded()), body).readAllBytes();
        assertThat(replay).isEqualTo(archive);
        // Chart.yaml after incompressible data: not within the prefix
        byte[] noise = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(noise);
        Map<String, byte[]> late = new LinkedHashMap<>();
        late.put("demo/noise.bin", noise);
        late.put("demo/Chart.yaml", CHART_YAML);
        HelmArchive.Recording tiny = new HelmArchive.Recording(new ByteArrayInputStream(tgz(late)), 16 * 1024);
        assertThatThrownBy(() -> HelmArchive.chartYaml(tiny, false)).isInstanceOf(HelmArchive.BadChartException.class);
        assertThat(tiny.exhausted()).as("the refusal came from the prefix limit, not from the chart").isTrue();
        assertThat(rec.exhausted()).isFalse();
        assertThat(chartYaml(tgz(late), true)).isEqualTo(CHART_YAML);
    }
}
