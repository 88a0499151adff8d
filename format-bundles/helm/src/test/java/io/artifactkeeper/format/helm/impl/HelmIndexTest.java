package io.artifactkeeper.format.helm.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HelmIndexTest {
    private static final String UPSTREAM = """
            apiVersion: v1
            entries:
              nginx:
              - name: nginx
                version: 1.10.0
                appVersion: 1.10
                urls: [https://github.com/org/charts/releases/download/nginx-1.10.0/nginx-1.10.0.tgz]
                digest: abc
                created: "2024-01-01T00:00:00Z"
                unknownField: dropped
                maintainers: [{name: me, email: me@example.org, extra: x}]
              - name: nginx
                version: 1.9.0
                urls: [charts/nginx-1.9.0.tgz]
              - name: nginx
                version: 1.2.0
                urls: [oci://registry.example.org/charts/nginx]
              broken:
              - name: broken
                urls: [x.tgz]
            generated: "2024-01-01T00:00:00Z"
            """;

    private static HelmIndex parse(String yaml) throws IOException {
        return HelmIndex.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rewritesAbsoluteAndRelativeUpstreamUrlsToThisServer() throws IOException {
        HelmIndex idx = parse(UPSTREAM).proxiedFrom(URI.create("https://charts.example.org/stable/index.yaml"));
        List<Map<String, Object>> v = idx.versions("nginx");
        assertThat(v).extracting(m -> m.get("version")).containsExactly("1.10.0", "1.9.0", "1.2.0");
        assertThat(v.get(0).get("urls")).isEqualTo(List.of("charts/nginx-1.10.0.tgz"));
        assertThat(v.get(1).get("urls")).isEqualTo(List.of("charts/nginx-1.9.0.tgz"));
        assertThat(v.get(2).get("urls")).as("not http: left alone").isEqualTo(List.of("oci://registry.example.org/charts/nginx"));
        assertThat(idx.upstreamUrl("nginx-1.10.0.tgz"))
                .hasToString("https://github.com/org/charts/releases/download/nginx-1.10.0/nginx-1.10.0.tgz");
        assertThat(idx.upstreamUrl("nginx-1.9.0.tgz")).hasToString("https://charts.example.org/stable/charts/nginx-1.9.0.tgz");
        assertThat(v.get(0)).doesNotContainKey("unknownField").containsEntry("appVersion", "1.10");
        assertThat(idx.entries()).doesNotContainKey("broken");
    }

    @Test
    void urlsWithoutAUsableFileNameGetTheChartsName() throws IOException {
        HelmIndex idx = parse("""
                entries:
                  a:
                  - {name: a, version: 1.0.0, apiVersion: v2, urls: ["https://x.example.org/download?id=1"]}
                  - {name: a, version: 2.0.0, apiVersion: v2, urls: ["https://x.example.org/download?id=2"]}
                  - {name: a, version: 3.0.0, apiVersion: v2, urls: ["https://x.example.org/v3/chart.tgz"]}
                  - {name: a, version: 4.0.0, apiVersion: v2, urls: ["https://x.example.org/v4/chart.tgz"]}
                """).proxiedFrom(URI.create("https://x.example.org/index.yaml"));
        assertThat(idx.versions("a")).extracting(e -> e.get("urls")).containsExactly(List.of("charts/chart.tgz"),
                List.of("charts/a-3.0.0.tgz"), List.of("charts/a-2.0.0.tgz"), List.of("charts/a-1.0.0.tgz"));
        assertThat(idx.upstreamUrl("a-2.0.0.tgz")).hasToString("https://x.example.org/download?id=2");
        assertThat(idx.upstreamUrl("chart.tgz")).hasToString("https://x.example.org/v4/chart.tgz");
        assertThat(idx.upstreamUrl("a-3.0.0.tgz")).hasToString("https://x.example.org/v3/chart.tgz");
    }

    @Test
    void writesYamlThatReadsBackTheSame() throws IOException {
        HelmIndex idx = parse(UPSTREAM).proxiedFrom(URI.create("https://charts.example.org/index.yaml"));
        String yaml = new String(idx.toYaml(Instant.parse("2025-01-02T03:04:05Z")), StandardCharsets.UTF_8);
        assertThat(yaml).startsWith("apiVersion: v1\nentries:\n  nginx:\n  - name: nginx\n    version: 1.10.0\n")
                .contains("appVersion: '1.10'").contains("generated: '2025-01-02T03:04:05Z'")
                .contains("maintainers:\n    - name: me\n      email: me@example.org\n").doesNotContain("extra")
                .doesNotContain("&id");
        HelmIndex again = parse(yaml);
        assertThat(again.versions("nginx")).hasSize(3);
        assertThat(again.versions("nginx").get(0)).containsEntry("appVersion", "1.10").containsEntry("digest", "abc");
    }

    @Test
    void mergeKeepsTheFirstMembersVersion() throws IOException {
        HelmIndex first = parse("entries:\n  a:\n  - {name: a, version: 1.0.0, apiVersion: v2, description: first, urls: [charts/a-1.0.0.tgz]}\n");
        HelmIndex second = parse("entries:\n  a:\n  - {name: a, version: 1.0.0, apiVersion: v2, description: second, urls: [x]}\n"
                + "  - {name: a, version: 2.0.0, apiVersion: v2, urls: [y]}\n  b:\n  - {name: b, version: 0.1.0, apiVersion: v2}\n");
        HelmIndex m = HelmIndex.merge(List.of(first, second));
        assertThat(m.versions("a")).extracting(e -> e.get("version") + ":" + e.get("description"))
                .containsExactly("2.0.0:null", "1.0.0:first");
        assertThat(m.versions("b")).hasSize(1);
    }

    @Test
    void refusesHostileYaml() {
        String bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                + "g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        assertThatThrownBy(() -> parse(bomb)).isInstanceOf(HelmYaml.YamlException.class);
        assertThatThrownBy(() -> parse("- a\n- b\n")).isInstanceOf(HelmYaml.YamlException.class);
        assertThatThrownBy(() -> parse("!!javax.script.ScriptEngineManager [x]\n")).isInstanceOf(HelmYaml.YamlException.class);
    }

    @Test
    void safeFileNames() {
        assertThat(HelmIndex.isSafeFile("a-1.0.0.tgz")).isTrue();
        assertThat(HelmIndex.isSafeFile("..")).isFalse();
        assertThat(HelmIndex.isSafeFile("a/b.tgz")).isFalse();
        assertThat(HelmIndex.isSafeFile(".uploads")).isFalse();
        assertThat(HelmIndex.fileName(URI.create("https://x/a/b%2F..%2Fc.tgz"))).isNull();
    }
}
