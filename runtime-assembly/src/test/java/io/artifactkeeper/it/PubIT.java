package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
 * The pub format end to end. No {@code dart} client runs on this machine, so this test sends, step by
 * step, the requests {@code dart pub} sends as the Hosted Pub Repository Specification v2 describes
 * them ({@code Accept: application/vnd.pub.v2+json}, {@code User-Agent: Dart pub ...},
 * {@code Authorization: Bearer <token>} on every URL below the hosted-url) and reads the answers as
 * it reads them: the format TCK (published through the publish flow), {@code dart pub publish}
 * ({@code GET versions/new}, the multipart {@code POST}, the {@code 204}'s {@code Location},
 * {@code GET} finalize), {@code dart pub get} (the listing, then each {@code archive_url}, checked
 * against {@code archive_sha256}), pub's 401 challenge and error shape, bad uploads refused with
 * nothing stored, a remote whose upstream is the second instance (archive URLs rewritten) and a
 * virtual of both.
 */
class PubIT extends FormatTck {
    private static final String ACCEPT = "application/vnd.pub.v2+json";
    /** What dart pub 3.x sends as its user agent (the spec's "Dart pub <sdk-version>"). */
    private static final String USER_AGENT = "Dart pub 3.5.4";
    private String token;
    private String upstreamToken;

    @Override
    protected String formatKey() {
        return "pub";
    }

    @Override
    protected String mount() {
        return "pub";
    }

