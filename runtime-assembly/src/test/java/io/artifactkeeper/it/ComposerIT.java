package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * The composer format end to end: the format TCK (dist zips uploaded with {@code PUT}), then Composer
 * itself (Debian's composer 2 on PHP, the version it prints): two versions of a package published (one
 * zip built by {@code composer archive}, one carrying no version in its composer.json, given as
 * {@code ?version=}), then in fresh projects {@code composer config repositories.x composer URL},
 * {@code secure-http false}, {@code repositories.packagist false}, credentials in {@code COMPOSER_AUTH},
 * and {@code composer require vendor/pkg:^1.0} from a local repository, a remote whose upstream is a
 * second instance, and a virtual of both, checking the installed files and running them through
 * Composer's autoloader; bad uploads refused with nothing stored.
 */
class ComposerIT extends FormatTck {
    private static final String PW = Distribution.ADMIN_PASSWORD;
    private Path work;
    private int project;

    @Override
    protected String formatKey() {
        return "composer";
    }

    @Override
    protected String mount() {
        return "composer";
    }

    /** Variants "x" and "x-upstream" are the same package and version with other content. */
    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "tck/" + variant.replace("-upstream", "").toLowerCase().replaceAll("[^a-z0-9]+", "-");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("composer.json", "{\"name\":\"" + name + "\",\"version\":\"1.0.0\",\"description\":\"sample " + variant
                + "\"}");
        files.put("README.md", "sample " + variant + "\n");
        return new Sample(name, zip(files));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> r = server.send("PUT", "/composer/" + repoKey + "/sample.zip", server.adminBasic(),
                "application/zip", s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return "dist/" + s.name() + "/1.0.0/" + sha1(s.bytes()) + ".zip";
    }

    /** A dist through the remote costs the upstream's packages.json, the package's p2 document, and the dist. */
    @Override
    protected long expectedUpstreamFetches() {
        return 3;
    }

