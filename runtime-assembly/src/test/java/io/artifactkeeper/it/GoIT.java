package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * Go modules end to end: the format TCK (module zips uploaded by PUT), then the real go command
 * (Debian's golang-go) building a consumer module that requires modules uploaded here, with
 * {@code GOPROXY} pointed at a local repository, at a remote whose upstream is the second instance,
 * and at a virtual of both; credentials from a .netrc ({@code NETRC}); every module cache under
 * target/. Bad module zips are refused with 400 naming the rule, and nothing is stored.
 */
class GoIT extends FormatTck {
    private static final String GREET = "example.com/Greet";
    private static final String GREET_ESC = "example.com/!greet";
    private static final String WORDS = "example.com/upstream/words";

    private Path work;
    private Path netrc;
    private String goBinary;
    private TestTls tls;

    @Override
    protected String formatKey() {
        return "go";
    }

    @Override
    protected String mount() {
        return "go";
    }

    /**
     * Module {@code example.com/tck/<variant up to its first '-'>} v1.0.0 with the variant in its
     * source, so that "both" and "both-upstream" are the same module version with other bytes.
     */
    @Override
    protected Sample sample(String variant) throws Exception {
        String base = variant.replaceAll("-.*", "").replaceAll("[^a-z0-9]", "");
        String module = "example.com/tck/" + base;
        byte[] zip = GoZips.module(module, "v1.0.0", orderedMap("go.mod", "module " + module + "\n\ngo 1.19\n",
                base + ".go", "package " + base + "\n\n// Variant is the TCK variant.\nconst Variant = \"" + variant + "\"\n"));
        return new Sample(module + "/@v/v1.0.0.zip", zip);
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> r = server.send("PUT", "/go/" + repoKey + "/" + s.name(), server.adminBasic(), "application/zip",
                s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return s.name();
    }

    @BeforeAll
    void goSetUp() throws Exception {
        goBinary = requireGo();
        Process version = new ProcessBuilder(goBinary, "version").redirectErrorStream(true).start();
        // the README says "tested with >= this"
        System.out.println("GoIT client: " + new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        work = Path.of("target", "go-it", "run-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(work);
        netrc = work.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login admin password " + Distribution.ADMIN_PASSWORD + "\n");
        json(upstream, "POST", "/api/v1/repositories", Map.of("key", "go-up", "format", "go", "repo_type", "local"), 201);
        json(ak, "POST", "/api/v1/repositories", Map.of("key", "go-local", "format", "go", "repo_type", "local"), 201);
        json(ak, "POST", "/api/v1/repositories", Map.of("key", "go-public", "format", "go", "repo_type", "local",
                "is_public", true), 201);
        json(ak, "POST", "/api/v1/repositories", Map.of("key", "go-remote", "format", "go", "repo_type", "remote",
                "upstream_url", upstream.url() + "/go/go-up", "settings",
                Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD, "metadata_ttl_seconds", 5)),
                201);
        json(ak, "POST", "/api/v1/repositories", Map.of("key", "go-virtual", "format", "go", "repo_type", "virtual"), 201);
        json(ak, "PUT", "/api/v1/repositories/go-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "go-local", "priority", 1), Map.of("member_key", "go-remote", "priority", 2))), 200);
    }

    /** The go command sends .netrc credentials over https only: the server serves HTTPS too. */
    @Override
    protected void configure(Distribution server, Path work) throws Exception {
        tls = TestTls.create(work.resolve("tls"));
        server.https(tls);
    }

    /** Requests on the repository's go route answered 200 to the admin user, from the access log. */
    private long authenticatedGoRequests(String repo) {
        Matcher m = Pattern.compile(" GET /go/" + repo + "/\\S+ 200 \\d+ms admin ")
                .matcher(ak.logText());
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String requireGo() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "go"))) {
                return Path.of(dir, "go").toString();
            }
        }
        throw new AssertionError("the go command is not on the PATH: install Debian's golang-go "
                + "(apt-get install golang-go), as .ci/run does");
    }

    // ---- uploads over HTTP -------------------------------------------------------------------

    private HttpResponse<String> put(Distribution d, String repo, String path, byte[] body) throws Exception {
        return d.send("PUT", "/go/" + repo + "/" + path, d.adminBasic(), "application/octet-stream", body);
    }

    private HttpResponse<String> get(Distribution d, String repo, String path) throws Exception {
        return d.send("GET", "/go/" + repo + "/" + path, d.adminBasic(), null, null);
    }

    private static String greetSource(String version) {
        return "package greet\n\n// Hello says which version was built.\nfunc Hello() string { return \"hello from Greet "
                + version + "\" }\n";
    }

    @Test
    @Order(-10)
    void uploadsListsAndMetadata() throws Exception {
        // v1.0.0: the zip alone; .mod comes from its go.mod and .info is generated
        byte[] v100 = GoZips.module(GREET, "v1.0.0", orderedMap("go.mod", "module " + GREET + "\n\ngo 1.19\n",
                "greet.go", greetSource("v1.0.0"), "LICENSE", "MIT\n", "vendor/modules.txt", "# no vendored modules\n"));
        HttpResponse<String> r = put(ak, "go-local", GREET_ESC + "/@v/v1.0.0.zip", v100);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        // v1.1.0: .mod and .info first, then the zip
        String mod110 = "module " + GREET + "\n\ngo 1.19\n";
        String info110 = "{\"Version\":\"v1.1.0\",\"Time\":\"2024-05-06T07:08:09Z\"}";
        assertThat(put(ak, "go-local", GREET_ESC + "/@v/v1.1.0.mod", mod110.getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(201);
        assertThat(put(ak, "go-local", GREET_ESC + "/@v/v1.1.0.info", info110.getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(201);
        r = put(ak, "go-local", GREET_ESC + "/@v/v1.1.0.zip", GoZips.module(GREET, "v1.1.0", orderedMap("go.mod", mod110,
                "greet.go", greetSource("v1.1.0"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        // a /v2 module: major version 2 under its suffix
        r = put(ak, "go-local", GREET_ESC + "/v2/@v/v2.0.0.zip", GoZips.module(GREET + "/v2", "v2.0.0", orderedMap("go.mod",
                "module " + GREET + "/v2\n\ngo 1.19\n", "greet.go", greetSource("v2.0.0"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        // the same modules in a public repository, for anonymous reads over plain HTTP
        assertThat(put(ak, "go-public", GREET_ESC + "/@v/v1.1.0.zip", GoZips.module(GREET, "v1.1.0", orderedMap("go.mod",
                mod110, "greet.go", greetSource("v1.1.0")))).statusCode()).isEqualTo(201);
        assertThat(put(ak, "go-public", GREET_ESC + "/v2/@v/v2.0.0.zip", GoZips.module(GREET + "/v2", "v2.0.0", orderedMap(
                "go.mod", "module " + GREET + "/v2\n\ngo 1.19\n", "greet.go", greetSource("v2.0.0")))).statusCode()).isEqualTo(201);
        // a published version cannot be replaced
        r = put(ak, "go-local", GREET_ESC + "/@v/v1.0.0.zip", GoZips.module(GREET, "v1.0.0", orderedMap("go.mod",
                "module " + GREET + "\n", "greet.go", greetSource("other"))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(ak.getBytes("/go/go-local/" + GREET_ESC + "/@v/v1.0.0.zip", admin).body()).isEqualTo(v100);

        assertThat(get(ak, "go-local", GREET_ESC + "/@v/list").body()).isEqualTo("v1.0.0\nv1.1.0\n");
        JsonNode latest = Distribution.JSON.readTree(get(ak, "go-local", GREET_ESC + "/@latest").body());
        assertThat(latest.get("Version").asText()).isEqualTo("v1.1.0");
        assertThat(get(ak, "go-local", GREET_ESC + "/@v/v1.1.0.info").body()).isEqualTo(info110);
        JsonNode generated = Distribution.JSON.readTree(get(ak, "go-local", GREET_ESC + "/@v/v1.0.0.info").body());
        assertThat(generated.get("Version").asText()).isEqualTo("v1.0.0");
        assertThat(generated.get("Time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(get(ak, "go-local", GREET_ESC + "/@v/v1.0.0.mod").body()).isEqualTo("module " + GREET + "\n\ngo 1.19\n");
        // case encoding: upper case in a request path is not a valid encoding
        assertThat(get(ak, "go-local", GREET + "/@v/list").statusCode()).isEqualTo(400);
        HttpResponse<String> missing = get(ak, "go-local", GREET_ESC + "/@v/v9.9.9.info");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("not found");
        assertThat(get(ak, "go-local", "example.com/nothing/@v/list").statusCode()).isEqualTo(404);
        assertThat(get(ak, "go-local", "sumdb/sum.golang.org/supported").statusCode()).isEqualTo(404);

        JsonNode items = Distribution.parse(ak.send("GET", "/api/v1/repositories/go-local/artifacts?per_page=100", admin, null,
                null)).get("items");
        Map<String, String> byPath = new LinkedHashMap<>();
        items.forEach(i -> byPath.put(i.get("path").asText(), i.get("name").asText() + " " + i.get("version").asText()));
        assertThat(byPath).containsEntry(GREET_ESC + "/@v/v1.0.0.zip", GREET + " v1.0.0")
                .containsEntry(GREET_ESC + "/@v/v1.0.0.mod", GREET + " v1.0.0")
                .containsEntry(GREET_ESC + "/@v/v1.1.0.zip", GREET + " v1.1.0")
                .containsEntry(GREET_ESC + "/@v/v1.1.0.info", GREET + " v1.1.0");

        // upstream (second instance): a module whose zips have no go.mod (the .mod is synthesized)
        for (String v : List.of("v0.1.0", "v0.2.0")) {
            r = put(upstream, "go-up", WORDS + "/@v/" + v + ".zip", wordsZip(v));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        assertThat(get(upstream, "go-up", WORDS + "/@v/v0.2.0.mod").body()).isEqualTo("module " + WORDS + "\n");
    }

    @Test
    @Order(-9)
    void badZipsAreRefusedWithNothingStored() throws Exception {
        String m = "example.com/bad";
        String p = m + "@v1.0.0/";
        String goMod = "module " + m + "\n";
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("invalid path element|traversal|unsafe entry name", GoZips.zip(orderedMap(p + "go.mod", goMod, p + "../../../etc/evil.go",
                "package evil\n")));
        cases.put("duplicate file", GoZips.raw(List.of(Map.entry(p + "go.mod", goMod), Map.entry(p + "a.go", "package bad\n"),
                Map.entry(p + "a.go", "package bad // again\n"))));
        cases.put("case folding", GoZips.zip(orderedMap(p + "go.mod", goMod, p + "README", "a", p + "readme", "b")));
        cases.put("outside the module", GoZips.zip(orderedMap("go.mod", goMod, "a.go", "package bad\n")));
        cases.put("declares module path", GoZips.zip(orderedMap(p + "go.mod", "module example.com/other\n",
                p + "a.go", "package bad\n")));
        cases.put("nested module", GoZips.zip(orderedMap(p + "go.mod", goMod, p + "sub/go.mod", "module " + m + "/sub\n",
                p + "sub/s.go", "package sub\n")));
        cases.put("vendored package", GoZips.zip(orderedMap(p + "go.mod", goMod, p + "vendor/example.org/dep/dep.go",
                "package dep\n")));
        cases.put("not a readable zip|not a zip", "this is not a zip".getBytes(StandardCharsets.UTF_8));
        cases.put("at most 524288000|larger than 524288000", GoZips.bomb(p + "zeros.bin", 501L << 20));
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            HttpResponse<String> r = put(ak, "go-local", m + "/@v/v1.0.0.zip", c.getValue());
            assertThat(r.statusCode()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(c.getKey()).containsAnyOf(c.getKey().split("\\|"));
        }
        // versions: not canonical, and v2+ without a /v2 suffix or +incompatible
        Map<String, String> versions = orderedMap("v1.0", "canonical", "1.0.0", "canonical", "v1.0.0+build", "canonical",
                "v2.0.0", "should be v0 or v1");
        for (Map.Entry<String, String> v : versions.entrySet()) {
            HttpResponse<String> r = put(ak, "go-local", m + "/@v/" + v.getKey() + ".zip", GoZips.module(m, v.getKey(),
                    orderedMap("go.mod", goMod)));
            assertThat(r.statusCode()).as(v.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains(v.getValue());
        }
        HttpResponse<String> inc = put(ak, "go-local", m + "/@v/v2.0.0+incompatible.zip", GoZips.module(m, "v2.0.0+incompatible",
                orderedMap("a.go", "package bad\n")));
        assertThat(inc.statusCode()).as("+incompatible without go.mod is allowed: " + inc.body()).isEqualTo(201);
        // a .mod whose module directive names another module, and an .info for another version
        assertThat(put(ak, "go-local", m + "/@v/v1.0.1.mod", "module example.com/other\n".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(400);
        assertThat(put(ak, "go-local", m + "/@v/v1.0.1.info", "{\"Version\":\"v1.0.2\"}".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(400);

        JsonNode items = Distribution.parse(ak.send("GET", "/api/v1/repositories/go-local/artifacts?per_page=200", admin, null,
                null)).get("items");
        List<String> paths = new ArrayList<>();
        items.forEach(i -> paths.add(i.get("path").asText()));
        assertThat(paths.stream().filter(x -> x.startsWith(m + "/"))).as("only the +incompatible upload was stored")
                .allMatch(x -> x.contains("v2.0.0+incompatible"));
        assertThat(get(ak, "go-local", m + "/@v/v1.0.0.zip").statusCode()).isEqualTo(404);
        assertThat(get(ak, "go-local", m + "/@v/list").body()).isEqualTo("v2.0.0+incompatible\n");
        // the artifacts API applies the same rules
        HttpResponse<String> api = ak.send("PUT", "/api/v1/repositories/go-local/artifacts/" + m + "/@v/v1.0.0.zip", admin,
                "application/zip", cases.get("duplicate file"));
        assertThat(api.statusCode()).as(api.body()).isEqualTo(400);
        assertThat(api.body()).contains("duplicate file");
        api = ak.send("PUT", "/api/v1/repositories/go-local/artifacts/" + m + "/@v/v1.0.3.zip", admin, "application/zip",
                GoZips.module(m, "v1.0.3", orderedMap("go.mod", goMod, "a.go", "package bad\n")));
        assertThat(api.statusCode()).as(api.body()).isEqualTo(201);
        assertThat(ak.send("DELETE", "/api/v1/repositories/go-local/artifacts/" + m + "/@v/v1.0.3.zip", admin, null, null)
                .statusCode()).isBetween(200, 204);
        // uploads go to local repositories only
        assertThat(put(ak, "go-remote", m + "/@v/v1.0.0.mod", goMod.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(405);
        assertThat(put(ak, "go-virtual", m + "/@v/v1.0.0.mod", goMod.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
    }

    // ---- the go command ------------------------------------------------------------------------

    record Go(int exit, String output) {
        Go ok() {
            assertThat(exit).as("exit code; output:\n" + output).isZero();
            return this;
        }
    }

    /** Runs the go command in {@code dir} with GOPROXY at {@code repo} and a module cache of its own. */
    private Go go(Path dir, String repo, String cacheName, Path netrcFile, String... args) throws Exception {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(goBinary);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GO"));
        Path gopath = work.resolve("gopath-" + cacheName);
        env.put("HOME", work.resolve("home").toString());
        env.put("GOPATH", gopath.toString());
        env.put("GOMODCACHE", gopath.resolve("pkg/mod").toString());
        env.put("GOCACHE", work.resolve("gocache").toString());
        env.put("GOPROXY", repo.contains("://") ? repo : ak.httpsUrl() + "/go/" + repo);
        env.put("SSL_CERT_FILE", tls.certificatePem().toString());
        env.put("GOSUMDB", "off");
        env.put("GONOSUMDB", "*");
        env.put("GOFLAGS", "-mod=mod");
        env.put("GO111MODULE", "on");
        env.put("CGO_ENABLED", "0");
        env.put("NETRC", netrcFile.toString());
        Path log = Files.createTempFile(work, "go-", ".log");
        pb.redirectOutput(log.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " timed out:\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        System.out.println("[go-it] GOPROXY=" + env.get("GOPROXY").replaceAll("//[^/@]*@", "//***@") + " $ go " + String.join(" ", args) + " -> " + p.exitValue()
                + "\n" + out);
        return new Go(p.exitValue(), out);
    }

    private Path consumer(String name, Map<String, String> requires, String mainBody, List<String> imports) throws Exception {
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        StringBuilder mod = new StringBuilder("module example.com/" + name + "\n\ngo 1.19\n\nrequire (\n");
        requires.forEach((k, v) -> mod.append('\t').append(k).append(' ').append(v).append('\n'));
        mod.append(")\n");
        Files.writeString(dir.resolve("go.mod"), mod);
        StringBuilder src = new StringBuilder("package main\n\nimport (\n\t\"fmt\"\n");
        imports.forEach(i -> src.append('\t').append(i).append('\n'));
        src.append(")\n\nfunc main() {\n").append(mainBody).append("}\n");
        Files.writeString(dir.resolve("main.go"), src);
        return dir;
    }

    private String buildAndRun(Path dir, String repo, String cache) throws Exception {
        go(dir, repo, cache, netrc, "mod", "download", "-x").ok();
        go(dir, repo, cache, netrc, "build", "-o", "app", ".").ok();
        Process p = new ProcessBuilder(dir.resolve("app").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(Files.readString(dir.resolve("go.sum"))).as("go.sum records the downloaded modules").isNotBlank();
        return out;
    }

    @Test
    @Order(-8)
    void goBuildsFromTheLocalRepository() throws Exception {
        Path dir = consumer("fromlocal", orderedMap(GREET, "v1.1.0", GREET + "/v2", "v2.0.0"),
                "\tfmt.Println(greet.Hello())\n\tfmt.Println(greet2.Hello())\n",
                List.of("greet \"" + GREET + "\"", "greet2 \"" + GREET + "/v2\""));
        // without credentials the private repository answers 401 and the go command says so
        Path empty = work.resolve("empty-netrc");
        Files.writeString(empty, "");
        Go denied = go(dir, "go-local", "denied", empty, "mod", "download");
        assertThat(denied.exit()).isNotZero();
        assertThat(denied.output()).contains("401");

        long authed = authenticatedGoRequests("go-local");
        assertThat(buildAndRun(dir, "go-local", "local")).isEqualTo("hello from Greet v1.1.0\nhello from Greet v2.0.0\n");
        assertThat(authenticatedGoRequests("go-local") - authed).as("requests that carried the .netrc credentials")
                .isPositive();
        assertThat(work.resolve("gopath-local/pkg/mod/cache/download/example.com/!greet/@v/v1.1.0.zip")).exists();
        // queries go through @v/list and @latest
        assertThat(go(dir, "go-local", "local", netrc, "list", "-m", "-versions", GREET).ok().output())
                .contains(GREET + " v1.0.0 v1.1.0");
        go(dir, "go-local", "local", netrc, "get", GREET + "@v1.0.0").ok();
        assertThat(Files.readString(dir.resolve("go.mod"))).contains(GREET + " v1.0.0");
        go(dir, "go-local", "local", netrc, "get", GREET + "@latest").ok();
        assertThat(Files.readString(dir.resolve("go.mod"))).contains(GREET + " v1.1.0");
        // over plain HTTP the go command sends no credentials at all (neither .netrc nor user:password in
        // GOPROXY: "refusing to pass credentials to insecure URL"); a public repository needs none
        String plainUrl = ak.url() + "/go/go-public";
        Go plain = go(dir, plainUrl, "plain", empty, "mod", "download", "-x");
        assertThat(plain.ok().output()).contains("/go/go-public/example.com/%21greet/@v/v1.1.0.zip");
        assertThat(work.resolve("gopath-plain/pkg/mod/cache/download/example.com/!greet/v2/@v/v2.0.0.zip")).exists();
    }

    @Test
    @Order(-7)
    void goBuildsThroughTheRemoteRepository() throws Exception {
        Path dir = consumer("fromremote", Map.of(WORDS, "v0.2.0"), "\tfmt.Println(words.Word())\n",
                List.of("\"" + WORDS + "\""));
        assertThat(buildAndRun(dir, "go-remote", "remote")).isEqualTo("upstream words v0.2.0\n");
        assertThat(go(dir, "go-remote", "remote", netrc, "list", "-m", "-versions", WORDS).ok().output())
                .contains(WORDS + " v0.1.0 v0.2.0");
        // the remote cached what it fetched
        JsonNode items = Distribution.parse(ak.send("GET", "/api/v1/repositories/go-remote/artifacts?per_page=100", admin, null,
                null)).get("items");
        List<String> cached = new ArrayList<>();
        items.forEach(i -> cached.add(i.get("path").asText()));
        assertThat(cached).contains(WORDS + "/@v/v0.2.0.zip", WORDS + "/@v/v0.2.0.mod");

        // the version list is metadata: served from the cache within its TTL (5 s here), refreshed after it
        assertThat(get(ak, "go-remote", WORDS + "/@v/list").body()).isEqualTo("v0.1.0\nv0.2.0\n");
        HttpResponse<String> r = put(upstream, "go-up", WORDS + "/@v/v0.3.0.zip", wordsZip("v0.3.0"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(get(ak, "go-remote", WORDS + "/@v/list").body()).as("within the TTL").isEqualTo("v0.1.0\nv0.2.0\n");
        // polled under a deadline rather than slept: the list changes once its 5 s TTL is over
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String list;
        while (!(list = get(ak, "go-remote", WORDS + "/@v/list").body()).contains("v0.3.0")) {
            assertThat(System.nanoTime()).as("the remote's list still lacks v0.3.0 a minute later: %s", list)
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
        assertThat(go(dir, "go-remote", "remote", netrc, "list", "-m", "-versions", WORDS).ok().output())
                .contains(WORDS + " v0.1.0 v0.2.0 v0.3.0");
        assertThat(Distribution.JSON.readTree(get(ak, "go-remote", WORDS + "/@latest").body()).get("Version").asText())
                .isEqualTo("v0.3.0");
    }

    private static byte[] wordsZip(String v) throws Exception {
        return GoZips.module(WORDS, v, orderedMap("words.go",
                "package words\n\n// Word names the version.\nfunc Word() string { return \"upstream words " + v + "\" }\n"));
    }

    @Test
    @Order(-6)
    void goBuildsThroughTheVirtualRepository() throws Exception {
        Path dir = consumer("fromvirtual", orderedMap(GREET, "v1.0.0", WORDS, "v0.1.0"),
                "\tfmt.Println(greet.Hello())\n\tfmt.Println(words.Word())\n",
                List.of("greet \"" + GREET + "\"", "\"" + WORDS + "\""));
        assertThat(buildAndRun(dir, "go-virtual", "virtual")).isEqualTo("hello from Greet v1.0.0\nupstream words v0.1.0\n");
        // the virtual list merges its members; @latest resolves across them
        assertThat(go(dir, "go-virtual", "virtual", netrc, "list", "-m", "-versions", GREET, WORDS).ok().output())
                .contains(GREET + " v1.0.0 v1.1.0").contains(WORDS + " v0.1.0 v0.2.0 v0.3.0");
        go(dir, "go-virtual", "virtual", netrc, "get", WORDS + "@latest", GREET + "@latest").ok();
        assertThat(Files.readString(dir.resolve("go.mod"))).contains(WORDS + " v0.3.0").contains(GREET + " v1.1.0");
        go(dir, "go-virtual", "virtual", netrc, "build", "-o", "app", ".").ok();
        Process p = new ProcessBuilder(dir.resolve("app").toString()).redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("hello from Greet v1.1.0\nupstream words v0.3.0\n");
        // merged list over HTTP, and a member's module through the virtual by its exact version
        String list = get(ak, "go-virtual", WORDS + "/@v/list").body();
        assertThat(list).isEqualTo("v0.1.0\nv0.2.0\nv0.3.0\n");
    }

    private static <V> Map<String, V> orderedMap(Object... kv) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            @SuppressWarnings("unchecked")
            V v = (V) kv[i + 1];
            m.put((String) kv[i], v);
        }
        return m;
    }
}