    /** Variants "x" and "x-upstream" are the same package and version with other bytes. */
    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "tck_" + variant.replace("-upstream", "").toLowerCase().replaceAll("[^a-z0-9]+", "_");
        return new Sample(name, archive(name, "1.0.0", "sample " + variant));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        publishFlow(server, repoKey, server.adminBasic(), s.bytes());
    }

    @Override
    protected String downloadPath(Sample s) {
        return "packages/" + s.name() + "/versions/1.0.0.tar.gz";
    }

    /** A download through the remote costs the upstream's listing (for the archive_url) and the archive. */
    @Override
    protected long expectedUpstreamFetches() {
        return 2;
    }

    @BeforeAll
    void pubSetUp() throws Exception {
        System.out.println("[pub] client: none on this machine (no dart SDK in Debian 12); the test sends the requests of "
                + USER_AGENT + " from the Hosted Pub Repository Specification v2");
        repo(ak, "dart", "local", null);
        repo(upstream, "dart-up", "local", null);
        repo(ak, "dart-remote", "remote", upstream.url() + "/pub/dart-up");
        repo(ak, "dart-virtual", "virtual", null);
        json(ak, "PUT", "/api/v1/repositories/dart-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "dart", "priority", 1), Map.of("member_key", "dart-remote", "priority", 2))), 200);
        token = "Bearer " + apiToken(ak);
        upstreamToken = "Bearer " + apiToken(upstream);
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "pub", "repo_type", type));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD,
                    "metadata_ttl_seconds", 1));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    private static String apiToken(Distribution d) throws Exception {
        HttpResponse<String> r = d.json("POST", "/api/v1/auth/tokens", d.adminBasic(), Map.of("name", "dart-pub-it"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    static byte[] archive(String name, String version, String marker) throws Exception {
        return LanguageArchives.tarGz("pubspec.yaml", "name: " + name + "\nversion: " + version + "\ndescription: " + marker
                + "\nenvironment:\n  sdk: '>=3.0.0 <4.0.0'\n", "lib/" + name + ".dart", "String marker() => '" + marker
                + "';\n", "LICENSE", "MIT\n");
    }

    /** One request as dart pub sends it, to an absolute URL the server gave (or a path on {@code d}). */
    private static HttpResponse<byte[]> dart(Distribution d, String method, String url, String auth, String contentType,
            byte[] body) throws Exception {
        URI u = URI.create(url.startsWith("http") ? url : d.url() + url);
        HttpRequest.Builder b = HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(60)).header("Accept", ACCEPT)
                .header("User-Agent", USER_AGENT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        // dart pub attaches its token only to URLs below the hosted-url it has the token for
        if (auth != null && u.toString().startsWith(d.url() + "/pub/")) {
            b.header("Authorization", auth);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return d.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return Distribution.JSON.readTree(r.body());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** {@code dart pub publish}: the three steps of the spec; answers the POST's response when it is not a 204. */
    private static HttpResponse<byte[]> publishFlow(Distribution d, String repo, String auth, byte[] archive) throws Exception {
        HttpResponse<byte[]> fresh = dart(d, "GET", "/pub/" + repo + "/api/packages/versions/new", auth, null, null);
        assertThat(fresh.statusCode()).as(text(fresh)).isEqualTo(200);
        assertThat(fresh.headers().firstValue("Content-Type").orElse("")).isEqualTo(ACCEPT);
        JsonNode form = json(fresh);
        String url = form.get("url").asText();
        assertThat(url).isEqualTo(d.url() + "/pub/" + repo + "/api/packages/versions/upload");
        String boundary = "dart-http-boundary-" + Long.toHexString(System.nanoTime());
        List<Part> parts = new ArrayList<>();
        form.get("fields").fields().forEachRemaining(f -> parts.add(new Part(f.getKey(), null, "text/plain; charset=utf-8",
                f.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        parts.add(new Part("file", "package.tar.gz", "application/octet-stream", archive));
        HttpResponse<byte[]> posted = dart(d, "POST", url, auth, "multipart/form-data; boundary=" + boundary,
                LanguageArchives.multipart(boundary, parts.toArray(Part[]::new)));
        if (posted.statusCode() != 204) {
            return posted;
        }
        String location = posted.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location"));
        HttpResponse<byte[]> done = dart(d, "GET", location, auth, null, null);
        assertThat(done.statusCode()).as(text(done)).isEqualTo(200);
        assertThat(json(done).at("/success/message").asText()).startsWith("Successfully uploaded");
        return posted;
    }

    /** {@code dart pub get} of one version: the listing, then the archive from its archive_url, checked. */
    private static byte[] dartPubGet(Distribution d, String repo, String auth, String name, String version) throws Exception {
        HttpResponse<byte[]> listing = dart(d, "GET", "/pub/" + repo + "/api/packages/" + name, auth, null, null);
        assertThat(listing.statusCode()).as(text(listing)).isEqualTo(200);
        JsonNode v = null;
        for (JsonNode x : json(listing).get("versions")) {
            if (x.get("version").asText().equals(version)) {
                v = x;
            }
        }
        assertThat(v).as("%s %s listed in %s: %s", name, version, repo, text(listing)).isNotNull();
        String archiveUrl = v.get("archive_url").asText();
        assertThat(archiveUrl).isEqualTo(d.url() + "/pub/" + repo + "/packages/" + name + "/versions/" + version + ".tar.gz");
        HttpResponse<byte[]> a = dart(d, "GET", archiveUrl, auth, null, null);
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(LanguageArchives.sha256(a.body())).as("archive_sha256").isEqualTo(v.get("archive_sha256").asText());
        return a.body();
    }

    @Test
    @Order(2)
    void dartPubPublishAndGetWithABearerToken() throws Exception {
        byte[] one = archive("hello_dart", "1.0.0", "one");
        byte[] two = archive("hello_dart", "1.1.0", "two");
        byte[] pre = archive("hello_dart", "2.0.0-dev.1", "pre");
        for (byte[] a : List.of(one, two, pre)) {
            assertThat(publishFlow(ak, "dart", token, a).statusCode()).isEqualTo(204);
        }
        HttpResponse<byte[]> listing = dart(ak, "GET", "/pub/dart/api/packages/hello_dart", token, null, null);
        assertThat(listing.headers().firstValue("Content-Type").orElse("")).isEqualTo(ACCEPT);
        JsonNode doc = json(listing);
        System.out.println("[pub] listing of hello_dart: " + text(listing));
        assertThat(doc.at("/latest/version").asText()).isEqualTo("1.1.0");
        assertThat(doc.at("/latest/pubspec/environment/sdk").asText()).isEqualTo(">=3.0.0 <4.0.0");
        assertThat(doc.get("versions")).hasSize(3);
        assertThat(dartPubGet(ak, "dart", token, "hello_dart", "1.0.0")).isEqualTo(one);
        assertThat(dartPubGet(ak, "dart", token, "hello_dart", "2.0.0-dev.1")).isEqualTo(pre);
        // the deprecated single-version endpoint older clients use
        HttpResponse<byte[]> v = dart(ak, "GET", "/pub/dart/api/packages/hello_dart/versions/1.1.0", token, null, null);
        assertThat(json(v).get("archive_sha256").asText()).isEqualTo(LanguageArchives.sha256(two));
        // pub revalidates with the ETag
        String etag = listing.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = ak.getBytes("/pub/dart/api/packages/hello_dart", token, "Accept", ACCEPT,
                "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);

        // no token, a token that is not one: 401 with pub's challenge, which dart prints
        for (String auth : new String[] {null, "Bearer not-a-token"}) {
            HttpResponse<byte[]> r = dart(ak, "GET", "/pub/dart/api/packages/versions/new", auth, null, null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate")).anySatisfy(h -> assertThat(h).startsWith(
                    "Bearer realm=\"pub\", message=\""));
            HttpResponse<byte[]> read = dart(ak, "GET", "/pub/dart/api/packages/hello_dart", auth, null, null);
            assertThat(read.statusCode()).isEqualTo(401);
        }
        // the package that is not there: pub's error shape
        HttpResponse<byte[]> missing = dart(ak, "GET", "/pub/dart/api/packages/no_such_pkg", token, null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).at("/error/code").asText()).isEqualTo("NOT_FOUND");
        assertThat(json(missing).at("/error/message").asText()).contains("no_such_pkg");
    }

    @Test
    @Order(3)
    void badUploadsAreRefusedAndStoreNothing() throws Exception {
        assertThat(publishFlow(ak, "dart", token, archive("strict_pkg", "1.0.0", "first")).statusCode()).isEqualTo(204);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not an archive", "hello".getBytes(StandardCharsets.UTF_8));
        bad.put("truncated", java.util.Arrays.copyOf(archive("strict_pkg", "1.0.1", "t"), 60));
        bad.put("no pubspec", LanguageArchives.tarGz("lib/x.dart", "// x\n"));
        bad.put("traversal", LanguageArchives.tarGz("pubspec.yaml", "name: strict_pkg\nversion: 1.0.2\n", "../../evil.dart",
                "x"));
        bad.put("malformed yaml", LanguageArchives.tarGz("pubspec.yaml", "name: strict_pkg\nversion: [1.0.3\n"));
        bad.put("bad name", LanguageArchives.tarGz("pubspec.yaml", "name: Strict-Pkg\nversion: 1.0.4\n"));
        bad.put("bad version", LanguageArchives.tarGz("pubspec.yaml", "name: strict_pkg\nversion: one\n"));
        bad.put("oversized pubspec", LanguageArchives.tarGz("pubspec.yaml", "name: strict_pkg\nversion: 1.0.5\n"
                + "description: '" + "x".repeat(200_000) + "'\n"));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            HttpResponse<byte[]> r = publishFlow(ak, "dart", token, e.getValue());
            assertThat(r.statusCode()).as(e.getKey() + ": " + text(r)).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo(ACCEPT);
            assertThat(json(r).at("/error/message").asText()).as(e.getKey()).isNotBlank();
        }
        // a version that exists: 409, the first archive unchanged
        HttpResponse<byte[]> dup = publishFlow(ak, "dart", token, archive("strict_pkg", "1.0.0", "second"));
        assertThat(dup.statusCode()).as(text(dup)).isEqualTo(409);
        assertThat(json(dup).at("/error/code").asText()).isEqualTo("VERSION_EXISTS");
        assertThat(dartPubGet(ak, "dart", token, "strict_pkg", "1.0.0")).isEqualTo(archive("strict_pkg", "1.0.0", "first"));
        // through the artifacts API (the raw PUT route): the pubspec must agree with the path
        HttpResponse<String> mismatch = ak.send("PUT", "/api/v1/repositories/dart/artifacts/packages/strict_pkg/versions/"
                + "1.0.9.tar.gz", admin, "application/gzip", archive("strict_pkg", "1.0.8", "m"));
        assertThat(mismatch.statusCode()).as(mismatch.body()).isEqualTo(400);
        assertThat(mismatch.body()).contains("1.0.8");
        HttpResponse<String> viaApi = ak.send("PUT", "/api/v1/repositories/dart/artifacts/packages/strict_pkg/versions/"
                + "1.0.9.tar.gz", admin, "application/gzip", archive("strict_pkg", "1.0.9", "api"));
        assertThat(viaApi.statusCode()).as(viaApi.body()).isEqualTo(201);
        JsonNode listed = Distribution.parse(ak.send("GET", "/api/v1/repositories/dart/artifacts?per_page=1000&q=strict_pkg",
                admin, null, null));
        List<String> paths = new ArrayList<>();
        listed.get("items").forEach(i -> paths.add(i.get("path").asText()));
        assertThat(paths).containsExactlyInAnyOrder("packages/strict_pkg/versions/1.0.0.tar.gz",
                "packages/strict_pkg/versions/1.0.9.tar.gz");
        JsonNode all = Distribution.parse(ak.send("GET", "/api/v1/repositories/dart/artifacts?per_page=1000", admin, null, null));
        all.get("items").forEach(i -> assertThat(i.get("path").asText()).as("staging left behind").doesNotStartWith(".pub"));
    }

    @Test
    @Order(4)
    void aRemoteOfTheSecondInstanceAndAVirtual() throws Exception {
        byte[] upShared = archive("shared_pkg", "1.0.0", "upstream");
        byte[] upOnly = archive("remote_only", "2.0.0", "upstream only");
        byte[] localShared = archive("shared_pkg", "1.0.0", "local");
        assertThat(publishFlow(upstream, "dart-up", upstreamToken, upShared).statusCode()).isEqualTo(204);
        assertThat(publishFlow(upstream, "dart-up", upstreamToken, upOnly).statusCode()).isEqualTo(204);
        assertThat(publishFlow(ak, "dart", token, localShared).statusCode()).isEqualTo(204);

        // the remote: the upstream's listing with the archive URLs rewritten to this server, archives fetched from there
        HttpResponse<byte[]> listing = dart(ak, "GET", "/pub/dart-remote/api/packages/remote_only", token, null, null);
        assertThat(listing.statusCode()).as(text(listing)).isEqualTo(200);
        assertThat(text(listing)).doesNotContain(upstream.url());
        assertThat(dartPubGet(ak, "dart-remote", token, "remote_only", "2.0.0")).isEqualTo(upOnly);
        assertThat(dartPubGet(ak, "dart-remote", token, "shared_pkg", "1.0.0")).isEqualTo(upShared);
        // the virtual: its own URLs; the local member (priority 1) wins the version both have
        assertThat(dartPubGet(ak, "dart-virtual", token, "shared_pkg", "1.0.0")).isEqualTo(localShared);
        assertThat(dartPubGet(ak, "dart-virtual", token, "remote_only", "2.0.0")).isEqualTo(upOnly);
        // a version published upstream later shows through the remote after its metadata TTL (1 s)
        byte[] later = archive("remote_only", "2.1.0", "later");
        assertThat(publishFlow(upstream, "dart-up", upstreamToken, later).statusCode()).isEqualTo(204);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!text(dart(ak, "GET", "/pub/dart-virtual/api/packages/remote_only", token, null, null))
                .contains("\"2.1.0\"")) {
            assertThat(System.nanoTime()).as("2.1.0 through the virtual within 30 s").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(dartPubGet(ak, "dart-virtual", token, "remote_only", "2.1.0")).isEqualTo(later);
        // publishing to a remote (405) or a virtual (400) repository is refused at the first step
        assertThat(dart(ak, "GET", "/pub/dart-remote/api/packages/versions/new", token, null, null).statusCode())
                .isEqualTo(405);
        HttpResponse<byte[]> v = dart(ak, "GET", "/pub/dart-virtual/api/packages/versions/new", token, null, null);
        assertThat(v.statusCode()).isEqualTo(400);
        assertThat(json(v).at("/error/message").asText()).isNotBlank();
    }
}
