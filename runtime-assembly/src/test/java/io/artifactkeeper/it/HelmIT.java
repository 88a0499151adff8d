package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.SearchResult;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * The helm format end to end: the format TCK (charts uploaded through ChartMuseum's
 * {@code POST api/charts}), then Helm 3 itself (helm-java, the real Helm code through JNI):
 * {@code repo add} with user name and password, {@code search repo}, and {@code template} of charts
 * that Helm downloads (pulls) into its repository cache, against a local repository, a remote whose
 * upstream is the second instance, and a virtual of both; ChartMuseum's API (multipart with a
 * provenance file, listing, 409 on a duplicate version, {@code ?force}, delete); bad uploads
 * refused with 400 and nothing stored.
 */
class HelmIT extends FormatTck {
    private static final String PW = Distribution.ADMIN_PASSWORD;
    private Path work;
    private Path repoConfig;
    private Path repoCache;

    @Override
    protected String formatKey() {
        return "helm";
    }

    @Override
    protected String mount() {
        return "helm";
    }

    /** Variants "x" and "x-upstream" are the same chart (name and version) with other content. */
    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "tck-" + variant.replace("-upstream", "").toLowerCase().replaceAll("[^a-z0-9]+", "-");
        return new Sample(name, HelmCharts.chart(name, "0.1.0", "sample " + variant));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> r = server.send("POST", "/helm/" + repoKey + "/api/charts", server.adminBasic(),
                "application/gzip", s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return "charts/" + s.name() + "-0.1.0.tgz";
    }

    /** A download through the remote costs the upstream's index.yaml (for the chart's URL) and the chart. */
    @Override
    protected long expectedUpstreamFetches() {
        return 2;
    }

    @BeforeAll
    void helmSetUp() throws Exception {
        String cacheHome = Objects.requireNonNull(System.getenv("HELM_CACHE_HOME"),
                "HELM_CACHE_HOME is not set: run HelmIT through maven-failsafe (runtime-assembly/pom.xml sets it under target/)");
        // Helm's repository config and caches under target/, never in ~
        work = Files.createDirectories(Path.of(cacheHome).getParent().resolve("helm-it-" + System.currentTimeMillis()));
        repoConfig = work.resolve("repositories.yaml");
        repoCache = Path.of(cacheHome).resolve("repository");
        // the client this test proves the format with (README: "tested with")
        System.out.println("[helm] client: helm-java 0.0.21, Helm " + Helm.version().call());
        repo(ak, "helm-local", "local", null);
        repo(upstream, "helm-up", "local", null);
        repo(ak, "helm-remote", "remote", upstream.url() + "/helm/helm-up");
        repo(ak, "helm-virtual", "virtual", null);
        json(ak, "PUT", "/api/v1/repositories/helm-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "helm-local", "priority", 1), Map.of("member_key", "helm-remote", "priority", 2))), 200);
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "helm", "repo_type", type));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", PW));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    /** {@code helm create} + edits + {@code helm package}: a real chart whose rendered image names {@code marker}. */
    private Path helmChart(String name, String version, String marker) throws Exception {
        Path dir = Files.createDirectories(work.resolve("src").resolve(name + "-" + version + "-" + marker));
        Helm helm = Helm.create().withName(name).withDir(dir).call();
        Path chartDir = dir.resolve(name);
        Path chartYaml = chartDir.resolve("Chart.yaml");
        Files.writeString(chartYaml, Files.readString(chartYaml).replaceFirst("(?m)^version: .*$", "version: " + version)
                .replaceFirst("(?m)^description: .*$", "description: " + marker)
                + "keywords:\n  - ak-it\nmaintainers:\n  - name: Artifact Keeper\n    email: ak@example.org\n");
        Path values = chartDir.resolve("values.yaml");
        Files.writeString(values, Files.readString(values).replace("repository: nginx", "repository: " + marker));
        Path out = Files.createDirectories(work.resolve("pkg").resolve(marker));
        helm.packageIt().withDestination(out).call();
        Path tgz = out.resolve(name + "-" + version + ".tgz");
        assertThat(tgz).exists();
        return tgz;
    }

