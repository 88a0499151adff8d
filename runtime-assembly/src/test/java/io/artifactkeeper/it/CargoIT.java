package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * The cargo format end to end: the format TCK (publishing by the Web API's binary body), then the
 * real {@code cargo} against sparse indexes of this server: publish with a token from our API
 * ({@code cargo login}), a consumer built from what was published (a renamed dependency through
 * the index), search and owners, yank (a fresh resolve refuses the version, a locked build still
 * gets it), a remote whose upstream is the second instance, a virtual of local and remote where
 * the higher-priority member wins a version both have, and bad publishes refused with nothing
 * stored. Nothing comes from crates.io: every crate here depends only on crates of these registries.
 */
class CargoIT extends FormatTck {
    private static final String VERSION = "1.0.0";
    private Path tmp;
    private Path cargoHome;
    private String cargo;
    private String token;
    private String upstreamToken;

    @Override
    protected String formatKey() {
        return "cargo";
    }

    @Override
    protected String mount() {
        return "cargo";
    }

    @Override
    protected Sample sample(String variant) throws Exception {
        // the TCK's "-upstream" variant is the same crate with other bytes: its archive must carry that name
        String name = "tck-" + variant.toLowerCase().replaceAll("-upstream$", "").replaceAll("[^a-z0-9]+", "-");
        return new Sample(name, crate(name, VERSION, "sample " + variant));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> r = server.send("PUT", "/cargo/" + repoKey + "/api/v1/crates/new", server.adminBasic(),
                "application/octet-stream", publishBody(metadata(s.name(), VERSION), s.bytes()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Override
    protected String downloadPath(Sample s) {
        return "api/v1/crates/" + s.name() + "/" + VERSION + "/download";
    }

    /** A download through the remote costs the index file, the upstream's config.json (for dl) and the .crate. */
    @Override
    protected long expectedUpstreamFetches() {
        return 3;
    }

    @BeforeAll
    void cargoSetUp() throws Exception {
        cargo = cargoBinary();
        tmp = Path.of("target", "cargo-it").toAbsolutePath();
        deleteTree(tmp);
        Files.createDirectories(tmp);
        cargoHome = tmp.resolve("cargo-home");
        repo(ak, "crates", "local", null, false);
        repo(ak, "crates-pub", "local", null, true);
        repo(upstream, "crates-up", "local", null, false);
        // index files refreshed after 1 s, so that changes upstream show through the remote quickly
        repo(ak, "crates-remote", "remote", upstream.url() + "/cargo/crates-up/index/", false);
        repo(ak, "crates-virtual", "virtual", null, false);
        json(ak, "PUT", "/api/v1/repositories/crates-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "crates", "priority", 1), Map.of("member_key", "crates-remote", "priority", 2))), 200);
        token = apiToken(ak, ak.adminBasic());
        upstreamToken = apiToken(upstream, upstream.adminBasic());
        Files.createDirectories(cargoHome);
        Files.writeString(cargoHome.resolve("config.toml"), """
                [registries.ak]
                index = "sparse+%1$s/cargo/crates/"
                [registries.akpub]
                index = "sparse+%1$s/cargo/crates-pub/index/"
                [registries.akremote]
                index = "sparse+%1$s/cargo/crates-remote/index/"
                [registries.akvirtual]
                index = "sparse+%1$s/cargo/crates-virtual/"
                [registries.up]
                index = "sparse+%2$s/cargo/crates-up/index/"
                [registry]
                global-credential-providers = ["cargo:token"]
                [net]
                retry = 1
                [term]
                color = "never"
                progress.when = "never"
                """.formatted(ak.url(), upstream.url()));
        for (String reg : List.of("ak", "akpub", "akremote", "akvirtual")) {
            login(reg, token);
        }
        login("up", upstreamToken);
        assertThat(Files.readString(cargoHome.resolve("credentials.toml"))).contains(token);
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl, boolean pub) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "cargo", "repo_type", type,
                "is_public", pub));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD,
                    "metadata_ttl_seconds", 1));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    private static String apiToken(Distribution d, String auth) throws Exception {
        HttpResponse<String> r = d.json("POST", "/api/v1/auth/tokens", auth, Map.of("name", "cargo-it"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    // --- cargo

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

    /**
     * The cargo binary: {@code AK_CARGO}, the PATH, or rustup's {@code ~/.cargo/bin}. Sparse indexes
     * with {@code auth-required} need cargo 1.74 or later; Debian 12's cargo (0.66, Rust 1.65) is
     * older, so it is refused with a message saying what to install.
     */
    static String cargoBinary() throws Exception {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("AK_CARGO");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "cargo"));
            }
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".cargo", "bin", "cargo"));
        candidates.add(Path.of("/root/.cargo/bin/cargo"));
        candidates.add(Path.of("/usr/local/cargo/bin/cargo"));
        for (Path p : candidates) {
            if (!Files.isExecutable(p)) {
                continue;
            }
            Result v = run(Path.of("."), baseEnv(p.toString(), null), List.of(p.toString(), "--version"));
            Matcher m = Pattern.compile("cargo (\\d+)\\.(\\d+)").matcher(v.output());
            if (v.exit() != 0 || !m.find()) {
                continue;
            }
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            if (major == 0 || (major == 1 && minor < 74)) {
                throw new AssertionError(p + " is " + v.output().trim() + ": too old for sparse registries that require "
                        + "authentication (cargo 1.74+ is needed; Debian's 'cargo' package is older). Install Rust with "
                        + "rustup (https://rustup.rs, stable toolchain) or set AK_CARGO to a recent cargo.");
            }
            System.out.println("[cargo-it] client: " + v.output().trim() + " (" + p + ")");
            return p.toString();
        }
        throw new AssertionError("cargo was not found (looked at $AK_CARGO, the PATH, ~/.cargo/bin and /root/.cargo/bin): "
                + "install Rust 1.74+ with rustup (https://rustup.rs) or set AK_CARGO");
    }

    /** The environment cargo runs with: our CARGO_HOME, the rustup toolchains, nothing offline. */
    private static Map<String, String> baseEnv(String cargoPath, Path cargoHome) {
        Map<String, String> e = new LinkedHashMap<>();
        if (cargoHome != null) {
            e.put("CARGO_HOME", cargoHome.toString());
        }
        String rustup = System.getenv("RUSTUP_HOME");
        if (rustup == null) {
            for (Path p : List.of(Path.of(System.getProperty("user.home"), ".rustup"), Path.of("/root/.rustup"))) {
                if (Files.isDirectory(p)) {
                    rustup = p.toString();
                    break;
                }
            }
        }
        if (rustup != null) {
            e.put("RUSTUP_HOME", rustup);
        }
        e.put("PATH", Path.of(cargoPath).getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        e.put("CARGO_REGISTRIES_CRATES_IO_PROTOCOL", "sparse");
        e.put("CARGO_TERM_COLOR", "never");
        e.put("CARGO_HTTP_TIMEOUT", "60");
        return e;
    }

    private static Result run(Path dir, Map<String, String> env, List<String> cmd) throws Exception {
        return run(dir, env, cmd, null);
    }

    private static Result run(Path dir, Map<String, String> env, List<String> cmd, String stdin) throws Exception {
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("CARGO_NET_OFFLINE");
        pb.environment().remove("CARGO_HOME");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("cargo-", ".log");
        pb.redirectOutput(out.toFile());
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            try (var w = p.getOutputStream()) {
                w.write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " timed out:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        System.out.println("[cargo-it] $ " + String.join(" ", cmd) + " (in " + dir.getFileName() + ") -> " + p.exitValue());
        return new Result(p.exitValue(), text);
    }

    private Result cargo(Path dir, String... args) throws Exception {
        return cargoWith(dir, Map.of(), args);
    }

    private Result cargoWith(Path dir, Map<String, String> extraEnv, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(cargo));
        c.addAll(List.of(args));
        Map<String, String> env = baseEnv(cargo, cargoHome);
        env.putAll(extraEnv);
        return run(dir, env, c);
    }

    private void login(String registry, String tok) throws Exception {
        List<String> c = List.of(cargo, "login", "--registry", registry);
        run(tmp, baseEnv(cargo, cargoHome), c, tok).ok();
    }

    /** A library crate folder whose {@code marker()} returns {@code marker}, depending on {@code deps} (TOML lines). */
    private Path library(String dirName, String name, String version, String marker, String deps, String body)
            throws IOException {
        Path dir = tmp.resolve("src").resolve(dirName + "-" + version);
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("Cargo.toml"), """
                [package]
                name = "%s"
                version = "%s"
                edition = "2021"
                description = "cargo-it %s"
                license = "MIT"

                [dependencies]
                %s
                """.formatted(name, version, marker, deps));
        Files.writeString(dir.resolve("src/lib.rs"), body != null ? body
                : "pub fn marker() -> String { \"" + marker + "\".to_string() }\n");
        return dir;
    }

    /** A binary crate printing what its dependency's {@code marker()} returns. */
    private Path app(String dirName, String deps, String main) throws IOException {
        Path dir = tmp.resolve("apps").resolve(dirName);
        deleteTree(dir);
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("Cargo.toml"), """
                [package]
                name = "%s"
                version = "0.1.0"
                edition = "2021"
                publish = false

                [dependencies]
                %s
                """.formatted(dirName, deps));
        Files.writeString(dir.resolve("src/main.rs"), main);
        return dir;
    }

    private Result publishWithCargo(Path dir, String registry) throws Exception {
        return cargo(dir, "publish", "--registry", registry, "--allow-dirty");
    }

    private JsonNode indexLines(Distribution d, String repo, String path, String auth, int expectedLines) throws Exception {
        HttpResponse<String> r = d.send("GET", "/cargo/" + repo + "/index/" + path, auth, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String[] lines = r.body().split("\n");
        assertThat(lines).hasSize(expectedLines);
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines) {
            out.add(Distribution.JSON.readTree(l));
        }
        return Distribution.JSON.valueToTree(out);
    }

    private JsonNode artifacts(Distribution d, String repo) throws Exception {
        return Distribution.parse(d.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000", d.adminBasic(),
                null, null));
    }

    // --- the real cargo against a local repository

    @Test
    @Order(2)
    void cargoPublishesAndAConsumerBuildsFromTheRegistry() throws Exception {
        long t0 = System.nanoTime();
        publishWithCargo(library("base", "ak-base", "0.1.0", "ak-base 0.1.0", "", null), "ak").ok();
        // a renamed dependency: the index lists it as "base" with package "ak-base"
        Path mid = library("mid", "ak-mid", "0.2.0", "unused", "base = { package = \"ak-base\", version = \"0.1\", "
                + "registry = \"ak\" }", "pub fn marker() -> String { format!(\"ak-mid 0.2.0 + {}\", base::marker()) }\n");
        Result pub = publishWithCargo(mid, "ak").ok();
        assertThat(pub.output()).contains("Uploaded ak-mid v0.2.0").contains("Published ak-mid v0.2.0");

        JsonNode base = indexLines(ak, "crates", "ak/-b/ak-base", token, 1).get(0);
        assertThat(base.get("name").asText()).isEqualTo("ak-base");
        assertThat(base.get("vers").asText()).isEqualTo("0.1.0");
        assertThat(base.get("yanked").asBoolean()).isFalse();
        HttpResponse<byte[]> crate = ak.getBytes("/cargo/crates/api/v1/crates/ak-base/0.1.0/download", token);
        assertThat(crate.statusCode()).isEqualTo(200);
        assertThat(base.get("cksum").asText()).isEqualTo(sha256(crate.body()));
        JsonNode dep = indexLines(ak, "crates", "ak/-m/ak-mid", token, 1).get(0).get("deps").get(0);
        assertThat(dep.get("name").asText()).isEqualTo("base");
        assertThat(dep.get("package").asText()).isEqualTo("ak-base");
        assertThat(dep.get("req").asText()).isEqualTo("^0.1");
        assertThat(dep.get("kind").asText()).isEqualTo("normal");
        assertThat(dep.has("version_req")).isFalse();

        Path consumer = app("consumer", "ak-mid = { version = \"0.2\", registry = \"ak\" }",
                "fn main() { println!(\"{}\", ak_mid::marker()); }\n");
        Result run = cargo(consumer, "run", "-q").ok();
        assertThat(run.output()).contains("ak-mid 0.2.0 + ak-base 0.1.0");
        assertThat(Files.readString(consumer.resolve("Cargo.lock"))).contains("name = \"ak-base\"")
                .contains("\"sparse+" + ak.url() + "/cargo/crates/\"");
        // cargo add looks the crate up in the index
        Path added = app("added", "", "fn main() { println!(\"{}\", ak_base::marker()); }\n");
        cargo(added, "add", "ak-base", "--registry", "ak").ok();
        assertThat(Files.readString(added.resolve("Cargo.toml"))).contains("ak-base").contains("registry = \"ak\"");
        assertThat(cargo(added, "run", "-q").ok().output()).contains("ak-base 0.1.0");
        System.out.printf("[measure] cargo: publish of two crates and a consumer build from the registry in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        // the stored crates are artifacts with name and version
        JsonNode list = artifacts(ak, "crates");
        List<String> crates = new ArrayList<>();
        list.get("items").forEach(i -> {
            if (i.get("path").asText().endsWith(".crate")) {
                crates.add(i.get("name").asText() + "@" + i.get("version").asText());
            }
        });
        assertThat(crates).contains("ak-base@0.1.0", "ak-mid@0.2.0");
    }

    @Test
    @Order(2)
    void indexConfigAuthAndConditionalRequests() throws Exception {
        // a private repository: cargo's first, anonymous config.json request is asked for credentials
        HttpResponse<String> anon = ak.send("GET", "/cargo/crates/index/config.json", null, null, null);
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(anon.headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Cargo"));
        assertThat(Distribution.parse(anon).at("/errors/0/detail").asText()).isNotBlank();
        // ... and answers with auth-required to the raw token cargo sends
        JsonNode cfg = Distribution.parse(ak.send("GET", "/cargo/crates/index/config.json", token, null, null));
        assertThat(cfg.get("dl").asText()).isEqualTo(ak.url() + "/cargo/crates/api/v1/crates");
        assertThat(cfg.get("api").asText()).isEqualTo(ak.url() + "/cargo/crates");
        assertThat(cfg.get("auth-required").asBoolean()).isTrue();
        assertThat(ak.send("GET", "/cargo/crates/index/config.json", "ak_wrong-token", null, null).statusCode())
                .isEqualTo(401);
        // a public repository: anonymous reads, no auth required
        JsonNode pub = Distribution.parse(ak.send("GET", "/cargo/crates-pub/index/config.json", null, null, null));
        assertThat(pub.get("auth-required").asBoolean()).isFalse();
        // the registry root is the repository itself (sparse+BASE/cargo/{key}/); index/ answers the same
        assertThat(ak.send("GET", "/cargo/crates/config.json", null, null, null).statusCode()).isEqualTo(401);
        assertThat(Distribution.parse(ak.send("GET", "/cargo/crates/config.json", token, null, null))).isEqualTo(cfg);

        publish(ak, "crates", new Sample("cond-check", crate("cond-check", VERSION, "c")));
        String p = "/cargo/crates/index/co/nd/cond-check";
        HttpResponse<String> first = ak.send("GET", p, token, null, null);
        assertThat(first.statusCode()).isEqualTo(200);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String lm = first.headers().firstValue("Last-Modified").orElseThrow();
        assertThat(ak.send("GET", p, token, null, null, "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(ak.send("GET", p, token, null, null, "If-Modified-Since", lm).statusCode()).isEqualTo(304);
        HttpResponse<String> atRoot = ak.send("GET", "/cargo/crates/co/nd/cond-check", token, null, null);
        assertThat(atRoot.statusCode()).isEqualTo(200);
        assertThat(atRoot.body()).isEqualTo(first.body());
        assertThat(ak.send("GET", "/cargo/crates/co/nd/cond-check", token, null, null, "If-None-Match", etag).statusCode())
                .isEqualTo(304);
        // uppercase paths and paths in the wrong directory are not index files
        assertThat(ak.send("GET", "/cargo/crates/index/xx/nd/cond-check", token, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/cargo/crates/xx/nd/cond-check", token, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/cargo/crates/index/no/ne/none-such", token, null, null).statusCode()).isEqualTo(404);
        String cfgEtag = ak.send("GET", "/cargo/crates/index/config.json", token, null, null).headers().firstValue("ETag")
                .orElseThrow();
        assertThat(ak.send("GET", "/cargo/crates/index/config.json", token, null, null, "If-None-Match", cfgEtag)
                .statusCode()).isEqualTo(304);
    }

    @Test
    @Order(3)
    void searchAndOwners() throws Exception {
        Path dir = tmp.resolve("apps").resolve("search");
        Result s = cargo(dir, "search", "--registry", "ak", "ak-");
        s.ok();
        assertThat(s.output()).contains("ak-base = \"0.1.0\"").contains("ak-mid = \"0.2.0\"").contains("cargo-it ak-base 0.1.0");
        assertThat(cargo(dir, "owner", "--list", "--registry", "ak", "ak-base").ok().output()).contains("admin");

        // a second user with write access who does not own ak-base cannot publish its next version ...
        String devBasic = createUser("cargodev", "crates", List.of("read", "write"));
        String devToken = apiToken(ak, devBasic);
        Path next = library("base", "ak-base", "0.1.1", "ak-base 0.1.1", "", null);
        Result refused = cargoWith(next, Map.of("CARGO_REGISTRIES_AK_TOKEN", devToken), "publish", "--registry", "ak",
                "--allow-dirty").fails();
        assertThat(refused.output()).contains("403").contains("not one of its owners");
        // ... until an owner adds them
        cargo(dir, "owner", "--add", "cargodev", "--registry", "ak", "ak-base").ok();
        assertThat(cargo(dir, "owner", "--list", "--registry", "ak", "ak-base").ok().output()).contains("admin")
                .contains("cargodev");
        cargoWith(next, Map.of("CARGO_REGISTRIES_AK_TOKEN", devToken), "publish", "--registry", "ak", "--allow-dirty").ok();
        cargo(dir, "owner", "--remove", "cargodev", "--registry", "ak", "ak-base").ok();
        assertThat(cargo(dir, "owner", "--list", "--registry", "ak", "ak-base").ok().output()).doesNotContain("cargodev");
        assertThat(indexLines(ak, "crates", "ak/-b/ak-base", token, 2).get(1).get("vers").asText()).isEqualTo("0.1.1");
    }

    private String createUser(String name, String repo, List<String> actions) throws Exception {
        String pw = "Passw0rd-" + name;
        JsonNode u = Distribution.parse(ak.json("POST", "/api/v1/users", admin, Map.of("username", name, "password", pw,
                "email", name + "@example.com")));
        String id = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo, admin, null, null)).get("id").asText();
        assertThat(ak.json("POST", "/api/v1/permissions", admin, Map.of("principal_type", "user", "principal_id",
                u.get("id").asText(), "target_type", "repository", "target_id", id, "actions", actions)).statusCode())
                .isEqualTo(201);
        return Distribution.basic(name, pw);
    }

    @Test
    @Order(3)
    void yankedVersionsResolveOnlyFromALockfile() throws Exception {
        publishWithCargo(library("yank", "ak-yank", "1.0.0", "ak-yank 1.0.0", "", null), "ak").ok();
        String deps = "ak-yank = { version = \"1\", registry = \"ak\" }";
        String main = "fn main() { println!(\"{}\", ak_yank::marker()); }\n";
        Path locked = app("locked", deps, main);
        assertThat(cargo(locked, "run", "-q").ok().output()).contains("ak-yank 1.0.0");

        Path dir = tmp.resolve("apps").resolve("yank-cmd");
        cargo(dir, "yank", "--registry", "ak", "ak-yank@1.0.0").ok();
        assertThat(indexLines(ak, "crates", "ak/-y/ak-yank", token, 1).get(0).get("yanked").asBoolean()).isTrue();

        // a fresh resolve no longer selects it
        Result fresh = cargo(app("fresh", deps, main), "build").fails();
        assertThat(fresh.output()).contains("yanked");
        // a project locked to it still builds, downloading it again with an empty cache
        deleteTree(cargoHome.resolve("registry"));
        deleteTree(locked.resolve("target"));
        assertThat(cargo(locked, "run", "-q", "--locked").ok().output()).contains("ak-yank 1.0.0");

        cargo(dir, "yank", "--undo", "--registry", "ak", "ak-yank@1.0.0").ok();
        assertThat(cargo(app("fresh2", deps, main), "run", "-q").ok().output()).contains("ak-yank 1.0.0");
        // yanking needs credentials
        assertThat(ak.send("DELETE", "/cargo/crates/api/v1/crates/ak-yank/1.0.0/yank", null, null, null).statusCode())
                .isEqualTo(401);
        assertThat(ak.send("DELETE", "/cargo/crates/api/v1/crates/ak-yank/9.9.9/yank", token, null, null).statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(3)
    void aPublicRepositoryServesCargoWithoutCredentials() throws Exception {
        publishWithCargo(library("pub", "ak-pub", "1.0.0", "ak-pub 1.0.0", "", null), "akpub").ok();
        // a CARGO_HOME with the registry but no token at all
        Path anonHome = tmp.resolve("cargo-home-anon");
        Files.createDirectories(anonHome);
        Files.writeString(anonHome.resolve("config.toml"), """
                [registries.akpub]
                index = "sparse+%s/cargo/crates-pub/index/"
                [registry]
                global-credential-providers = ["cargo:token"]
                """.formatted(ak.url()));
        Path consumer = app("anon-consumer", "ak-pub = { version = \"1\", registry = \"akpub\" }",
                "fn main() { println!(\"{}\", ak_pub::marker()); }\n");
        assertThat(cargoWith(consumer, Map.of("CARGO_HOME", anonHome.toString()), "run", "-q").ok().output())
                .contains("ak-pub 1.0.0");
        // but publishing there without a token is refused
        Result anonPublish = cargoWith(library("pub", "ak-pub", "1.0.1", "ak-pub 1.0.1", "", null),
                Map.of("CARGO_HOME", anonHome.toString()), "publish", "--registry", "akpub", "--allow-dirty").fails();
        assertThat(anonPublish.output()).containsIgnoringCase("token");
    }

    // --- bad publishes

    @Test
    @Order(4)
    void badPublishesAreRefusedAndLeaveNothingBehind() throws Exception {
        String url = "/cargo/crates/api/v1/crates/new";
        int before = artifacts(ak, "crates").get("total").asInt();
        byte[] good = crate("ak-bad", VERSION, "bad");
        byte[] meta = metadata("ak-bad", VERSION);

        // wrong lengths: the declared crate length disagrees with the body
        byte[] body = publishBody(meta, good);
        byte[] shortened = java.util.Arrays.copyOf(body, body.length - 100);
        expectError(ak.send("PUT", url, token, null, shortened), 400, "lengths");
        // a truncated body, streamed without a Content-Length: the .crate ends early
        HttpResponse<String> trunc = ak.http().send(HttpRequest.newBuilder(URI.create(ak.url() + url))
                .header("Authorization", token).timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(shortened))).build(),
                HttpResponse.BodyHandlers.ofString());
        expectError(trunc, 400, "ended");
        // metadata length past the end
        byte[] hugeJson = body.clone();
        hugeJson[2] = 0x01;
        expectError(ak.send("PUT", url, token, null, hugeJson), 400, "metadata");
        // bytes after the .crate
        byte[] extra = java.util.Arrays.copyOf(body, body.length + 3);
        HttpResponse<String> ex = ak.http().send(HttpRequest.newBuilder(URI.create(ak.url() + url))
                .header("Authorization", token).timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(extra))).build(),
                HttpResponse.BodyHandlers.ofString());
        expectError(ex, 400, "continues");
        // bad names and versions
        expectError(ak.send("PUT", url, token, null, publishBody(metadata("1bad", VERSION), crate("1bad", VERSION, "x"))),
                400, "invalid crate name");
        expectError(ak.send("PUT", url, token, null, publishBody(metadata("bad name", VERSION), good)), 400,
                "invalid crate name");
        expectError(ak.send("PUT", url, token, null, publishBody(metadata("nul", VERSION), crate("nul", VERSION, "x"))),
                400, "reserved");
        expectError(ak.send("PUT", url, token, null, publishBody(metadata("ak-bad", "1.0"), good)), 400, "invalid version");
        // malformed JSON, a .crate that is not one, a .crate of another crate
        expectError(ak.send("PUT", url, token, null, publishBody("{not json".getBytes(), good)), 400, "malformed");
        expectError(ak.send("PUT", url, token, null, publishBody(meta, "not a gzip".getBytes())), 400, "gzip");
        expectError(ak.send("PUT", url, token, null, publishBody(meta, crate("other", VERSION, "x"))), 400, "outside");
        // anonymous, to a remote, to a virtual
        expectError(ak.send("PUT", url, null, null, body), 401, "");
        expectError(ak.send("PUT", "/cargo/crates-remote/api/v1/crates/new", token, null, body), 405, "remote");
        expectError(ak.send("PUT", "/cargo/crates-virtual/api/v1/crates/new", token, null, body), 400, "virtual");
        assertThat(artifacts(ak, "crates").get("total").asInt()).as("nothing stored by refused publishes").isEqualTo(before);
        assertThat(ak.send("GET", "/cargo/crates/index/ak/-b/ak-bad", token, null, null).statusCode()).isEqualTo(404);

        // a duplicate version, through the wire and through cargo
        assertThat(ak.send("PUT", url, token, null, body).statusCode()).isEqualTo(200);
        int after = artifacts(ak, "crates").get("total").asInt();
        expectError(ak.send("PUT", url, token, null, publishBody(meta, crate("ak-bad", VERSION, "other bytes"))), 409,
                "already published");
        expectError(ak.send("PUT", url, token, null, publishBody(metadata("ak-bad", VERSION + "+build.7"),
                crate("ak-bad", VERSION + "+build.7", "x"))), 409, "already published");
        expectError(ak.send("PUT", url, token, null, publishBody(metadata("AK-Bad", "2.0.0"), crate("AK-Bad", "2.0.0", "x"))),
                400, "only in case");
        Result dup = publishWithCargo(library("base", "ak-base", "0.1.0", "ak-base 0.1.0", "", null), "ak").fails();
        assertThat(dup.output()).containsAnyOf("already published", "already exists");
        assertThat(artifacts(ak, "crates").get("total").asInt()).isEqualTo(after);
        assertThat(indexLines(ak, "crates", "ak/-b/ak-bad", token, 1).get(0).get("cksum").asText()).isEqualTo(sha256(good));
    }

    /**
     * A 48 MiB .crate published by the Web API from a file, as a stream: the server stores it without
     * holding it, and gives the same bytes back.
     */
    @Test
    @Order(4)
    void aLargeCrateIsStreamedIntoStorage() throws Exception {
        Path file = tmp.resolve("big.crate");
        String root = "ak-big-1.0.0/";
        java.util.Random rnd = new java.util.Random(7);
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            entry(gz, root + "Cargo.toml", "[package]\nname = \"ak-big\"\nversion = \"1.0.0\"\n".getBytes());
            long size = 48L << 20;
            byte[] header = new byte[512];
            put(header, 0, root + "data.bin");
            put(header, 100, "0000644");
            put(header, 108, "0000000");
            put(header, 116, "0000000");
            put(header, 124, String.format("%011o", size));
            put(header, 136, "00000000000");
            header[156] = '0';
            put(header, 257, "ustar");
            put(header, 263, "00");
            java.util.Arrays.fill(header, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte x : header) {
                sum += x & 0xff;
            }
            put(header, 148, String.format("%06o", sum));
            header[154] = 0;
            gz.write(header);
            byte[] chunk = new byte[1 << 20];
            for (long left = size; left > 0; left -= chunk.length) {
                rnd.nextBytes(chunk);
                gz.write(chunk);
            }
            gz.write(new byte[1024]);
        }
        long crateSize = Files.size(file);
        byte[] meta = metadata("ak-big", "1.0.0");
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        le(prefix, meta.length);
        prefix.writeBytes(meta);
        le(prefix, (int) crateSize);
        long t0 = System.nanoTime();
        HttpResponse<String> r = ak.http().send(HttpRequest.newBuilder(URI.create(ak.url() + "/cargo/crates/api/v1/crates/new"))
                .header("Authorization", token).timeout(Duration.ofSeconds(300))
                .PUT(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(prefix.toByteArray()),
                        HttpRequest.BodyPublishers.ofFile(file))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        System.out.printf("[measure] cargo: publish of a %d MiB .crate by the Web API in %d ms%n", crateSize >> 20,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), md));
        }
        String want = HexFormat.of().formatHex(md.digest());
        assertThat(indexLines(ak, "crates", "ak/-b/ak-big", token, 1).get(0).get("cksum").asText()).isEqualTo(want);
        HttpResponse<InputStream> back = ak.http().send(HttpRequest.newBuilder(URI.create(ak.url()
                + "/cargo/crates/api/v1/crates/ak-big/1.0.0/download")).header("Authorization", token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest md2 = MessageDigest.getInstance("SHA-256");
        try (InputStream in = back.body()) {
            in.transferTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), md2));
        }
        assertThat(HexFormat.of().formatHex(md2.digest())).isEqualTo(want);
        Files.delete(file);
    }

    /** Concurrent publishes of versions of one crate: every one ends up in its index file (read-modify-write under a lock). */
    @Test
    @Order(4)
    void concurrentPublishesOfOneCrateLoseNoVersion() throws Exception {
        int n = 12;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<HttpResponse<String>>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String v = "0." + i + ".0";
                byte[] body = publishBody(metadata("ak-many", v), crate("ak-many", v, "many " + i));
                fs.add(pool.submit(() -> ak.send("PUT", "/cargo/crates/api/v1/crates/new", token, null, body)));
            }
            for (var f : fs) {
                assertThat(f.get().statusCode()).as(f.get().body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode lines = indexLines(ak, "crates", "ak/-m/ak-many", token, n);
        List<String> versions = new ArrayList<>();
        lines.forEach(l -> versions.add(l.get("vers").asText()));
        assertThat(versions).hasSize(n).doesNotHaveDuplicates();
    }

    private static void expectError(HttpResponse<String> r, int status, String detail) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = Distribution.parse(r);
        assertThat(e.at("/errors/0/detail").asText()).as(r.body()).containsIgnoringCase(detail);
    }

    // --- remote and virtual

    @Test
    @Order(5)
    void cargoThroughARemoteOfTheSecondInstanceAndAVirtual() throws Exception {
        publishWithCargo(library("up", "ak-up", "1.0.0", "ak-up 1.0.0 from upstream", "", null), "up").ok();
        // the remote's config.json sends downloads here, not upstream
        JsonNode cfg = Distribution.parse(ak.send("GET", "/cargo/crates-remote/index/config.json", token, null, null));
        assertThat(cfg.get("dl").asText()).isEqualTo(ak.url() + "/cargo/crates-remote/api/v1/crates");
        Path viaRemote = app("via-remote", "ak-up = { version = \"1\", registry = \"akremote\" }",
                "fn main() { println!(\"{}\", ak_up::marker()); }\n");
        assertThat(cargo(viaRemote, "run", "-q").ok().output()).contains("ak-up 1.0.0 from upstream");
        JsonNode cached = artifacts(ak, "crates-remote");
        List<String> paths = new ArrayList<>();
        cached.get("items").forEach(i -> paths.add(i.get("path").asText()));
        assertThat(paths).contains("crates/ak-up/ak-up-1.0.0.crate", "index/ak/-u/ak-up");

        // crates.io replaced by the remote: a plain `ak-up = "1"` dependency comes through it
        Path replaced = app("replaced", "ak-up = \"1\"", "fn main() { println!(\"{}\", ak_up::marker()); }\n");
        Files.createDirectories(replaced.resolve(".cargo"));
        Files.writeString(replaced.resolve(".cargo/config.toml"), "[source.crates-io]\nreplace-with = \"akremote\"\n");
        assertThat(cargo(replaced, "run", "-q").ok().output()).contains("ak-up 1.0.0 from upstream");

        // the same version in both members: the local one (priority 1) wins, index line and bytes alike
        publishWithCargo(library("both-up", "ak-both", "1.0.0", "ak-both from upstream", "", null), "up").ok();
        publishWithCargo(library("both-local", "ak-both", "1.0.0", "ak-both from local", "", null), "ak").ok();
        publishWithCargo(library("both-up", "ak-both", "1.1.0-beta.1", "ak-both 1.1 beta from upstream", "", null), "up")
                .ok();
        JsonNode merged = indexLines(ak, "crates-virtual", "ak/-b/ak-both", token, 2);
        String localCksum = indexLines(ak, "crates", "ak/-b/ak-both", token, 1).get(0).get("cksum").asText();
        assertThat(merged.get(0).get("cksum").asText()).isEqualTo(localCksum);
        assertThat(merged.get(1).get("vers").asText()).isEqualTo("1.1.0-beta.1");
        // the merged file has validators of its own
        HttpResponse<String> mergedResp = ak.send("GET", "/cargo/crates-virtual/index/ak/-b/ak-both", token, null, null);
        String vEtag = mergedResp.headers().firstValue("ETag").orElseThrow();
        String vLm = mergedResp.headers().firstValue("Last-Modified").orElseThrow();
        assertThat(ak.send("GET", "/cargo/crates-virtual/index/ak/-b/ak-both", token, null, null, "If-None-Match", vEtag)
                .statusCode()).isEqualTo(304);
        assertThat(ak.send("GET", "/cargo/crates-virtual/index/ak/-b/ak-both", token, null, null, "If-Modified-Since", vLm)
                .statusCode()).isEqualTo(304);
        assertThat(ak.send("GET", "/cargo/crates-virtual/index/ak/-b/ak-both", token, null, null, "If-None-Match", "\"x\"")
                .statusCode()).isEqualTo(200);

        Path viaVirtual = app("via-virtual", """
                ak-mid = { version = "0.2", registry = "akvirtual" }
                ak-up = { version = "1", registry = "akvirtual" }
                ak-both = { version = "=1.0.0", registry = "akvirtual" }
                """, "fn main() { println!(\"{} | {} | {}\", ak_mid::marker(), ak_up::marker(), ak_both::marker()); }\n");
        assertThat(cargo(viaVirtual, "run", "-q").ok().output())
                .contains("ak-mid 0.2.0 + ak-base 0.1.").contains("| ak-up 1.0.0 from upstream | ak-both from local");
        Path beta = app("via-virtual-beta", "ak-both = { version = \"=1.1.0-beta.1\", registry = \"akvirtual\" }",
                "fn main() { println!(\"{}\", ak_both::marker()); }\n");
        assertThat(cargo(beta, "run", "-q").ok().output()).contains("ak-both 1.1 beta from upstream");

        // search through the virtual reaches both members (the remote asks the upstream's API)
        Result s = cargo(tmp.resolve("apps").resolve("search"), "search", "--registry", "akvirtual", "ak-");
        assertThat(s.ok().output()).contains("ak-mid = \"0.2.0\"").contains("ak-up = \"1.0.0\"");

        // a yank upstream shows through the remote once its index file is refreshed (TTL 1 s)
        cargo(tmp.resolve("apps").resolve("yank-cmd"), "yank", "--registry", "up", "ak-up@1.0.0").ok();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!indexLines(ak, "crates-remote", "ak/-u/ak-up", token, 1).get(0).get("yanked").asBoolean()) {
            assertThat(System.nanoTime()).as("the upstream's yank shows through the remote within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(cargo(app("via-remote-fresh", "ak-up = { version = \"1\", registry = \"akremote\" }",
                "fn main() { println!(\"{}\", ak_up::marker()); }\n"), "build").fails().output()).contains("yanked");
    }

    // --- helpers: crates and publish bodies made by hand for the protocol-level checks

    /** The publish metadata cargo sends for a crate without dependencies. */
    static byte[] metadata(String name, String version) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("vers", version);
        m.put("deps", List.of());
        m.put("features", Map.of());
        m.put("authors", List.of());
        m.put("description", "cargo-it " + name);
        m.put("license", "MIT");
        m.put("readme", null);
        m.put("links", null);
        return Distribution.JSON.writeValueAsBytes(m);
    }

    /** {@code u32le(len) json u32le(len) crate}: the body of {@code PUT /api/v1/crates/new}. */
    static byte[] publishBody(byte[] json, byte[] crate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le(out, json.length);
        out.writeBytes(json);
        le(out, crate.length);
        out.writeBytes(crate);
        return out.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, int n) {
        out.write(n);
        out.write(n >>> 8);
        out.write(n >>> 16);
        out.write(n >>> 24);
    }

    /** A .crate as cargo packages it: a gzipped tar of {@code {name}-{version}/Cargo.toml} and {@code src/lib.rs}. */
    static byte[] crate(String name, String version, String marker) throws IOException {
        String root = name + "-" + version + "/";
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
            entry(gz, root + "Cargo.toml", ("[package]\nname = \"" + name + "\"\nversion = \"" + version + "\"\n")
                    .getBytes(StandardCharsets.UTF_8));
            entry(gz, root + "src/lib.rs", ("pub fn marker() -> &'static str { \"" + marker + "\" }\n")
                    .getBytes(StandardCharsets.UTF_8));
            gz.write(new byte[1024]);
        }
        return raw.toByteArray();
    }

    private static void entry(GZIPOutputStream out, String path, byte[] data) throws IOException {
        byte[] h = new byte[512];
        put(h, 0, path);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, "00000000000");
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        out.write(h);
        out.write(data);
        out.write(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, b.length);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
