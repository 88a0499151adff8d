package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * The swift format end to end. No Swift toolchain runs on this machine, so this test sends, step by
 * step, the requests SwiftPM sends to a package registry (SE-0292): {@code swift package-registry
 * login} ({@code POST login}), {@code publish} (the multipart {@code PUT}), and the requests of a
 * resolve (identifiers lookup, release list, release metadata, {@code Package.swift} and its
 * variants, the source archive checked against the release's checksum), each with SwiftPM's
 * {@code Accept} and credentials; then bad publishes (problem details, nothing stored), a remote whose
 * upstream is the second instance, and a virtual of both. The format TCK runs first.
 */
class SwiftIT extends FormatTck {
    private static final String JSON = "application/vnd.swift.registry.v1+json";
    private static final String ZIP = "application/vnd.swift.registry.v1+zip";
    private static final String SWIFT = "application/vnd.swift.registry.v1+swift";
    private static final String USER_AGENT = "SwiftPackageManager/5.10";
    private String token;
    private String upstreamToken;

    @Override
    protected String formatKey() {
        return "swift";
    }

    @Override
    protected String mount() {
        return "swift";
    }

    /** Variants "x" and "x-upstream" are the same release with other bytes. */
    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "tck-" + variant.replace("-upstream", "").toLowerCase().replaceAll("[^a-z0-9]+", "-");
        return new Sample(name, sourceArchive(name, "sample " + variant));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<byte[]> r = publish(server, repoKey, server.adminBasic(), "tck/" + s.name(), "1.0.0", s.bytes(),
                "{\"repositoryURLs\":[\"https://example.org/tck/" + s.name() + "\"]}");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return "tck/" + s.name() + "/1.0.0.zip";
    }

    @BeforeAll
    void swiftSetUp() throws Exception {
        System.out.println("[swift] client: none on this machine (no Swift toolchain in Debian 12); the test sends the "
                + "requests of " + USER_AGENT + " from SE-0292 (Registry.md)");
        repo(ak, "swift", "local", null);
        repo(upstream, "swift-up", "local", null);
        repo(ak, "swift-remote", "remote", upstream.url() + "/swift/swift-up");
        repo(ak, "swift-virtual", "virtual", null);
        json(ak, "PUT", "/api/v1/repositories/swift-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "swift", "priority", 1), Map.of("member_key", "swift-remote", "priority", 2))), 200);
        token = "Bearer " + apiToken(ak);
        upstreamToken = "Bearer " + apiToken(upstream);
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "swift", "repo_type", type));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD,
                    "metadata_ttl_seconds", 1));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    private static String apiToken(Distribution d) throws Exception {
        HttpResponse<String> r = d.json("POST", "/api/v1/auth/tokens", d.adminBasic(), Map.of("name", "swiftpm-it"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    static String manifest(String tools, String name) {
        return "// swift-tools-version:" + tools + "\nimport PackageDescription\n\nlet package = Package(\n    name: \""
                + name + "\",\n    products: [.library(name: \"" + name + "\", targets: [\"" + name + "\"])],\n"
                + "    targets: [.target(name: \"" + name + "\")]\n)\n";
    }

    /** What {@code swift package archive-source} makes: the package under one top-level directory. */
    static byte[] sourceArchive(String name, String marker) throws Exception {
        return LanguageArchives.zip(name + "/Package.swift", manifest("5.9", name), name + "/Package@swift-5.8.swift",
                manifest("5.8", name), name + "/Sources/" + name + "/" + name + ".swift",
                "public let marker = \"" + marker + "\"\n");
    }

    /** One request as SwiftPM sends it. */
    private static HttpResponse<byte[]> swiftpm(Distribution d, String method, String path, String auth, String accept,
            String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : d.url() + path))
                .timeout(Duration.ofSeconds(60)).header("User-Agent", USER_AGENT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return d.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code swift package-registry publish}: PUT with source-archive then metadata. */
    private static HttpResponse<byte[]> publish(Distribution d, String repo, String auth, String id, String version,
            byte[] archive, String metadata) throws Exception {
        String boundary = "swiftpm-" + Long.toHexString(System.nanoTime());
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("source-archive", null, "application/zip", archive));
        if (metadata != null) {
            parts.add(new Part("metadata", null, "application/json", metadata.getBytes(StandardCharsets.UTF_8)));
        }
        return swiftpm(d, "PUT", "/swift/" + repo + "/" + id + "/" + version, auth, JSON,
                "multipart/form-data;boundary=\"" + boundary + "\"", LanguageArchives.multipart(boundary, parts.toArray(Part[]::new)));
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return Distribution.JSON.readTree(r.body());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /**
     * A resolve of {@code id} at {@code version} as SwiftPM does it: the release list, the release's
     * metadata, its manifest, then the source archive verified against the metadata's checksum.
     * Answers the archive.
     */
    private static byte[] resolve(Distribution d, String repo, String auth, String scope, String name, String version)
            throws Exception {
        String base = "/swift/" + repo + "/" + scope + "/" + name;
        HttpResponse<byte[]> list = swiftpm(d, "GET", base, auth, JSON, null, null);
        assertThat(list.statusCode()).as(text(list)).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Version").orElse("")).isEqualTo("1");
        assertThat(json(list).at("/releases/" + version + "/url").asText()).isEqualTo(d.url() + base + "/" + version);
        HttpResponse<byte[]> rel = swiftpm(d, "GET", base + "/" + version, auth, JSON, null, null);
        assertThat(rel.statusCode()).as(text(rel)).isEqualTo(200);
        JsonNode r = json(rel);
        assertThat(r.get("id").asText()).isEqualToIgnoringCase(scope + "." + name);
        assertThat(r.at("/resources/0/name").asText()).isEqualTo("source-archive");
        String checksum = r.at("/resources/0/checksum").asText();
        HttpResponse<byte[]> manifest = swiftpm(d, "GET", base + "/" + version + "/Package.swift", auth, SWIFT, null, null);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Content-Type").orElse("")).isEqualTo("text/x-swift");
        assertThat(text(manifest)).startsWith("// swift-tools-version:5.9");
        assertThat(manifest.headers().firstValue("Link").orElse("")).contains("rel=\"alternate\"")
                .contains("filename=\"Package@swift-5.8.swift\"").contains("swift-tools-version=\"5.8\"");
        HttpResponse<byte[]> variant = swiftpm(d, "GET", base + "/" + version + "/Package.swift?swift-version=5.8", auth,
                SWIFT, null, null);
        assertThat(text(variant)).startsWith("// swift-tools-version:5.8");
        HttpResponse<byte[]> zip = swiftpm(d, "GET", base + "/" + version + ".zip", auth, ZIP, null, null);
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(LanguageArchives.sha256(zip.body())).as("the checksum SwiftPM verifies").isEqualTo(checksum);
        assertThat(zip.headers().firstValue("Digest").orElse("")).isEqualTo("sha-256="
                + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip.body())));
        assertThat(zip.headers().firstValue("Content-Disposition").orElse("")).isEqualTo("attachment; filename=\"" + name
                + "-" + version + ".zip\"");
        return zip.body();
    }

    @Test
    @Order(2)
    void swiftPmLoginPublishAndResolve() throws Exception {
        assertThat(swiftpm(ak, "POST", "/swift/swift/login", token, JSON, null, null).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> anonymous = swiftpm(ak, "POST", "/swift/swift/login", null, JSON, null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(swiftpm(ak, "POST", "/swift/swift/login", "Bearer not-a-token", JSON, null, null).statusCode())
                .isEqualTo(401);

        byte[] v100 = sourceArchive("LinkedList", "1.0.0");
        byte[] v110 = sourceArchive("LinkedList", "1.1.0");
        String meta = "{\"description\":\"One thing links to another.\",\"repositoryURLs\":[\"https://github.com/mona/"
                + "LinkedList\"],\"licenseURL\":\"https://www.apache.org/licenses/LICENSE-2.0\",\"author\":{\"name\":\"Mona\"}}";
        for (Object[] v : new Object[][] {{"1.0.0", v100}, {"1.1.0", v110}}) {
            HttpResponse<byte[]> r = publish(ak, "swift", token, "mona/LinkedList", (String) v[0], (byte[]) v[1], meta);
            assertThat(r.statusCode()).as(text(r)).isEqualTo(201);
            assertThat(r.headers().firstValue("Location").orElse("")).isEqualTo(ak.url() + "/swift/swift/mona/LinkedList/" + v[0]);
        }
        // SwiftPM maps a source-control URL to its registry identity first
        HttpResponse<byte[]> ids = swiftpm(ak, "GET", "/swift/swift/identifiers?url=https://github.com/mona/LinkedList.git",
                token, JSON, null, null);
        assertThat(ids.statusCode()).as(text(ids)).isEqualTo(200);
        assertThat(json(ids).get("identifiers").get(0).asText()).isEqualTo("mona.LinkedList");
        HttpResponse<byte[]> list = swiftpm(ak, "GET", "/swift/swift/mona/LinkedList", token, JSON, null, null);
        System.out.println("[swift] releases of mona.LinkedList: " + text(list) + " Link: "
                + list.headers().firstValue("Link").orElse(""));
        assertThat(list.headers().firstValue("Link").orElse("")).isEqualTo("<" + ak.url()
                + "/swift/swift/mona/LinkedList/1.1.0>; rel=\"latest-version\"");
        assertThat(resolve(ak, "swift", token, "mona", "LinkedList", "1.0.0")).isEqualTo(v100);
        assertThat(resolve(ak, "swift", token, "mona", "LinkedList", "1.1.0")).isEqualTo(v110);
        HttpResponse<byte[]> rel = swiftpm(ak, "GET", "/swift/swift/mona/LinkedList/1.0.0", token, JSON, null, null);
        assertThat(rel.headers().firstValue("Link").orElse("")).contains("/1.1.0>; rel=\"successor-version\"");
        assertThat(json(rel).at("/metadata/author/name").asText()).isEqualTo("Mona");
        // another API version: 415 in problem details; the manifest of a Swift version without one: 303
        HttpResponse<byte[]> v2 = swiftpm(ak, "GET", "/swift/swift/mona/LinkedList", token,
                "application/vnd.swift.registry.v2+json", null, null);
        assertThat(v2.statusCode()).isEqualTo(415);
        assertThat(v2.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/problem+json");
        HttpResponse<byte[]> other = swiftpm(ak, "GET", "/swift/swift/mona/LinkedList/1.0.0/Package.swift?swift-version=4",
                token, SWIFT, null, null);
        assertThat(other.statusCode()).isEqualTo(303);
        assertThat(other.headers().firstValue("Location").orElse("")).isEqualTo(ak.url()
                + "/swift/swift/mona/LinkedList/1.0.0/Package.swift");
        HttpResponse<byte[]> missing = swiftpm(ak, "GET", "/swift/swift/mona/LinkedList/9.9.9", token, JSON, null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("detail").asText()).contains("9.9.9");
    }

    @Test
    @Order(3)
    void badPublishesAreRefusedAndStoreNothing() throws Exception {
        String meta = "{\"repositoryURLs\":[\"https://github.com/mona/Strict\"]}";
        assertThat(publish(ak, "swift", token, "mona/Strict", "1.0.0", sourceArchive("Strict", "first"), meta).statusCode())
                .isEqualTo(201);
        HttpResponse<byte[]> dup = publish(ak, "swift", token, "MONA/strict", "1.0.0", sourceArchive("Strict", "again"), meta);
        assertThat(dup.statusCode()).as(text(dup)).isEqualTo(409);
        assertThat(dup.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/problem+json");
        assertThat(json(dup).get("detail").asText()).isEqualTo("a release with version 1.0.0 already exists");
        Object[][] cases = {
            {"not a zip", "hello".getBytes(StandardCharsets.UTF_8), meta, 422},
            {"no manifest", LanguageArchives.zip("Strict/Sources/Strict/a.swift", "let a = 1\n"), meta, 422},
            {"traversal", LanguageArchives.zip("Package.swift", manifest("5.9", "Strict"), "../../evil.swift", "x"), meta, 422},
            {"malformed metadata", sourceArchive("Strict", "m"), "{\"description\":", 422},
            {"metadata of the wrong types", sourceArchive("Strict", "t"), "{\"repositoryURLs\":\"https://x\"}", 422},
            {"oversized metadata", sourceArchive("Strict", "o"), "{\"description\":\"" + "x".repeat(1_100_000) + "\"}", 413},
        };
        for (Object[] c : cases) {
            HttpResponse<byte[]> r = publish(ak, "swift", token, "mona/Strict", "2.0.0", (byte[]) c[1], (String) c[2]);
            assertThat(r.statusCode()).as(c[0] + ": " + text(r)).isEqualTo((int) c[3]);
            assertThat(json(r).get("detail").asText()).as((String) c[0]).isNotBlank();
        }
        HttpResponse<byte[]> raw = swiftpm(ak, "PUT", "/swift/swift/mona/Strict/2.0.0", token, JSON, "application/zip",
                sourceArchive("Strict", "raw"));
        assertThat(raw.statusCode()).isEqualTo(400);
        HttpResponse<byte[]> badVersion = publish(ak, "swift", token, "mona/Strict", "2.0", sourceArchive("Strict", "v"), meta);
        assertThat(badVersion.statusCode()).isEqualTo(400);
        JsonNode all = Distribution.parse(ak.send("GET", "/api/v1/repositories/swift/artifacts?per_page=1000&q=strict",
                admin, null, null));
        List<String> paths = new ArrayList<>();
        all.get("items").forEach(i -> paths.add(i.get("path").asText()));
        assertThat(paths).containsExactly("mona/strict/1.0.0.zip");
        JsonNode everything = Distribution.parse(ak.send("GET", "/api/v1/repositories/swift/artifacts?per_page=1000", admin,
                null, null));
        everything.get("items").forEach(i -> assertThat(i.get("path").asText()).as("staging left behind")
                .doesNotStartWith(".swift"));
    }

    @Test
    @Order(4)
    void aRemoteOfTheSecondInstanceAndAVirtual() throws Exception {
        byte[] remoteOnly = sourceArchive("Collections", "upstream");
        String meta = "{\"repositoryURLs\":[\"https://github.com/apple/swift-collections\"]}";
        assertThat(publish(upstream, "swift-up", upstreamToken, "apple/Collections", "1.0.0", remoteOnly, meta).statusCode())
                .isEqualTo(201);
        HttpResponse<byte[]> list = swiftpm(ak, "GET", "/swift/swift-remote/apple/Collections", token, JSON, null, null);
        assertThat(list.statusCode()).as(text(list)).isEqualTo(200);
        assertThat(text(list)).doesNotContain(upstream.url());
        assertThat(resolve(ak, "swift-remote", token, "apple", "Collections", "1.0.0")).isEqualTo(remoteOnly);
        HttpResponse<byte[]> ids = swiftpm(ak, "GET", "/swift/swift-remote/identifiers?url=https://github.com/apple/swift-collections",
                token, JSON, null, null);
        assertThat(ids.statusCode()).as(text(ids)).isEqualTo(200);
        assertThat(json(ids).get("identifiers").get(0).asText()).isEqualTo("apple.Collections");
        // the virtual: the remote's package and the local one, at its own URLs
        assertThat(resolve(ak, "swift-virtual", token, "apple", "Collections", "1.0.0")).isEqualTo(remoteOnly);
        assertThat(resolve(ak, "swift-virtual", token, "mona", "LinkedList", "1.1.0"))
                .isEqualTo(sourceArchive("LinkedList", "1.1.0"));
        HttpResponse<byte[]> vids = swiftpm(ak, "GET", "/swift/swift-virtual/identifiers?url=https://github.com/mona/LinkedList",
                token, JSON, null, null);
        assertThat(json(vids).get("identifiers").get(0).asText()).isEqualTo("mona.LinkedList");
        // a release published upstream later shows through the virtual after the remote's metadata TTL (1 s)
        byte[] later = sourceArchive("Collections", "later");
        assertThat(publish(upstream, "swift-up", upstreamToken, "apple/Collections", "1.1.0", later, meta).statusCode())
                .isEqualTo(201);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!text(swiftpm(ak, "GET", "/swift/swift-virtual/apple/Collections", token, JSON, null, null)).contains("\"1.1.0\"")) {
            assertThat(System.nanoTime()).as("1.1.0 through the virtual within 30 s").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(resolve(ak, "swift-virtual", token, "apple", "Collections", "1.1.0")).isEqualTo(later);
        // publishing to a remote (405) or a virtual (400) repository is refused, in problem details
        HttpResponse<byte[]> toRemote = publish(ak, "swift-remote", token, "apple/Collections", "9.0.0", later, meta);
        assertThat(toRemote.statusCode()).isEqualTo(405);
        HttpResponse<byte[]> toVirtual = publish(ak, "swift-virtual", token, "apple/Collections", "9.0.0", later, meta);
        assertThat(toVirtual.statusCode()).isEqualTo(400);
        assertThat(toVirtual.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/problem+json");
    }
}