    private HttpResponse<String> postChart(Distribution d, String repo, byte[] tgz, String query) throws Exception {
        return d.send("POST", "/helm/" + repo + "/api/charts" + query, d.adminBasic(), "application/gzip", tgz);
    }

    private static byte[] multipart(String boundary, List<String[]> parts, List<byte[]> bodies) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < parts.size(); i++) {
            String[] p = parts.get(i);
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p[0] + "\"; filename=\"" + p[1]
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(bodies.get(i));
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String prov(String file, byte[] tgz) throws Exception {
        // the shape `helm package --sign` writes; the server stores it as it is (helm verifies it, not the server)
        return "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\napiVersion: v2\nname: hello\nversion: 0.2.0\n\n...\nfiles:\n  "
                + file + ": sha256:" + sha256(tgz) + "\n-----BEGIN PGP SIGNATURE-----\n\nwsBcBAEBCgAQBQJnot-a-real-signature\n"
                + "-----END PGP SIGNATURE-----\n";
    }

    private void addRepo(String name, String repo) {
        Helm.repo().add().withRepositoryConfig(repoConfig).withName(name)
                .withUrl(URI.create(ak.url() + "/helm/" + repo)).withUsername("admin").withPassword(PW).call();
    }

    /** {@code helm template NAME/CHART --version V}: Helm downloads the chart into its cache and renders it. */
    private String template(String ref, String version, byte[] expected) throws Exception {
        String chart = ref.substring(ref.indexOf('/') + 1);
        Path pulled = repoCache.resolve(chart + "-" + version + ".tgz");
        Files.deleteIfExists(pulled);
        String rendered = Helm.template(ref).withVersion(version).withName("rel").withRepositoryConfig(repoConfig).call();
        assertThat(pulled).as("helm pulled the chart into its repository cache").exists();
        assertThat(sha256(Files.readAllBytes(pulled))).as("the pulled chart").isEqualTo(sha256(expected));
        return rendered;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private JsonNode artifacts(String repo) throws Exception {
        return Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000", admin, null, null));
    }

    @Test
    @Order(1)
    void helmAgainstALocalRepository() throws Exception {
        byte[] v1 = Files.readAllBytes(helmChart("hello", "0.1.0", "local-one"));
        byte[] v2 = Files.readAllBytes(helmChart("hello", "0.2.0", "local-two"));
        byte[] v10 = Files.readAllBytes(helmChart("hello", "0.10.0", "local-ten"));
        // the raw body (curl --data-binary), ChartMuseum's multipart form with a provenance file, and a PUT
        assertThat(postChart(ak, "helm-local", v1, "").statusCode()).isEqualTo(201);
        String boundary = "----akhelm" + System.nanoTime();
        String prov = prov("hello-0.2.0.tgz", v2);
        HttpResponse<String> mp = ak.send("POST", "/helm/helm-local/api/charts", admin, "multipart/form-data; boundary=" + boundary,
                multipart(boundary, List.of(new String[] {"chart", "hello-0.2.0.tgz"}, new String[] {"prov", "hello-0.2.0.tgz.prov"}),
                        List.of(v2, prov.getBytes(StandardCharsets.UTF_8))));
        assertThat(mp.statusCode()).as(mp.body()).isEqualTo(201);
        assertThat(ak.send("PUT", "/helm/helm-local/charts/hello-0.10.0.tgz", admin, "application/gzip", v10).statusCode())
                .isEqualTo(201);

        // index.yaml: versions newest first by semver (0.10.0 > 0.2.0), digests, relative URLs, the Chart.yaml fields
        HttpResponse<String> idx = ak.send("GET", "/helm/helm-local/index.yaml", admin, null, null);
        assertThat(idx.statusCode()).isEqualTo(200);
        String index = idx.body();
        System.out.println("[helm] index.yaml of helm-local:\n" + index);
        assertThat(index).startsWith("apiVersion: v1\n").contains("generated: ")
                .contains("urls:\n    - charts/hello-0.10.0.tgz").contains("digest: " + sha256(v2))
                .contains("appVersion: 1.16.0").contains("keywords:\n    - ak-it").contains("email: ak@example.org")
                .contains("description: local-two").contains("created: ");
        assertThat(index.indexOf("version: 0.10.0")).isLessThan(index.indexOf("version: 0.2.0"));
        assertThat(index.indexOf("version: 0.2.0")).isLessThan(index.indexOf("version: 0.1.0"));
        // unchanged charts: the stored index is served again, not rebuilt
        String etag = idx.headers().firstValue("ETag").orElseThrow();
        assertThat(ak.send("GET", "/helm/helm-local/index.yaml", admin, null, null).headers().firstValue("ETag"))
                .contains(etag);
        assertThat(ak.getBytes("/helm/helm-local/index.yaml", admin, "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(ak.send("GET", "/helm/helm-local/charts/hello-0.2.0.tgz.prov", admin, null, null).body()).isEqualTo(prov);
        String prov1 = prov("hello-0.1.0.tgz", v1);
        assertThat(ak.send("POST", "/helm/helm-local/api/prov", admin, "application/octet-stream",
                prov1.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
        assertThat(ak.send("POST", "/helm/helm-local/api/prov", admin, "application/octet-stream",
                prov1.getBytes(StandardCharsets.UTF_8)).statusCode()).as("the same provenance file again").isEqualTo(409);
        assertThat(ak.send("GET", "/helm/helm-local/charts/hello-0.1.0.tgz.prov", admin, null, null).body()).isEqualTo(prov1);

        // Helm: repo add with credentials, search, template (which pulls the chart)
        addRepo("ak-local", "helm-local");
        List<SearchResult> found = Helm.search().repo().withRepositoryConfig(repoConfig).withKeyword("ak-local/hello").call();
        assertThat(found).extracting(SearchResult::getName).contains("ak-local/hello");
        assertThat(found.get(0).getChartVersion()).isEqualTo("0.10.0");
        String rendered = template("ak-local/hello", "0.2.0", v2);
        assertThat(rendered).contains("kind: Deployment").contains("image: \"local-two:1.16.0\"")
                .contains("helm.sh/chart: hello-0.2.0");
        assertThat(template("ak-local/hello", "0.1.0", v1)).contains("image: \"local-one:1.16.0\"");
        assertThatThrownBy(() -> Helm.repo().add().withRepositoryConfig(repoConfig).withName("ak-wrong")
                .withUrl(URI.create(ak.url() + "/helm/helm-local")).withUsername("admin").withPassword("wrong").call())
                .as("repo add with a wrong password").hasMessageContaining("401");

        // every chart is an artifact with its name and version
        JsonNode items = artifacts("helm-local").get("items");
        List<String> charts = new ArrayList<>();
        for (JsonNode a : items) {
            if (a.get("path").asText().endsWith(".tgz")) {
                charts.add(a.get("name").asText() + "@" + a.get("version").asText() + "=" + a.get("path").asText());
            }
        }
        assertThat(charts).contains("hello@0.1.0=charts/hello-0.1.0.tgz", "hello@0.2.0=charts/hello-0.2.0.tgz",
                "hello@0.10.0=charts/hello-0.10.0.tgz");

        // ChartMuseum: the same version again is a conflict, unless forced; listing; delete removes chart and prov
        HttpResponse<String> dup = postChart(ak, "helm-local", v1, "");
        assertThat(dup.statusCode()).isEqualTo(409);
        assertThat(dup.body()).contains("\"error\"");
        assertThat(postChart(ak, "helm-local", v1, "?force").statusCode()).isEqualTo(201);
        JsonNode list = Distribution.parse(ak.send("GET", "/helm/helm-local/api/charts/hello", admin, null, null));
        assertThat(list.findValuesAsText("version")).containsExactly("0.10.0", "0.2.0", "0.1.0");
        assertThat(Distribution.parse(ak.send("GET", "/helm/helm-local/api/charts", admin, null, null)).has("hello")).isTrue();
        assertThat(Distribution.parse(ak.send("GET", "/helm/helm-local/api/charts/hello/0.2.0", admin, null, null))
                .get("digest").asText()).isEqualTo(sha256(v2));
        assertThat(ak.send("DELETE", "/helm/helm-local/api/charts/hello/0.2.0", admin, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("DELETE", "/helm/helm-local/api/charts/hello/0.2.0", admin, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/helm/helm-local/charts/hello-0.2.0.tgz", admin, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/helm/helm-local/charts/hello-0.2.0.tgz.prov", admin, null, null).statusCode()).isEqualTo(404);
        String after = ak.send("GET", "/helm/helm-local/index.yaml", admin, null, null).body();
        assertThat(after).contains("version: 0.10.0").contains("version: 0.1.0").doesNotContain("version: 0.2.0");
        assertThat(artifacts("helm-local").get("items").findValuesAsText("path")).doesNotContain("charts/hello-0.2.0.tgz",
                "charts/hello-0.2.0.tgz.prov");
        // and Helm sees the new index after repo update
        Helm.repo().update().withRepositoryConfig(repoConfig).call();
        assertThatThrownBy(() -> Helm.template("ak-local/hello").withVersion("0.2.0").withName("rel")
                .withRepositoryConfig(repoConfig).call()).as("a deleted version").isInstanceOf(RuntimeException.class);
    }

    @Test
    @Order(2)
    void badUploadsAre400WithNothingStored() throws Exception {
        String repo = "helm-local";
        int before = artifacts(repo).get("total").asInt();
        String indexBefore = ak.send("GET", "/helm/" + repo + "/index.yaml", admin, null, null).body();

        Map<String, byte[]> noChartYaml = new LinkedHashMap<>();
        noChartYaml.put("x/values.yaml", "a: 1\n".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> traversal = new LinkedHashMap<>();
        traversal.put("evil/Chart.yaml", "apiVersion: v2\nname: evil\nversion: 1.0.0\n".getBytes(StandardCharsets.UTF_8));
        traversal.put("evil/../../../etc/cron.d/evil", "* * * * * root true\n".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> traversalFirst = new LinkedHashMap<>();
        traversalFirst.put("../evil/Chart.yaml", "apiVersion: v2\nname: evil\nversion: 1.0.0\n".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> absolute = new LinkedHashMap<>();
        absolute.put("/evil/Chart.yaml", "apiVersion: v2\nname: evil\nversion: 1.0.0\n".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> badVersion = new LinkedHashMap<>();
        badVersion.put("evil/Chart.yaml", "apiVersion: v2\nname: evil\nversion: not.a.version\n".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> badYaml = new LinkedHashMap<>();
        badYaml.put("evil/Chart.yaml", "apiVersion: v2\nname: [evil\n".getBytes(StandardCharsets.UTF_8));

        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("not gzip", "this is not a chart".getBytes(StandardCharsets.UTF_8));
        cases.put("gzip, not tar", gzip("plain text, no tar headers here".repeat(40)));
        cases.put("no Chart.yaml", HelmCharts.tgz(noChartYaml));
        cases.put("traversal in an entry", HelmCharts.tgz(traversal));
        cases.put("traversal in Chart.yaml's entry", HelmCharts.tgz(traversalFirst));
        cases.put("absolute entry", HelmCharts.tgz(absolute));
        cases.put("version not semver", HelmCharts.tgz(badVersion));
        cases.put("malformed Chart.yaml", HelmCharts.tgz(badYaml));
        cases.put("gzip bomb (101 MiB of zeros)", HelmCharts.bomb(101L * 1024 * 1024));
        byte[] truncated = HelmCharts.chart("cut", "1.0.0", "cut");
        cases.put("truncated", java.util.Arrays.copyOf(truncated, truncated.length / 2));
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            HttpResponse<String> r = postChart(ak, repo, c.getValue(), "");
            System.out.printf("[helm] bad upload (%s): %d %s%n", c.getKey(), r.statusCode(), r.body());
            assertThat(r.statusCode()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(c.getKey()).startsWith("{\"error\":");
            HttpResponse<String> put = ak.send("PUT", "/helm/" + repo + "/charts/evil-1.0.0.tgz", admin, "application/gzip",
                    c.getValue());
            assertThat(put.statusCode()).as("PUT " + c.getKey() + ": " + put.body()).isEqualTo(400);
        }
        byte[] good = HelmCharts.chart("fine", "1.0.0", "fine");
        // traversal in the file name: the URL, a slash inside it, a multipart file name; a name that is not the chart's
        for (String p : List.of("charts/..%2F..%2Ffine-1.0.0.tgz", "charts/%2e%2e/fine-1.0.0.tgz", "charts/x/../../fine-1.0.0.tgz",
                "charts/other-1.0.0.tgz")) {
            HttpResponse<String> r = ak.send("PUT", "/helm/" + repo + "/" + p, admin, "application/gzip", good);
            assertThat(r.statusCode()).as("PUT " + p + ": " + r.body()).isEqualTo(400);
        }
        String boundary = "----akbad";
        HttpResponse<String> mp = ak.send("POST", "/helm/" + repo + "/api/charts", admin, "multipart/form-data; boundary=" + boundary,
                multipart(boundary, List.<String[]>of(new String[] {"chart", "../../fine-1.0.0.tgz"}), List.of(good)));
        assertThat(mp.statusCode()).as(mp.body()).isEqualTo(400);
        HttpResponse<String> cut = ak.send("POST", "/helm/" + repo + "/api/charts", admin, "multipart/form-data; boundary=" + boundary,
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"chart\"; filename=\"x.tgz\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(cut.statusCode()).as(cut.body()).isEqualTo(400);
        HttpResponse<String> badProv = ak.send("POST", "/helm/" + repo + "/api/prov", admin, "application/octet-stream",
                "not signed".getBytes(StandardCharsets.UTF_8));
        assertThat(badProv.statusCode()).isEqualTo(400);
        // a good chart with a bad provenance file in the same form: neither is kept
        HttpResponse<String> withBadProv = ak.send("POST", "/helm/" + repo + "/api/charts", admin,
                "multipart/form-data; boundary=" + boundary, multipart(boundary, List.of(new String[] {"chart", "fine-1.0.0.tgz"},
                        new String[] {"prov", "fine-1.0.0.tgz.prov"}), List.of(good, "not signed".getBytes(StandardCharsets.UTF_8))));
        assertThat(withBadProv.statusCode()).as(withBadProv.body()).isEqualTo(400);
        assertThat(ak.send("GET", "/helm/" + repo + "/charts/fine-1.0.0.tgz", admin, null, null).statusCode()).isEqualTo(404);
        // writes to the other repository types
        assertThat(postChart(ak, "helm-remote", good, "").statusCode()).isEqualTo(405);
        assertThat(postChart(ak, "helm-virtual", good, "").statusCode()).isEqualTo(400);
        assertThat(postChart(ak, repo, good, "").statusCode()).as("the good chart").isEqualTo(201);
        // a valid chart whose Chart.yaml comes after 2 MiB of incompressible data (not where helm package puts it)
        byte[] noise = new byte[2 * 1024 * 1024];
        new java.util.Random(42).nextBytes(noise);
        Map<String, byte[]> late = new LinkedHashMap<>();
        late.put("late/files/noise.bin", noise);
        late.put("late/Chart.yaml", "apiVersion: v2\nname: late\nversion: 2.0.0\n".getBytes(StandardCharsets.UTF_8));
        byte[] lateChart = HelmCharts.tgz(late);
        HttpResponse<String> lateUp = postChart(ak, repo, lateChart, "");
        assertThat(lateUp.statusCode()).as(lateUp.body()).isEqualTo(201);
        assertThat(postChart(ak, repo, lateChart, "").statusCode()).as("the same version again").isEqualTo(409);
        assertThat(ak.getBytes("/helm/" + repo + "/charts/late-2.0.0.tgz", admin).body()).isEqualTo(lateChart);

        JsonNode after = artifacts(repo);
        assertThat(after.get("total").asInt()).as("only the two good charts were stored").isEqualTo(before + 2);
        assertThat(after.get("items").findValuesAsText("path")).allMatch(p -> !p.contains("evil") && !p.startsWith(".uploads"));
        String indexAfter = ak.send("GET", "/helm/" + repo + "/index.yaml", admin, null, null).body();
        assertThat(indexAfter).contains("fine-1.0.0.tgz").contains("late-2.0.0.tgz").doesNotContain("evil").doesNotContain("cut-");
        assertThat(indexBefore).doesNotContain("fine-1.0.0.tgz");
        assertThat(ak.send("POST", "/helm/" + repo + "/api/charts", null, "application/gzip", good).statusCode())
                .as("anonymous upload").isEqualTo(401);
        assertThat(ak.send("DELETE", "/helm/" + repo + "/charts/late-2.0.0.tgz", admin, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("GET", "/helm/" + repo + "/charts/late-2.0.0.tgz", admin, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/helm/" + repo + "/index.yaml", admin, null, null).body()).doesNotContain("late-2.0.0.tgz");
    }

    private static byte[] gzip(String s) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(b)) {
            gz.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    @Order(3)
    void helmThroughARemoteAndAVirtualRepository() throws Exception {
        byte[] upOnly = Files.readAllBytes(helmChart("upchart", "1.0.0", "from-upstream"));
        byte[] sharedUp = Files.readAllBytes(helmChart("shared", "1.0.0", "shared-upstream"));
        byte[] sharedUpOld = Files.readAllBytes(helmChart("shared", "0.9.0", "shared-upstream-old"));
        byte[] sharedLocal = Files.readAllBytes(helmChart("shared", "1.0.0", "shared-local"));
        for (byte[] c : List.of(upOnly, sharedUp, sharedUpOld)) {
            assertThat(postChart(upstream, "helm-up", c, "").statusCode()).isEqualTo(201);
        }
        assertThat(postChart(ak, "helm-local", sharedLocal, "").statusCode()).isEqualTo(201);
        String upProv = prov("upchart-1.0.0.tgz", upOnly);
        assertThat(upstream.send("POST", "/helm/helm-up/api/prov", upstream.adminBasic(), "application/octet-stream",
                upProv.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);

        // the remote's index points at this server, not at the upstream
        String remoteIndex = ak.send("GET", "/helm/helm-remote/index.yaml", admin, null, null).body();
        System.out.println("[helm] index.yaml of helm-remote:\n" + remoteIndex);
        assertThat(remoteIndex).contains("urls:\n    - charts/upchart-1.0.0.tgz").contains("digest: " + sha256(upOnly))
                .doesNotContain(upstream.url()).doesNotContain("127.0.0.1");
        addRepo("ak-remote", "helm-remote");
        assertThat(template("ak-remote/upchart", "1.0.0", upOnly)).contains("image: \"from-upstream:1.16.0\"");
        assertThat(upstream.logText()).contains("GET /helm/helm-up/charts/upchart-1.0.0.tgz 200");
        assertThat(artifacts("helm-remote").get("items").findValuesAsText("path")).contains("charts/upchart-1.0.0.tgz");

        // the virtual merges: shared 1.0.0 from the local member (priority 1), 0.9.0 and upchart from the remote
        HttpResponse<String> vIdx = ak.send("GET", "/helm/helm-virtual/index.yaml", admin, null, null);
        assertThat(vIdx.statusCode()).isEqualTo(200);
        String virtualIndex = vIdx.body();
        System.out.println("[helm] index.yaml of helm-virtual:\n" + virtualIndex);
        assertThat(virtualIndex).contains("digest: " + sha256(sharedLocal)).doesNotContain("digest: " + sha256(sharedUp))
                .contains("digest: " + sha256(sharedUpOld)).contains("digest: " + sha256(upOnly)).contains("hello")
                .doesNotContain(upstream.url());
        String vEtag = vIdx.headers().firstValue("ETag").orElseThrow();
        assertThat(ak.getBytes("/helm/helm-virtual/index.yaml", admin, "If-None-Match", vEtag).statusCode())
                .as("an unchanged merged index keeps its ETag").isEqualTo(304);
        addRepo("ak-virtual", "helm-virtual");
        List<SearchResult> found = Helm.search().repo().withRepositoryConfig(repoConfig).withKeyword("ak-virtual/").call();
        assertThat(found).extracting(SearchResult::getName).contains("ak-virtual/shared", "ak-virtual/upchart",
                "ak-virtual/hello");
        assertThat(template("ak-virtual/shared", "1.0.0", sharedLocal)).contains("image: \"shared-local:1.16.0\"");
        assertThat(template("ak-virtual/shared", "0.9.0", sharedUpOld)).contains("image: \"shared-upstream-old:1.16.0\"");
        assertThat(template("ak-virtual/upchart", "1.0.0", upOnly)).contains("image: \"from-upstream:1.16.0\"");
        // provenance files beside the charts, through the remote and the virtual
        assertThat(ak.send("GET", "/helm/helm-virtual/charts/upchart-1.0.0.tgz.prov", admin, null, null).body()).isEqualTo(upProv);
        assertThat(ak.send("GET", "/helm/helm-remote/charts/upchart-1.0.0.tgz.prov", admin, null, null).body()).isEqualTo(upProv);
        assertThat(ak.send("GET", "/helm/helm-virtual/charts/shared-1.0.0.tgz.prov", admin, null, null).statusCode()).isEqualTo(404);
        JsonNode merged = Distribution.parse(ak.send("GET", "/helm/helm-virtual/api/charts/shared", admin, null, null));
        assertThat(merged.findValuesAsText("version")).containsExactly("1.0.0", "0.9.0");
    }

    /** A static chart repository (as on GitHub Pages: an index.yaml and files) served by the upstream's generic format. */
    private String staticIndex(List<String[]> versions) {
        StringBuilder sb = new StringBuilder("apiVersion: v1\nentries:\n  staticchart:\n");
        for (String[] v : versions) {
            sb.append("  - apiVersion: v2\n    name: staticchart\n    version: ").append(v[0]).append("\n    appVersion: \"1.16.0\"\n")
                    .append("    urls:\n    - ").append(v[1]).append("\n    digest: ").append(v[2])
                    .append("\n    created: \"2024-01-01T00:00:00Z\"\n");
        }
        return sb.append("generated: \"2024-01-01T00:00:00Z\"\n").toString();
    }

    private void putStatic(String path, byte[] body) throws Exception {
        HttpResponse<String> r = upstream.send("PUT", "/general/static/" + path, upstream.adminBasic(), "application/octet-stream", body);
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    }

    @Test
    @Order(4)
    void remoteOfAStaticChartRepositoryWithAbsoluteUrls() throws Exception {
        json(upstream, "POST", "/api/v1/repositories", Map.of("key", "static", "format", "generic"), 201);
        byte[] v1 = Files.readAllBytes(helmChart("staticchart", "1.0.0", "static-one"));
        byte[] v05 = Files.readAllBytes(helmChart("staticchart", "0.5.0", "static-old"));
        byte[] v11 = Files.readAllBytes(helmChart("staticchart", "1.1.0", "static-new"));
        String base = upstream.url() + "/general/static/";
        putStatic("releases/download/v1.0.0/staticchart-1.0.0.tgz", v1);
        putStatic("old/staticchart-0.5.0.tgz", v05);
        // an absolute URL (a release asset elsewhere on the host) and a relative one
        List<String[]> versions = new ArrayList<>(List.of(
                new String[] {"1.0.0", base + "releases/download/v1.0.0/staticchart-1.0.0.tgz", sha256(v1)},
                new String[] {"0.5.0", "old/staticchart-0.5.0.tgz", sha256(v05)}));
        putStatic("index.yaml", staticIndex(versions).getBytes(StandardCharsets.UTF_8));
        json(ak, "POST", "/api/v1/repositories", Map.of("key", "helm-static", "format", "helm", "repo_type", "remote",
                "upstream_url", upstream.url() + "/general/static", "settings", Map.of("upstream_username", "admin",
                        "upstream_password", PW, "metadata_ttl_seconds", 1)), 201);

        String index = ak.send("GET", "/helm/helm-static/index.yaml", admin, null, null).body();
        System.out.println("[helm] index.yaml of helm-static:\n" + index);
        assertThat(index).contains("- charts/staticchart-1.0.0.tgz").contains("- charts/staticchart-0.5.0.tgz")
                .doesNotContain("releases/download").doesNotContain("old/");
        addRepo("ak-static", "helm-static");
        assertThat(template("ak-static/staticchart", "1.0.0", v1)).contains("image: \"static-one:1.16.0\"");
        assertThat(template("ak-static/staticchart", "0.5.0", v05)).contains("image: \"static-old:1.16.0\"");
        assertThat(upstream.logText()).contains("GET /general/static/releases/download/v1.0.0/staticchart-1.0.0.tgz 200")
                .contains("GET /general/static/old/staticchart-0.5.0.tgz 200");

        // a new version upstream shows after the index's TTL (1 s here)
        putStatic("releases/download/v1.1.0/staticchart-1.1.0.tgz", v11);
        versions.add(0, new String[] {"1.1.0", base + "releases/download/v1.1.0/staticchart-1.1.0.tgz", sha256(v11)});
        putStatic("index.yaml", staticIndex(versions).getBytes(StandardCharsets.UTF_8));
        Thread.sleep(1500);
        Helm.repo().update().withRepositoryConfig(repoConfig).call();
        assertThat(template("ak-static/staticchart", "1.1.0", v11)).contains("image: \"static-new:1.16.0\"");
        JsonNode listed = Distribution.parse(ak.send("GET", "/helm/helm-static/api/charts/staticchart", admin, null, null));
        assertThat(listed.findValuesAsText("version")).containsExactly("1.1.0", "1.0.0", "0.5.0");
    }

    @Test
    @Order(8)
    void helmWithoutCredentialsOnAPublicRepository() throws Exception {
        // the format kit published tck-pub to the public repository at order 4
        Helm.repo().add().withRepositoryConfig(repoConfig).withName("ak-public")
                .withUrl(URI.create(ak.url() + "/helm/tck-public")).call();
        byte[] pub = ak.getBytes("/helm/tck-public/charts/tck-pub-0.1.0.tgz", null).body();
        assertThat(template("ak-public/tck-pub", "0.1.0", pub)).contains("kind: ConfigMap").contains("marker: \"sample pub\"");
    }

    @Test
    @Order(8)
    void remoteServesItsCachedIndexAndChartsWhileTheUpstreamIsDown() throws Exception {
        // the format kit stopped the upstream at order 7; helm-static's index is past its 1 s TTL
        assertThat(upstream.process().isAlive()).isFalse();
        Thread.sleep(1500);
        HttpResponse<String> idx = ak.send("GET", "/helm/helm-static/index.yaml", admin, null, null);
        assertThat(idx.statusCode()).isEqualTo(200);
        assertThat(idx.body()).contains("version: 1.1.0");
        Helm.repo().update().withRepositoryConfig(repoConfig).call();
        byte[] cached = ak.getBytes("/helm/helm-static/charts/staticchart-1.0.0.tgz", admin).body();
        assertThat(template("ak-static/staticchart", "1.0.0", cached)).contains("image: \"static-one:1.16.0\"");
        assertThat(template("ak-virtual/upchart", "1.0.0", ak.getBytes("/helm/helm-virtual/charts/upchart-1.0.0.tgz", admin).body()))
                .contains("image: \"from-upstream:1.16.0\"");
    }
}
