package io.artifactkeeper.it;

import static io.artifactkeeper.it.NpmClients.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.NpmClients.Result;
import io.artifactkeeper.it.tck.FormatTck;

/**
 * The npm format end to end: the format TCK (publishing by the npm wire protocol), then the real
 * clients: npm (publish, login, install, dist-tag, unpublish, audit), yarn 1, yarn 4, pnpm and
 * bower against a local repository; npm through a remote whose upstream is the second instance
 * and through one whose upstream is a verdaccio the test starts; a virtual of local + remote; the
 * remote serving its cache after the upstream stops; bad publishes refused with nothing left.
 */
class NpmIT extends FormatTck {
    private Path tmp;
    private Path home;
    private String token;
    private String upstreamToken;
    private Process verdaccio;

    @Override
    protected String formatKey() {
        return "npm";
    }

    @Override
    protected String mount() {
        return "npm";
    }

    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "tck-" + variant.toLowerCase().replaceAll("[^a-z0-9]+", "-");
        return new Sample(name, NpmClients.tgz(name, "1.0.0", "sample " + variant));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> r = server.json("PUT", "/npm/" + repoKey + "/" + s.name(), server.adminBasic(),
                NpmClients.publishDocument(s.name(), "1.0.0", s.bytes(), server.url() + "/npm/" + repoKey));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return s.name() + "/-/" + s.name() + "-1.0.0.tgz";
    }

    /** A download through the remote costs the packument (for the tarball's upstream URL) and the tarball. */
    @Override
    protected long expectedUpstreamFetches() {
        return 2;
    }

    @BeforeAll
    void npmSetUp() throws Exception {
        NpmClients.npm();
        NpmClients.node();
        tmp = Files.createTempDirectory("ak-npm-it");
        home = tmp.resolve("home");
        Files.createDirectories(home);
        // the client versions this run was tested with (READMEs say "tested with" these or later)
        for (List<String> v : List.of(List.of(NpmClients.node(), "--version"), List.of(NpmClients.npm(), "--version"),
                List.of(NpmClients.node(), NpmClients.yarnClassic().toString(), "--version"),
                List.of(NpmClients.node(), NpmClients.yarnBerry().toString(), "--version"),
                List.of(NpmClients.node(), NpmClients.pnpm().toString(), "--version"),
                List.of(NpmClients.node(), NpmClients.bower().toString(), "--version"))) {
            System.out.println("[npm-it] client: " + String.join(" ", v.subList(v.size() - 2, v.size())) + " -> "
                    + NpmClients.run(tmp, NpmClients.env(home), v).output().trim());
        }
        repo(ak, "npm-local", "local", null, false, null);
        repo(ak, "npm-public", "bower", null, true, null);
        repo(upstream, "npm-up", "local", null, false, null);
        // metadata refreshed after 1 s, so that the stale test really asks the stopped upstream
        repo(ak, "npm-remote", "remote", upstream.url() + "/npm/npm-up", false, 1);
        repo(ak, "npm-virtual", "virtual", null, false, null);
        json(ak, "PUT", "/api/v1/repositories/npm-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "npm-local", "priority", 1), Map.of("member_key", "npm-remote", "priority", 2))), 200);
        token = apiToken(ak);
        upstreamToken = apiToken(upstream);
    }

    @AfterAll
    void npmTearDown() {
        if (verdaccio != null) {
            verdaccio.descendants().forEach(ProcessHandle::destroyForcibly);
            verdaccio.destroyForcibly();
        }
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl, boolean pub, Integer ttl)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", type.equals("bower") ? "bower" : "npm",
                "repo_type", type.equals("bower") ? "local" : type, "is_public", pub));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            Map<String, Object> settings = new LinkedHashMap<>();
            if (upstreamUrl.startsWith(upstream.url())) {
                settings.put("upstream_username", "admin");
                settings.put("upstream_password", Distribution.ADMIN_PASSWORD);
            }
            if (ttl != null) {
                settings.put("metadata_ttl_seconds", ttl);
            }
            body.put("settings", settings);
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    private static String apiToken(Distribution d) throws Exception {
        HttpResponse<String> r = d.json("POST", "/api/v1/auth/tokens", d.adminBasic(), Map.of("name", "npm-it"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    private String reg(Distribution d, String repo) {
        return d.url() + "/npm/" + repo;
    }

    /** A package folder with package.json, index.js and the .npmrc to publish it. */
    private Path pkg(String dirName, String name, String version, String marker, Distribution d, String repo, String tok)
            throws Exception {
        Path dir = tmp.resolve("pkgs").resolve(dirName + "-" + version);
        NpmClients.packageJson(dir, "{\"name\":\"" + name + "\",\"version\":\"" + version
                + "\",\"description\":\"npm-it " + name + "\",\"main\":\"index.js\",\"license\":\"MIT\"}");
        Files.writeString(dir.resolve("index.js"), "module.exports = \"" + marker + "\";\n");
        NpmClients.npmrc(dir, reg(d, repo), tok);
        return dir;
    }

    private Result npmIn(Path dir, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(NpmClients.npm()));
        c.addAll(List.of(args));
        // a cache outside the package folder, or npm packs it; one per project, so installs start empty
        c.addAll(List.of("--cache", tmp.resolve("npm-caches").resolve(tmp.relativize(dir).toString().replace('/', '_'))
                .toString()));
        return NpmClients.run(dir, NpmClients.env(home), c);
    }

    private Path project(String name, Distribution d, String repo, String deps) throws Exception {
        Path dir = tmp.resolve("apps").resolve(name);
        NpmClients.packageJson(dir, "{\"name\":\"" + name + "\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{"
                + deps + "}}");
        NpmClients.npmrc(dir, reg(d, repo), d == ak ? token : upstreamToken);
        return dir;
    }

    private static String installed(Path project, String name) throws Exception {
        return Files.readString(project.resolve("node_modules").resolve(name).resolve("index.js"));
    }

    private JsonNode packument(Distribution d, String repo, String name) throws Exception {
        HttpResponse<String> r = d.send("GET", "/npm/" + repo + "/" + name.replace("/", "%2f"), d.adminBasic(), null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Distribution.parse(r);
    }

    // --- npm against a local repository

    @Test
    @Order(2)
    void npmPublishInstallDistTagsAndUnpublish() throws Exception {
        long t0 = System.nanoTime();
        Path scoped = pkg("hello", "@ak-it/hello", "1.0.0", "hello 1.0.0", ak, "npm-local", token);
        npmIn(scoped, "publish").ok();
        Path plain = pkg("plain", "ak-plain", "1.0.0", "plain", ak, "npm-local", token);
        npmIn(plain, "publish").ok();

        // the packument: checksums of the stored tarball, tarball URL on this server
        JsonNode doc = packument(ak, "npm-local", "@ak-it/hello");
        JsonNode dist = doc.at("/versions/1.0.0/dist");
        assertThat(dist.get("tarball").asText()).isEqualTo(ak.url() + "/npm/npm-local/@ak-it/hello/-/hello-1.0.0.tgz");
        HttpResponse<byte[]> tgz = ak.getBytes("/npm/npm-local/@ak-it/hello/-/hello-1.0.0.tgz", admin);
        assertThat(tgz.statusCode()).isEqualTo(200);
        assertThat(dist.get("shasum").asText()).isEqualTo(NpmClients.hex("SHA-1", tgz.body()));
        assertThat(dist.get("integrity").asText()).isEqualTo(NpmClients.integrity(tgz.body()));
        assertThat(doc.at("/dist-tags/latest").asText()).isEqualTo("1.0.0");
        // both spellings of a scoped name
        assertThat(ak.send("GET", "/npm/npm-local/@ak-it/hello", admin, null, null).statusCode()).isEqualTo(200);
        // the abbreviated form installers ask for
        HttpResponse<String> corgi = ak.send("GET", "/npm/npm-local/@ak-it%2fhello", admin, null, null, "Accept",
                "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*");
        assertThat(corgi.headers().firstValue("Content-Type").orElse("")).startsWith("application/vnd.npm.install-v1+json");
        JsonNode ab = Distribution.parse(corgi);
        assertThat(ab.has("readme")).isFalse();
        assertThat(ab.at("/versions/1.0.0").has("readme")).isFalse();
        assertThat(ab.at("/versions/1.0.0/dist/integrity").asText()).isEqualTo(NpmClients.integrity(tgz.body()));
        // revalidation, as npm --prefer-online does it
        String etag = corgi.headers().firstValue("ETag").orElseThrow();
        assertThat(ak.send("GET", "/npm/npm-local/@ak-it%2fhello", admin, null, null, "Accept",
                "application/vnd.npm.install-v1+json", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(ak.send("GET", "/npm/npm-local/no-such-package", admin, null, null).body()).contains("\"error\"");

        // the same version again: refused as npm's registry does
        Result again = npmIn(scoped, "publish");
        assertThat(again.exit()).isNotZero();
        assertThat(again.output()).contains("cannot publish over the previously published versions");
        HttpResponse<String> dup = ak.json("PUT", "/npm/npm-local/@ak-it%2fhello", admin, NpmClients.publishDocument(
                "@ak-it/hello", "1.0.0", NpmClients.tgz("@ak-it/hello", "1.0.0", "other"), reg(ak, "npm-local")));
        assertThat(dup.statusCode()).as(dup.body()).isEqualTo(403);

        // a prerelease under a tag, then dist-tag add / ls / rm
        Path next = pkg("hello", "@ak-it/hello", "1.1.0-beta.1", "hello beta", ak, "npm-local", token);
        npmIn(next, "publish", "--tag", "beta").ok();
        assertThat(packument(ak, "npm-local", "@ak-it/hello").at("/dist-tags/latest").asText()).isEqualTo("1.0.0");
        npmIn(scoped, "dist-tag", "add", "@ak-it/hello@1.0.0", "stable").ok();
        assertThat(npmIn(scoped, "dist-tag", "ls", "@ak-it/hello").ok().output())
                .contains("beta: 1.1.0-beta.1").contains("latest: 1.0.0").contains("stable: 1.0.0");
        npmIn(scoped, "dist-tag", "rm", "@ak-it/hello", "stable").ok();
        assertThat(packument(ak, "npm-local", "@ak-it/hello").at("/dist-tags").has("stable")).isFalse();

        // deprecate and undeprecate (npm PUTs the whole document back), search
        npmIn(scoped, "deprecate", "@ak-it/hello@1.0.0", "use the beta").ok();
        assertThat(packument(ak, "npm-local", "@ak-it/hello").at("/versions/1.0.0/deprecated").asText()).isEqualTo("use the beta");
        npmIn(scoped, "deprecate", "@ak-it/hello@1.0.0", "").ok();
        assertThat(packument(ak, "npm-local", "@ak-it/hello").at("/versions/1.0.0").has("deprecated")).isFalse();
        assertThat(npmIn(scoped, "search", "ak-it").ok().output()).contains("@ak-it/hello");

        // install into an empty project and cache
        Path app = project("npm-app", ak, "npm-local", "\"@ak-it/hello\":\"^1.0.0\",\"ak-plain\":\"1.0.0\"");
        npmIn(app, "install", "--prefer-online", "--no-audit").ok();
        assertThat(installed(app, "@ak-it/hello")).contains("hello 1.0.0");
        assertThat(installed(app, "ak-plain")).contains("plain");
        assertThat(Files.readString(app.resolve("package-lock.json")))
                .contains(ak.url() + "/npm/npm-local/@ak-it/hello/-/hello-1.0.0.tgz");
        Path tagged = project("npm-app-beta", ak, "npm-local", "\"@ak-it/hello\":\"beta\"");
        npmIn(tagged, "install", "--prefer-online", "--no-audit").ok();
        assertThat(installed(tagged, "@ak-it/hello")).contains("hello beta");

        // unpublish one version (npm PUTs the document without it, then deletes the tarball), then a whole package
        npmIn(scoped, "unpublish", "@ak-it/hello@1.1.0-beta.1").ok();
        JsonNode after = packument(ak, "npm-local", "@ak-it/hello");
        assertThat(after.get("versions").has("1.1.0-beta.1")).isFalse();
        assertThat(after.get("dist-tags").has("beta")).isFalse();
        assertThat(ak.getBytes("/npm/npm-local/@ak-it/hello/-/hello-1.1.0-beta.1.tgz", admin).statusCode()).isEqualTo(404);
        npmIn(plain, "unpublish", "ak-plain", "--force").ok();
        assertThat(ak.send("GET", "/npm/npm-local/ak-plain", admin, null, null).statusCode()).isEqualTo(404);
        assertThat(artifactPaths(ak, "npm-local")).noneMatch(p -> p.startsWith("ak-plain/"))
                .contains("@ak-it/hello/-/hello-1.0.0.tgz", "@ak-it/hello/package.json")
                .doesNotContain("@ak-it/hello/-/hello-1.1.0-beta.1.tgz");
        System.out.printf("[measure] npm publish/install/dist-tag/unpublish flow: %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private List<String> artifactPaths(Distribution d, String repo) throws Exception {
        JsonNode list = Distribution.parse(d.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000",
                d.adminBasic(), null, null));
        List<String> out = new ArrayList<>();
        list.get("items").forEach(i -> out.add(i.get("path").asText()));
        return out;
    }

    @Test
    @Order(2)
    void npmLoginPingAndWhoami() throws Exception {
        Path dir = tmp.resolve("login");
        Files.createDirectories(dir);
        Path rc = dir.resolve("user.npmrc");
        Files.writeString(rc, "registry=" + reg(ak, "npm-local") + "/\n");
        List<String> login = cmd(NpmClients.npm(), "login", "--userconfig", rc, "--cache", dir.resolve(".cache"));
        Result bad = NpmClients.interactive(dir, home, login, List.of(Map.entry("Username:", "admin"),
                Map.entry("Password:", "not-the-password")));
        assertThat(bad.exit()).as(bad.output()).isNotZero();
        assertThat(bad.output()).contains("401");
        Result ok = NpmClients.interactive(dir, home, login, List.of(Map.entry("Username:", "admin"),
                Map.entry("Password:", Distribution.ADMIN_PASSWORD)));
        assertThat(ok.exit()).as(ok.output()).isZero();
        String npmrc = Files.readString(rc);
        assertThat(npmrc).contains("//127.0.0.1:" + ak.port() + "/npm/npm-local/:_authToken=ak_");
        // the token it got is a real API token: whoami and publish work with it
        Result who = NpmClients.run(dir, NpmClients.env(home), cmd(NpmClients.npm(), "whoami", "--userconfig", rc,
                "--cache", dir.resolve(".cache")));
        assertThat(who.ok().output()).contains("admin");
        Path p = pkg("login-pkg", "ak-login-pkg", "1.0.0", "via login", ak, "npm-local", null);
        Files.copy(rc, p.resolve(".npmrc"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        npmIn(p, "publish").ok();
        assertThat(npmIn(p, "ping").ok().output()).contains("PONG");
        // anonymous whoami: 401 in npm's error form
        HttpResponse<String> anon = ak.send("GET", "/npm/npm-local/-/whoami", null, null, null);
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(Distribution.parse(anon).has("error")).isTrue();
    }

    // --- the other clients

    @Test
    @Order(3)
    void yarnClassicYarnBerryAndPnpmInstall() throws Exception {
        npmIn(pkg("dep", "@ak-it/dep", "1.0.0", "dep 1.0.0", ak, "npm-local", token), "publish").ok();
        Path lib = tmp.resolve("pkgs").resolve("lib");
        NpmClients.packageJson(lib, "{\"name\":\"ak-lib\",\"version\":\"2.0.0\",\"main\":\"index.js\","
                + "\"dependencies\":{\"@ak-it/dep\":\"^1.0.0\"}}");
        Files.writeString(lib.resolve("index.js"), "module.exports = \"lib 2.0.0\";\n");
        NpmClients.npmrc(lib, reg(ak, "npm-local"), token);
        npmIn(lib, "publish").ok();
        String deps = "\"ak-lib\":\"^2.0.0\"";

        Path y1 = project("yarn1-app", ak, "npm-local", deps);
        // yarn 1 sends the token for unscoped packages only with always-auth
        Files.writeString(y1.resolve(".npmrc"), "always-auth=true\n", java.nio.file.StandardOpenOption.APPEND);
        NpmClients.run(y1, home, NpmClients.node(), NpmClients.yarnClassic().toString(), "install", "--non-interactive",
                "--cache-folder", tmp.resolve("yarn1-cache").toString()).ok();
        assertThat(installed(y1, "ak-lib")).contains("lib 2.0.0");
        assertThat(installed(y1, "@ak-it/dep")).contains("dep 1.0.0");
        assertThat(Files.readString(y1.resolve("yarn.lock"))).contains(ak.url() + "/npm/npm-local/ak-lib/-/ak-lib-2.0.0.tgz");

        Path y4 = project("yarn4-app", ak, "npm-local", deps);
        Files.delete(y4.resolve(".npmrc"));
        Files.writeString(y4.resolve(".yarnrc.yml"), "npmRegistryServer: \"" + reg(ak, "npm-local") + "\"\n"
                + "unsafeHttpWhitelist:\n  - \"127.0.0.1\"\n" + "npmAuthToken: \"" + token + "\"\n" + "npmAlwaysAuth: true\n"
                + "npmMinimalAgeGate: 0\n" + "nodeLinker: node-modules\n" + "enableGlobalCache: false\n"
                + "cacheFolder: \"" + tmp.resolve("yarn4-cache") + "\"\n" + "enableTelemetry: false\n");
        Files.writeString(y4.resolve("yarn.lock"), "");
        NpmClients.run(y4, home, NpmClients.node(), NpmClients.yarnBerry().toString(), "install", "--no-immutable").ok();
        assertThat(installed(y4, "ak-lib")).contains("lib 2.0.0");
        assertThat(installed(y4, "@ak-it/dep")).contains("dep 1.0.0");

        Path pn = project("pnpm-app", ak, "npm-local", deps);
        NpmClients.run(pn, home, NpmClients.node(), NpmClients.pnpm().toString(), "install", "--store-dir",
                tmp.resolve("pnpm-store").toString(), "--cache-dir", tmp.resolve("pnpm-cache").toString()).ok();
        assertThat(installed(pn, "ak-lib")).contains("lib 2.0.0");
        assertThat(Files.readString(pn.resolve("pnpm-lock.yaml"))).contains("ak-lib@2.0.0");

        // pnpm publish of a scoped package
        Path pp = pkg("pnpm-pub", "@ak-it/from-pnpm", "1.0.0", "from pnpm", ak, "npm-local", token);
        NpmClients.run(pp, home, NpmClients.node(), NpmClients.pnpm().toString(), "publish", "--no-git-checks").ok();
        assertThat(packument(ak, "npm-local", "@ak-it/from-pnpm").at("/dist-tags/latest").asText()).isEqualTo("1.0.0");
    }

    @Test
    @Order(3)
    void bowerInstallsTheTarballItsLookupNames() throws Exception {
        Path b = pkg("bower-lib", "ak-bower-lib", "3.1.0", "bower lib", ak, "npm-public", token);
        Files.writeString(b.resolve("bower.json"), "{\"name\":\"ak-bower-lib\",\"main\":\"index.js\"}\n");
        npmIn(b, "publish").ok();
        HttpResponse<String> lookup = ak.send("GET", "/npm/npm-public/packages/ak-bower-lib", null, null, null);
        assertThat(lookup.statusCode()).isEqualTo(200);
        JsonNode l = Distribution.parse(lookup);
        assertThat(l.get("name").asText()).isEqualTo("ak-bower-lib");
        assertThat(l.get("url").asText()).isEqualTo(ak.url() + "/npm/npm-public/ak-bower-lib/-/ak-bower-lib-3.1.0.tgz");
        assertThat(ak.send("GET", "/npm/npm-public/packages/no-such-lib", null, null, null).statusCode()).isEqualTo(404);

        Path app = tmp.resolve("apps").resolve("bower-app");
        Files.createDirectories(app);
        Files.writeString(app.resolve(".bowerrc"), "{\"registry\":\"" + reg(ak, "npm-public") + "\",\"storage\":{\"packages\":\""
                + tmp.resolve("bower-cache") + "\"},\"interactive\":false}\n");
        NpmClients.run(app, home, NpmClients.node(), NpmClients.bower().toString(), "install", "ak-bower-lib",
                "--allow-root").ok();
        assertThat(Files.readString(app.resolve("bower_components/ak-bower-lib/index.js"))).contains("bower lib");
        assertThat(Files.exists(app.resolve("bower_components/ak-bower-lib/bower.json"))).isTrue();
    }

    // --- verdaccio as an upstream

    @Test
    @Order(4)
    void remoteOfAVerdaccioUpstream() throws Exception {
        int port = Distribution.freePort();
        Path v = tmp.resolve("verdaccio");
        Files.createDirectories(v);
        Files.writeString(v.resolve("config.yaml"), "storage: " + v.resolve("storage") + "\n"
                + "auth:\n  htpasswd:\n    file: " + v.resolve("htpasswd") + "\n    max_users: 100\n"
                + "uplinks: {}\n"
                + "packages:\n  '**':\n    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n"
                + "log: { type: stdout, format: pretty, level: http }\n");
        ProcessBuilder pb = new ProcessBuilder(NpmClients.node(), NpmClients.verdaccio().toString(), "--config",
                v.resolve("config.yaml").toString(), "--listen", "127.0.0.1:" + port).directory(v.toFile())
                .redirectErrorStream(true).redirectOutput(v.resolve("verdaccio.log").toFile());
        pb.environment().putAll(NpmClients.env(home));
        verdaccio = pb.start();
        String vurl = "http://127.0.0.1:" + port;
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(vurl + "/-/ping")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            if (!verdaccio.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("verdaccio did not start:\n" + Files.readString(v.resolve("verdaccio.log")));
            }
            Thread.sleep(200);
        }
        HttpResponse<String> user = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(vurl
                + "/-/user/org.couchdb.user:vuser")).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"vuser\",\"password\":\"vpass-123456\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        String vtoken = Distribution.JSON.readTree(user.body()).get("token").asText();
        for (String[] p : new String[][] {{"verd-plain", "verd plain"}, {"@verd/scoped", "verd scoped"}}) {
            Path dir = tmp.resolve("pkgs").resolve("v-" + p[0].replace("/", "-"));
            NpmClients.packageJson(dir, "{\"name\":\"" + p[0] + "\",\"version\":\"1.2.3\",\"main\":\"index.js\"}");
            Files.writeString(dir.resolve("index.js"), "module.exports = \"" + p[1] + "\";\n");
            NpmClients.npmrc(dir, vurl, vtoken);
            npmIn(dir, "publish").ok();
        }
        repo(ak, "npm-verdaccio", "remote", vurl, false, null);
        Path app = project("verdaccio-app", ak, "npm-verdaccio", "\"verd-plain\":\"^1.0.0\",\"@verd/scoped\":\"1.2.3\"");
        npmIn(app, "install", "--prefer-online", "--no-audit").ok();
        assertThat(installed(app, "verd-plain")).contains("verd plain");
        assertThat(installed(app, "@verd/scoped")).contains("verd scoped");
        // cached packuments name this server's tarball URLs, not verdaccio's
        JsonNode doc = packument(ak, "npm-verdaccio", "@verd/scoped");
        assertThat(doc.at("/versions/1.2.3/dist/tarball").asText())
                .isEqualTo(ak.url() + "/npm/npm-verdaccio/@verd/scoped/-/scoped-1.2.3.tgz");
        assertThat(Files.readString(app.resolve("package-lock.json"))).doesNotContain(vurl);
        assertThat(Files.readString(v.resolve("verdaccio.log"))).contains("GET /@verd%2fscoped");
        verdaccio.destroy();
        verdaccio.waitFor(20, TimeUnit.SECONDS);
    }

    // --- bad input

    @Test
    @Order(5)
    void badPublishesAreRefusedAndLeaveNothingBehind() throws Exception {
        List<String> before = artifactPaths(ak, "npm-local");
        String base = ak.url() + "/npm/npm-local";
        byte[] tgz = NpmClients.tgz("ak-bad", "1.0.0", "bad");
        Map<String, Object> good = NpmClients.publishDocument("ak-bad", "1.0.0", tgz, base);

        assertBad(ak.send("PUT", "/npm/npm-local/ak-bad", admin, "application/json",
                "{\"name\":\"ak-bad\",\"versions\":{".getBytes(StandardCharsets.UTF_8)), 400, "malformed");
        String json = Distribution.JSON.writeValueAsString(good);
        String b64 = java.util.Base64.getEncoder().encodeToString(tgz);
        assertBad(ak.send("PUT", "/npm/npm-local/ak-bad", admin, "application/json",
                json.replace(b64, b64.substring(0, 40) + "!!!!" + b64.substring(44)).getBytes(StandardCharsets.UTF_8)), 400,
                "base64");
        // tarball cut off mid-stream: the JSON ends inside the base64 string
        assertBad(ak.send("PUT", "/npm/npm-local/ak-bad", admin, "application/json",
                json.substring(0, json.indexOf(b64) + b64.length() / 2).getBytes(StandardCharsets.UTF_8)), 400, "malformed");
        // the URL names another package than the document
        assertBad(ak.json("PUT", "/npm/npm-local/ak-other", admin, good), 400, "ak-other");
        Map<String, Object> wrongVersionName = NpmClients.publishDocument("ak-bad", "1.0.0", tgz, base);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) ((Map<String, Object>) wrongVersionName.get("versions")).get("1.0.0");
        m.put("name", "ak-evil");
        assertBad(ak.json("PUT", "/npm/npm-local/ak-bad", admin, wrongVersionName), 400, "ak-evil");
        // checksums that do not match the tarball
        Map<String, Object> badSum = NpmClients.publishDocument("ak-bad", "1.0.0", tgz, base);
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) badSum.get("versions"))
                .get("1.0.0")).get("dist");
        d.put("shasum", "0".repeat(40));
        assertBad(ak.json("PUT", "/npm/npm-local/ak-bad", admin, badSum), 400, "shasum");
        d.put("shasum", NpmClients.hex("SHA-1", tgz));
        d.put("integrity", NpmClients.integrity(new byte[] {1}));
        assertBad(ak.json("PUT", "/npm/npm-local/ak-bad", admin, badSum), 400, "integrity");
        // an attachment whose name walks out of the package
        Map<String, Object> trav = NpmClients.publishDocument("ak-bad", "1.0.0", tgz, base);
        trav.put("_attachments", Map.of("../../ak-bad-1.0.0.tgz", ((Map<?, ?>) good.get("_attachments")).values().iterator().next()));
        assertBad(ak.json("PUT", "/npm/npm-local/ak-bad", admin, trav), 400, "attachment");
        // declared length that is not the decoded length
        Map<String, Object> len = NpmClients.publishDocument("ak-bad", "1.0.0", tgz, base);
        @SuppressWarnings("unchecked")
        Map<String, Object> att = new LinkedHashMap<>((Map<String, Object>) ((Map<?, ?>) len.get("_attachments")).values()
                .iterator().next());
        att.put("length", tgz.length + 7);
        len.put("_attachments", Map.of("ak-bad-1.0.0.tgz", att));
        assertBad(ak.json("PUT", "/npm/npm-local/ak-bad", admin, len), 400, "bytes");
        // names npm does not allow, and traversal in the URL
        assertBad(ak.json("PUT", "/npm/npm-local/Ak-Bad", admin, NpmClients.publishDocument("Ak-Bad", "1.0.0", tgz, base)), 400,
                "name");
        for (String p : List.of("/npm/npm-local/..%2f..%2fetc%2fpasswd", "/npm/npm-local/%2e%2e/x",
                "/npm/npm-local/ak-bad/-/..%2f..%2fx.tgz", "/npm/npm-local/%252e%252e/x")) {
            int st = ak.send("PUT", p, admin, "application/json", Distribution.JSON.writeValueAsBytes(good)).statusCode();
            assertThat(st).as(p).isBetween(400, 405);
            assertThat(ak.send("GET", p, admin, null, null).statusCode()).as(p).isIn(400, 404);
        }
        // writes to a remote or virtual repository
        assertThat(ak.json("PUT", "/npm/npm-remote/ak-bad", admin, good).statusCode()).isEqualTo(405);
        assertThat(ak.json("PUT", "/npm/npm-virtual/ak-bad", admin, good).statusCode()).isEqualTo(400);
        // anonymous publish
        assertThat(ak.json("PUT", "/npm/npm-local/ak-bad", null, good).statusCode()).isEqualTo(401);

        assertThat(artifactPaths(ak, "npm-local")).as("nothing left behind").containsExactlyInAnyOrderElementsOf(before);
        assertThat(ak.send("GET", "/npm/npm-local/ak-bad", admin, null, null).statusCode()).isEqualTo(404);
        // and the same document, correct, is accepted
        assertThat(ak.json("PUT", "/npm/npm-local/ak-bad", admin, good).statusCode()).isEqualTo(201);
    }

    /**
     * A 40 MiB tarball (54 MiB of base64 in the JSON): more than the 20 M characters Jackson lets a
     * string have, so it only goes through because the attachment is decoded as a stream.
     */
    @Test
    @Order(5)
    void aLargePublishIsStreamedIntoStorage() throws Exception {
        // a real package tarball (a publish must be a tar.gz) around 40 MiB of incompressible bytes
        byte[] random = new byte[40 * 1024 * 1024];
        new java.util.Random(42).nextBytes(random);
        java.io.ByteArrayOutputStream tgz = new java.io.ByteArrayOutputStream(random.length + (1 << 20));
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(tgz, 1 << 16)) {
            NpmClients.entry(gz, "package/package.json", "{\"name\":\"ak-big\",\"version\":\"1.0.0\"}".getBytes());
            NpmClients.entry(gz, "package/big.bin", random);
            gz.write(new byte[1024]);
        }
        byte[] big = tgz.toByteArray();
        Map<String, Object> doc = NpmClients.publishDocument("ak-big", "1.0.0", big, reg(ak, "npm-local"));
        byte[] body = Distribution.JSON.writeValueAsBytes(doc);
        long t0 = System.nanoTime();
        HttpResponse<String> r = ak.send("PUT", "/npm/npm-local/ak-big", admin, "application/json", body);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        System.out.printf("[measure] npm publish of a %d MiB tarball (%d MiB JSON): %d ms%n", big.length >> 20,
                body.length >> 20, ms);
        JsonNode dist = packument(ak, "npm-local", "ak-big").at("/versions/1.0.0/dist");
        assertThat(dist.get("shasum").asText()).isEqualTo(NpmClients.hex("SHA-1", big));
        HttpResponse<byte[]> back = ak.getBytes("/npm/npm-local/ak-big/-/ak-big-1.0.0.tgz", admin);
        assertThat(back.body()).isEqualTo(big);
    }

    private static void assertBad(HttpResponse<String> r, int status, String says) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = Distribution.parse(r);
        assertThat(e.has("error")).as("npm's error form: " + r.body()).isTrue();
        assertThat(e.get("error").asText().toLowerCase()).contains(says.toLowerCase());
    }

    // --- remote of the second instance, virtual, single-flight, stale

    @Test
    @Order(6)
    void remoteOfTheSecondInstanceAndVirtualOfLocalAndRemote() throws Exception {
        // the same name in both: 1.0.0 here says "local"; upstream has 1.0.0 "upstream" and 2.0.0
        npmIn(pkg("shared-local", "ak-shared", "1.0.0", "shared local", ak, "npm-local", token), "publish").ok();
        npmIn(pkg("shared-up", "ak-shared", "1.0.0", "shared upstream", upstream, "npm-up", upstreamToken), "publish").ok();
        npmIn(pkg("shared-up2", "ak-shared", "2.0.0", "shared upstream 2", upstream, "npm-up", upstreamToken), "publish").ok();
        npmIn(pkg("remote-only", "@up/remote-only", "1.0.0", "remote only", upstream, "npm-up", upstreamToken), "publish").ok();

        Path r = project("remote-app", ak, "npm-remote", "\"@up/remote-only\":\"^1.0.0\"");
        npmIn(r, "install", "--prefer-online", "--no-audit").ok();
        assertThat(installed(r, "@up/remote-only")).contains("remote only");
        assertThat(Files.readString(r.resolve("package-lock.json")))
                .contains(ak.url() + "/npm/npm-remote/@up/remote-only/-/remote-only-1.0.0.tgz");
        // npm audit goes through the remote to the upstream (which knows no advisory)
        assertThat(npmIn(r, "audit").ok().output()).contains("found 0 vulnerabilities");
        assertThat(upstream.logText()).contains("POST /npm/npm-up/-/npm/v1/security/advisories/bulk 200");
        HttpResponse<String> quick = ak.send("POST", "/npm/npm-local/-/npm/v1/security/audits/quick", admin,
                "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(Distribution.parse(quick).at("/metadata/vulnerabilities/critical").asInt()).isZero();

        // virtual: the local package first (its latest, its bytes); what only the remote has, from the remote
        Path v = project("virtual-app", ak, "npm-virtual", "\"ak-shared\":\"*\",\"@up/remote-only\":\"1.0.0\"");
        npmIn(v, "install", "--prefer-online", "--no-audit").ok();
        assertThat(installed(v, "ak-shared")).contains("shared local");
        assertThat(installed(v, "@up/remote-only")).contains("remote only");
        JsonNode merged = packument(ak, "npm-virtual", "ak-shared");
        assertThat(merged.at("/dist-tags/latest").asText()).isEqualTo("1.0.0");
        assertThat(merged.get("versions").has("2.0.0")).isTrue();
        assertThat(merged.at("/versions/2.0.0/dist/tarball").asText())
                .isEqualTo(ak.url() + "/npm/npm-virtual/ak-shared/-/ak-shared-2.0.0.tgz");
        Path v2 = project("virtual-app-2", ak, "npm-virtual", "\"ak-shared\":\"2.0.0\"");
        npmIn(v2, "install", "--prefer-online", "--no-audit").ok();
        assertThat(installed(v2, "ak-shared")).contains("shared upstream 2");
        assertThat(ak.json("PUT", "/npm/npm-virtual/ak-x", admin, Map.of()).statusCode()).isEqualTo(400);
    }

    @Test
    @Order(6)
    void fiftyConcurrentFirstRequestsForAPackumentReachTheUpstreamOnce() throws Exception {
        Sample s = new Sample("ak-conc", NpmClients.tgz("ak-conc", "1.0.0", "conc"));
        publish(upstream, "tck-local", s);
        long before = upstreamHits();
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(() -> ak.send("GET", "/npm/tck-remote/ak-conc", admin, null, null, "Accept",
                        "application/vnd.npm.install-v1+json"));
            }
            for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                assertThat(f.get().statusCode()).isEqualTo(200);
                assertThat(Distribution.parse(f.get()).at("/versions/1.0.0/dist/tarball").asText())
                        .isEqualTo(ak.url() + "/npm/tck-remote/ak-conc/-/ak-conc-1.0.0.tgz");
            }
        } finally {
            pool.shutdownNow();
        }
        long fetched = upstreamHits() - before;
        System.out.printf("[measure] npm: %d concurrent first packument requests through a remote reached the upstream %d time(s)%n",
                n, fetched);
        assertThat(fetched).isEqualTo(1);
        String metrics = ak.send("GET", "/metrics", null, null, null).body();
        assertThat(metrics).contains("ak_proxy_upstream_requests_total");
    }

    /** Runs after the TCK stopped the upstream instance (order 7). */
    @Test
    @Order(8)
    void remoteKeepsServingWhatItCachedAfterTheUpstreamStopped() throws Exception {
        assertThat(upstream.process().isAlive()).as("the upstream instance is stopped").isFalse();
        // past the remote's 1 s metadata TTL it asks the (dead) upstream and falls back to its cached copy
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ak.logText().contains("serving cached copy of @up/remote-only/package.json")) {
            assertThat(System.nanoTime()).as("the remote served its cached copy within 30 s").isLessThan(deadline);
            assertThat(ak.send("GET", "/npm/npm-remote/@up%2fremote-only", admin, null, null).statusCode()).isEqualTo(200);
            Thread.sleep(100);
        }
        Path r = project("stale-app", ak, "npm-remote", "\"@up/remote-only\":\"^1.0.0\"");
        npmIn(r, "install", "--prefer-online", "--no-audit").ok();
        assertThat(installed(r, "@up/remote-only")).contains("remote only");
        assertThat(ak.logText()).contains("serving cached copy of @up/remote-only/package.json");
        Path v = project("stale-virtual-app", ak, "npm-virtual", "\"ak-shared\":\"2.0.0\"");
        npmIn(v, "install", "--prefer-online", "--no-audit").ok();
        assertThat(installed(v, "ak-shared")).contains("shared upstream 2");
        // never cached: the remote says the upstream is unavailable; the virtual still serves its local member
        assertThat(ak.send("GET", "/npm/npm-remote/never-cached", admin, null, null).statusCode()).isEqualTo(502);
        assertThat(ak.send("GET", "/npm/npm-virtual/@ak-it/hello", admin, null, null).statusCode()).isEqualTo(200);
    }
}
