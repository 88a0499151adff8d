package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The OCI registry driven by the real clients: skopeo, podman and docker (a dockerd the test
 * starts), plus raw Distribution-Spec requests for what clients do not show (chunked and resumed
 * uploads, referrers, pagination, errors). Remote repositories proxy a second Artifact Keeper and
 * Debian's docker-registry behind a Bearer token service; a virtual one merges a local and a remote.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OciIT {
    static final String PW = Distribution.ADMIN_PASSWORD;
    static final String CREDS = "admin:" + PW;

    @TempDir
    static Path tmp;
    static Distribution ak;
    static Distribution upstream;
    static String admin;
    static String host;
    static Process registry;
    static int registryPort;
    static TokenGuard guard;
    static Process dockerd;
    static Path dockerSock;

    static OciImages.Image demo;
    static OciImages.Image concurrent;
    static OciImages.Image remoteOnly;

    @BeforeAll
    static void start() throws Exception {
        requireTool("skopeo", "skopeo");
        requireTool("podman", "podman");
        requireTool("dockerd", "docker.io");
        requireTool("docker-registry", "docker-registry");
        // the clients this test proves the format with (README: "tested with")
        for (List<String> v : List.of(List.of("skopeo", "--version"), List.of("podman", "--version"),
                List.of("dockerd", "--version"), List.of("docker-registry", "--version"))) {
            Path bin = which(v.get(0));
            Result r = exec(Map.of(), null, List.of(bin.toString(), v.get(1)));
            System.out.println("[oci] client: " + r.output().lines().findFirst().orElse(v.get(0) + " (no version output)"));
        }
        ak = new Distribution(tmp.resolve("ak")).start();
        upstream = new Distribution(tmp.resolve("upstream")).start();
        ak.awaitReady(Duration.ofSeconds(180));
        upstream.awaitReady(Duration.ofSeconds(180));
        admin = ak.adminBasic();
        host = "127.0.0.1:" + ak.port();
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "oci-local", "format", "oci",
                "repo_type", "local")));
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "oci-other", "format", "docker",
                "repo_type", "local")));
        demo = OciImages.multiLayer("demo", 4 * 1024 * 1024 + 123, 1);
        // docker keeps its login here; podman reads it too when DOCKER_CONFIG is set
        Files.createDirectories(tmp.resolve("docker-config"));
        Files.writeString(tmp.resolve("docker-config/config.json"), "{}");
    }

    @AfterAll
    static void stop() throws Exception {
        if (dockerd != null) {
            dockerd.destroy();
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.descendants().forEach(ProcessHandle::destroyForcibly);
                dockerd.destroyForcibly();
            }
        }
        if (guard != null) {
            guard.server.stop(0);
        }
        if (registry != null) {
            registry.destroy();
            registry.waitFor(10, TimeUnit.SECONDS);
        }
        if (upstream != null) {
            upstream.close();
        }
        if (ak != null) {
            ak.close();
        }
    }

    // --- skopeo, podman, docker against a local repository

    @Test
    @Order(1)
    void skopeoCopiesAMultiLayerImageToUsAndBackByteIdentical() throws Exception {
        Path layout = OciImages.writeLayout(tmp.resolve("demo-layout"), demo, "1.0");
        run("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", CREDS, "oci:" + layout + ":1.0",
                "docker://" + host + "/oci-local/app/demo:1.0");

        // the registry serves the exact manifest bytes under their digest
        String raw = run("skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", CREDS,
                "docker://" + host + "/oci-local/app/demo:1.0");
        assertThat(OciImages.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(demo.manifestDigest());

        Path out = tmp.resolve("demo-back");
        run("skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS,
                "docker://" + host + "/oci-local/app/demo:1.0", "oci:" + out + ":1.0");
        assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + demo.manifestDigest().substring(7))))
                .isEqualTo(demo.manifest());
        for (Map.Entry<String, byte[]> b : demo.blobs().entrySet()) {
            Path f = out.resolve("blobs/sha256/" + b.getKey().substring(7));
            assertThat(OciImages.sha256(Files.readAllBytes(f))).as(b.getKey()).isEqualTo(b.getKey());
        }
        assertThat(Files.readString(out.resolve("index.json"))).contains(demo.manifestDigest());

        // tags, catalog and the artifacts API
        JsonNode tags = Distribution.parse(ak.send("GET", "/v2/oci-local/app/demo/tags/list", admin, null, null));
        assertThat(tags.get("name").asText()).isEqualTo("oci-local/app/demo");
        assertThat(tags.get("tags").toString()).isEqualTo("[\"1.0\"]");
        JsonNode catalog = Distribution.parse(ak.send("GET", "/v2/_catalog", admin, null, null));
        assertThat(catalog.get("repositories").toString()).contains("\"oci-local/app/demo\"");
        JsonNode arts = Distribution.parse(ak.send("GET", "/api/v1/repositories/oci-local/artifacts?per_page=100",
                admin, null, null));
        Map<String, JsonNode> byPath = new HashMap<>();
        arts.get("items").forEach(i -> byPath.put(i.get("path").asText(), i));
        JsonNode tagRow = byPath.get("app/demo/manifests/1.0");
        assertThat(tagRow.get("name").asText()).isEqualTo("app/demo");
        assertThat(tagRow.get("version").asText()).isEqualTo("1.0");
        assertThat(tagRow.get("content_type").asText()).isEqualTo(OciImages.MANIFEST);
        assertThat(byPath).containsKey("app/demo/manifests/" + demo.manifestDigest());
        for (String d : demo.blobs().keySet()) {
            assertThat(byPath.get("app/demo/blobs/" + d).get("name").asText()).isEqualTo("app/demo");
        }
    }

    @Test
    @Order(2)
    void podmanPullsAndPushes() throws Exception {
        Path root = tmp.resolve("podman");
        List<String> base = List.of("podman", "--root", root.resolve("root").toString(), "--runroot",
                root.resolve("run").toString(), "--storage-driver", "vfs", "--events-backend", "file");
        run(cat(base, "pull", "--tls-verify=false", "--creds", CREDS, host + "/oci-local/app/demo:1.0"));
        run(cat(base, "tag", host + "/oci-local/app/demo:1.0", host + "/oci-local/app/podman:2.0"));
        run(cat(base, "push", "--tls-verify=false", "--creds", CREDS, host + "/oci-local/app/podman:2.0"));
        run(cat(base, "rmi", "-a", "-f"));
        run(cat(base, "pull", "--tls-verify=false", "--creds", CREDS, host + "/oci-local/app/podman:2.0"));
        String images = run(cat(base, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"));
        assertThat(images).contains(host + "/oci-local/app/podman:2.0 " + demo.configDigest().substring(7, 19));
        // the pushed image has the same config (layers may be recompressed by podman)
        String raw = run("skopeo", "inspect", "--config", "--raw", "--tls-verify=false", "--creds", CREDS,
                "docker://" + host + "/oci-local/app/podman:2.0");
        assertThat(OciImages.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(demo.configDigest());
    }

    @Test
    @Order(3)
    void dockerPushesAndPullsThroughTokenAuth() throws Exception {
        Path tar = tmp.resolve("demo-docker.tar");
        run("skopeo", "copy", "oci:" + OciImages.writeLayout(tmp.resolve("demo-layout-d"), demo, "1.0") + ":1.0",
                "docker-archive:" + tar + ":demo/local:1.0");
        startDockerd();
        run(docker("load", "-i", tar.toString()));
        runWithInput(PW, docker("login", "-u", "admin", "--password-stdin", host));
        run(docker("tag", "demo/local:1.0", host + "/oci-local/app/docker:3.0"));
        String push = run(docker("push", host + "/oci-local/app/docker:3.0"));
        Matcher m = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(push);
        assertThat(m.find()).as(push).isTrue();
        String pushed = m.group(1);
        run(docker("rmi", host + "/oci-local/app/docker:3.0", "demo/local:1.0"));
        String pull = run(docker("pull", host + "/oci-local/app/docker:3.0"));
        assertThat(pull).contains("Digest: " + pushed);
        assertThat(run(docker("image", "inspect", "--format", "{{.Id}}", host + "/oci-local/app/docker:3.0")).trim())
                .isEqualTo(demo.configDigest());
        // docker asked for a token with the Basic credentials of docker login, then used the Bearer
        assertThat(ak.logText()).containsPattern("GET /v2/token(\\?\\S*)? 200 \\d+ms admin");
    }

    // --- the protocol where clients do not show it

    @Test
    @Order(4)
    void pingTokenAndChallenges() throws Exception {
        HttpResponse<String> anon = ak.send("GET", "/v2/", null, null, null);
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(anon.headers().allValues("WWW-Authenticate")).containsExactly(
                "Bearer realm=\"http://" + host + "/v2/token\",service=\"" + host + "\"");
        assertThat(anon.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
        assertThat(ak.send("GET", "/v2/", admin, null, null).statusCode()).isEqualTo(200);

        HttpResponse<String> tok = ak.send("GET", "/v2/token?service=" + host
                + "&scope=repository:oci-local/app/demo:pull,push&scope=repository:oci-other/x:pull", admin, null, null);
        assertThat(tok.statusCode()).isEqualTo(200);
        JsonNode t = Distribution.parse(tok);
        assertThat(t.get("token").asText()).isEqualTo(t.get("access_token").asText());
        assertThat(t.get("expires_in").asLong()).isPositive();
        assertThat(t.get("issued_at").asText()).endsWith("Z");
        String bearer = "Bearer " + t.get("token").asText();
        assertThat(ak.send("GET", "/v2/oci-local/app/demo/manifests/1.0", bearer, null, null).statusCode()).isEqualTo(200);

        // anonymous on a private repository: 401 with exactly one challenge, naming the scope
        HttpResponse<String> denied = ak.send("GET", "/v2/oci-local/app/demo/manifests/1.0", null, null, null);
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.headers().allValues("WWW-Authenticate")).containsExactly("Bearer realm=\"http://" + host
                + "/v2/token\",service=\"" + host + "\",scope=\"repository:oci-local/app/demo:pull\"");
        assertThat(Distribution.parse(denied).get("errors").get(0).get("code").asText()).isEqualTo("UNAUTHORIZED");
        HttpResponse<String> push = ak.send("POST", "/v2/oci-local/app/demo/blobs/uploads/", null, null, null);
        assertThat(push.headers().allValues("WWW-Authenticate")).singleElement().asString()
                .endsWith("scope=\"repository:oci-local/app/demo:pull,push\"");
        // wrong password: 401 with the Bearer challenge only (no second Basic one)
        HttpResponse<String> wrong = ak.send("GET", "/v2/oci-local/app/demo/tags/list", Distribution.basic("admin", "nope"),
                null, null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().allValues("WWW-Authenticate")).singleElement().asString().startsWith("Bearer ");
        // an anonymous token is a token without identity
        String anonToken = "Bearer " + Distribution.parse(ak.send("GET", "/v2/token?service=x", null, null, null))
                .get("token").asText();
        assertThat(ak.send("GET", "/v2/", anonToken, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("GET", "/v2/oci-local/app/demo/tags/list", anonToken, null, null).statusCode()).isEqualTo(401);
        // an API token as the Basic password; the token it is exchanged for keeps the API token's scopes
        String apiToken = Distribution.parse(ak.json("POST", "/api/v1/auth/tokens", admin, Map.of("name", "ci-read",
                "scopes", List.of("read:artifacts")))).get("token").asText();
        String readOnly = "Bearer " + Distribution.parse(ak.send("GET", "/v2/token?service=" + host
                + "&scope=repository:oci-local/app/demo:pull,push", Distribution.basic("ci", apiToken), null, null))
                .get("token").asText();
        assertThat(ak.send("GET", "/v2/oci-local/app/demo/manifests/1.0", readOnly, null, null).statusCode()).isEqualTo(200);
        assertThat(errorCode(ak.send("POST", "/v2/oci-local/app/demo/blobs/uploads/", readOnly, null, null), 403))
                .isEqualTo("DENIED");
        // anonymous pulls from a public repository go through an anonymous token, as clients do
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "oci-public", "format", "oci",
                "repo_type", "local", "is_public", true)));
        push(OciImages.writeLayout(tmp.resolve("demo-public"), demo, "1.0"), host + "/oci-public/app/demo:1.0");
        String anonPull = run("skopeo", "inspect", "--raw", "--tls-verify=false", "--no-creds",
                "docker://" + host + "/oci-public/app/demo:1.0");
        assertThat(OciImages.sha256(anonPull.getBytes(StandardCharsets.UTF_8))).isEqualTo(demo.manifestDigest());
        assertThat(ak.send("POST", "/v2/oci-public/app/demo/blobs/uploads/", null, null, null).statusCode()).isEqualTo(401);
        // a missing repository looks like a private one to anonymous callers, and is unknown to others
        assertThat(ak.send("GET", "/v2/nosuch/x/manifests/1", null, null, null).statusCode()).isEqualTo(401);
        assertThat(errorCode(ak.send("GET", "/v2/nosuch/x/manifests/1", admin, null, null), 404)).isEqualTo("NAME_UNKNOWN");
    }

    @Test
    @Order(5)
    void chunkedResumableUploadsAndBlobs() throws Exception {
        byte[] blob = new byte[300_000];
        new java.util.Random(7).nextBytes(blob);
        String digest = OciImages.sha256(blob);
        String base = "/v2/oci-local/raw/blobs/uploads/";

        HttpResponse<String> post = ak.send("POST", base, admin, null, null);
        assertThat(post.statusCode()).isEqualTo(202);
        assertThat(post.headers().firstValue("Range")).contains("0-0");
        String location = post.headers().firstValue("Location").orElseThrow();
        String uuid = post.headers().firstValue("Docker-Upload-UUID").orElseThrow();
        assertThat(location).isEqualTo("http://" + host + base + uuid);
        String path = URI.create(location).getPath();

        HttpResponse<String> c1 = ak.send("PATCH", path, admin, "application/octet-stream", slice(blob, 0, 100_000),
                "Content-Range", "0-99999");
        assertThat(c1.statusCode()).isEqualTo(202);
        assertThat(c1.headers().firstValue("Range")).contains("0-99999");
        // out of order: 416, nothing appended
        HttpResponse<String> ooo = ak.send("PATCH", path, admin, "application/octet-stream", slice(blob, 200_000, 300_000),
                "Content-Range", "200000-299999");
        assertThat(errorCode(ooo, 416)).isEqualTo("BLOB_UPLOAD_INVALID");
        // malformed Content-Range: 400
        assertThat(errorCode(ak.send("PATCH", path, admin, "application/octet-stream", slice(blob, 100_000, 100_010),
                "Content-Range", "bytes=abc"), 400)).isEqualTo("BLOB_UPLOAD_INVALID");
        assertThat(errorCode(ak.send("PATCH", path, admin, "application/octet-stream", slice(blob, 100_000, 100_010),
                "Content-Range", "100000-100001"), 400)).isEqualTo("BLOB_UPLOAD_INVALID");

        // the connection drops in the middle of a chunk: what arrived is kept
        droppedPatch(path, slice(blob, 100_000, 160_000), 200_000);
        long size = awaitUploadSize(path);
        assertThat(size).isEqualTo(160_000);
        HttpResponse<String> status = ak.send("GET", path, admin, null, null);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).contains("0-159999");
        // resume where the status says, finish with the last bytes on the PUT
        assertThat(ak.send("PATCH", path, admin, "application/octet-stream", slice(blob, 160_000, 250_000),
                "Content-Range", "160000-249999").statusCode()).isEqualTo(202);
        HttpResponse<String> done = ak.send("PUT", path + "?digest=" + digest, admin, "application/octet-stream",
                slice(blob, 250_000, 300_000));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        assertThat(done.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(done.headers().firstValue("Location")).contains("http://" + host + "/v2/oci-local/raw/blobs/" + digest);
        assertThat(errorCode(ak.send("GET", path, admin, null, null), 404)).isEqualTo("BLOB_UPLOAD_UNKNOWN");

        HttpResponse<byte[]> get = ak.getBytes("/v2/oci-local/raw/blobs/" + digest, admin);
        assertThat(get.body()).isEqualTo(blob);
        assertThat(get.headers().firstValue("Docker-Content-Digest")).contains(digest);
        HttpResponse<byte[]> range = ak.getBytes("/v2/oci-local/raw/blobs/" + digest, admin, "Range", "bytes=10-19");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(slice(blob, 10, 20));
        HttpResponse<String> head = ak.send("HEAD", "/v2/oci-local/raw/blobs/" + digest, admin, null, null);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(blob.length);

        // monolithic upload with a wrong digest: refused, nothing stored
        byte[] small = "monolithic".getBytes(StandardCharsets.UTF_8);
        String wrong = OciImages.sha256("something else".getBytes(StandardCharsets.UTF_8));
        assertThat(errorCode(ak.send("POST", base + "?digest=" + wrong, admin, "application/octet-stream", small), 400))
                .isEqualTo("DIGEST_INVALID");
        assertThat(ak.send("HEAD", "/v2/oci-local/raw/blobs/" + wrong, admin, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("HEAD", "/v2/oci-local/raw/blobs/" + OciImages.sha256(small), admin, null, null).statusCode())
                .isEqualTo(404);
        HttpResponse<String> mono = ak.send("POST", base + "?digest=" + OciImages.sha256(small), admin,
                "application/octet-stream", small);
        assertThat(mono.statusCode()).isEqualTo(201);
        // a session completed with the wrong digest is gone and stored nothing
        String loc2 = URI.create(ak.send("POST", base, admin, null, null).headers().firstValue("Location").orElseThrow())
                .getPath();
        assertThat(errorCode(ak.send("PUT", loc2 + "?digest=" + wrong, admin, "application/octet-stream", small), 400))
                .isEqualTo("DIGEST_INVALID");
        assertThat(ak.send("GET", loc2, admin, null, null).statusCode()).isEqualTo(404);
        // cancel
        String loc3 = URI.create(ak.send("POST", base, admin, null, null).headers().firstValue("Location").orElseThrow())
                .getPath();
        assertThat(ak.send("DELETE", loc3, admin, null, null).statusCode()).isEqualTo(204);
        assertThat(errorCode(ak.send("DELETE", loc3, admin, null, null), 404)).isEqualTo("BLOB_UPLOAD_UNKNOWN");

        // cross-repository mount: from a repository the caller may read, no bytes sent
        HttpResponse<String> mount = ak.send("POST", "/v2/oci-other/copy/blobs/uploads/?mount=" + digest
                + "&from=oci-local/raw", admin, null, null);
        assertThat(mount.statusCode()).isEqualTo(201);
        assertThat(mount.headers().firstValue("Location")).contains("http://" + host + "/v2/oci-other/copy/blobs/" + digest);
        assertThat(ak.getBytes("/v2/oci-other/copy/blobs/" + digest, admin).body()).isEqualTo(blob);
        // a user who may not read the source gets an ordinary upload session instead
        String bob = createUser("bob", List.of("oci-other"), List.of("read", "write"));
        HttpResponse<String> noMount = ak.send("POST", "/v2/oci-other/bob/blobs/uploads/?mount=" + digest
                + "&from=oci-local/raw", bob, null, null);
        assertThat(noMount.statusCode()).isEqualTo(202);
        assertThat(ak.send("HEAD", "/v2/oci-other/bob/blobs/" + digest, bob, null, null).statusCode()).isEqualTo(404);
        // bob has no rights on oci-local: it answers like a missing repository (no existence oracle)
        assertThat(ak.send("GET", "/v2/oci-local/raw/blobs/" + digest, bob, null, null).statusCode()).isEqualTo(404);

        // two repositories, one stored copy of the bytes
        try (var files = Files.walk(ak.dataDir().resolve("blobs/sha256"))) {
            assertThat(files.filter(f -> f.getFileName().toString().equals(digest.substring(7)))).hasSize(1);
        }

        // blob delete
        assertThat(ak.send("DELETE", "/v2/oci-other/copy/blobs/" + digest, admin, null, null).statusCode()).isEqualTo(202);
        assertThat(errorCode(ak.send("GET", "/v2/oci-other/copy/blobs/" + digest, admin, null, null), 404))
                .isEqualTo("BLOB_UNKNOWN");
        // the bytes stay for the repository that still has them
        assertThat(ak.getBytes("/v2/oci-local/raw/blobs/" + digest, admin).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void manifestsTagsReferrersAndBadInput() throws Exception {
        // a small image pushed by hand under oci-local/hand
        OciImages.Image img = OciImages.image(List.of(Map.of("f", "x".getBytes(StandardCharsets.UTF_8))), "hand");
        for (Map.Entry<String, byte[]> b : img.blobs().entrySet()) {
            assertThat(ak.send("POST", "/v2/oci-local/hand/blobs/uploads/?digest=" + b.getKey(), admin,
                    "application/octet-stream", b.getValue()).statusCode()).isEqualTo(201);
        }
        long before = artifactCount("oci-local");

        // bad input: nothing stored, the spec's codes
        String unknownBlob = new String(img.manifest(), StandardCharsets.UTF_8).replace(img.layerDigests().get(0),
                OciImages.sha256("not uploaded".getBytes(StandardCharsets.UTF_8)));
        assertThat(errorCode(putManifest("/v2/oci-local/hand/manifests/bad", unknownBlob.getBytes(StandardCharsets.UTF_8),
                OciImages.MANIFEST), 400)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        assertThat(errorCode(putManifest("/v2/oci-local/hand/manifests/" + OciImages.sha256("other".getBytes()),
                img.manifest(), OciImages.MANIFEST), 400)).isEqualTo("DIGEST_INVALID");
        assertThat(errorCode(putManifest("/v2/oci-local/hand/manifests/bad", "{\"schemaVersion\":2,".getBytes(),
                OciImages.MANIFEST), 400)).isEqualTo("MANIFEST_INVALID");
        assertThat(errorCode(putManifest("/v2/oci-local/hand/manifests/bad", img.manifest(),
                "application/vnd.docker.distribution.manifest.v2+json"), 400)).isEqualTo("MANIFEST_INVALID");
        assertThat(errorCode(putManifest("/v2/oci-local/hand/manifests/bad:tag", img.manifest(), OciImages.MANIFEST), 400))
                .isEqualTo("DIGEST_INVALID");
        assertThat(errorCode(putManifest("/v2/oci-local/Bad_Name/manifests/1", img.manifest(), OciImages.MANIFEST), 400))
                .isEqualTo("NAME_INVALID");
        // path traversal never reaches a repository (the HTTP server refuses encoded separators)
        assertThat(ak.send("GET", "/v2/oci-local/..%2F..%2Fetc/manifests/1", admin, null, null).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", "/v2/oci-local/a/..%2F..%2Fb/manifests/1", admin, OciImages.MANIFEST, img.manifest())
                .statusCode()).isEqualTo(400);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                + "[{\"mediaType\":\"" + OciImages.MANIFEST + "\",\"digest\":\"" + OciImages.sha256("nope".getBytes())
                + "\",\"size\":4}]}";
        assertThat(errorCode(putManifest("/v2/oci-local/hand/manifests/idx", index.getBytes(),
                "application/vnd.oci.image.index.v1+json"), 400)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        assertThat(artifactCount("oci-local")).isEqualTo(before);
        assertThat(errorCode(ak.send("GET", "/v2/oci-local/hand/manifests/bad", admin, null, null), 404))
                .isEqualTo("MANIFEST_UNKNOWN");
        // a pull by a malformed reference names nothing (distribution's conformance suite); a push with it is invalid
        assertThat(errorCode(ak.send("GET", "/v2/oci-local/hand/manifests/.INVALID_MANIFEST_NAME", admin, null, null),
                404)).isEqualTo("MANIFEST_UNKNOWN");
        assertThat(ak.send("HEAD", "/v2/oci-local/hand/manifests/.INVALID_MANIFEST_NAME", admin, null, null)
                .statusCode()).isEqualTo(404);
        assertThat(errorCode(putManifest("/v2/oci-local/hand/manifests/.INVALID_MANIFEST_NAME", img.manifest(),
                OciImages.MANIFEST), 400)).isEqualTo("MANIFEST_INVALID");
        HttpResponse<String> badDigest = ak.send("GET", "/v2/oci-local/hand/blobs/sha256:zz", admin, null, null);
        assertThat(errorCode(badDigest, 400)).isEqualTo("DIGEST_INVALID");
        assertThat(badDigest.body()).contains("malformed sha256 digest").doesNotContain("only sha256");

        // the manifest under several tags, by digest, HEAD
        for (String tag : List.of("a", "b", "c", "d", "e")) {
            HttpResponse<String> put = putManifest("/v2/oci-local/hand/manifests/" + tag, img.manifest(), OciImages.MANIFEST);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
            assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(img.manifestDigest());
        }
        // an index of it (multi-platform style), in Docker's manifest list form too
        for (String type : List.of("application/vnd.oci.image.index.v1+json",
                "application/vnd.docker.distribution.manifest.list.v2+json")) {
            byte[] idx = ("{\"schemaVersion\":2,\"mediaType\":\"" + type + "\",\"manifests\":[{\"mediaType\":\""
                    + OciImages.MANIFEST + "\",\"digest\":\"" + img.manifestDigest() + "\",\"size\":" + img.manifest().length
                    + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> putIdx = putManifest("/v2/oci-local/hand/manifests/multi", idx, type);
            assertThat(putIdx.statusCode()).as(putIdx.body()).isEqualTo(201);
            HttpResponse<byte[]> getIdx = ak.getBytes("/v2/oci-local/hand/manifests/multi", admin, "Accept", type);
            assertThat(getIdx.body()).isEqualTo(idx);
            assertThat(getIdx.headers().firstValue("Content-Type")).contains(type);
        }
        assertThat(ak.send("DELETE", "/v2/oci-local/hand/manifests/multi", admin, null, null).statusCode()).isEqualTo(202);
        HttpResponse<String> head = ak.send("HEAD", "/v2/oci-local/hand/manifests/c", admin, null, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).contains(OciImages.MANIFEST);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(img.manifestDigest());
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(img.manifest().length);
        assertThat(ak.getBytes("/v2/oci-local/hand/manifests/" + img.manifestDigest(), admin).body())
                .isEqualTo(img.manifest());

        // tags list pagination
        HttpResponse<String> p1 = ak.send("GET", "/v2/oci-local/hand/tags/list?n=2", admin, null, null);
        assertThat(Distribution.parse(p1).get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(p1.headers().firstValue("Link")).contains("</v2/oci-local/hand/tags/list?n=2&last=b>; rel=\"next\"");
        HttpResponse<String> p3 = ak.send("GET", "/v2/oci-local/hand/tags/list?n=2&last=d", admin, null, null);
        assertThat(Distribution.parse(p3).get("tags").toString()).isEqualTo("[\"e\"]");
        assertThat(p3.headers().firstValue("Link")).isEmpty();
        assertThat(errorCode(ak.send("GET", "/v2/oci-local/nothing/tags/list", admin, null, null), 404))
                .isEqualTo("NAME_UNKNOWN");
        // catalog pagination
        HttpResponse<String> c1 = ak.send("GET", "/v2/_catalog?n=1", admin, null, null);
        assertThat(c1.headers().firstValue("Link").orElseThrow()).startsWith("</v2/_catalog?n=1&last=");
        String last = Distribution.parse(c1).get("repositories").get(0).asText();
        JsonNode c2 = Distribution.parse(ak.send("GET", "/v2/_catalog?n=100&last=" + last, admin, null, null));
        assertThat(c2.get("repositories").toString()).doesNotContain("\"" + last + "\"").contains("oci-local/hand");

        // a referrer (an SBOM-like artifact) with subject, found through the referrers API
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] sbom = "{\"sbom\":true}".getBytes(StandardCharsets.UTF_8);
        ak.send("POST", "/v2/oci-local/hand/blobs/uploads/?digest=" + OciImages.sha256(empty), admin,
                "application/octet-stream", empty);
        ak.send("POST", "/v2/oci-local/hand/blobs/uploads/?digest=" + OciImages.sha256(sbom), admin,
                "application/octet-stream", sbom);
        byte[] referrer = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciImages.MANIFEST + "\",\"artifactType\":"
                + "\"application/vnd.example.sbom\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
                + "\"digest\":\"" + OciImages.sha256(empty) + "\",\"size\":2},\"layers\":[{\"mediaType\":"
                + "\"application/json\",\"digest\":\"" + OciImages.sha256(sbom) + "\",\"size\":" + sbom.length + "}],"
                + "\"subject\":{\"mediaType\":\"" + OciImages.MANIFEST + "\",\"digest\":\"" + img.manifestDigest()
                + "\",\"size\":" + img.manifest().length + "},\"annotations\":{\"org.example\":\"yes\"}}")
                .getBytes(StandardCharsets.UTF_8);
        String refDigest = OciImages.sha256(referrer);
        HttpResponse<String> putRef = putManifest("/v2/oci-local/hand/manifests/" + refDigest, referrer, OciImages.MANIFEST);
        assertThat(putRef.statusCode()).as(putRef.body()).isEqualTo(201);
        assertThat(putRef.headers().firstValue("OCI-Subject")).contains(img.manifestDigest());
        HttpResponse<String> refs = ak.send("GET", "/v2/oci-local/hand/referrers/" + img.manifestDigest(), admin, null, null);
        assertThat(refs.headers().firstValue("Content-Type")).contains("application/vnd.oci.image.index.v1+json");
        JsonNode ri = Distribution.parse(refs);
        assertThat(ri.get("manifests")).hasSize(1);
        assertThat(ri.get("manifests").get(0).get("digest").asText()).isEqualTo(refDigest);
        assertThat(ri.get("manifests").get(0).get("artifactType").asText()).isEqualTo("application/vnd.example.sbom");
        assertThat(ri.get("manifests").get(0).get("size").asLong()).isEqualTo(referrer.length);
        assertThat(ri.get("manifests").get(0).get("annotations").get("org.example").asText()).isEqualTo("yes");
        HttpResponse<String> filtered = ak.send("GET", "/v2/oci-local/hand/referrers/" + img.manifestDigest()
                + "?artifactType=application/other", admin, null, null);
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).contains("artifactType");
        assertThat(Distribution.parse(filtered).get("manifests")).isEmpty();

        // deletes: a tag, then the manifest by digest with all its tags
        assertThat(ak.send("DELETE", "/v2/oci-local/hand/manifests/e", admin, null, null).statusCode()).isEqualTo(202);
        assertThat(ak.send("GET", "/v2/oci-local/hand/manifests/e", admin, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/v2/oci-local/hand/manifests/d", admin, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("DELETE", "/v2/oci-local/hand/manifests/" + img.manifestDigest(), admin, null, null)
                .statusCode()).isEqualTo(202);
        assertThat(ak.send("GET", "/v2/oci-local/hand/manifests/a", admin, null, null).statusCode()).isEqualTo(404);
        assertThat(errorCode(ak.send("GET", "/v2/oci-local/hand/manifests/" + img.manifestDigest(), admin, null, null),
                404)).isEqualTo("MANIFEST_UNKNOWN");
    }

    // --- jib, ORAS, Helm

    @Test
    @Order(7)
    void jibBuildsOnABaseImageFromUsAndPushesToUs() throws Exception {
        requireTool("mvn", "maven");
        Path proj = tmp.resolve("jib-app");
        Files.createDirectories(proj.resolve("src/main/java/demo"));
        Files.writeString(proj.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>demo</groupId><artifactId>jib-app</artifactId><version>1.0</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <build><plugins>
                    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
                    <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                    <plugin><groupId>com.google.cloud.tools</groupId><artifactId>jib-maven-plugin</artifactId>
                      <version>3.4.4</version></plugin>
                  </plugins></build>
                </project>
                """);
        Files.writeString(proj.resolve("src/main/java/demo/Main.java"),
                "package demo;\npublic class Main { public static void main(String[] a) { System.out.println(\"jib\"); } }\n");
        run("mvn", "-B", "-ntp", "-q", "-f", proj.resolve("pom.xml").toString(), "compile", "jib:build",
                "-Djib.from.image=" + host + "/oci-local/app/demo:1.0", "-Djib.from.auth.username=admin",
                "-Djib.from.auth.password=" + PW, "-Dimage=" + host + "/oci-local/jib/app:1",
                "-Djib.to.auth.username=admin", "-Djib.to.auth.password=" + PW, "-Djib.allowInsecureRegistries=true",
                "-DsendCredentialsOverHttp=true");
        String config = run("skopeo", "inspect", "--config", "--raw", "--tls-verify=false", "--creds", CREDS,
                "docker://" + host + "/oci-local/jib/app:1");
        assertThat(config).contains("demo.Main");
        // the base image's layers are in the jib image, and every blob can be pulled
        String manifest = run("skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", CREDS,
                "docker://" + host + "/oci-local/jib/app:1");
        for (String layer : demo.layerDigests()) {
            assertThat(manifest).contains(layer);
        }
        run("skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS, "docker://" + host + "/oci-local/jib/app:1",
                "oci:" + tmp.resolve("jib-out") + ":1");
    }

    @Test
    @Order(8)
    void orasPushesAndPullsAnArtifactAndFindsItsReferrer() throws Exception {
        land.oras.Registry registry = land.oras.Registry.builder().insecure(host, "admin", PW).build();
        Path dir = Files.createDirectories(tmp.resolve("oras-in"));
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "an artifact pushed with ORAS\n");
        land.oras.ContainerRef ref = land.oras.ContainerRef.parse(host + "/oci-local/oras/notes:1.0");
        land.oras.Manifest pushed = registry.pushArtifact(ref, land.oras.ArtifactType.from("application/vnd.example.notes"),
                land.oras.Annotations.empty(), land.oras.Config.empty(), land.oras.LocalPath.of(file, "text/plain"));
        String digest = pushed.getDescriptor().getDigest();
        assertThat(digest).startsWith("sha256:");

        // a signature-like referrer whose subject is the artifact
        land.oras.ContainerRef sigRef = land.oras.ContainerRef.parse(host + "/oci-local/oras/notes:sig");
        registry.pushBlob(sigRef, "{}".getBytes(StandardCharsets.UTF_8));
        land.oras.Layer sigLayer = registry.pushBlob(sigRef, "signed!".getBytes(StandardCharsets.UTF_8));
        land.oras.Descriptor subject = registry.probeDescriptor(ref);
        land.oras.Manifest sig = land.oras.Manifest.empty()
                .withArtifactType(land.oras.ArtifactType.from("application/vnd.example.signature"))
                .withLayers(List.of(sigLayer.withMediaType("application/octet-stream"))).withSubject(subject.toSubject());
        registry.pushManifest(sigRef, sig);
        land.oras.Referrers refs = registry.getReferrers(ref.withDigest(digest),
                land.oras.ArtifactType.from("application/vnd.example.signature"));
        assertThat(refs.getManifests()).hasSize(1);
        assertThat(refs.getManifests().get(0).getArtifactType()).isEqualTo("application/vnd.example.signature");

        Path out = Files.createDirectories(tmp.resolve("oras-out"));
        registry.pullArtifact(ref, out, true);
        assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("an artifact pushed with ORAS\n");
    }

    @Test
    @Order(9)
    void helmPushesAndPullsAChartThroughOci() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("helm"));
        com.marcnuri.helm.Helm chart = com.marcnuri.helm.Helm.create().withName("hello").withDir(dir).call();
        chart.packageIt().withDestination(dir).call();
        Path tgz = dir.resolve("hello-0.1.0.tgz");
        assertThat(tgz).exists();
        com.marcnuri.helm.Helm.registry().login().withHost(host).withUsername("admin").withPassword(PW).plainHttp().call();
        String pushed = com.marcnuri.helm.Helm.push().withChart(tgz).withRemote(URI.create("oci://" + host + "/oci-local/charts"))
                .plainHttp().call();
        assertThat(pushed).contains("sha256:");
        // pull it back: show and render the chart straight from the registry
        String shown = com.marcnuri.helm.Helm.show("oci://" + host + "/oci-local/charts/hello").chart().withVersion("0.1.0")
                .plainHttp().call();
        assertThat(shown).contains("name: hello").contains("version: 0.1.0");
        String rendered = com.marcnuri.helm.Helm.template("oci://" + host + "/oci-local/charts/hello").withVersion("0.1.0")
                .withName("rel").plainHttp().call();
        assertThat(rendered).contains("kind: Deployment");
        JsonNode tags = Distribution.parse(ak.send("GET", "/v2/oci-local/charts/hello/tags/list", admin, null, null));
        assertThat(tags.get("tags").toString()).isEqualTo("[\"0.1.0\"]");
        String cfg = Distribution.parse(ak.send("GET", "/api/v1/repositories/oci-local/artifacts?q=charts/hello/manifests/0.1.0",
                admin, null, null)).get("items").get(0).get("content_type").asText();
        assertThat(cfg).isEqualTo(OciImages.MANIFEST);
    }

    // --- remote and virtual repositories

    @Test
    @Order(10)
    void remoteOfASecondInstanceAndVirtualResolvingLocalFirst() throws Exception {
        String upAdmin = upstream.adminBasic();
        created(upstream.json("POST", "/api/v1/repositories", upAdmin, Map.of("key", "up", "format", "oci")));
        String upHost = "127.0.0.1:" + upstream.port();
        remoteOnly = OciImages.multiLayer("upstream-only", 200_000, 2);
        OciImages.Image shadowed = OciImages.multiLayer("shadowed", 100_000, 3);
        OciImages.Image conc = concurrent = OciImages.multiLayer("concurrent", 50_000, 4);
        push(OciImages.writeLayout(tmp.resolve("l-remote"), remoteOnly, "1"), upHost + "/up/app/upstream:1");
        push(OciImages.writeLayout(tmp.resolve("l-shadowed"), shadowed, "1"), upHost + "/up/shared/img:1");
        push(OciImages.writeLayout(tmp.resolve("l-conc"), conc, "1"), upHost + "/up/conc/img:1");
        // the local repository has its own shared/img:1
        push(OciImages.writeLayout(tmp.resolve("l-local"), demo, "1"), host + "/oci-local/shared/img:1");

        Map<String, Object> settings = new LinkedHashMap<>(Map.of("upstream_username", "admin", "upstream_password", PW));
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "oci-remote", "format", "oci",
                "repo_type", "remote", "upstream_url", upstream.url() + "/v2/up", "settings", settings)));
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "oci-virtual", "format", "oci",
                "repo_type", "virtual")));
        assertThat(ak.json("PUT", "/api/v1/repositories/oci-virtual/members", admin, Map.of("members", List.of(
                Map.of("member_key", "oci-local", "priority", 1), Map.of("member_key", "oci-remote", "priority", 2))))
                .statusCode()).isLessThan(300);

        // pull through the remote: digests identical to what the upstream holds
        Path out = tmp.resolve("via-remote");
        run("skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS,
                "docker://" + host + "/oci-remote/app/upstream:1", "oci:" + out + ":1");
        assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + remoteOnly.manifestDigest().substring(7))))
                .isEqualTo(remoteOnly.manifest());
        for (String d : remoteOnly.blobs().keySet()) {
            assertThat(Files.exists(out.resolve("blobs/sha256/" + d.substring(7)))).as(d).isTrue();
        }
        // the cache rows carry the image name and tag
        JsonNode arts = Distribution.parse(ak.send("GET", "/api/v1/repositories/oci-remote/artifacts?q=upstream",
                admin, null, null));
        assertThat(arts.get("items").findValuesAsText("path")).contains("app/upstream/manifests/1");
        arts.get("items").forEach(i -> assertThat(i.get("name").asText()).isEqualTo("app/upstream"));

        // the virtual repository: the local member first, the remote for the rest
        String viaVirtual = run("skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", CREDS,
                "docker://" + host + "/oci-virtual/shared/img:1");
        assertThat(OciImages.sha256(viaVirtual.getBytes(StandardCharsets.UTF_8))).isEqualTo(demo.manifestDigest());
        Path out2 = tmp.resolve("via-virtual");
        run("skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS,
                "docker://" + host + "/oci-virtual/app/upstream:1", "oci:" + out2 + ":1");
        assertThat(Files.readString(out2.resolve("index.json"))).contains(remoteOnly.manifestDigest());
        JsonNode vtags = Distribution.parse(ak.send("GET", "/v2/oci-virtual/shared/img/tags/list", admin, null, null));
        assertThat(vtags.get("tags").toString()).isEqualTo("[\"1\"]");
        // pushes to a remote or virtual repository are refused the spec's way
        // (the core refuses writes to a virtual repository with 400, to a remote one with 405)
        assertThat(errorCode(ak.send("POST", "/v2/oci-virtual/x/blobs/uploads/", admin, null, null), 400))
                .isEqualTo("UNSUPPORTED");
        assertThat(errorCode(ak.send("POST", "/v2/oci-remote/x/blobs/uploads/", admin, null, null), 405))
                .isEqualTo("UNSUPPORTED");
    }

    @Test
    @Order(11)
    void fiftyConcurrentFirstRequestsReachTheUpstreamOnce() throws Exception {
        String path = "/v2/oci-remote/conc/img/manifests/1";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        List<String> digests = new CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fs.add(pool.submit(() -> {
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(ak.url() + path))
                            .header("Authorization", admin).header("Accept", OciImages.MANIFEST).GET()
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    statuses.add(r.statusCode());
                    digests.add(OciImages.sha256(r.body()));
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(90, TimeUnit.SECONDS);
            }
        }
        assertThat(statuses).hasSize(50).containsOnly(200);
        assertThat(digests).containsOnly(concurrent.manifestDigest());
        // the upstream writes its access log line just after answering: a request sent now, after all of
        // those, is logged after them; once its line is there, every earlier one is too
        String marker = "/v2/up/marker-" + java.util.UUID.randomUUID() + "/tags/list";
        upstream.send("GET", marker, upstream.adminBasic(), null, null);
        awaitCondition(Duration.ofSeconds(15), "the upstream logs the marker request",
                () -> upstream.logText().contains("GET " + marker));
        long upstreamHits = upstream.logText().lines().filter(l -> l.contains("GET /v2/up/conc/img/manifests/1 ")).count();
        assertThat(upstreamHits).as("requests for the manifest that reached the upstream").isEqualTo(1);
    }

    @Test
    @Order(12)
    void dockerRegistryUpstreamBehindBearerTokenAuth() throws Exception {
        registryPort = Distribution.freePort();
        Path cfg = tmp.resolve("registry.yml");
        Files.writeString(cfg, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
                + tmp.resolve("registry-data") + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:" + registryPort
                + "\n");
        registry = new ProcessBuilder(which("docker-registry").toString(), "serve", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("registry.log").toFile()).start();
        awaitHttp("http://127.0.0.1:" + registryPort + "/v2/", Duration.ofSeconds(30));
        OciImages.Image hub = OciImages.multiLayer("from-docker-registry", 300_000, 5);
        run("skopeo", "copy", "--dest-tls-verify=false", "oci:" + OciImages.writeLayout(tmp.resolve("l-hub"), hub, "7")
                + ":7", "docker://127.0.0.1:" + registryPort + "/library/hub:7");

        guard = new TokenGuard("http://127.0.0.1:" + registryPort, "puller", "s3cret");
        Map<String, Object> settings = Map.of("upstream_username", "puller", "upstream_password", "s3cret",
                "metadata_ttl_seconds", 1);
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "oci-hub", "format", "oci",
                "repo_type", "remote", "upstream_url", guard.url(), "settings", settings)));
        Path out = tmp.resolve("via-hub");
        run("skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS, "docker://" + host + "/oci-hub/library/hub:7",
                "oci:" + out + ":7");
        Instant fetched = Instant.now();
        assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + hub.manifestDigest().substring(7))))
                .isEqualTo(hub.manifest());
        assertThat(guard.tokenRequests.get()).as("token requests").isPositive();
        assertThat(guard.tokenScopes).contains("repository:library/hub:pull");
        assertThat(guard.authorized.get()).as("requests with the Bearer token").isGreaterThanOrEqualTo(4);

        // after the upstream stops, what is cached is still served (the tag's metadata is stale by now)
        registry.destroy();
        registry.waitFor(10, TimeUnit.SECONDS);
        guard.server.stop(0);
        awaitMetadataExpiry(fetched, Duration.ofSeconds(1));
        Path again = tmp.resolve("via-hub-stale");
        run("skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS, "docker://" + host + "/oci-hub/library/hub:7",
                "oci:" + again + ":7");
        assertThat(Files.readString(again.resolve("index.json"))).contains(hub.manifestDigest());
    }

    @Test
    @Order(20)
    void remoteKeepsServingAfterTheUpstreamInstanceStops() throws Exception {
        // metadata expires after a second; then the upstream goes away
        Map<String, Object> settings = Map.of("upstream_username", "admin", "upstream_password", PW,
                "metadata_ttl_seconds", 1);
        assertThat(ak.json("PATCH", "/api/v1/repositories/oci-remote", admin, Map.of("settings", settings)).statusCode())
                .isEqualTo(200);
        Instant settingsChanged = Instant.now();
        upstream.stop(Duration.ofSeconds(60));
        // the cached tag was fetched before the TTL was set: past a second from now it is stale either way
        awaitMetadataExpiry(settingsChanged, Duration.ofSeconds(1));
        Path out = tmp.resolve("stale");
        run("skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS,
                "docker://" + host + "/oci-remote/app/upstream:1", "oci:" + out + ":1");
        assertThat(Files.readString(out.resolve("index.json"))).contains(remoteOnly.manifestDigest());
        // the virtual repository too
        run("skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", CREDS,
                "docker://" + host + "/oci-virtual/app/upstream:1");
        // something never cached cannot be served
        HttpResponse<String> miss = ak.send("GET", "/v2/oci-remote/never/cached/manifests/1", admin, null, null);
        assertThat(miss.statusCode()).isEqualTo(502);
    }

    // --- helpers

    /**
     * Stands in front of a registry like Docker Hub does: every request needs a Bearer token from
     * {@code /token}, which wants Basic credentials; the 401 names the realm, service and scope.
     */
    static final class TokenGuard {
        final HttpServer server;
        final String target;
        final String token = "tok-" + java.util.UUID.randomUUID();
        final AtomicInteger tokenRequests = new AtomicInteger();
        final AtomicInteger authorized = new AtomicInteger();
        final List<String> tokenScopes = new CopyOnWriteArrayList<>();
        final HttpClient http = HttpClient.newHttpClient();

        TokenGuard(String target, String user, String password) throws IOException {
            this.target = target;
            String basic = Distribution.basic(user, password);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/token", ex -> {
                tokenRequests.incrementAndGet();
                String q = ex.getRequestURI().getQuery();
                for (String p : q == null ? new String[0] : q.split("&")) {
                    if (p.startsWith("scope=")) {
                        tokenScopes.add(java.net.URLDecoder.decode(p.substring(6), StandardCharsets.UTF_8));
                    }
                }
                if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    reply(ex, 401, "{\"details\":\"bad credentials\"}", Map.of());
                    return;
                }
                reply(ex, 200, "{\"token\":\"" + token + "\",\"expires_in\":300}", Map.of());
            });
            server.createContext("/v2/", this::proxy);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void proxy(HttpExchange ex) throws IOException {
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                String p = ex.getRequestURI().getPath();
                Matcher m = Pattern.compile("/v2/(.+)/(manifests|blobs|tags)/.*").matcher(p);
                String scope = m.matches() ? ",scope=\"repository:" + m.group(1) + ":pull\"" : "";
                reply(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token required\"}]}",
                        Map.of("WWW-Authenticate", "Bearer realm=\"" + url() + "/token\",service=\"guard\"" + scope));
                return;
            }
            authorized.incrementAndGet();
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            String accept = ex.getRequestHeaders().getFirst("Accept");
            if (accept != null) {
                rb.header("Accept", accept);
            }
            try {
                HttpResponse<InputStream> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
                for (String h : List.of("Content-Type", "Docker-Content-Digest", "ETag")) {
                    r.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().set(h, v));
                }
                java.util.OptionalLong cl = r.headers().firstValueAsLong("Content-Length");
                long len = ex.getRequestMethod().equals("HEAD") ? -1 : cl.isEmpty() ? 0 : cl.getAsLong() == 0 ? -1
                        : cl.getAsLong();
                ex.sendResponseHeaders(r.statusCode(), len);
                try (InputStream in = r.body(); OutputStream out = ex.getResponseBody()) {
                    in.transferTo(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.close();
            }
        }

        private static void reply(HttpExchange ex, int status, String body, Map<String, String> headers)
                throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    static void created(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    static String errorCode(HttpResponse<String> r, int status) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = Distribution.parse(r).get("errors").get(0);
        assertThat(e.has("message")).isTrue();
        assertThat(e.has("detail")).isTrue();
        return e.get("code").asText();
    }

    static HttpResponse<String> putManifest(String path, byte[] body, String type) throws Exception {
        return ak.send("PUT", path, admin, type, body);
    }

    static long artifactCount(String repo) throws Exception {
        return Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1", admin, null,
                null)).get("total").asLong();
    }

    static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    /** A PATCH that announces {@code announced} bytes, sends {@code body}, then drops the connection. */
    static void droppedPatch(String path, byte[] body, int announced) throws Exception {
        try (Socket s = new Socket("127.0.0.1", ak.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("PATCH " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + admin
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + announced + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // end the request short of its Content-Length and wait until the server has dealt with it (it
            // closes the connection or answers), instead of sleeping
            s.shutdownOutput();
            s.setSoTimeout(10_000);
            try {
                s.getInputStream().readAllBytes();
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // still open after 10 s, or reset: the upload status below is what counts
            }
        }
    }

    /** Waits (polling the clock) until metadata fetched at {@code since} is older than {@code ttl}. */
    static void awaitMetadataExpiry(Instant since, Duration ttl) throws InterruptedException {
        Instant stale = since.plus(ttl).plusMillis(250);
        while (Instant.now().isBefore(stale)) {
            Thread.sleep(Math.max(1, Math.min(100, Duration.between(Instant.now(), stale).toMillis())));
        }
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes (then fails naming {@code what}). */
    static void awaitCondition(Duration timeout, String what, java.util.concurrent.Callable<Boolean> condition)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    static long awaitUploadSize(String path) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = ak.send("GET", path, admin, null, null);
            last = r.statusCode() + " " + r.headers().firstValue("Range").orElse("");
            String range = r.headers().firstValue("Range").orElse("0-0");
            long size = Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
            if (size > 1) {
                Thread.sleep(200);
                HttpResponse<String> again = ak.send("GET", path, admin, null, null);
                if (again.headers().firstValue("Range").orElse("").equals(range)) {
                    return size;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("upload size never settled: " + last);
    }

    static String createUser(String name, List<String> repos, List<String> actions) throws Exception {
        String pw = "Passw0rd-" + name;
        JsonNode u = Distribution.parse(ak.json("POST", "/api/v1/users", admin, Map.of("username", name, "password", pw,
                "email", name + "@example.com")));
        for (String repo : repos) {
            String id = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo, admin, null, null)).get("id")
                    .asText();
            assertThat(ak.json("POST", "/api/v1/permissions", admin, Map.of("principal_type", "user", "principal_id",
                    u.get("id").asText(), "target_type", "repository", "target_id", id, "actions", actions))
                    .statusCode()).isEqualTo(201);
        }
        return Distribution.basic(name, pw);
    }

    static void push(Path layout, String ref) throws Exception {
        run("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", CREDS, "oci:" + layout + ":"
                + ref.substring(ref.lastIndexOf(':') + 1), "docker://" + ref);
    }

    static void awaitHttp(String url, Duration timeout) throws Exception {
        HttpClient c = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError(url + " did not come up within " + timeout);
    }

    // --- docker

    static void startDockerd() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("dockerd"));
        dockerSock = d.resolve("docker.sock");
        dockerd = new ProcessBuilder(which("dockerd").toString(), "--iptables=false", "--ip6tables=false", "--bridge=none",
                "--storage-driver=vfs", "--data-root", d.resolve("data").toString(), "--exec-root",
                d.resolve("exec").toString(), "--pidfile", d.resolve("docker.pid").toString(), "-H", "unix://" + dockerSock)
                .redirectErrorStream(true).redirectOutput(d.resolve("dockerd.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!dockerd.isAlive()) {
                throw new AssertionError("dockerd exited:\n" + Files.readString(d.resolve("dockerd.log")));
            }
            if (exec(Map.of(), null, docker("info")).exit() == 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("dockerd did not start:\n" + Files.readString(d.resolve("dockerd.log")));
    }

    static List<String> docker(String... args) {
        // the Debian client matches the Debian daemon; another docker on the PATH may not
        String bin = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
        List<String> cmd = new ArrayList<>(List.of(bin, "-H", "unix://" + dockerSock));
        cmd.addAll(List.of(args));
        return cmd;
    }

    // --- processes

    record Result(int exit, String output) {
    }

    static final Map<String, String> ENV = new ConcurrentHashMap<>();

    static String run(String... cmd) throws Exception {
        return run(List.of(cmd));
    }

    static String run(List<String> cmd) throws Exception {
        Result r = exec(ENV, null, cmd);
        assertThat(r.exit()).as(String.join(" ", cmd) + "\n" + r.output()).isZero();
        return r.output();
    }

    static String runWithInput(String input, List<String> cmd) throws Exception {
        Result r = exec(ENV, input, cmd);
        assertThat(r.exit()).as(String.join(" ", cmd) + "\n" + r.output()).isZero();
        return r.output();
    }

    static Result exec(Map<String, String> env, String input, List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("DOCKER_CONFIG", tmp.resolve("docker-config").toString());
        Process p = pb.start();
        if (input != null) {
            try (OutputStream o = p.getOutputStream()) {
                o.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            p.getOutputStream().close();
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static List<String> cat(List<String> base, String... more) {
        List<String> l = new ArrayList<>(base);
        l.addAll(List.of(more));
        return l;
    }

    static void requireTool(String tool, String aptPackage) {
        if (which(tool) == null) {
            throw new AssertionError(tool + " is not installed: the OCI end-to-end test needs it "
                    + "(apt-get install " + aptPackage + ")");
        }
    }

    static Path which(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        return null;
    }
}
