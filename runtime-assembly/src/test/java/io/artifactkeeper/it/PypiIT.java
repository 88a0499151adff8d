package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * PyPI end to end with the real clients: twine uploads wheels and sdists built here by setuptools,
 * poetry publishes and installs, pip installs (always {@code --isolated} with an explicit index:
 * this machine's global pip configuration adds mirrors and constraints) from a local, a remote whose
 * upstream is a second server, and a virtual repository; plus the format TCK, the single-flight
 * and stale-serving behaviour of the remote, and refused uploads that leave nothing behind.
 */
class PypiIT extends FormatTck {
    private static final String PASSWORD = Distribution.ADMIN_PASSWORD;
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(3);

    private Path tmp;
    private Path home;
    private String pip;
    private String twine;
    private String poetry;
    private String buildPython;

    @Override
    protected String formatKey() {
        return "pypi";
    }

    @Override
    protected String mount() {
        return "pypi";
    }

    // --- the TCK's sample: a small wheel per variant

    /**
     * The TCK republishes a variant's name with another variant's bytes ("both" with the bytes of
     * "both-upstream"), so the project comes from the variant without that suffix and only the
     * bytes differ.
     */
    @Override
    protected Sample sample(String variant) throws Exception {
        String project = "tck-" + variant.replace("-upstream", "");
        String dist = project.replace('-', '_');
        String filename = dist + "-1.0-py3-none-any.whl";
        return new Sample("packages/" + project + "/1.0/" + filename, wheel(dist, "1.0",
                metadata(project, "1.0"), Map.of(dist + "/__init__.py", "VARIANT = '" + variant + "'\n")));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        String filename = s.name().substring(s.name().lastIndexOf('/') + 1);
        String project = s.name().split("/")[1];
        HttpResponse<String> r = upload(server, repoKey, fields(project, "1.0", s.bytes()), filename, s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Override
    protected String downloadPath(Sample s) {
        return s.name();
    }

    /** A file through a remote costs two upstream requests: the project page, then the file. */
    @Override
    protected long expectedUpstreamFetches() {
        return 2;
    }

    // --- setup

    @BeforeAll
    void clientsAndRepositories() throws Exception {
        tmp = Files.createTempDirectory("ak-pypi-it");
        home = Files.createDirectories(tmp.resolve("home"));
        pip = tool("pip", "python3-pip");
        twine = tool("twine", "twine");
        poetry = tool("poetry", "python3-poetry");
        buildPython = "/usr/bin/python3";
        // the README says "tested with >= these"
        for (String tool : List.of(pip, twine, poetry)) {
            System.out.println("PypiIT client: " + run(tmp, env(), tool, "--version").out().strip().lines().findFirst()
                    .orElse(tool + ": no version"));
        }
        Result r = run(tmp, env(), buildPython, "-c", "import setuptools, wheel");
        assertThat(r.code()).as("the Debian python3 must have setuptools and wheel to build the test packages "
                + "(apt packages python3-setuptools python3-wheel): " + r.out()).isZero();

        for (Distribution d : List.of(upstream, ak)) {
            createRepo(d, Map.of("key", "py-local", "format", "pypi"));
        }
        createRepo(ak, Map.of("key", "py-poetry", "format", "poetry"));
        createRepo(ak, Map.of("key", "py-bad", "format", "pypi"));
        // the upstream is the second server's local repository; a 1 s TTL makes later reads revalidate
        createRepo(ak, Map.of("key", "py-remote", "format", "pypi", "repo_type", "remote", "upstream_url",
                upstream.url() + "/pypi/py-local/simple/", "settings", Map.of("upstream_username", "admin",
                        "upstream_password", PASSWORD, "metadata_ttl_seconds", 1)));
        createRepo(ak, Map.of("key", "py-remote-burst", "format", "pypi", "repo_type", "remote", "upstream_url",
                upstream.url() + "/pypi/py-local", "settings", Map.of("upstream_username", "admin",
                        "upstream_password", PASSWORD)));
        createRepo(ak, Map.of("key", "py-virtual", "format", "pypi", "repo_type", "virtual"));
        json(ak, "PUT", "/api/v1/repositories/py-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "py-local", "priority", 1), Map.of("member_key", "py-remote", "priority", 2))), 200);
    }

    private void createRepo(Distribution d, Map<String, Object> body) throws Exception {
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    // --- twine + pip on a local repository

    @Test
    @Order(1)
    void twineUploadsAWheelAndAnSdistAndPipInstallsFromLocal() throws Exception {
        List<Path> dists = buildWithSetuptools("ak-twine-demo", "1.0", "local-1.0");
        assertThat(dists).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("ak_twine_demo-1.0-py3-none-any.whl", "ak-twine-demo-1.0.tar.gz");
        twineUpload(ak, "py-local", dists);

        // the simple index lists both, with hashes, Requires-Python and the wheel's metadata file
        HttpResponse<String> html = ak.send("GET", "/pypi/py-local/simple/ak-twine-demo/", admin, null, null);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(html.headers().firstValue("Vary").orElse("")).contains("Accept");
        for (Path p : dists) {
            assertThat(html.body()).contains(p.getFileName() + "#sha256=" + sha256(Files.readAllBytes(p)));
        }
        assertThat(html.body()).contains("data-requires-python=\"&gt;=3.7\"").contains("data-core-metadata=\"sha256=")
                .contains("data-dist-info-metadata=\"sha256=");

        Path target = tmp.resolve("pip-local");
        pipInstall(ak, "py-local", target, "ak-twine-demo");
        assertThat(Files.readString(target.resolve("ak_twine_demo/__init__.py"))).contains("local-1.0");
        // pip read the PEP 658 metadata file instead of downloading the wheel to resolve
        assertThat(ak.logText()).contains("GET /pypi/py-local/packages/ak-twine-demo/1.0/ak_twine_demo-1.0-py3-none-any.whl.metadata 200");

        // the sdist installs too: Debian's pip builds it with the system setuptools, offline
        Path fromSdist = tmp.resolve("pip-sdist");
        Result r = run(tmp, env(), buildPython, "-m", "pip", "install", "--isolated", "--disable-pip-version-check",
                "--no-cache-dir", "--no-build-isolation", "--no-binary", "ak-twine-demo", "--index-url",
                indexUrl(ak, "py-local"), "--target", fromSdist.toString(), "ak-twine-demo");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("ak-twine-demo-1.0.tar.gz");
        assertThat(Files.readString(fromSdist.resolve("ak_twine_demo/__init__.py"))).contains("local-1.0");

        // the same upload again is accepted (idempotent); other bytes under the same name are not
        twineUpload(ak, "py-local", dists);
        List<Path> changed = buildWithSetuptools("ak-twine-demo", "1.0", "changed-bytes");
        Result again = run(tmp, env(), twine, "upload", "--disable-progress-bar", "--non-interactive", "--repository-url",
                ak.url() + "/pypi/py-local/", "-u", "admin", "-p", PASSWORD, wheelOf(changed).toString());
        assertThat(again.code()).as(again.out()).isNotZero();
        assertThat(again.out()).contains("409");
        Result skip = run(tmp, env(), twine, "upload", "--skip-existing", "--disable-progress-bar", "--non-interactive",
                "--repository-url", ak.url() + "/pypi/py-local/", "-u", "admin", "-p", PASSWORD, wheelOf(changed).toString());
        assertThat(skip.code()).as(skip.out()).isZero();
        assertThat(skip.out()).contains("Skipping");
        assertThat(ak.getBytes("/pypi/py-local/packages/ak-twine-demo/1.0/ak_twine_demo-1.0-py3-none-any.whl", admin).body())
                .as("the first upload stays").isEqualTo(Files.readAllBytes(wheelOf(dists)));
    }

    @Test
    @Order(2)
    void simpleIndexNegotiationNormalizationAndMetadataFiles() throws Exception {
        List<Path> dists = buildWithSetuptools("Ak.Index_Demo", "2.1", "index-demo");
        twineUpload(ak, "py-local", dists);
        Path whl = wheelOf(dists);

        // PEP 691 JSON for clients that ask for it
        HttpResponse<String> js = ak.send("GET", "/pypi/py-local/simple/ak-index-demo/", admin, null, null,
                "Accept", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.1");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("application/vnd.pypi.simple.v1+json");
        assertThat(js.headers().firstValue("Vary").orElse("")).contains("Accept");
        JsonNode page = Distribution.parse(js);
        assertThat(page.at("/meta/api-version").asText()).isEqualTo("1.1");
        assertThat(page.get("name").asText()).isEqualTo("ak-index-demo");
        assertThat(page.get("versions").toString()).isEqualTo("[\"2.1\"]");
        JsonNode wf = null;
        for (JsonNode f : page.get("files")) {
            if (f.get("filename").asText().endsWith(".whl")) {
                wf = f;
            }
        }
        assertThat(wf).isNotNull();
        assertThat(wf.at("/hashes/sha256").asText()).isEqualTo(sha256(Files.readAllBytes(whl)));
        assertThat(wf.get("size").asLong()).isEqualTo(Files.size(whl));
        assertThat(wf.get("requires-python").asText()).isEqualTo(">=3.7");
        assertThat(wf.get("yanked").asBoolean()).isFalse();
        String metaSha = wf.at("/core-metadata/sha256").asText();
        assertThat(wf.at("/dist-info-metadata/sha256").asText()).isEqualTo(metaSha);

        // the metadata file is the wheel's METADATA, with the hash the page announced
        HttpResponse<byte[]> md = ak.getBytes(pathOf(wf.get("url").asText()) + ".metadata", admin);
        assertThat(md.statusCode()).isEqualTo(200);
        assertThat(sha256(md.body())).isEqualTo(metaSha);
        assertThat(new String(md.body(), StandardCharsets.UTF_8)).contains("Name: Ak.Index-Demo").contains("Version: 2.1");
        // an sdist of metadata 2.1 gets no metadata file (its PKG-INFO may omit dependencies)
        Path sdist = dists.stream().filter(p -> p.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
        assertThat(ak.getBytes("/pypi/py-local/packages/ak-index-demo/2.1/" + sdist.getFileName() + ".metadata", admin)
                .statusCode()).isEqualTo(404);

        // HTML flavours and 406
        HttpResponse<String> v1html = ak.send("GET", "/pypi/py-local/simple/ak-index-demo/", admin, null, null,
                "Accept", "application/vnd.pypi.simple.v1+html");
        assertThat(v1html.headers().firstValue("Content-Type").orElse("")).startsWith("application/vnd.pypi.simple.v1+html");
        assertThat(ak.send("GET", "/pypi/py-local/simple/ak-index-demo/", admin, null, null, "Accept", "application/xml")
                .statusCode()).isEqualTo(406);

        // non-normalized names redirect to the normalized page (pip follows)
        HttpResponse<String> redirect = ak.send("GET", "/pypi/py-local/simple/AK.Index_Demo/", admin, null, null);
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("Location").orElse("")).endsWith("/pypi/py-local/simple/ak-index-demo/");
        Path target = tmp.resolve("pip-normalized");
        pipInstall(ak, "py-local", target, "AK_index.demo==2.1");
        assertThat(target.resolve("ak_index_demo")).isDirectory();

        // the project list, in both forms
        HttpResponse<String> list = ak.send("GET", "/pypi/py-local/simple/", admin, null, null);
        assertThat(list.body()).contains("<a href=\"" + ak.url() + "/pypi/py-local/simple/ak-index-demo/\">Ak.Index-Demo</a>");
        JsonNode listJson = Distribution.parse(ak.send("GET", "/pypi/py-local/simple/", admin, null, null, "Accept",
                "application/vnd.pypi.simple.v1+json"));
        assertThat(listJson.get("projects").findValuesAsText("name")).contains("Ak.Index-Demo", "ak-twine-demo");
        assertThat(ak.send("GET", "/pypi/py-local/simple/no-such-project/", admin, null, null).statusCode()).isEqualTo(404);

        // every file is an artifact with name and version
        JsonNode arts = Distribution.parse(ak.send("GET", "/api/v1/repositories/py-local/artifacts?q=index&per_page=100",
                admin, null, null));
        assertThat(arts.get("items").findValuesAsText("path"))
                .contains("packages/ak-index-demo/2.1/" + whl.getFileName());
        assertThat(arts.get("items").findValuesAsText("version")).contains("2.1");
    }

    // --- poetry

    @Test
    @Order(3)
    void poetryPublishesAndInstalls() throws Exception {
        Path poetryHome = Files.createDirectories(tmp.resolve("poetry-home"));
        Map<String, String> env = poetryEnv(poetryHome);
        Path lib = Files.createDirectories(tmp.resolve("poetry-lib"));
        Files.createDirectories(lib.resolve("ak_poetry_lib"));
        Files.writeString(lib.resolve("ak_poetry_lib/__init__.py"), "MARKER = 'published by poetry'\n");
        Files.writeString(lib.resolve("pyproject.toml"), """
                [tool.poetry]
                name = "ak-poetry-lib"
                version = "0.3.0"
                description = "published by poetry"
                authors = ["Artifact Keeper <it@example.com>"]
                packages = [{ include = "ak_poetry_lib" }]

                [tool.poetry.dependencies]
                python = ">=3.8"

                [build-system]
                requires = ["poetry-core"]
                build-backend = "poetry.core.masonry.api"
                """);
        poetry(lib, env, "config", "repositories.ak", ak.url() + "/pypi/py-poetry/legacy/");
        poetry(lib, env, "config", "http-basic.ak", "admin", PASSWORD);
        Result pub = poetry(lib, env, "publish", "--build", "-r", "ak", "-n");
        assertThat(pub.out()).contains("ak_poetry_lib-0.3.0-py3-none-any.whl").contains("ak_poetry_lib-0.3.0.tar.gz");
        // --skip-existing: poetry recognizes our answer for an existing file
        Files.writeString(lib.resolve("ak_poetry_lib/__init__.py"), "MARKER = 'changed'\n");
        deleteTree(lib.resolve("dist"));
        poetry(lib, env, "build", "-n");
        Result again = poetry(lib, env, "publish", "-r", "ak", "-n", "--skip-existing");
        assertThat(again.out()).contains("File exists. Skipping");

        // a consumer project resolves and installs from the repository (PyPI itself disabled)
        Path app = Files.createDirectories(tmp.resolve("poetry-app"));
        Files.writeString(app.resolve("pyproject.toml"), """
                [tool.poetry]
                name = "ak-poetry-app"
                version = "0.1.0"
                description = ""
                authors = ["Artifact Keeper <it@example.com>"]

                [tool.poetry.dependencies]
                python = ">=3.8"

                [build-system]
                requires = ["poetry-core"]
                build-backend = "poetry.core.masonry.api"
                """);
        poetry(app, env, "source", "add", "--default", "ak", ak.url() + "/pypi/py-poetry/simple/");
        poetry(app, env, "add", "-n", "ak-poetry-lib");
        assertThat(Files.readString(app.resolve("poetry.lock"))).contains("ak-poetry-lib").contains("0.3.0");
        assertThat(sitePackages(app).resolve("ak_poetry_lib/__init__.py")).content().contains("published by poetry");
        // and again from the lock file into a fresh environment
        deleteTree(app.resolve(".venv"));
        poetry(app, env, "install", "--no-root", "-n");
        assertThat(sitePackages(app).resolve("ak_poetry_lib/__init__.py")).content().contains("published by poetry");
        assertThat(ak.logText()).contains("POST /pypi/py-poetry/legacy/ 200");
    }

    private Map<String, String> poetryEnv(Path poetryHome) {
        Map<String, String> env = env();
        env.put("POETRY_HOME", poetryHome.toString());
        env.put("POETRY_CONFIG_DIR", poetryHome.resolve("config").toString());
        env.put("POETRY_CACHE_DIR", poetryHome.resolve("cache").toString());
        env.put("POETRY_DATA_DIR", poetryHome.resolve("data").toString());
        env.put("POETRY_VIRTUALENVS_IN_PROJECT", "true");
        return env;
    }

    private Result poetry(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(poetry));
        cmd.addAll(List.of(args));
        Result r = run(dir, env, cmd.toArray(String[]::new));
        assertThat(r.code()).as("poetry " + String.join(" ", args) + " (apt package python3-poetry):\n" + r.out()).isZero();
        return r;
    }

    private static Path sitePackages(Path project) throws IOException {
        try (Stream<Path> s = Files.list(project.resolve(".venv/lib"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("python")).findFirst().orElseThrow()
                    .resolve("site-packages");
        }
    }

    // --- refused uploads

    @Test
    @Order(3)
    void badUploadsAreRefusedAndLeaveNothingBehind() throws Exception {
        String repo = "py-bad";
        byte[] good = wheel("bad_demo", "1.0", metadata("bad-demo", "1.0"), Map.of());
        String goodName = "bad_demo-1.0-py3-none-any.whl";

        // malformed multipart: the body ends before its closing boundary
        byte[] full = multipart(fields("bad-demo", "1.0", good), goodName, good);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 60);
        assertRefused(ak.send("POST", "/pypi/" + repo + "/", admin, "multipart/form-data; boundary=" + BOUNDARY, cut), 400,
                "multipart");
        // not multipart at all
        assertRefused(ak.send("POST", "/pypi/" + repo + "/", admin, "application/octet-stream", good), 400, "multipart");
        // wrong sha256_digest
        Map<String, String> f = fields("bad-demo", "1.0", good);
        f.put("sha256_digest", sha256("other".getBytes(StandardCharsets.UTF_8)));
        assertRefused(upload(ak, repo, f, goodName, good), 400, "SHA-256");
        // wrong BLAKE2b-256
        f = fields("bad-demo", "1.0", good);
        f.put("blake2_256_digest", "ab".repeat(32));
        assertRefused(upload(ak, repo, f, goodName, good), 400, "BLAKE2b");
        // a "wheel" that is not a zip
        byte[] notZip = "this is not a zip file\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        assertRefused(upload(ak, repo, fields("bad-demo", "1.0", notZip), goodName, notZip), 400, "not a zip");
        // a zip bomb: METADATA inflates to 64 MiB of zeros from a few KiB
        byte[] bomb = zipBomb("bad_demo-1.0.dist-info/METADATA", 64 << 20);
        assertThat(bomb.length).isLessThan(200_000);
        assertRefused(upload(ak, repo, fields("bad-demo", "1.0", bomb), goodName, bomb), 400, "at most");
        // METADATA of another project
        byte[] liar = wheel("bad_demo", "1.0", metadata("someone-else", "1.0"), Map.of());
        assertRefused(upload(ak, repo, fields("bad-demo", "1.0", liar), goodName, liar), 400, "someone-else");
        // path traversal in the file name, plain and encoded
        for (String evil : List.of("../../evil-1.0-py3-none-any.whl", "sub/../../bad_demo-1.0-py3-none-any.whl",
                "..%2F..%2Fbad_demo-1.0-py3-none-any.whl", "..\\..\\bad_demo-1.0-py3-none-any.whl")) {
            assertRefused(upload(ak, repo, fields("bad-demo", "1.0", good), evil, good), 400, "file name");
        }
        // a file of another project, a version that does not match, no file, no name
        assertRefused(upload(ak, repo, fields("other", "1.0", good), goodName, good), 400, "does not belong");
        assertRefused(upload(ak, repo, fields("bad-demo", "2.0", good), goodName, good), 400, "does not belong");
        assertRefused(ak.send("POST", "/pypi/" + repo + "/", admin, "multipart/form-data; boundary=" + BOUNDARY,
                multipart(fields("bad-demo", "1.0", good), null, null)), 400, "no file");
        Map<String, String> noName = fields("bad-demo", "1.0", good);
        noName.remove("name");
        assertRefused(upload(ak, repo, noName, goodName, good), 400, "name and version");
        // anonymous and wrong credentials
        assertThat(ak.send("POST", "/pypi/" + repo + "/", null, "multipart/form-data; boundary=" + BOUNDARY, full)
                .statusCode()).isEqualTo(401);
        // uploads to a remote or a virtual repository
        assertThat(upload(ak, "py-remote", fields("bad-demo", "1.0", good), goodName, good).statusCode()).isEqualTo(405);
        assertThat(upload(ak, "py-virtual", fields("bad-demo", "1.0", good), goodName, good).statusCode()).isEqualTo(400);

        JsonNode arts = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts", admin, null, null));
        assertThat(arts.get("total").asInt()).as("nothing stored: " + arts).isZero();
        assertThat(ak.send("GET", "/pypi/" + repo + "/simple/bad-demo/", admin, null, null).statusCode()).isEqualTo(404);

        // and the good one still goes in
        assertThat(upload(ak, repo, fields("bad-demo", "1.0", good), goodName, good).statusCode()).isEqualTo(200);
        assertThat(Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts", admin, null, null))
                .get("items").findValuesAsText("path")).containsExactlyInAnyOrder(
                        "packages/bad-demo/1.0/" + goodName, "packages/bad-demo/1.0/" + goodName + ".metadata");
        // a wheel put through the artifacts API is checked the same way
        assertThat(ak.send("PUT", "/api/v1/repositories/" + repo + "/artifacts/packages/bad-demo/1.1/bad_demo-1.1-py3-none-any.whl",
                admin, "application/octet-stream", bomb).statusCode()).isEqualTo(400);
    }

    private static void assertRefused(HttpResponse<String> r, int status, String why) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).containsIgnoringCase(why);
    }

    // --- remote and virtual

    @Test
    @Order(5)
    void pipInstallsThroughTheRemoteAndTheVirtualRepository() throws Exception {
        twineUpload(upstream, "py-local", buildWithSetuptools("ak-upstream-only", "1.0", "from-upstream"));
        twineUpload(upstream, "py-local", buildWithSetuptools("ak-shared", "1.0", "upstream-1.0"));
        twineUpload(upstream, "py-local", buildWithSetuptools("ak-shared", "2.0", "upstream-2.0"));
        List<Path> localShared = buildWithSetuptools("ak-shared", "2.0", "local-2.0");
        twineUpload(ak, "py-local", localShared);

        // the remote rewrites the upstream's file URLs to itself
        HttpResponse<String> remotePage = ak.send("GET", "/pypi/py-remote/simple/ak-upstream-only/", admin, null, null);
        assertThat(remotePage.statusCode()).as(remotePage.body()).isEqualTo(200);
        assertThat(remotePage.body()).contains("href=\"" + ak.url() + "/pypi/py-remote/packages/ak-upstream-only/1.0/")
                .doesNotContain(upstream.url()).contains("data-core-metadata=\"sha256=");
        Path viaRemote = tmp.resolve("pip-remote");
        pipInstall(ak, "py-remote", viaRemote, "ak-upstream-only");
        assertThat(Files.readString(viaRemote.resolve("ak_upstream_only/__init__.py"))).contains("from-upstream");
        assertThat(upstream.logText()).contains("GET /pypi/py-local/simple/ak-upstream-only/ 200")
                .contains("GET /pypi/py-local/packages/ak-upstream-only/1.0/ak_upstream_only-1.0-py3-none-any.whl 200");
        JsonNode cached = Distribution.parse(ak.send("GET", "/api/v1/repositories/py-remote/artifacts", admin, null, null));
        assertThat(cached.get("items").findValuesAsText("path"))
                .contains("packages/ak-upstream-only/1.0/ak_upstream_only-1.0-py3-none-any.whl");

        // the virtual merges: local's 2.0 wins over the upstream's file of the same name, 1.0 comes from the remote
        JsonNode merged = Distribution.parse(ak.send("GET", "/pypi/py-virtual/simple/ak-shared/", admin, null, null,
                "Accept", "application/vnd.pypi.simple.v1+json"));
        Map<String, String> shaByFile = new HashMap<>();
        for (JsonNode file : merged.get("files")) {
            shaByFile.put(file.get("filename").asText(), file.at("/hashes/sha256").asText());
            assertThat(file.get("url").asText()).startsWith(ak.url() + "/pypi/py-virtual/packages/ak-shared/");
        }
        assertThat(shaByFile).containsKeys("ak_shared-1.0-py3-none-any.whl", "ak_shared-2.0-py3-none-any.whl",
                "ak-shared-1.0.tar.gz", "ak-shared-2.0.tar.gz");
        assertThat(shaByFile.get("ak_shared-2.0-py3-none-any.whl")).isEqualTo(sha256(Files.readAllBytes(wheelOf(localShared))));
        Path viaVirtual = tmp.resolve("pip-virtual");
        pipInstall(ak, "py-virtual", viaVirtual, "ak-shared", "ak-upstream-only", "ak-twine-demo");
        assertThat(Files.readString(viaVirtual.resolve("ak_shared/__init__.py"))).contains("local-2.0");
        assertThat(viaVirtual.resolve("ak_upstream_only")).isDirectory();
        Path old = tmp.resolve("pip-virtual-old");
        pipInstall(ak, "py-virtual", old, "ak-shared==1.0");
        assertThat(Files.readString(old.resolve("ak_shared/__init__.py"))).contains("upstream-1.0");

        JsonNode projects = Distribution.parse(ak.send("GET", "/pypi/py-virtual/simple/", admin, null, null, "Accept",
                "application/vnd.pypi.simple.v1+json"));
        assertThat(projects.get("projects").findValuesAsText("name")).contains("ak-shared", "ak-upstream-only",
                "ak-twine-demo");
    }

    /**
     * A plain PEP 503 upstream: static folder listings with relative links, no hashes, no JSON, no
     * metadata files (here the second server's generic repository, whose folder pages are just that).
     */
    @Test
    @Order(5)
    void aRemoteOfAStaticHtmlIndexWithRelativeLinks() throws Exception {
        createRepo(upstream, Map.of("key", "static-index", "format", "generic"));
        byte[] w = wheel("ak_static", "1.0", metadata("ak-static", "1.0"), Map.of("ak_static/__init__.py",
                "MARKER = 'static index'\n"));
        assertThat(upstream.send("PUT", "/general/static-index/simple/ak-static/ak_static-1.0-py3-none-any.whl",
                upstream.adminBasic(), "application/octet-stream", w).statusCode()).isEqualTo(201);
        createRepo(ak, Map.of("key", "py-remote-static", "format", "pypi", "repo_type", "remote", "upstream_url",
                upstream.url() + "/general/static-index/", "settings", Map.of("upstream_username", "admin",
                        "upstream_password", PASSWORD)));
        HttpResponse<String> page = ak.send("GET", "/pypi/py-remote-static/simple/ak-static/", admin, null, null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("href=\"" + ak.url()
                + "/pypi/py-remote-static/packages/ak-static/1.0/ak_static-1.0-py3-none-any.whl\"");
        Path target = tmp.resolve("pip-static");
        pipInstall(ak, "py-remote-static", target, "ak-static");
        assertThat(Files.readString(target.resolve("ak_static/__init__.py"))).contains("static index");
        assertThat(upstream.logText()).contains("GET /general/static-index/simple/ak-static/ak_static-1.0-py3-none-any.whl 200");
    }

    @Test
    @Order(5)
    void fiftyConcurrentFirstRequestsForAProjectPageReachTheUpstreamOnce() throws Exception {
        byte[] w = wheel("ak_burst", "1.0", metadata("ak-burst", "1.0"), Map.of());
        assertThat(upload(upstream, "py-local", fields("ak-burst", "1.0", w), "ak_burst-1.0-py3-none-any.whl", w)
                .statusCode()).isEqualTo(200);
        long proxiedBefore = proxyUpstreamRequests();
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(() -> ak.send("GET", "/pypi/py-remote-burst/simple/ak-burst/", admin, null, null));
            }
            for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                assertThat(f.get().statusCode()).isEqualTo(200);
                assertThat(f.get().body()).contains("ak_burst-1.0-py3-none-any.whl#sha256=" + sha256(w));
            }
        } finally {
            pool.shutdownNow();
        }
        long pageHits = count(upstream.logText(), "GET /pypi/py-local/simple/ak-burst/ 200");
        long proxied = proxyUpstreamRequests() - proxiedBefore;
        System.out.printf("[measure] pypi: %d concurrent first requests for a project page reached the upstream %d time(s)"
                + " (remote counted %d upstream request(s))%n", n, pageHits, proxied);
        assertThat(pageHits).isEqualTo(1);
        assertThat(proxied).isEqualTo(1);
    }

    /** After the TCK stopped the upstream (order 7): the remote and the virtual still install what they cached. */
    @Test
    @Order(8)
    void theRemoteKeepsServingWhatItCachedAfterTheUpstreamStops() throws Exception {
        upstream.stop(Duration.ofSeconds(60));
        // past the remote's 1 s metadata TTL: the next read tries to revalidate, fails, serves the cached page
        Thread.sleep(1500);
        Path target = tmp.resolve("pip-stale");
        pipInstall(ak, "py-remote", target, "ak-upstream-only");
        assertThat(Files.readString(target.resolve("ak_upstream_only/__init__.py"))).contains("from-upstream");
        Path virtual = tmp.resolve("pip-stale-virtual");
        pipInstall(ak, "py-virtual", virtual, "ak-upstream-only", "ak-shared");
        assertThat(Files.readString(virtual.resolve("ak_shared/__init__.py"))).contains("local-2.0");
        assertThat(ak.logText()).contains("serving cached copy of .upstream/simple/ak-upstream-only");
        // what was never cached cannot be had
        assertThat(ak.send("GET", "/pypi/py-remote/simple/ak-never-cached/", admin, null, null).statusCode()).isEqualTo(502);
        // the virtual still answers from its local member when the remote member has nothing
        assertThat(ak.send("GET", "/pypi/py-virtual/simple/ak-twine-demo/", admin, null, null).statusCode()).isEqualTo(200);
    }

    private long proxyUpstreamRequests() throws Exception {
        Matcher m = Pattern.compile("(?m)^ak_proxy_upstream_requests_total (\\d+)").matcher(
                ak.send("GET", "/metrics", null, null, null).body());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long count(String text, String what) {
        long n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    // --- clients

    private String indexUrl(Distribution d, String repo) {
        return "http://admin:" + PASSWORD + "@127.0.0.1:" + d.port() + "/pypi/" + repo + "/simple/";
    }

    private void pipInstall(Distribution d, String repo, Path target, String... packages) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(pip, "install", "--isolated", "--disable-pip-version-check",
                "--no-cache-dir", "--index-url", indexUrl(d, repo), "--target", target.toString()));
        cmd.addAll(List.of(packages));
        Result r = run(tmp, env(), cmd.toArray(String[]::new));
        assertThat(r.code()).as("pip install " + String.join(" ", packages) + " from " + repo + ":\n" + r.out()).isZero();
    }

    private void twineUpload(Distribution d, String repo, List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(twine, "upload", "--disable-progress-bar", "--non-interactive",
                "--repository-url", d.url() + "/pypi/" + repo + "/", "-u", "admin", "-p", PASSWORD));
        files.forEach(f -> cmd.add(f.toString()));
        Result r = run(tmp, env(), cmd.toArray(String[]::new));
        assertThat(r.code()).as("twine upload to " + repo + ":\n" + r.out()).isZero();
    }

    /** {@code setup.py sdist bdist_wheel} with the system setuptools; the module holds {@code marker}. */
    private List<Path> buildWithSetuptools(String name, String version, String marker) throws Exception {
        String module = name.toLowerCase().replace('-', '_').replace('.', '_');
        Path dir = Files.createTempDirectory(tmp, "build-" + module);
        Files.createDirectories(dir.resolve(module));
        Files.writeString(dir.resolve(module + "/__init__.py"), "MARKER = '" + marker + "'\n");
        Files.writeString(dir.resolve("setup.py"), "from setuptools import setup\nsetup(name='" + name + "', version='"
                + version + "', packages=['" + module + "'], python_requires='>=3.7', description='test package')\n");
        Result r = run(dir, env(), buildPython, "setup.py", "-q", "sdist", "bdist_wheel");
        assertThat(r.code()).as("setup.py sdist bdist_wheel (apt packages python3-setuptools python3-wheel):\n" + r.out())
                .isZero();
        try (Stream<Path> s = Files.list(dir.resolve("dist"))) {
            return s.sorted().toList();
        }
    }

    private static Path wheelOf(List<Path> dists) {
        return dists.stream().filter(p -> p.toString().endsWith(".whl")).findFirst().orElseThrow();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        // nothing from this machine's pip, poetry or twine configuration
        env.keySet().removeIf(k -> k.startsWith("PIP_") || k.startsWith("POETRY_") || k.startsWith("TWINE_"));
        env.put("HOME", home.toString());
        env.put("PIP_CONFIG_FILE", "/dev/null");
        env.put("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        return env;
    }

    private record Result(int code, String out) {
    }

    private static Result run(Path dir, Map<String, String> env, String... cmd) throws Exception {
        Path out = Files.createTempFile("ak-pypi-cmd", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + CLIENT_TIMEOUT + ":\n"
                        + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The executable on the PATH, or a failure naming the package that provides it. */
    private static String tool(String name, String aptPackage) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(name + " is not installed: this test needs the real client (apt-get install "
                + aptPackage + "; .ci/run installs it)");
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    private static String pathOf(String url) {
        return java.net.URI.create(url).getRawPath();
    }

    // --- artifacts and the upload wire format, built here

    static final String BOUNDARY = "----ak-pypi-it-7d1f0c";

    static String metadata(String name, String version) {
        return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\nSummary: test\n"
                + "Requires-Python: >=3.7\n\nA test package.\n";
    }

    static byte[] wheel(String dist, String version, String metadata, Map<String, String> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            files.forEach((k, v) -> entries.put(k, v.getBytes(StandardCharsets.UTF_8)));
            String di = dist + "-" + version + ".dist-info/";
            entries.put(di + "METADATA", metadata.getBytes(StandardCharsets.UTF_8));
            entries.put(di + "WHEEL", "Wheel-Version: 1.0\nGenerator: ak-it\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                    .getBytes(StandardCharsets.UTF_8));
            entries.put(di + "RECORD", new byte[0]);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** A zip whose one entry inflates to {@code size} zero bytes. */
    static byte[] zipBomb(String entry, int size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(entry));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < size / zeros.length; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /** The fields twine sends, in its order, with correct digests of {@code content}. */
    static Map<String, String> fields(String name, String version, byte[] content) throws Exception {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(":action", "file_upload");
        f.put("protocol_version", "1");
        f.put("name", name);
        f.put("version", version);
        f.put("filetype", "bdist_wheel");
        f.put("pyversion", "py3");
        f.put("metadata_version", "2.1");
        f.put("summary", "test");
        f.put("requires_python", ">=3.7");
        f.put("md5_digest", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
        f.put("sha256_digest", sha256(content));
        return f;
    }

    static byte[] multipart(Map<String, String> fields, String filename, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n"
                    + e.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (filename != null) {
            out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static HttpResponse<String> upload(Distribution d, String repo, Map<String, String> fields, String filename,
            byte[] content) throws Exception {
        return d.send("POST", "/pypi/" + repo + "/", d.adminBasic(), "multipart/form-data; boundary=" + BOUNDARY,
                multipart(fields, filename, content));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
