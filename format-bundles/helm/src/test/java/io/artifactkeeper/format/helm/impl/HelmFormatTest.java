package io.artifactkeeper.format.helm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** Helm behaviour the conformance kit does not cover, in process. */
class HelmFormatTest {
    private static final String UPSTREAM = "http://charts.example.test/stable";
    private static final String RELEASE = "http://github.example.test/org/charts/releases/download/demo-1.0.0/demo-1.0.0.tgz";

    /**
     * A remote's chart URL comes from the upstream's index.yaml (here a release asset on another host): the
     * core asks the proxy policy on a cache miss, fetches from there once and serves the cache after.
     */
    @Test
    void aRemoteFetchesChartsFromWhereTheUpstreamIndexSays() throws Exception {
        byte[] chart = HelmConformanceTest.chart("1.0.0");
        byte[] index = ("apiVersion: v1\nentries:\n  demo:\n  - apiVersion: v2\n    name: demo\n    version: 1.0.0\n"
                + "    urls: [\"" + RELEASE + "\"]\n").getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> served = new LinkedHashMap<>();
        served.put(UPSTREAM + "/index.yaml", index);
        served.put(RELEASE, chart);
        served.put(RELEASE + ".prov", "-----BEGIN PGP SIGNED MESSAGE-----\n".getBytes(StandardCharsets.UTF_8));
        ScriptedUpstream upstream = new ScriptedUpstream(URI.create(UPSTREAM), (method, uri, headers) -> {
            byte[] b = served.get(uri.toString());
            return b == null ? ScriptedUpstream.Reply.of(404, "text/plain", new byte[0])
                    : ScriptedUpstream.Reply.of(200, "application/octet-stream", b);
        });
        MemoryWorld world = new MemoryWorld(new HelmFormat(), "http://registry.test");
        world.remote("proxy", upstream);
        FormatHarness h = world.harness();

        Response idx = h.get("proxy", "index.yaml");
        assertThat(idx.status()).isEqualTo(200);
        assertThat(idx.text()).contains("- charts/demo-1.0.0.tgz").doesNotContain("github.example.test");
        Response first = h.get("proxy", "charts/demo-1.0.0.tgz");
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.body()).isEqualTo(chart);
        assertThat(upstream.requests()).contains("GET " + RELEASE);
        int asked = upstream.requests().size();
        assertThat(h.get("proxy", "charts/demo-1.0.0.tgz").body()).isEqualTo(chart);
        assertThat(upstream.requests()).as("a cached chart is served without the upstream").hasSize(asked);
        // the provenance file sits beside the chart, wherever that is
        assertThat(h.get("proxy", "charts/demo-1.0.0.tgz.prov").status()).isEqualTo(200);
        assertThat(upstream.requests()).contains("GET " + RELEASE + ".prov");
        // a chart the index does not name is asked for in the upstream's own charts/ folder
        assertThat(h.get("proxy", "charts/other-2.0.0.tgz").status()).isEqualTo(404);
        assertThat(upstream.requests()).contains("GET " + UPSTREAM + "/charts/other-2.0.0.tgz");
    }

    /** Chart.yaml after the first MiB: stored under a temporary name, checked from the stored bytes, then named. */
    @Test
    void aChartWhoseChartYamlComesLateIsStillStored() throws Exception {
        byte[] noise = new byte[HelmFormat.PREFIX_BYTES + 4096];
        new Random(3).nextBytes(noise);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("late/files/noise.bin", java.util.Arrays.copyOf(noise, (int) HelmArchive.MAX_FILE_BYTES - 1));
        files.put("late/Chart.yaml", HelmTestArchives.utf8("apiVersion: v2\nname: late\nversion: 0.1.0\n"));
        byte[] tgz = HelmTestArchives.tgz(files);
        MemoryWorld world = new MemoryWorld(new HelmFormat(), "http://registry.test");
        world.local("hosted");
        Response r = world.harness().request("POST", "hosted", "api/charts").body(tgz).send();
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(world.repository("hosted").contents()).containsKey("charts/late-0.1.0.tgz")
                .doesNotContainKeys(world.repository("hosted").contents().keySet().stream()
                        .filter(k -> k.startsWith(".uploads/")).toArray(String[]::new));
        assertThat(world.harness().get("hosted", "index.yaml").text()).contains("name: late");
        assertThat(world.harness().get("hosted", "api/charts/late/0.1.0").text()).contains("\"version\":\"0.1.0\"");
    }

    /** A refused upload leaves nothing behind and says why in ChartMuseum's shape. */
    @Test
    void aRefusedUploadStoresNothing() throws Exception {
        MemoryWorld world = new MemoryWorld(new HelmFormat(), "http://registry.test");
        world.local("hosted");
        Map<String, byte[]> files = Map.of("demo/Chart.yaml", HelmTestArchives.utf8("apiVersion: v2\nname: demo\n"
                + "version: not-a-version\n"));
        Response r = world.harness().request("POST", "hosted", "api/charts").body(HelmTestArchives.tgz(files)).send();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).startsWith("{\"error\":").contains("not a semantic version");
        assertThat(world.repository("hosted").contents().keySet()).noneMatch(k -> k.startsWith("charts/"));
    }
}
