package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * WebAssembly format plugins installed at runtime: the Unity-package plugin from a local Git
 * repository, the PEP 503 wheelhouse plugin from a ZIP; uploads through the artifacts API run the
 * plugins' validate and parse-metadata; pip installs a wheel through the v2 plugin's protocol; a
 * runaway plugin fails its calls (fuel/time, memory, trap, malformed data) while the server and the
 * other plugins keep working; everything survives a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WasmPluginIT {
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;
    static Path plugins;
    static Path gitRepo;
    /** Serves gitRepo's .git over "dumb" HTTP on 127.0.0.1: plugins install from http(s) Git URLs only. */
    static com.sun.net.httpserver.HttpServer gitHttp;

    @BeforeAll
    static void start() throws Exception {
        plugins = Path.of(System.getProperty("ak.wasm.plugins", "../wasm-bridge/target/plugins"));
        assertThat(plugins.resolve("unitypkg/plugin.wasm")).as("example plugins are built by the wasm-bridge module "
                + "(needs clang and lld: apt-get install clang lld)").exists();
        System.out.println("[wasm-it] " + requireTool("git", "--version").trim());
        System.out.println("[wasm-it] " + requireTool("python3", "-m", "pip", "--version").trim());
        ak = new Distribution(tmp.resolve("data")).start();
        long ms = ak.awaitReady(Duration.ofSeconds(180));
        admin = ak.adminBasic();
        System.out.println("[wasm-it] server ready in " + ms + " ms, bridge in " + awaitBridge() + " ms more");
    }

    /** /readyz does not wait for the bridge while no repository uses a plugin format: wait for its API. */
    static long awaitBridge() throws Exception {
        long t0 = System.nanoTime();
        while (ak.send("GET", "/api/v1/plugins", admin, null, null).statusCode() != 200) {
            assertThat(System.nanoTime() - t0).as(ak.logText()).isLessThan(TimeUnit.SECONDS.toNanos(120));
            Thread.sleep(100);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gitHttp != null) {
            gitHttp.stop(0);
        }
        if (ak != null) {
            ak.close();
        }
    }

    static String requireTool(String... cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (java.io.IOException e) {
            throw new AssertionError(cmd[0] + " is not installed (apt-get install git python3-pip): " + e.getMessage());
        }
    }

    static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s timed out", String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as("%s:\n%s", String.join(" ", cmd), out).isZero();
        return out;
    }

    static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : Distribution.parse(r);
    }

    static byte[] zip(Map<String, byte[]> files) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bo.toByteArray();
    }

    static HttpResponse<String> uploadZip(byte[] zip) throws Exception {
        String boundary = "----ak" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plugin.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(zip);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return ak.send("POST", "/api/v1/plugins/install/zip", admin, "multipart/form-data; boundary=" + boundary,
                body.toByteArray());
    }

    static Map<String, byte[]> pluginFiles(String name, String prefix) throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(prefix + "plugin.toml", Files.readAllBytes(plugins.resolve(name + "/plugin.toml")));
        m.put(prefix + "plugin.wasm", Files.readAllBytes(plugins.resolve(name + "/plugin.wasm")));
        return m;
    }

    static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bo.toByteArray();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A real, minimal pure-Python wheel (PEP 427) with a correct RECORD. */
    static byte[] wheel(String dist, String version, String module, String code) throws Exception {
        String info = dist + "-" + version + ".dist-info/";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(module + "/__init__.py", code.getBytes(StandardCharsets.UTF_8));
        files.put(info + "METADATA", ("Metadata-Version: 2.1\nName: " + dist.replace('_', '-') + "\nVersion: " + version
                + "\nSummary: a test wheel\n").getBytes(StandardCharsets.UTF_8));
        files.put(info + "WHEEL", "Wheel-Version: 1.0\nGenerator: ak-it\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder record = new StringBuilder();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String h = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(e.getValue()));
            record.append(e.getKey()).append(",sha256=").append(h).append(',').append(e.getValue().length).append('\n');
        }
        record.append(info).append("RECORD,,\n");
        files.put(info + "RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
        return zip(files);
    }

    // ---

    @Test
    @Order(1)
    void installsFromGitAndFromZipAtRuntime() throws Exception {
        // a local Git repository holding the Unity plugin in a subfolder
        gitRepo = tmp.resolve("plugin-repo");
        Path dir = gitRepo.resolve("plugins/unitypkg");
        Files.createDirectories(dir);
        Files.copy(plugins.resolve("unitypkg/plugin.toml"), dir.resolve("plugin.toml"));
        Files.copy(plugins.resolve("unitypkg/plugin.wasm"), dir.resolve("plugin.wasm"));
        run(gitRepo, "git", "init", "-q", "-b", "main");
        run(gitRepo, "git", "add", ".");
        run(gitRepo, "git", "-c", "user.name=it", "-c", "user.email=it@example.org", "commit", "-q", "-m", "unity plugin 1.0.0");
        run(gitRepo, "git", "update-server-info");
        gitHttp = com.sun.net.httpserver.SimpleFileServer.createFileServer(new java.net.InetSocketAddress(
                java.net.InetAddress.getByName("127.0.0.1"), 0), gitRepo.resolve(".git"),
                com.sun.net.httpserver.SimpleFileServer.OutputLevel.NONE);
        gitHttp.start();
        String gitUrl = "http://127.0.0.1:" + gitHttp.getAddress().getPort() + "/";

        assertThat(ak.json("POST", "/api/v1/plugins/install/git", null, Map.of("url", "x")).statusCode()).isEqualTo(401);
        JsonNode git = ok(ak.json("POST", "/api/v1/plugins/install/git", admin, Map.of("url", gitUrl,
                "ref", "main", "path", "plugins/unitypkg")), 201);
        assertThat(git.get("format_key").asText()).isEqualTo("unitypkg");
        assertThat(git.get("name").asText()).isEqualTo("unity-packages");
        assertThat(git.get("version").asText()).isEqualTo("1.0.0");
        assertThat(git.get("state").asText()).isEqualTo("enabled");
        assertThat(git.get("id").asText()).isNotBlank();

        JsonNode zipped = ok(uploadZip(zip(pluginFiles("wheelhouse", "wheelhouse/"))), 201);
        assertThat(zipped.get("format_key").asText()).isEqualTo("wheelhouse");
        assertThat(zipped.get("state").asText()).isEqualTo("enabled");

        // the key is taken: 409; bad manifests and modules: 400 saying why
        assertThat(uploadZip(zip(pluginFiles("wheelhouse", ""))).statusCode()).isEqualTo(409);
        Map<String, byte[]> bad = pluginFiles("wheelhouse", "");
        bad.put("plugin.toml", "[plugin]\nname = \"broken\"\n".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = uploadZip(zip(bad));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("plugin.toml");
        Map<String, byte[]> notWasm = pluginFiles("wheelhouse", "");
        notWasm.put("plugin.toml", "[plugin]\nname = \"nw\"\nversion = \"1\"\n[format]\nkey = \"notwasm\"\n"
                .getBytes(StandardCharsets.UTF_8));
        notWasm.put("plugin.wasm", "this is not wasm".getBytes(StandardCharsets.UTF_8));
        r = uploadZip(zip(notWasm));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not a WebAssembly binary");
        Map<String, byte[]> keyMismatch = pluginFiles("wheelhouse", "");
        keyMismatch.put("plugin.toml", "[plugin]\nname = \"mm\"\nversion = \"1\"\n[format]\nkey = \"other\"\n"
                .getBytes(StandardCharsets.UTF_8));
        r = uploadZip(zip(keyMismatch));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("format-key() returns 'wheelhouse'");

        JsonNode list = ok(ak.send("GET", "/api/v1/plugins", admin, null, null), 200);
        assertThat(list.get("total").asInt()).isEqualTo(2);
        System.out.println("[wasm-it] runtime: " + list.get("runtime"));
        JsonNode formats = ok(ak.send("GET", "/api/v1/formats", admin, null, null), 200);
        assertThat(formats.toString()).contains("\"key\":\"unitypkg\"", "\"mount\":\"/ext/unitypkg\"", "\"key\":\"wheelhouse\"");
    }

    @Test
    @Order(2)
    void unityUploadsRunValidateAndParseMetadataAndTheIndexIsServed() throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "unity", "format", "unitypkg", "repo_type", "local")), 201);
        JsonNode viaGeneric = ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "unity-b", "format", "generic",
                "format_key", "unitypkg", "repo_type", "local")), 201);
        assertThat(viaGeneric.get("format").asText()).isEqualTo("unitypkg");

        byte[] pkg = gzip("a unity package\n".repeat(100));
        JsonNode a = ok(ak.send("PUT", "/api/v1/repositories/unity/artifacts/tools/cool-tool-1.2.3.unitypackage", admin,
                "application/octet-stream", pkg), 201);
        assertThat(a.get("version").asText()).isEqualTo("1.2.3");
        assertThat(a.get("content_type").asText()).isEqualTo("application/vnd.unity.package+gzip");

        HttpResponse<String> bad = ak.send("PUT", "/api/v1/repositories/unity/artifacts/tools/bad-1.0.unitypackage", admin,
                "application/octet-stream", "plain text".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("not gzip-compressed");
        assertThat(ak.send("GET", "/api/v1/repositories/unity/artifacts/tools/bad-1.0.unitypackage", admin, null, null)
                .statusCode()).isEqualTo(404);

        JsonNode index = ok(ak.send("GET", "/ext/unitypkg/unity/index.json", admin, null, null), 200);
        assertThat(index.get("packages").get(0).get("name").asText()).isEqualTo("cool-tool");
        assertThat(index.get("packages").get(0).get("version").asText()).isEqualTo("1.2.3");
        assertThat(index.get("packages").get(0).get("sha256").asText()).isEqualTo(sha256(pkg));
        HttpResponse<byte[]> file = ak.getBytes("/ext/unitypkg/unity/tools/cool-tool-1.2.3.unitypackage", admin);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(pkg);
        // the repository is not served under another plugin's prefix
        assertThat(ak.send("GET", "/ext/wheelhouse/unity/index.json", admin, null, null).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void pipInstallsAWheelThroughTheV2PluginsProtocol() throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "pyrepo", "format", "wheelhouse", "repo_type", "local",
                "is_public", true)), 201);
        byte[] whl = wheel("demo_pkg", "1.0.0", "demo_pkg", "VALUE = 42\n");
        JsonNode a = ok(ak.send("PUT", "/api/v1/repositories/pyrepo/artifacts/demo_pkg-1.0.0-py3-none-any.whl", admin,
                "application/octet-stream", whl), 201);
        assertThat(a.get("version").asText()).isEqualTo("1.0.0");
        HttpResponse<String> bad = ak.send("PUT", "/api/v1/repositories/pyrepo/artifacts/broken-1.0-py3-none-any.whl", admin,
                "application/octet-stream", "no zip".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("not a wheel");

        HttpResponse<String> simple = ak.send("GET", "/ext/wheelhouse/pyrepo/simple/demo-pkg/", null, null, null);
        assertThat(simple.statusCode()).isEqualTo(200);
        assertThat(simple.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(simple.body()).contains("demo_pkg-1.0.0-py3-none-any.whl#sha256=" + sha256(whl));

        Path target = tmp.resolve("pip-target");
        long t0 = System.nanoTime();
        String out = run(tmp, "python3", "-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check",
                "--index-url", ak.url() + "/ext/wheelhouse/pyrepo/simple/", "--target", target.toString(), "demo-pkg==1.0.0");
        System.out.println("[wasm-it] pip install took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
        assertThat(out).contains("Successfully installed demo-pkg-1.0.0");
        assertThat(Files.readString(target.resolve("demo_pkg/__init__.py"))).contains("VALUE = 42");
        assertThat(ak.logText()).contains("GET /ext/wheelhouse/pyrepo/simple/demo-pkg/ 200");
    }

    static void repository(String key, String format, String type, String upstreamUrl, boolean isPublic) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", format, "repo_type", type,
                "is_public", isPublic));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            // the upstream is a private repository on this same server; its index is refreshed after 1 s
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD,
                    "metadata_ttl_seconds", 1));
        }
        ok(ak.json("POST", "/api/v1/repositories", admin, body), 201);
    }

    static void members(String virtual, String... keys) throws Exception {
        List<Map<String, Object>> ms = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            ms.add(Map.of("member_key", keys[i], "priority", i + 1));
        }
        ok(ak.json("PUT", "/api/v1/repositories/" + virtual + "/members", admin, Map.of("members", ms)), 200);
    }

    static List<String> packages(JsonNode index) {
        List<String> out = new ArrayList<>();
        index.get("packages").forEach(p -> out.add(p.get("name").asText() + "@" + p.get("version").asText()));
        return out;
    }

    @Test
    @Order(4)
    void pluginFormatsAsRemoteAndVirtualRepositories() throws Exception {
        byte[] pkg = gzip("a unity package\n".repeat(100)); // the bytes test 2 uploaded to "unity"
        // a remote of "unity" on this same server, a second hosted repository, a virtual over both
        repository("unity-remote", "unitypkg", "remote", ak.url() + "/ext/unitypkg/unity", false);
        repository("unity-side", "unitypkg", "local", null, false);
        repository("unity-all", "unitypkg", "virtual", null, false);
        repository("unity-through", "unitypkg", "virtual", null, false);
        members("unity-all", "unity-side", "unity-remote");
        members("unity-through", "unity-remote");
        byte[] side = gzip("the side tool\n".repeat(50));
        ok(ak.send("PUT", "/ext/unitypkg/unity-side/tools/side-tool-2.0.0.unitypackage", admin, "application/octet-stream",
                side), 201);

        // the remote: its index is the upstream's file (fetched, kept for the TTL), its files are the upstream's bytes
        JsonNode upstreamIndex = ok(ak.send("GET", "/ext/unitypkg/unity/index.json", admin, null, null), 200);
        JsonNode remoteIndex = ok(ak.send("GET", "/ext/unitypkg/unity-remote/index.json", admin, null, null), 200);
        assertThat(remoteIndex).isEqualTo(upstreamIndex);
        assertThat(ok(ak.send("GET", "/ext/unitypkg/unity-remote/", admin, null, null), 200)).isEqualTo(upstreamIndex);
        HttpResponse<byte[]> viaRemote = ak.getBytes("/ext/unitypkg/unity-remote/tools/cool-tool-1.2.3.unitypackage", admin);
        assertThat(viaRemote.statusCode()).isEqualTo(200);
        assertThat(viaRemote.body()).isEqualTo(pkg);
        JsonNode cached = ok(ak.send("GET", "/api/v1/repositories/unity-remote/artifacts", admin, null, null), 200);
        assertThat(cached.toString()).contains("tools/cool-tool-1.2.3.unitypackage");
        // writes are refused by the core before the plugin runs
        assertThat(ak.send("PUT", "/ext/unitypkg/unity-remote/tools/x-1.0.0.unitypackage", admin, "application/octet-stream",
                pkg).statusCode()).isEqualTo(405);
        assertThat(ak.send("PUT", "/ext/unitypkg/unity-all/tools/x-1.0.0.unitypackage", admin, "application/octet-stream",
                pkg).statusCode()).isEqualTo(400);
        assertThat(ak.send("DELETE", "/ext/unitypkg/unity-remote/tools/cool-tool-1.2.3.unitypackage", admin, null, null)
                .statusCode()).isEqualTo(405);

        // a new version upstream shows through the remote once the TTL (1 s) has passed
        byte[] next = gzip("version 1.3.0\n".repeat(80));
        ok(ak.send("PUT", "/ext/unitypkg/unity/tools/cool-tool-1.3.0.unitypackage", admin, "application/octet-stream", next),
                201);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> seen = packages(remoteIndex);
        while (!seen.contains("cool-tool@1.3.0")) {
            assertThat(System.nanoTime()).as("the remote's index after its TTL: %s", seen).isLessThan(deadline);
            Thread.sleep(200);
            seen = packages(ok(ak.send("GET", "/ext/unitypkg/unity-remote/index.json", admin, null, null), 200));
        }

        // a virtual whose only member holding anything is the remote answers with the upstream's index as it is
        JsonNode through = ok(ak.send("GET", "/ext/unitypkg/unity-through/index.json", admin, null, null), 200);
        assertThat(packages(through)).contains("cool-tool@1.2.3", "cool-tool@1.3.0");
        // a virtual over several: generate-index over the members' records (the hosted member's files, what the
        // remote holds), and files from the first member that has them, fetched through the remote if need be
        JsonNode merged = ok(ak.send("GET", "/ext/unitypkg/unity-all/index.json", admin, null, null), 200);
        assertThat(packages(merged)).contains("side-tool@2.0.0", "cool-tool@1.2.3");
        assertThat(ak.getBytes("/ext/unitypkg/unity-all/tools/side-tool-2.0.0.unitypackage", admin).body()).isEqualTo(side);
        assertThat(ak.getBytes("/ext/unitypkg/unity-all/tools/cool-tool-1.3.0.unitypackage", admin).body()).isEqualTo(next);
        assertThat(packages(ok(ak.send("GET", "/ext/unitypkg/unity-all/index.json", admin, null, null), 200)))
                .as("what the remote fetched for the virtual is in its next index").contains("cool-tool@1.3.0");
        assertThat(ak.send("GET", "/ext/unitypkg/unity-all/tools/none-9.9.9.unitypackage", admin, null, null).statusCode())
                .isEqualTo(404);

        // wheelhouse (handle-request): pip through a virtual over the hosted repository; the plugin's page links to
        // the virtual's download URL, which resolves through the members
        repository("py-all", "wheelhouse", "virtual", null, true);
        members("py-all", "pyrepo");
        HttpResponse<String> page = ak.send("GET", "/ext/wheelhouse/py-all/simple/demo-pkg/", null, null, null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("/api/v1/repositories/py-all/download/demo_pkg-1.0.0-py3-none-any.whl#sha256=");
        Path target = tmp.resolve("pip-virtual");
        String out = run(tmp, "python3", "-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check",
                "--index-url", ak.url() + "/ext/wheelhouse/py-all/simple/", "--target", target.toString(), "demo-pkg==1.0.0");
        assertThat(out).contains("Successfully installed demo-pkg-1.0.0");
        assertThat(Files.readString(target.resolve("demo_pkg/__init__.py"))).contains("VALUE = 42");
        // POST reaches the plugin on a virtual repository (it stores nothing): the plugin's own 405, not the core's 400
        HttpResponse<String> post = ak.send("POST", "/ext/wheelhouse/py-all/simple/", admin, "text/plain",
                "x".getBytes(StandardCharsets.UTF_8));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.body()).contains("read-only");

        // a remote of wheelhouse whose upstream serves files by path: its pages list what it holds (the plugin sees
        // records, and an upstream's records are not readable through WIT 1.0.0), so a file fetched once is installable
        repository("py-remote", "wheelhouse", "remote", ak.url() + "/api/v1/repositories/pyrepo/download", true);
        assertThat(ak.send("GET", "/ext/wheelhouse/py-remote/simple/demo-pkg/", null, null, null).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> fetched = ak.getBytes("/api/v1/repositories/py-remote/download/demo_pkg-1.0.0-py3-none-any.whl",
                null);
        assertThat(fetched.statusCode()).isEqualTo(200);
        Path target2 = tmp.resolve("pip-remote");
        out = run(tmp, "python3", "-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check",
                "--index-url", ak.url() + "/ext/wheelhouse/py-remote/simple/", "--target", target2.toString(), "demo-pkg==1.0.0");
        assertThat(out).contains("Successfully installed demo-pkg-1.0.0");
    }

    @Test
    @Order(5)
    void aRunawayPluginFailsItsCallsAndNothingElse() throws Exception {
        Map<String, byte[]> files = pluginFiles("runaway", "");
        // a small instruction budget, so that the endless loop runs out of fuel well before the time limit
        String manifest = new String(files.get("plugin.toml"), StandardCharsets.UTF_8)
                .replace("max_execution_ms = 2000", "max_execution_ms = 20000\nmax_fuel = 100000000");
        files.put("plugin.toml", manifest.getBytes(StandardCharsets.UTF_8));
        ok(uploadZip(zip(files)), 201);
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "wild", "format", "runaway", "repo_type", "local")), 201);

        // the endless loop runs in the background while the other plugins answer
        CompletableFuture<HttpResponse<String>> loop = CompletableFuture.supplyAsync(() -> {
            try {
                return ak.send("PUT", "/api/v1/repositories/wild/artifacts/loop.bin", admin, "application/octet-stream",
                        new byte[16]);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        long t0 = System.nanoTime();
        assertThat(ak.send("GET", "/ext/unitypkg/unity/index.json", admin, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("GET", "/ext/wheelhouse/pyrepo/simple/", null, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("GET", "/health", null, null, null).statusCode()).isEqualTo(200);
        System.out.println("[wasm-it] other plugins answered in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                + " ms while the loop ran");
        HttpResponse<String> r = loop.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("ran out of fuel", "budget 100000000");

        r = ak.send("PUT", "/api/v1/repositories/wild/artifacts/bomb.bin", admin, "application/octet-stream", new byte[16]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("memory limit of 8388608 bytes");
        r = ak.send("PUT", "/api/v1/repositories/wild/artifacts/trap.bin", admin, "application/octet-stream", new byte[16]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("trapped in parse-metadata");
        r = ak.send("PUT", "/api/v1/repositories/wild/artifacts/wild.bin", admin, "application/octet-stream", new byte[16]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("malformed data", "outside the plugin's memory");
        r = ak.send("PUT", "/api/v1/repositories/wild/artifacts/badutf8.bin", admin, "application/octet-stream", new byte[16]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("not valid UTF-8");

        // a reload while a call runs: the call finishes (here: fails) on the old instance, the reload does not wait for it
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return ak.send("PUT", "/api/v1/repositories/wild/artifacts/loop-2.bin", admin, "application/octet-stream",
                        new byte[16]);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        JsonNode reloaded = ok(ak.send("POST", "/api/v1/plugins/runaway/reload", admin, null, null), 200);
        assertThat(reloaded.get("state").asText()).isEqualTo("enabled");
        r = inFlight.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("ran out of fuel");

        // nothing was stored for the failed calls; the plugin itself still works
        JsonNode arts = ok(ak.send("GET", "/api/v1/repositories/wild/artifacts", admin, null, null), 200);
        assertThat(arts.get("total").asInt()).isZero();
        ok(ak.send("PUT", "/api/v1/repositories/wild/artifacts/fine.bin", admin, "application/octet-stream", new byte[16]), 201);

        JsonNode p = ok(ak.send("GET", "/api/v1/plugins/runaway", admin, null, null), 200);
        JsonNode stats = p.get("stats");
        assertThat(stats.get("failures").asInt()).isEqualTo(6);
        assertThat(stats.get("failures_by_kind").get("fuel").asInt()).isEqualTo(2);
        assertThat(stats.get("failures_by_kind").get("memory").asInt()).isEqualTo(1);
        assertThat(stats.get("failures_by_kind").get("trap").asInt()).isEqualTo(1);
        assertThat(stats.get("failures_by_kind").get("malformed").asInt()).isEqualTo(2);
        assertThat(p.get("last_error").asText()).contains("ran out of fuel");
        assertThat(p.get("state").asText()).isEqualTo("enabled");
        assertThat(ak.process().isAlive()).isTrue();
    }

    @Test
    @Order(6)
    void disableEnableReloadAndTheConsolePage() throws Exception {
        ok(ak.send("POST", "/api/v1/plugins/unitypkg/disable", admin, null, null), 200);
        assertThat(ak.send("GET", "/ext/unitypkg/unity/index.json", admin, null, null).statusCode()).isEqualTo(503);
        JsonNode formats = ok(ak.send("GET", "/api/v1/formats", admin, null, null), 200);
        assertThat(formats.toString()).doesNotContain("\"key\":\"unitypkg\"");
        JsonNode enabled = ok(ak.send("POST", "/api/v1/plugins/unitypkg/enable", admin, null, null), 200);
        assertThat(enabled.get("state").asText()).isEqualTo("enabled");
        assertThat(ak.send("GET", "/ext/unitypkg/unity/index.json", admin, null, null).statusCode()).isEqualTo(200);

        // a new commit on the branch: reload fetches it
        Path toml = gitRepo.resolve("plugins/unitypkg/plugin.toml");
        Files.writeString(toml, Files.readString(toml).replace("version = \"1.0.0\"", "version = \"1.1.0\""));
        run(gitRepo, "git", "-c", "user.name=it", "-c", "user.email=it@example.org", "commit", "-q", "-am", "1.1.0");
        run(gitRepo, "git", "update-server-info");
        JsonNode reloaded = ok(ak.send("POST", "/api/v1/plugins/unitypkg/reload", admin, null, null), 200);
        assertThat(reloaded.get("version").asText()).isEqualTo("1.1.0");
        assertThat(reloaded.get("state").asText()).isEqualTo("enabled");
        assertThat(ak.send("GET", "/ext/unitypkg/unity/index.json", admin, null, null).statusCode()).isEqualTo(200);

        HttpResponse<String> page = ak.send("GET", "/system/console/wasm-plugins", admin, null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("WASM plugins", "unity-packages", "wheelhouse", "runaway", "reload");
        assertThat(ak.send("GET", "/system/console/wasm-plugins", null, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(7)
    void pluginsComeBackAfterARestart() throws Exception {
        JsonNode before = ok(ak.send("GET", "/api/v1/plugins", admin, null, null), 200);
        assertThat(ak.stop(Duration.ofSeconds(60))).isZero();
        ak = new Distribution(tmp.resolve("data"), ak.port()).start();
        long ms = ak.awaitReady(Duration.ofSeconds(180));
        System.out.println("[wasm-it] restarted and ready in " + ms + " ms (readiness waits for the plugin formats of "
                + "existing repositories), bridge API after " + awaitBridge() + " ms more");
        JsonNode after = ok(ak.send("GET", "/api/v1/plugins", admin, null, null), 200);
        assertThat(after.get("total").asInt()).isEqualTo(before.get("total").asInt()).isEqualTo(3);
        List<String> states = new ArrayList<>();
        after.get("items").forEach(p -> states.add(p.get("format_key").asText() + "=" + p.get("state").asText() + "@"
                + p.get("version").asText()));
        assertThat(states).containsExactly("runaway=enabled@0.1.0", "unitypkg=enabled@1.1.0", "wheelhouse=enabled@1.0.0");
        assertThat(ok(ak.send("GET", "/ext/unitypkg/unity/index.json", admin, null, null), 200).toString()).contains("cool-tool");
        assertThat(ak.send("GET", "/ext/wheelhouse/pyrepo/simple/demo-pkg/", null, null, null).body())
                .contains("demo_pkg-1.0.0-py3-none-any.whl");
        Matcher m = Pattern.compile("GraalWasm .* engine \\((.*)\\) started in (\\d+) ms").matcher(ak.logText());
        assertThat(m.find()).as(ak.logText()).isTrue();
        System.out.println("[wasm-it] engine " + m.group(1) + " started in " + m.group(2) + " ms");
        Matcher loaded = Pattern.compile("plugin (\\S+) loaded: first instance in (\\d+) ms").matcher(ak.logText());
        while (loaded.find()) {
            System.out.println("[wasm-it] plugin " + loaded.group(1) + ": first instance in " + loaded.group(2) + " ms");
        }
        after.get("items").forEach(p -> System.out.println("[wasm-it] " + p.get("format_key").asText() + " stats "
                + p.get("stats")));
    }

    @Test
    @Order(8)
    void uninstall() throws Exception {
        ok(ak.send("DELETE", "/api/v1/repositories/wild", admin, null, null), 204);
        ok(ak.send("DELETE", "/api/v1/plugins/runaway", admin, null, null), 204);
        assertThat(ak.send("GET", "/api/v1/plugins/runaway", admin, null, null).statusCode()).isEqualTo(404);
        assertThat(ok(ak.send("GET", "/api/v1/plugins", admin, null, null), 200).get("total").asInt()).isEqualTo(2);
        assertThat(ak.send("GET", "/readyz", null, null, null).statusCode()).isEqualTo(200);
    }
}
