package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.LanguageArchives.Part;
import io.artifactkeeper.it.tck.FormatTck;

/**
 * The cocoapods format end to end. No {@code pod} client runs on this machine, so this test sends,
 * step by step, the requests CocoaPods' CDN source sends ({@code CocoaPods-version.yml}, the pod's
 * shard {@code all_pods_versions_a_b_c.txt} found by the MD5 of its name, the podspec JSON, then the
 * podspec's {@code source.http}, verified against its {@code sha256}; revalidation with
 * {@code If-None-Match}), with Basic credentials as {@code ~/.netrc} gives them, and the push API
 * ({@code POST api/pods}, a podspec JSON and a source archive); bad pushes refused with nothing
 * stored; a remote whose upstream is the second instance and a virtual of both. The format TCK runs
 * first.
 */
class CocoapodsIT extends FormatTck {
    private static final String USER_AGENT = "CocoaPods/1.15.2 cocoapods-downloader/2.1";
    private String token;
    private String upstreamToken;

    @Override
    protected String formatKey() {
        return "cocoapods";
    }

    @Override
    protected String mount() {
        return "cocoapods";
    }

    /** Variants "x" and "x-upstream" are the same pod version with other bytes. */
    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "Tck-" + variant.replace("-upstream", "").replaceAll("[^A-Za-z0-9]+", "-");
        return new Sample(name, source(name, "sample " + variant));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<byte[]> r = push(server, repoKey, server.adminBasic(), s.name() + ".podspec.json", podspec(s.name(), "1.0.0"),
                s.bytes());
        assertThat(r.statusCode()).as(text(r)).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return "pods/" + s.name() + "/1.0.0/" + s.name() + "-1.0.0.zip";
    }

    /** A download through the remote costs the upstream's podspec (for its source URL) and the archive. */
    @Override
    protected long expectedUpstreamFetches() {
        return 2;
    }

    @BeforeAll
    void cocoapodsSetUp() throws Exception {
        System.out.println("[cocoapods] client: none on this machine (CocoaPods is not in Debian 12); the test sends the "
                + "requests of " + USER_AGENT + "'s CDN source");
        repo(ak, "pods", "local", null);
        repo(upstream, "pods-up", "local", null);
        repo(ak, "pods-remote", "remote", upstream.url() + "/cocoapods/pods-up/");
        repo(ak, "pods-virtual", "virtual", null);
        json(ak, "PUT", "/api/v1/repositories/pods-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "pods", "priority", 1), Map.of("member_key", "pods-remote", "priority", 2))), 200);
        token = "Bearer " + apiToken(ak);
        upstreamToken = "Bearer " + apiToken(upstream);
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "cocoapods", "repo_type", type));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD,
                    "metadata_ttl_seconds", 1));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    private static String apiToken(Distribution d) throws Exception {
        HttpResponse<String> r = d.json("POST", "/api/v1/auth/tokens", d.adminBasic(), Map.of("name", "pod-it"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    static String podspec(String name, String version) {
        return "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"summary\":\"A pod of the tests.\","
                + "\"homepage\":\"https://example.org/" + name + "\",\"license\":{\"type\":\"MIT\"},"
                + "\"authors\":{\"Mona\":\"mona@example.org\"},\"platforms\":{\"ios\":\"13.0\"},"
                + "\"source\":{\"git\":\"https://example.org/" + name + ".git\",\"tag\":\"" + version + "\"},"
                + "\"source_files\":\"Sources/**/*.swift\",\"swift_versions\":[\"5.9\"]}";
    }

    static byte[] source(String name, String marker) throws Exception {
        return LanguageArchives.zip("Sources/" + name + "/" + name.replace("-", "") + ".swift", "public let marker = \""
                + marker + "\"\n", "LICENSE", "MIT\n");
    }

    private static HttpResponse<byte[]> http(Distribution d, String method, String url, String auth, String contentType,
            byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : d.url() + url))
                .timeout(Duration.ofSeconds(60)).header("User-Agent", USER_AGENT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return d.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> push(Distribution d, String repo, String auth, String specFile, String spec,
            byte[] source) throws Exception {
        String boundary = "------pod-push-" + Long.toHexString(System.nanoTime());
        List<Part> parts = new ArrayList<>();
        if (spec != null) {
            parts.add(new Part("podspec", specFile, "application/json", spec.getBytes(StandardCharsets.UTF_8)));
        }
        if (source != null) {
            parts.add(new Part("source", "source.zip", "application/octet-stream", source));
        }
        return http(d, "POST", "/cocoapods/" + repo + "/api/pods", auth, "multipart/form-data; boundary=" + boundary,
                LanguageArchives.multipart(boundary, parts.toArray(Part[]::new)));
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return Distribution.JSON.readTree(r.body());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The pod's shard: the first three hex digits of the MD5 of its name (the CDN's prefix_lengths [1, 1, 1]). */
    static String[] shard(String name) throws Exception {
        String h = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(name.getBytes(StandardCharsets.UTF_8)));
        return new String[] {h.substring(0, 1), h.substring(1, 2), h.substring(2, 3)};
    }

    /**
     * What {@code pod install} does through a CDN source for one pod version: the version file, the
     * shard's versions list, the podspec, then the archive its source names, checked against its sha256.
     */
    private static byte[] podInstall(Distribution d, String repo, String auth, String name, String version) throws Exception {
        String root = "/cocoapods/" + repo + "/";
        HttpResponse<byte[]> yml = http(d, "GET", root + "CocoaPods-version.yml", auth, null, null);
        assertThat(yml.statusCode()).isEqualTo(200);
        assertThat(text(yml)).contains("prefix_lengths:\n- 1\n- 1\n- 1");
        String[] s = shard(name);
        HttpResponse<byte[]> versions = http(d, "GET", root + "all_pods_versions_" + s[0] + "_" + s[1] + "_" + s[2] + ".txt",
                auth, null, null);
        assertThat(versions.statusCode()).isEqualTo(200);
        String line = text(versions).lines().filter(l -> l.startsWith(name + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in its shard's versions: " + text(versions)));
        assertThat(List.of(line.split("/"))).contains(version);
        HttpResponse<byte[]> spec = http(d, "GET", root + "Specs/" + s[0] + "/" + s[1] + "/" + s[2] + "/" + name + "/" + version
                + "/" + name + ".podspec.json", auth, null, null);
        assertThat(spec.statusCode()).as(text(spec)).isEqualTo(200);
        JsonNode src = json(spec).get("source");
        String url = src.get("http").asText();
        assertThat(url).startsWith(d.url() + root + "pods/" + name + "/" + version + "/");
        HttpResponse<byte[]> archive = http(d, "GET", url, auth, null, null);
        assertThat(archive.statusCode()).isEqualTo(200);
        assertThat(LanguageArchives.sha256(archive.body())).as("the sha256 cocoapods-downloader verifies")
                .isEqualTo(src.get("sha256").asText());
        return archive.body();
    }

    @Test
    @Order(2)
    void pushThenInstallThroughTheCdnLayout() throws Exception {
        byte[] one = source("HelloPod", "one");
        byte[] two = source("HelloPod", "two");
        for (Object[] v : new Object[][] {{"1.0.0", one}, {"1.2.0", two}}) {
            HttpResponse<byte[]> r = push(ak, "pods", token, "HelloPod.podspec.json", podspec("HelloPod", (String) v[0]),
                    (byte[]) v[1]);
            assertThat(r.statusCode()).as(text(r)).isEqualTo(201);
            assertThat(json(r).get("source_url").asText()).isEqualTo(ak.url() + "/cocoapods/pods/pods/HelloPod/" + v[0]
                    + "/HelloPod-" + v[0] + ".zip");
        }
        String basic = ak.adminBasic();
        assertThat(podInstall(ak, "pods", basic, "HelloPod", "1.0.0")).isEqualTo(one);
        assertThat(podInstall(ak, "pods", basic, "HelloPod", "1.2.0")).isEqualTo(two);
        String[] s = shard("HelloPod");
        String versionsPath = "/cocoapods/pods/all_pods_versions_" + s[0] + "_" + s[1] + "_" + s[2] + ".txt";
        HttpResponse<byte[]> versions = http(ak, "GET", versionsPath, basic, null, null);
        System.out.println("[cocoapods] " + versionsPath + ": " + text(versions).strip());
        assertThat(text(versions)).contains("HelloPod/1.0.0/1.2.0\n");
        // the CDN source revalidates what it has with If-None-Match
        String etag = versions.headers().firstValue("ETag").orElseThrow();
        assertThat(http(ak, "GET", versionsPath, basic, null, null, "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(text(http(ak, "GET", "/cocoapods/pods/all_pods.txt", basic, null, null))).contains("HelloPod\n");
        // no credentials on a private repository: 401 with a Basic challenge (netrc answers it)
        HttpResponse<byte[]> anonymous = http(ak, "GET", versionsPath, null, null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().allValues("WWW-Authenticate")).anySatisfy(h -> assertThat(h).startsWith("Basic"));
        assertThat(push(ak, "pods", null, "HelloPod.podspec.json", podspec("HelloPod", "9.0.0"), one).statusCode())
                .isEqualTo(401);
        HttpResponse<byte[]> missing = http(ak, "GET", "/cocoapods/pods/Specs/" + s[0] + "/" + s[1] + "/" + s[2]
                + "/HelloPod/9.9.9/HelloPod.podspec.json", basic, null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("error").asText()).contains("9.9.9");
    }

    @Test
    @Order(3)
    void badPushesAreRefusedAndStoreNothing() throws Exception {
        assertThat(push(ak, "pods", token, "StrictPod.podspec.json", podspec("StrictPod", "1.0.0"), source("StrictPod", "first"))
                .statusCode()).isEqualTo(201);
        HttpResponse<byte[]> dup = push(ak, "pods", token, "StrictPod.podspec.json", podspec("StrictPod", "1.0.0"),
                source("StrictPod", "second"));
        assertThat(dup.statusCode()).as(text(dup)).isEqualTo(409);
        assertThat(json(dup).get("error").asText()).contains("StrictPod 1.0.0");
        Object[][] cases = {
            {"name mismatch", "OtherPod.podspec.json", podspec("StrictPod", "2.0.0"), source("StrictPod", "m"), 400},
            {"malformed podspec", "StrictPod.podspec.json", "{\"name\": \"StrictPod\",", source("StrictPod", "j"), 400},
            {"bad version", "StrictPod.podspec.json", podspec("StrictPod", "latest"), source("StrictPod", "v"), 400},
            {"not an archive", "StrictPod.podspec.json", podspec("StrictPod", "2.0.0"), "hello".getBytes(StandardCharsets.UTF_8), 400},
            {"traversal", "StrictPod.podspec.json", podspec("StrictPod", "2.0.0"), LanguageArchives.zip("../../evil.swift", "x"), 400},
            {"traversal in tar.gz", "StrictPod.podspec.json", podspec("StrictPod", "2.0.0"),
                LanguageArchives.tarGz("../evil.swift", "x"), 400},
            {"no source", "StrictPod.podspec.json", podspec("StrictPod", "2.0.0"), null, 400},
            {"oversized podspec", "StrictPod.podspec.json", "{\"name\":\"StrictPod\",\"version\":\"2.0.0\",\"summary\":\""
                + "x".repeat(1_100_000) + "\"}", source("StrictPod", "o"), 413},
        };
        for (Object[] c : cases) {
            HttpResponse<byte[]> r = push(ak, "pods", token, (String) c[1], (String) c[2], (byte[]) c[3]);
            assertThat(r.statusCode()).as(c[0] + ": " + text(r)).isEqualTo((int) c[4]);
            assertThat(json(r).get("error").asText()).as((String) c[0]).isNotBlank();
        }
        JsonNode all = Distribution.parse(ak.send("GET", "/api/v1/repositories/pods/artifacts?per_page=1000&q=StrictPod",
                admin, null, null));
        List<String> paths = new ArrayList<>();
        all.get("items").forEach(i -> paths.add(i.get("path").asText()));
        assertThat(paths).containsExactly("pods/StrictPod/1.0.0/StrictPod-1.0.0.zip");
        JsonNode everything = Distribution.parse(ak.send("GET", "/api/v1/repositories/pods/artifacts?per_page=1000", admin,
                null, null));
        everything.get("items").forEach(i -> assertThat(i.get("path").asText()).as("staging left behind")
                .doesNotStartWith(".cocoapods"));
    }

    @Test
    @Order(4)
    void aRemoteOfTheSecondInstanceAndAVirtual() throws Exception {
        byte[] up = source("UpstreamPod", "upstream");
        assertThat(push(upstream, "pods-up", upstreamToken, "UpstreamPod.podspec.json", podspec("UpstreamPod", "3.0.0"), up)
                .statusCode()).isEqualTo(201);
        String basic = ak.adminBasic();
        assertThat(podInstall(ak, "pods-remote", basic, "UpstreamPod", "3.0.0")).isEqualTo(up);
        String[] s = shard("UpstreamPod");
        String spec = text(http(ak, "GET", "/cocoapods/pods-remote/Specs/" + s[0] + "/" + s[1] + "/" + s[2]
                + "/UpstreamPod/3.0.0/UpstreamPod.podspec.json", basic, null, null));
        assertThat(spec).doesNotContain(upstream.url());
        // the virtual: both members' pods, its own URLs
        assertThat(podInstall(ak, "pods-virtual", basic, "UpstreamPod", "3.0.0")).isEqualTo(up);
        assertThat(podInstall(ak, "pods-virtual", basic, "HelloPod", "1.2.0")).isEqualTo(source("HelloPod", "two"));
        String allPods = text(http(ak, "GET", "/cocoapods/pods-virtual/all_pods.txt", basic, null, null));
        assertThat(allPods).contains("HelloPod\n").contains("UpstreamPod\n");
        // a version pushed upstream later shows through the virtual after the remote's metadata TTL (1 s)
        byte[] later = source("UpstreamPod", "later");
        assertThat(push(upstream, "pods-up", upstreamToken, "UpstreamPod.podspec.json", podspec("UpstreamPod", "3.1.0"), later)
                .statusCode()).isEqualTo(201);
        String versionsPath = "/cocoapods/pods-virtual/all_pods_versions_" + s[0] + "_" + s[1] + "_" + s[2] + ".txt";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!text(http(ak, "GET", versionsPath, basic, null, null)).contains("UpstreamPod/3.0.0/3.1.0")) {
            assertThat(System.nanoTime()).as("3.1.0 through the virtual within 30 s").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(podInstall(ak, "pods-virtual", basic, "UpstreamPod", "3.1.0")).isEqualTo(later);
        // pushing to a remote (405) or a virtual (400) repository is refused
        assertThat(push(ak, "pods-remote", token, "X.podspec.json", podspec("X", "1.0.0"), up).statusCode()).isEqualTo(405);
        assertThat(push(ak, "pods-virtual", token, "X.podspec.json", podspec("X", "1.0.0"), up).statusCode()).isEqualTo(400);
    }
}