    @BeforeAll
    void composerSetUp() throws Exception {
        work = Files.createTempDirectory("ak-composer-it");
        // the clients this test proves the format with (README: "tested with"); missing ones fail here
        System.out.println("[composer] client: " + run(work, Map.of(), "composer", "--version").ok().output().trim());
        System.out.println("[composer] php: " + run(work, Map.of(), "php", "-r", "echo PHP_VERSION, ' zip:', "
                + "extension_loaded('zip') ? 'yes' : 'no';").ok().output().trim());
        System.out.println("[composer] unzip: " + run(work, Map.of(), "unzip", "-v").ok().output().lines().findFirst()
                .orElse(""));
        repo(ak, "composer-local", "local", null);
        repo(upstream, "composer-up", "local", null);
        repo(ak, "composer-remote", "remote", upstream.url() + "/composer/composer-up");
        repo(ak, "composer-virtual", "virtual", null);
        json(ak, "PUT", "/api/v1/repositories/composer-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "composer-local", "priority", 1), Map.of("member_key", "composer-remote", "priority", 2))),
                200);
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "composer", "repo_type", type));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", PW));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    // --- composer

    record Result(int exit, String output) {
        Result ok() {
            assertThat(exit).as("exit code; output:\n" + output).isZero();
            return this;
        }

        Result fails() {
            assertThat(exit).as("exit code; output:\n" + output).isNotZero();
            return this;
        }
    }

    /** Runs a command with composer's home, cache and config under the test's folder (never ~/.composer). */
    private Result run(Path dir, Map<String, String> env, String... cmd) throws Exception {
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("COMPOSER"));
        pb.environment().put("HOME", work.resolve("home").toString());
        pb.environment().put("COMPOSER_HOME", work.resolve("home/.composer").toString());
        pb.environment().put("COMPOSER_CACHE_DIR", dir.resolve(".composer-cache").toString());
        pb.environment().put("COMPOSER_ALLOW_SUPERUSER", "1");
        pb.environment().put("COMPOSER_NO_INTERACTION", "1");
        pb.environment().put("COMPOSER_NO_AUDIT", "1");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(work, "cmd-", ".log");
        pb.redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            throw new AssertionError(cmd[0] + " could not be started (" + e.getMessage() + "): install it with "
                    + "apt-get install composer php-cli php-zip unzip (.ci/run does)", e);
        }
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " timed out:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        System.out.println("[composer] $ " + String.join(" ", cmd) + " (in " + dir.getFileName() + ") -> " + p.exitValue()
                + "\n" + text.indent(4));
        return new Result(p.exitValue(), text);
    }

    /** COMPOSER_AUTH with the admin's password for this server's origin (host:port, as Composer keys it). */
    private String auth() throws Exception {
        String origin = java.net.URI.create(ak.url()).getAuthority();
        return Distribution.JSON.writeValueAsString(Map.of("http-basic", Map.of(origin, Map.of("username", "admin",
                "password", PW))));
    }

    /**
     * A fresh project pointed at {@code repo} only, as the README says: {@code composer init}, then
     * {@code composer config repositories.x composer URL}, {@code secure-http false} and
     * {@code repositories.packagist false}.
     */
    private Path newProject(String repo) throws Exception {
        Path dir = work.resolve("app-" + (++project) + "-" + repo);
        run(dir, Map.of(), "composer", "init", "--no-interaction", "--name", "it/app" + project, "--type", "project")
                .ok();
        run(dir, Map.of(), "composer", "config", "repositories.x", "composer", ak.url() + "/composer/" + repo).ok();
        run(dir, Map.of(), "composer", "config", "secure-http", "false").ok();
        run(dir, Map.of(), "composer", "config", "repositories.packagist", "false").ok();
        return dir;
    }

    private Result require(Path dir, String... packages) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("composer", "require", "--no-progress"));
        cmd.addAll(List.of(packages));
        return run(dir, Map.of("COMPOSER_AUTH", auth()), cmd.toArray(String[]::new));
    }

    /** What the installed package's class answers, through Composer's autoloader. */
    private String call(Path dir, String expression) throws Exception {
        return run(dir, Map.of(), "php", "-r", "require 'vendor/autoload.php'; echo " + expression + ";").ok().output()
                .trim();
    }

    private static JsonNode lockedPackage(Path dir, String name) throws Exception {
        JsonNode lock = Distribution.JSON.readTree(Files.readString(dir.resolve("composer.lock")));
        for (JsonNode p : lock.path("packages")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name + " is not in composer.lock:\n" + lock.toPrettyString());
    }

    /**
     * The source folder of package {@code name} at {@code version} whose class {@code Greeter} says
     * {@code marker}; its composer.json declares the version unless {@code version} is null.
     */
    private Path source(String name, String version, String marker) throws Exception {
        return source(name, version, marker, "");
    }

    /** As above, requiring {@code requires} too (JSON members such as {@code "acme/hello": "^1.0"}). */
    private Path source(String name, String version, String marker, String requires) throws Exception {
        String ns = namespace(name);
        Path dir = Files.createDirectories(work.resolve("src").resolve(name.replace('/', '-') + "-" + marker));
        Files.writeString(dir.resolve("composer.json"), """
                {
                    "name": "%s",%s
                    "description": "Greets (%s)",
                    "type": "library",
                    "license": "MIT",
                    "keywords": ["ak-it"],
                    "require": {"php": ">=7.4"%s},
                    "autoload": {"psr-4": {"%s\\\\": "src/"}}
                }
                """.formatted(name, version == null ? "" : "\n    \"version\": \"" + version + "\",", marker,
                requires.isEmpty() ? "" : ", " + requires, ns.replace("\\", "\\\\")));
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/Greeter.php"), "<?php\nnamespace " + ns + ";\n\nfinal class Greeter\n{\n"
                + "    public static function hello(): string\n    {\n        return 'hello from " + marker + "';\n    }\n}\n");
        return dir;
    }

    /** {@code acme/hello} → {@code Acme\\Hello}. */
    private static String namespace(String name) {
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("/")) {
            String p = part.replaceAll("[_.-]", "");
            sb.append(sb.isEmpty() ? "" : "\\").append(Character.toUpperCase(p.charAt(0))).append(p.substring(1));
        }
        return sb.toString();
    }

    /** {@code composer archive}: the dist zip of a source folder, as Composer itself packs it. */
    private byte[] archive(Path source, String file) throws Exception {
        Path out = Files.createDirectories(work.resolve("archives"));
        run(source, Map.of(), "composer", "archive", "--format=zip", "--dir=" + out, "--file=" + file).ok();
        Path zip = out.resolve(file + ".zip");
        assertThat(zip).exists();
        return Files.readAllBytes(zip);
    }

    /** A zip of a source folder inside one top folder (the layout of GitHub's zipballs), built here. */
    private static byte[] zipball(Path source, String top) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        try (var walk = Files.walk(source)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(top + "/" + source.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        }
        return zip(files);
    }

    private HttpResponse<String> put(Distribution d, String repo, String path, byte[] zip) throws Exception {
        return d.send("PUT", "/composer/" + repo + "/" + path, d.adminBasic(), "application/zip", zip);
    }

    private void published(Distribution d, String repo, String path, byte[] zip) throws Exception {
        HttpResponse<String> r = put(d, repo, path, zip);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private JsonNode artifacts(Distribution d, String repo) throws Exception {
        return Distribution.parse(d.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000", d.adminBasic(),
                null, null));
    }

    /** Waits until the server's log holds {@code text} (the access log is written after the answer). */
    private static void awaitLog(Distribution d, String text) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (!d.logText().contains(text)) {
            assertThat(Instant.now()).as("the log of %s shows %s", d.url(), text).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    @Test
    @Order(1)
    void composerRequireFromALocalRepository() throws Exception {
        // 1.0.0: packed by composer archive, version in composer.json; 1.1.0: a zipball whose composer.json has
        // no version, given as ?version=; 2.0.0 exists too, so that ^1.0 must choose
        byte[] v100 = archive(source("acme/hello", "1.0.0", "local-1.0.0"), "acme-hello-1.0.0");
        byte[] v110 = zipball(source("acme/hello", null, "local-1.1.0"), "acme-hello-5e1f0a2");
        byte[] v200 = archive(source("acme/hello", "2.0.0", "local-2.0.0"), "acme-hello-2.0.0");
        published(ak, "composer-local", "acme-hello-1.0.0.zip", v100);
        HttpResponse<String> up = put(ak, "composer-local", "acme-hello.zip?version=1.1.0", v110);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        JsonNode upJson = Distribution.parse(up);
        assertThat(upJson.path("version").asText()).isEqualTo("1.1.0");
        assertThat(upJson.path("shasum").asText()).isEqualTo(sha1(v110));
        published(ak, "composer-local", "packages/upload/acme/hello/2.0.0", v200);

        HttpResponse<String> pj = ak.send("GET", "/composer/composer-local/packages.json", admin, null, null);
        System.out.println("[composer] packages.json of composer-local: " + pj.body());
        JsonNode packages = Distribution.parse(pj);
        assertThat(packages.path("metadata-url").asText()).isEqualTo("/composer/composer-local/p2/%package%.json");
        assertThat(packages.path("available-packages").toString()).contains("\"acme/hello\"");
        String p2 = ak.send("GET", "/composer/composer-local/p2/acme/hello.json", admin, null, null).body();
        System.out.println("[composer] p2/acme/hello.json of composer-local: " + p2);
        assertThat(p2).contains("\"minified\":\"composer/2.0\"").contains("\"shasum\":\"" + sha1(v110) + "\"")
                .contains("\"url\":\"" + ak.url() + "/composer/composer-local/dist/acme/hello/1.1.0/" + sha1(v110) + ".zip\"");

        Path app = newProject("composer-local");
        require(app, "acme/hello:^1.0").ok();
        assertThat(Files.readString(app.resolve("vendor/acme/hello/src/Greeter.php"))).contains("local-1.1.0");
        assertThat(Files.readString(app.resolve("vendor/acme/hello/composer.json"))).contains("\"acme/hello\"");
        assertThat(call(app, "\\Acme\\Hello\\Greeter::hello()")).isEqualTo("hello from local-1.1.0");
        JsonNode locked = lockedPackage(app, "acme/hello");
        assertThat(locked.path("version").asText()).isEqualTo("1.1.0");
        assertThat(locked.path("dist").path("url").asText()).startsWith(ak.url() + "/composer/composer-local/dist/");
        assertThat(Distribution.JSON.readTree(Files.readString(app.resolve("composer.json"))).path("require")
                .path("acme/hello").asText()).isEqualTo("^1.0");
        // Composer reports the install to the repository's notify-batch
        awaitLog(ak, "POST /composer/composer-local/downloads/ 200");

        // the version packed by composer archive, in another fresh project
        Path older = newProject("composer-local");
        require(older, "acme/hello:1.0.0").ok();
        assertThat(call(older, "\\Acme\\Hello\\Greeter::hello()")).isEqualTo("hello from local-1.0.0");

        // a branch (dev-main): listed in p2/acme/hello~dev.json, which Composer reads for a dev constraint
        published(ak, "composer-local", "acme-hello-main.zip?version=dev-main",
                zipball(source("acme/hello", null, "local-dev-main"), "acme-hello-main"));
        assertThat(ak.send("GET", "/composer/composer-local/p2/acme/hello~dev.json", admin, null, null).body())
                .contains("\"version\":\"dev-main\"");
        assertThat(ak.send("GET", "/composer/composer-local/p2/acme/hello.json", admin, null, null).body())
                .doesNotContain("dev-main");
        Path branch = newProject("composer-local");
        require(branch, "acme/hello:dev-main").ok();
        assertThat(call(branch, "\\Acme\\Hello\\Greeter::hello()")).isEqualTo("hello from local-dev-main");
        assertThat(lockedPackage(branch, "acme/hello").path("version").asText()).isEqualTo("dev-main");

        // without credentials a private repository refuses Composer
        Path anon = work.resolve("app-anonymous");
        run(anon, Map.of(), "composer", "init", "--no-interaction", "--name", "it/anon").ok();
        run(anon, Map.of(), "composer", "config", "repositories.x", "composer", ak.url() + "/composer/composer-local").ok();
        run(anon, Map.of(), "composer", "config", "secure-http", "false").ok();
        run(anon, Map.of(), "composer", "config", "repositories.packagist", "false").ok();
        Result refused = run(anon, Map.of(), "composer", "require", "acme/hello:^1.0").fails();
        assertThat(refused.output()).containsIgnoringCase("401");
        assertThat(anon.resolve("vendor/acme/hello")).doesNotExist();
    }

    @Test
    @Order(2)
    void badUploadsAreRefusedWithNothingStored() throws Exception {
        long before = artifacts(ak, "composer-local").get("total").asLong();
        String packagesBefore = ak.send("GET", "/composer/composer-local/packages.json", admin, null, null).body();
        String good = "{\"name\":\"acme/bad\",\"version\":\"1.0.0\"}";
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not a zip", "this is not a zip".getBytes(StandardCharsets.UTF_8));
        bad.put("a truncated zip", java.util.Arrays.copyOf(zip(Map.of("composer.json", good, "src/A.php", "<?php")), 60));
        bad.put("no composer.json", zip(Map.of("src/A.php", "<?php")));
        bad.put("invalid name", zip(Map.of("composer.json", "{\"name\":\"Acme/Not A Name\",\"version\":\"1.0.0\"}")));
        bad.put("traversal", zip(new LinkedHashMap<>(Map.of("composer.json", good, "../../evil.php", "<?php"))));
        bad.put("an absolute entry", zip(new LinkedHashMap<>(Map.of("composer.json", good, "/tmp/evil.php", "<?php"))));
        bad.put("oversized composer.json", zip(Map.of("composer.json", "{\"name\":\"acme/bad\",\"version\":\"1.0.0\","
                + "\"description\":\"" + "x".repeat(300 * 1024) + "\"}")));
        bad.put("malformed composer.json", zip(Map.of("composer.json", "{\"name\": \"acme/bad\",")));
        bad.put("no version anywhere", zip(Map.of("composer.json", "{\"name\":\"acme/bad\"}")));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            HttpResponse<String> r = put(ak, "composer-local", "bad.zip", e.getValue());
            System.out.println("[composer] " + e.getKey() + " -> " + r.statusCode() + " " + r.body());
            assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(Distribution.parse(r).path("message").asText()).as(e.getKey()).isNotBlank();
        }
        // URL and composer.json disagree
        byte[] ok = zip(Map.of("composer.json", good));
        assertThat(put(ak, "composer-local", "packages/upload/acme/other/1.0.0", ok).statusCode()).isEqualTo(400);
        assertThat(put(ak, "composer-local", "bad.zip?version=2.0.0", ok).statusCode()).isEqualTo(400);
        // a duplicate version is a conflict, also written another way (1.0 is 1.0.0 to Composer)
        byte[] dup = zip(Map.of("composer.json", "{\"name\":\"acme/hello\",\"version\":\"1.0\"}", "x", "other bytes"));
        HttpResponse<String> conflict = put(ak, "composer-local", "dup.zip", dup);
        assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
        assertThat(conflict.body()).contains("already published");
        // writes to remote and virtual repositories are refused
        assertThat(put(ak, "composer-remote", "x.zip", ok).statusCode()).isEqualTo(405);
        assertThat(put(ak, "composer-virtual", "x.zip", ok).statusCode()).isEqualTo(400);
        // the artifacts API goes through the same route and the same checks
        assertThat(ak.send("PUT", "/api/v1/repositories/composer-local/artifacts/bad.zip", admin, "application/zip",
                bad.get("traversal")).statusCode()).isEqualTo(400);

        assertThat(artifacts(ak, "composer-local").get("total").asLong()).as("nothing stored").isEqualTo(before);
        assertThat(ak.send("GET", "/composer/composer-local/packages.json", admin, null, null).body())
                .isEqualTo(packagesBefore);
        assertThat(ak.send("GET", "/composer/composer-local/p2/acme/bad.json", admin, null, null).statusCode())
                .isEqualTo(404);

        HttpResponse<String> viaApi = ak.send("PUT", "/api/v1/repositories/composer-local/artifacts/acme-api.zip", admin,
                "application/zip", zip(Map.of("composer.json", "{\"name\":\"acme/api\",\"version\":\"0.1.0\"}")));
        assertThat(viaApi.statusCode()).as(viaApi.body()).isEqualTo(201);
        assertThat(ak.send("GET", "/composer/composer-local/p2/acme/api.json", admin, null, null).body())
                .contains("\"version\":\"0.1.0\"");
    }

    @Test
    @Order(3)
    void composerRequireThroughARemoteOfASecondInstanceAndAVirtual() throws Exception {
        // the second instance: acme/greeter 1.0.0 and 1.2.0 (which requires acme/hello ^1.0), and its own acme/hello
        // 1.1.0 (shadowed in the virtual by the local member's)
        published(upstream, "composer-up", "g.zip", archive(source("acme/greeter", "1.0.0", "up-greeter-1.0.0"),
                "acme-greeter-1.0.0"));
        byte[] g12 = archive(source("acme/greeter", "1.2.0", "up-greeter-1.2.0", "\"acme/hello\": \"^1.0\""),
                "acme-greeter-1.2.0");
        published(upstream, "composer-up", "g.zip", g12);
        published(upstream, "composer-up", "h.zip", archive(source("acme/hello", "1.1.0", "up-hello-1.1.0"),
                "acme-hello-up-1.1.0"));

        String p2 = ak.send("GET", "/composer/composer-remote/p2/acme/greeter.json", admin, null, null).body();
        System.out.println("[composer] p2/acme/greeter.json of composer-remote: " + p2);
        assertThat(p2).contains(ak.url() + "/composer/composer-remote/dist/acme/greeter/1.2.0/" + sha1(g12) + ".zip")
                .doesNotContain(upstream.url());
        assertThat(Distribution.parse(ak.send("GET", "/composer/composer-remote/packages.json", admin, null, null))
                .path("available-packages").toString()).contains("acme/greeter").contains("acme/hello");

        Path viaRemote = newProject("composer-remote");
        require(viaRemote, "acme/greeter:^1.0").ok();
        assertThat(call(viaRemote, "\\Acme\\Greeter\\Greeter::hello()")).isEqualTo("hello from up-greeter-1.2.0");
        // its dependency came through the remote too: the second instance's acme/hello
        assertThat(call(viaRemote, "\\Acme\\Hello\\Greeter::hello()")).isEqualTo("hello from up-hello-1.1.0");
        assertThat(lockedPackage(viaRemote, "acme/greeter").path("dist").path("url").asText())
                .startsWith(ak.url() + "/composer/composer-remote/dist/");
        String distOnUpstream = "GET /composer/composer-up/dist/acme/greeter/1.2.0/" + sha1(g12) + ".zip 200";
        awaitLog(upstream, distOnUpstream);
        assertThat(artifacts(ak, "composer-remote").get("items").findValuesAsText("path"))
                .as("the dist is cached on first download").contains("dist/acme/greeter/1.2.0/" + sha1(g12) + ".zip");

        // the virtual: acme/hello 1.1.0 from the local member (priority 1), acme/greeter through the remote
        JsonNode vPackages = Distribution.parse(ak.send("GET", "/composer/composer-virtual/packages.json", admin, null, null));
        assertThat(vPackages.path("available-packages").toString()).contains("acme/hello").contains("acme/greeter")
                .contains("acme/api");
        Path viaVirtual = newProject("composer-virtual");
        require(viaVirtual, "acme/hello:~1.1.0", "acme/greeter:^1.0").ok();
        assertThat(call(viaVirtual, "\\Acme\\Hello\\Greeter::hello()")).isEqualTo("hello from local-1.1.0");
        assertThat(call(viaVirtual, "\\Acme\\Greeter\\Greeter::hello()")).isEqualTo("hello from up-greeter-1.2.0");
        assertThat(lockedPackage(viaVirtual, "acme/greeter").path("dist").path("url").asText())
                .startsWith(ak.url() + "/composer/composer-virtual/dist/");
        // the second download of the greeter dist came from the remote's cache: the upstream served it once
        assertThat(count(upstream.logText(), distOnUpstream)).isEqualTo(1);
        String vP2 = ak.send("GET", "/composer/composer-virtual/p2/acme/hello.json", admin, null, null).body();
        assertThat(vP2).contains("\"version\":\"2.0.0\"").contains("\"version\":\"1.0.0\"").contains("local-1.1.0")
                .doesNotContain("up-hello-1.1.0");
    }

    // --- helpers

    static byte[] zip(Map<String, String> files) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : files.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setTime(315532800000L);
                z.putNextEntry(ze);
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static String sha1(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
