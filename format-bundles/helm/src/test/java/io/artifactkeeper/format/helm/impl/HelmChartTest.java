package io.artifactkeeper.format.helm.impl;

import static io.artifactkeeper.format.helm.impl.HelmTestArchives.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HelmChartTest {
    @Test
    void keepsHelmsFieldsWithHelmsTypes() throws Exception {
        HelmChart c = HelmChart.parse(utf8("""
                apiVersion: v2
                name: web
                version: 1.10.0
                appVersion: 1.10
                description: a chart
                kubeVersion: ">=1.25"
                deprecated: false
                keywords: [http, 42]
                annotations: {category: Web, count: 3}
                maintainers:
                - {name: me, email: me@example.org, extra: dropped}
                dependencies:
                - name: db
                  version: ~1.2
                  repository: https://charts.example.org
                  condition: db.enabled
                  enabled: true
                  tags: [backend]
                  import-values: [child: a, parent: b]
                customField: dropped
                """));
        assertThat(c.name()).isEqualTo("web");
        assertThat(c.version()).isEqualTo("1.10.0");
        assertThat(c.fileName()).isEqualTo("web-1.10.0.tgz");
        Map<String, Object> m = c.metadata();
        assertThat(m).containsEntry("appVersion", "1.10").containsEntry("deprecated", false)
                .containsEntry("keywords", List.of("http", "42")).containsEntry("kubeVersion", ">=1.25")
                .doesNotContainKey("customField");
        assertThat(m.get("annotations")).isEqualTo(Map.of("category", "Web", "count", "3"));
        assertThat(m.get("maintainers")).isEqualTo(List.of(Map.of("name", "me", "email", "me@example.org")));
        @SuppressWarnings("unchecked")
        Map<String, Object> dep = ((List<Map<String, Object>>) m.get("dependencies")).get(0);
        assertThat(dep).containsEntry("version", "~1.2").containsEntry("enabled", true)
                .containsEntry("tags", List.of("backend")).containsKey("import-values");
    }

    @Test
    void refusesChartsHelmWouldRefuse() {
        assertThatThrownBy(() -> HelmChart.parse(utf8("apiVersion: v2\nversion: 1.0.0\n"))).hasMessageContaining("no name");
        assertThatThrownBy(() -> HelmChart.parse(utf8("apiVersion: v2\nname: a\n"))).hasMessageContaining("no version");
        assertThatThrownBy(() -> HelmChart.parse(utf8("name: a\nversion: 1.0.0\n"))).hasMessageContaining("apiVersion");
        assertThatThrownBy(() -> HelmChart.parse(utf8("apiVersion: v2\nname: ../a\nversion: 1.0.0\n")))
                .hasMessageContaining("invalid chart name");
        assertThatThrownBy(() -> HelmChart.parse(utf8("apiVersion: v2\nname: a\nversion: 1.0.0/../../b\n")))
                .hasMessageContaining("not a semantic version");
        assertThatThrownBy(() -> HelmChart.parse(utf8("apiVersion: v2\nname: a\nversion: 1.0.0\n!!binary x: y\n")))
                .isInstanceOf(HelmArchive.BadChartException.class);
    }

    /** Found by HelmFuzzTest#chartYaml: a mapping that contains itself, used as a key, overflowed the stack. */
    @Test
    void aKeyThatRefersToItselfIsMalformed() {
        String yaml = "apiVersion: v2\nname: demo\nversion: 1.0.0\n? n: &n {a: *n, b: *n}\n: x\n";
        assertThatThrownBy(() -> HelmChart.parse(utf8(yaml))).isInstanceOf(HelmArchive.BadChartException.class)
                .hasMessageContaining("malformed YAML");
    }

    /**
     * Found by HelmFuzzTest#chartYaml (a timeout): an anchor whose map refers to itself twice
     * ("&n {a: *n, b: *n}") was copied level by level, 2^64 nodes; aliases of aliases did the same
     * within SnakeYAML's alias limit. The copy now stops at what the document's size allows.
     */
    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aliasBombsAndCyclesAreRefusedQuickly() {
        String cycle = "apiVersion: v2\nname: demo\nversion: 1.0.0\nx: &n {a: *n, b: *n}\n";
        StringBuilder laughs = new StringBuilder("apiVersion: v2\nname: demo\nversion: 1.0.0\nl0: &l0 [x, x]\n");
        for (int k = 1; k <= 24; k++) {
            laughs.append("l").append(k).append(": &l").append(k).append(" [*l").append(k - 1).append(", *l").append(k - 1)
                    .append("]\n");
        }
        for (String yaml : new String[] {cycle, laughs.toString()}) {
            assertThatThrownBy(() -> HelmChart.parse(utf8(yaml))).isInstanceOf(HelmArchive.BadChartException.class)
                    .hasMessageContaining("aliases expand it");
        }
    }
}
