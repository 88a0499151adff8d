package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * Debian end to end with the real clients: packages built by {@code dpkg-deb}, uploaded by PUT,
 * {@code POST upload} and {@code dput} (HTTP method), installed by {@code apt-get} (update, then
 * install --download-only into a private apt root: nothing of this machine's apt state is touched)
 * with {@code signed-by=} the key from the signing API and signature checking on, from a local, a
 * virtual and a remote repository whose upstream is a second server; a Release altered on the way is
 * refused by apt; a key rotation followed by an update with the new key; refused uploads leave
 * nothing behind. Plus the format TCK.
 */
class DebianIT extends FormatTck {
    private static final String PASSWORD = Distribution.ADMIN_PASSWORD;

    private Path tmp;
    private String dpkgDeb;
    private String aptGet;
    private String dput;
    private String tar;
    private String ar;

    @Override
    protected String formatKey() {
        return "debian";
    }

    @Override
    protected String mount() {
        return "debian";
    }

    // --- the TCK's sample: a .deb that dpkg-deb builds

    private final Map<String, Sample> samples = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    protected Sample sample(String variant) throws Exception {
        Sample s = samples.get(variant);
        if (s == null) {
            s = newSample(variant);
            samples.put(variant, s);
        }
        return s;
    }

    private Sample newSample(String variant) throws Exception {
        String name = "tck-" + variant.replace("-upstream", "");
        Path deb = buildDeb(name, "1.0", "all", "X-Variant: " + variant + "\n");
        return new Sample("pool/main/t/" + name + "/" + name + "_1.0_all.deb", Files.readAllBytes(deb));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> r = server.send("PUT", url(repoKey, s.name()), server.adminBasic(), "application/vnd.debian.binary-package",
                s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return s.name();
    }

    // --- setup

    @BeforeAll
    void clients() throws Exception {
        tmp = Files.createTempDirectory("ak-debian-it");
        dpkgDeb = tool("dpkg-deb", "dpkg");
        aptGet = tool("apt-get", "apt");
        dput = tool("dput", "dput");
        tar = tool("tar", "tar");
        ar = tool("ar", "binutils");
        tool("gpgv", "gpgv");
        for (String[] v : List.of(new String[] {aptGet, "--version"}, new String[] {dpkgDeb, "--version"},
                new String[] {dput, "--version"}, new String[] {"gpgv", "--version"})) {
            System.out.println("DebianIT client: " + run(tmp, null, v).out().strip().lines().findFirst().orElse(v[0] + ": no version"));
        }
        createRepo(ak, Map.of("key", "deb-local", "format", "debian"));
    }

    // --- helpers: building packages, the signing API, a private apt root

    private Path buildDeb(String name, String version, String arch, String extra) throws Exception {
        return buildDeb(name, version, arch, extra, "gzip");
    }

    /** {@code dpkg-deb --build} of a package with one documentation file. */
    private Path buildDeb(String name, String version, String arch, String extra, String compression) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("build").resolve(name + "_" + version + "_" + arch + "_" + compression));
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.writeString(root.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch
                + "\nMaintainer: DebianIT <it@example.com>\nSection: misc\nPriority: optional\n" + extra
                + "Description: " + name + " for the end-to-end test\n built by dpkg-deb in DebianIT\n");
        Path doc = Files.createDirectories(root.resolve("usr/share/doc/" + name));
        Files.writeString(doc.resolve("README"), name + " " + version + " " + extra + "\n");
        Path out = tmp.resolve("build").resolve(name + "_" + version + "_" + arch + "_" + compression + ".deb");
        Result r = run(tmp, null, dpkgDeb, "--root-owner-group", "-Z" + compression, "--build", root.toString(), out.toString());
        assertThat(r.code()).as("dpkg-deb --build: " + r.out()).isZero();
        return out;
    }

    /** A key generated by the signing API: {"id", "public_key", ...}. */
    private JsonNode createKey(Distribution d, String name, String algorithm) throws Exception {
        return d.createSigningKey(Map.of("name", name, "key_type", "gpg", "algorithm", algorithm, "uid_name",
                "DebianIT " + name, "uid_email", name + "@example.com"));
    }

    private void signWith(Distribution d, String repo, String keyId) throws Exception {
        d.signRepository(repo, keyId, Map.of());
    }

    private String publicKey(Distribution d, String keyId) throws Exception {
        HttpResponse<String> r = d.send("GET", "/api/v1/signing/keys/" + keyId + "/public", d.adminBasic(), null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("BEGIN PGP PUBLIC KEY BLOCK");
        return r.body();
    }

    private void createRepo(Distribution d, Map<String, Object> body) throws Exception {
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    private HttpResponse<String> upload(Distribution d, String repo, String query, Path deb) throws Exception {
        return d.send("POST", "/debian/" + repo + "/upload" + query, d.adminBasic(), "application/vnd.debian.binary-package",
                Files.readAllBytes(deb));
    }

    /** A private apt root: its own sources, key, auth, lists, cache and dpkg status. */
    private final class AptRoot {
        final Path root;

        AptRoot(String name) throws IOException {
            root = tmp.resolve("apt-" + name);
            for (String dir : List.of("etc/apt/sources.list.d", "etc/apt/apt.conf.d", "etc/apt/preferences.d",
                    "etc/apt/trusted.gpg.d", "etc/apt/auth.conf.d", "var/lib/apt/lists/partial",
                    "var/cache/apt/archives/partial", "var/lib/dpkg", "keys")) {
                Files.createDirectories(root.resolve(dir));
            }
            Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        }

        /** One source: {@code deb [signed-by=KEY] URL DIST main}, with the key's text written beside. */
        AptRoot source(String url, String dist, String keyText) throws IOException {
            Path key = root.resolve("keys/repo.asc");
            Files.writeString(key, keyText);
            Files.writeString(root.resolve("etc/apt/sources.list"), "deb [signed-by=" + key + "] " + url + " " + dist + " main\n");
            URI u = URI.create(url);
            Path auth = root.resolve("etc/apt/auth.conf.d/ak.conf");
            Files.writeString(auth, "machine http://" + u.getHost() + ":" + u.getPort() + "\nlogin admin\npassword " + PASSWORD + "\n");
            return this;
        }

        void clearLists() throws IOException {
            try (var s = Files.list(root.resolve("var/lib/apt/lists"))) {
                for (Path p : s.toList()) {
                    if (Files.isRegularFile(p)) {
                        Files.delete(p);
                    }
                }
            }
        }

        Result apt(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(aptGet, "-o", "Dir=" + root, "-o", "Dir::State::status=" + root.resolve("var/lib/dpkg/status"),
                    "-o", "Dir::Etc::trusted=/dev/null", "-o", "Dir::Etc::trustedparts=" + root.resolve("etc/apt/trusted.gpg.d"),
                    "-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=root", "-o", "APT::Architecture=amd64",
                    "-o", "APT::Architectures=amd64", "-o", "Acquire::Retries=0", "-o", "Acquire::http::Proxy=DIRECT",
                    "-o", "Acquire::Languages=none", "-o", "APT::Get::List-Cleanup=0"));
            cmd.addAll(List.of(args));
            Result r = run(tmp, null, cmd.toArray(String[]::new));
            System.out.println("[debian-it] apt-get " + String.join(" ", args) + " -> " + r.code() + "\n" + r.out());
            return r;
        }

        /** apt-get update that worked: exit 0 and neither an error nor a warning (a signature problem is one). */
        void update() throws Exception {
            Result r = apt("update");
            assertThat(r.code()).as("apt-get update: " + r.out()).isZero();
            assertThat(r.out()).as("apt-get update: " + r.out()).doesNotContain("\nW: ", "\nE: ", "Err:");
        }

        /** apt-get install --download-only: the packages fetched and verified into the cache. */
        List<Path> install(String... packages) throws Exception {
            List<String> args = new ArrayList<>(List.of("install", "-y", "--download-only", "--no-install-recommends"));
            args.addAll(List.of(packages));
            Result r = apt(args.toArray(String[]::new));
            assertThat(r.code()).as("apt-get install: " + r.out()).isZero();
            assertThat(r.out()).contains("Download complete");
            List<Path> got = new ArrayList<>();
            try (var s = Files.list(root.resolve("var/cache/apt/archives"))) {
                got.addAll(s.filter(p -> p.toString().endsWith(".deb")).toList());
            }
            for (String p : packages) {
                assertThat(got).as("downloaded %s", p).anyMatch(f -> f.getFileName().toString().startsWith(p + "_"));
            }
            return got;
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private long artifactCount(String repo) throws Exception {
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000", admin, null, null));
        return list.get("total").asLong();
    }

    // --- tests (the remote one first: the TCK's stale test stops the upstream server)

    @Test
    @Order(0)
    void aptInstallsThroughARemoteOfASecondServerCheckedAgainstTheUpstreamKey() throws Exception {
        JsonNode upKey = createKey(upstream, "upstream", "ed25519");
        createRepo(upstream, Map.of("key", "deb-up", "format", "debian"));
        signWith(upstream, "deb-up", upKey.get("id").asText());
        Path deb = buildDeb("remote-hello", "2.1-1", "amd64", "");
        assertThat(upload(upstream, "deb-up", "", deb).statusCode()).isEqualTo(201);

        Map<String, Object> settings = new LinkedHashMap<>(Map.of("upstream_username", "admin", "upstream_password", PASSWORD,
                "upstream_public_key", publicKey(upstream, upKey.get("id").asText())));
        createRepo(ak, Map.of("key", "deb-remote", "format", "debian", "repo_type", "remote", "upstream_url",
                upstream.url() + "/debian/deb-up", "settings", settings));
        JsonNode ourKey = createKey(ak, "remote", "ed25519");
        signWith(ak, "deb-remote", ourKey.get("id").asText());

        AptRoot apt = new AptRoot("remote").source(ak.url() + "/debian/deb-remote", "stable", publicKey(ak, ourKey.get("id").asText()));
        apt.update();
        List<Path> got = apt.install("remote-hello");
        assertThat(sha256(Files.readAllBytes(got.get(0)))).isEqualTo(sha256(Files.readAllBytes(deb)));

        // the remote's own InRelease is ours (re-signed), not the upstream's
        String in = ak.send("GET", "/debian/deb-remote/dists/stable/InRelease", admin, null, null).body();
        String upIn = upstream.send("GET", "/debian/deb-up/dists/stable/InRelease", upstream.adminBasic(), null, null).body();
        assertThat(in).contains("BEGIN PGP SIGNED MESSAGE").isNotEqualTo(upIn);

        // a remote told to expect another key refuses the upstream's index
        Map<String, Object> wrong = new LinkedHashMap<>(settings);
        wrong.put("upstream_public_key", publicKey(ak, ourKey.get("id").asText()));
        createRepo(ak, Map.of("key", "deb-remote-wrongkey", "format", "debian", "repo_type", "remote", "upstream_url",
                upstream.url() + "/debian/deb-up", "settings", wrong));
        HttpResponse<String> refused = ak.send("GET", "/debian/deb-remote-wrongkey/dists/stable/Release", admin, null, null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
        assertThat(refused.body()).contains("not signed by the configured upstream_public_key");
    }

    private String localKeyId;

    @Test
    @Order(10)
    void aptInstallsFromALocalRepositoryWithSignaturesChecked() throws Exception {
        JsonNode key = createKey(ak, "local", "rsa4096");
        localKeyId = key.get("id").asText();
        signWith(ak, "deb-local", localKeyId);

        Path hello = buildDeb("hello-ak", "1.0-1", "amd64", "Depends: docs-ak\n");
        Path docs = buildDeb("docs-ak", "3.0", "all", "");
        HttpResponse<String> put = ak.send("PUT", "/debian/deb-local/pool/main/h/hello-ak/hello-ak_1.0-1_amd64.deb", admin,
                "application/vnd.debian.binary-package", Files.readAllBytes(hello));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(upload(ak, "deb-local", "", docs).statusCode()).isEqualTo(201);
        Path other = buildDeb("suite-ak", "0.1", "amd64", "");
        assertThat(upload(ak, "deb-local", "?distribution=bookworm&component=contrib", other).statusCode()).isEqualTo(201);

        // the key clients are told to fetch is the one the signing API shows
        String armored = publicKey(ak, localKeyId);
        assertThat(ak.send("GET", "/debian/deb-local/gpg-key.asc", admin, null, null).body()).isEqualTo(armored);
        assertThat(ak.send("GET", "/debian/deb-local/dists/stable/gpg-key.asc", admin, null, null).body()).isEqualTo(armored);

        AptRoot apt = new AptRoot("local").source(ak.url() + "/debian/deb-local", "stable", armored);
        apt.update();
        List<Path> got = apt.install("hello-ak");
        assertThat(got).as("the dependency of architecture all came along").anyMatch(p -> p.getFileName().toString().startsWith("docs-ak_"));

        AptRoot suite = new AptRoot("bookworm").source(ak.url() + "/debian/deb-local", "bookworm", armored);
        Files.writeString(suite.root.resolve("etc/apt/sources.list"), "deb [signed-by=" + suite.root.resolve("keys/repo.asc") + "] "
                + ak.url() + "/debian/deb-local bookworm contrib\n");
        suite.update();
        suite.install("suite-ak");

        // an unsigned repository still serves Release (for trusted=yes users) and no InRelease
        createRepo(ak, Map.of("key", "deb-unsigned", "format", "debian"));
        assertThat(upload(ak, "deb-unsigned", "", docs).statusCode()).isEqualTo(201);
        assertThat(ak.send("GET", "/debian/deb-unsigned/dists/stable/Release", admin, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("GET", "/debian/deb-unsigned/dists/stable/InRelease", admin, null, null).statusCode()).isEqualTo(404);
        // and apt with a key refuses it
        Result unsigned = new AptRoot("unsigned").source(ak.url() + "/debian/deb-unsigned", "stable", armored).apt("update");
        assertThat(unsigned.code()).as(unsigned.out()).isNotZero();
        assertThat(unsigned.out()).contains("is not signed");
    }

    @Test
    @Order(11)
    void dputUploadsOverHttp() throws Exception {
        Path deb = buildDeb("dput-ak", "1.0", "all", "");
        byte[] b = Files.readAllBytes(deb);
        Path dir = Files.createDirectories(tmp.resolve("dput"));
        Path copy = dir.resolve("dput-ak_1.0_all.deb");
        Files.write(copy, b);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        String changes = "Format: 1.8\nDate: Mon, 07 Dec 2026 19:00:00 +0000\nSource: dput-ak\nBinary: dput-ak\nArchitecture: all\n"
                + "Version: 1.0\nDistribution: stable\nUrgency: medium\nMaintainer: DebianIT <it@example.com>\n"
                + "Changed-By: DebianIT <it@example.com>\nDescription:\n dput-ak - a test package\nChanges:\n dput-ak (1.0) stable; urgency=medium\n .\n"
                + "   * Initial.\nChecksums-Sha1:\n " + sha1 + " " + b.length + " dput-ak_1.0_all.deb\nChecksums-Sha256:\n " + sha256(b) + " "
                + b.length + " dput-ak_1.0_all.deb\nFiles:\n " + md5 + " " + b.length + " misc optional dput-ak_1.0_all.deb\n";
        Path changesFile = dir.resolve("dput-ak_1.0_all.changes");
        Files.writeString(changesFile, changes);
        Path cf = dir.resolve("dput.cf");
        Files.writeString(cf, "[ak]\nfqdn = 127.0.0.1:" + ak.port() + "\nmethod = http\nincoming = /debian/deb-local/incoming/stable/main\n"
                + "login = admin\nallow_unsigned_uploads = 1\nrun_dinstall = 0\n");
        // dput asks for the password after the server's 401; without a terminal (setsid) it reads it from stdin
        Result r = run(dir, PASSWORD + "\n", "setsid", "-w", dput, "-c", cf.toString(), "ak", changesFile.toString());
        System.out.println("[debian-it] dput -> " + r.code() + "\n" + r.out());
        assertThat(r.code()).as(r.out()).isZero();
        HttpResponse<byte[]> stored = ak.getBytes("/debian/deb-local/pool/main/d/dput-ak/dput-ak_1.0_all.deb", admin);
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(stored.body()).isEqualTo(b);
        assertThat(ak.send("GET", "/debian/deb-local/dists/stable/main/binary-amd64/Packages", admin, null, null).body())
                .contains("Package: dput-ak\n");
    }

    @Test
    @Order(12)
    void aptRefusesAReleaseAlteredOnTheWay() throws Exception {
        // a mirror in front of the server that changes one byte of the signed text of InRelease
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", ex -> {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ak.url() + ex.getRequestURI())).GET();
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth != null) {
                    b.header("Authorization", auth);
                }
                HttpResponse<byte[]> r = ak.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                byte[] body = r.body();
                if (ex.getRequestURI().getPath().endsWith("/InRelease") && r.statusCode() == 200) {
                    body = new String(body, StandardCharsets.UTF_8).replaceFirst("Components: main", "Components: mbin")
                            .getBytes(StandardCharsets.UTF_8);
                }
                r.headers().firstValue("WWW-Authenticate").ifPresent(v -> ex.getResponseHeaders().add("WWW-Authenticate", v));
                ex.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(502, -1);
            }
        });
        proxy.start();
        try {
            String armored = publicKey(ak, localKeyId);
            AptRoot apt = new AptRoot("tampered").source("http://127.0.0.1:" + proxy.getAddress().getPort() + "/debian/deb-local",
                    "stable", armored);
            Result r = apt.apt("update");
            assertThat(r.code()).as("apt-get update through the altering mirror: " + r.out()).isNotZero();
            assertThat(r.out()).contains("BADSIG");
            Result install = apt.apt("install", "-y", "--download-only", "hello-ak");
            assertThat(install.code()).as("nothing to install from a refused index: " + install.out()).isNotZero();
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    @Order(13)
    void aKeyRotationIsFollowedByAnUpdateWithTheNewKey() throws Exception {
        String oldKey = publicKey(ak, localKeyId);
        AptRoot before = new AptRoot("before-rotation").source(ak.url() + "/debian/deb-local", "stable", oldKey);
        before.update();

        HttpResponse<String> rot = ak.json("POST", "/api/v1/signing/keys/" + localKeyId + "/rotate", admin, Map.of());
        assertThat(rot.statusCode()).as(rot.body()).isBetween(200, 201);
        JsonNode rotated = Distribution.parse(rot);
        String newId = rotated.get("id").asText();
        assertThat(newId).isNotEqualTo(localKeyId);
        assertThat(rotated.get("rotated_from").asText()).isEqualTo(localKeyId);
        JsonNode config = Distribution.parse(ak.send("GET", "/api/v1/signing/repositories/deb-local/config", admin, null, null));
        if (!newId.equals(config.path("signing_key_id").asText())) {
            // the platform leaves the choice to the administrator: point the repository at the new key
            signWith(ak, "deb-local", newId);
        }
        String newKey = publicKey(ak, newId);
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(ak.send("GET", "/debian/deb-local/gpg-key.asc", admin, null, null).body()).isEqualTo(newKey);

        // the index is signed again at once: the old key no longer verifies it, the new one does
        before.clearLists();
        Result stale = before.apt("update");
        assertThat(stale.code()).as("apt with only the old key: " + stale.out()).isNotZero();
        assertThat(stale.out()).containsAnyOf("NO_PUBKEY", "is not signed");

        AptRoot after = new AptRoot("after-rotation").source(ak.url() + "/debian/deb-local", "stable", newKey);
        after.update();
        after.install("hello-ak");
    }

    @Test
    @Order(14)
    void aptInstallsFromAVirtualRepositorySignedWithItsOwnKey() throws Exception {
        createRepo(ak, Map.of("key", "deb-other", "format", "debian"));
        Path other = buildDeb("other-ak", "5.0", "amd64", "");
        assertThat(upload(ak, "deb-other", "", other).statusCode()).isEqualTo(201);
        createRepo(ak, Map.of("key", "deb-virtual", "format", "debian", "repo_type", "virtual"));
        json(ak, "PUT", "/api/v1/repositories/deb-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "deb-local", "priority", 1), Map.of("member_key", "deb-other", "priority", 2))), 200);
        JsonNode key = createKey(ak, "virtual", "ed25519");
        signWith(ak, "deb-virtual", key.get("id").asText());

        AptRoot apt = new AptRoot("virtual").source(ak.url() + "/debian/deb-virtual", "stable", publicKey(ak, key.get("id").asText()));
        apt.update();
        apt.install("hello-ak", "other-ak");

        // a member's new package shows in the virtual's next index
        Path later = buildDeb("later-ak", "1.0", "all", "");
        assertThat(upload(ak, "deb-other", "", later).statusCode()).isEqualTo(201);
        apt.update();
        apt.install("later-ak");
    }

    @Test
    @Order(15)
    void badUploadsAreRefusedAndNothingIsStored() throws Exception {
        createRepo(ak, Map.of("key", "deb-bad", "format", "debian"));
        Path good = buildDeb("good-ak", "1.0", "all", "");
        byte[] g = Files.readAllBytes(good);
        Path work = Files.createDirectories(tmp.resolve("bad"));
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("truncated", java.util.Arrays.copyOf(g, g.length - 100));
        bad.put("not an ar archive", "this is not a Debian package\n".getBytes(StandardCharsets.UTF_8));
        bad.put("control with traversal", arDeb(work, "traversal", "Package: x1\nVersion: 1\nArchitecture: all\n", "../../"));
        bad.put("huge control field", arDeb(work, "huge", "Package: huge-ak\nVersion: 1\nArchitecture: all\nX-Huge: "
                + "y".repeat(200_000) + "\n", ""));
        bad.put("no version", arDeb(work, "noversion", "Package: nov-ak\nArchitecture: all\n", ""));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            HttpResponse<String> r = ak.send("POST", "/debian/deb-bad/upload", admin, "application/vnd.debian.binary-package", e.getValue());
            assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(400);
        }
        assertThat(artifactCount("deb-bad")).as("nothing stored from refused uploads").isZero();

        assertThat(upload(ak, "deb-bad", "", good).statusCode()).isEqualTo(201);
        HttpResponse<String> dup = upload(ak, "deb-bad", "", good);
        assertThat(dup.statusCode()).as(dup.body()).isEqualTo(409);
        HttpResponse<String> dupPut = ak.send("PUT", "/debian/deb-bad/pool/main/good-ak_1.0_all.deb", admin, null, g);
        assertThat(dupPut.statusCode()).as(dupPut.body()).isEqualTo(409);
        assertThat(artifactCount("deb-bad")).isEqualTo(1);

        // control.tar.xz and control.tar.zst (dpkg-deb's defaults and Ubuntu's): the runtime deploys XZ for Java and zstd-jni
        for (String compression : List.of("xz", "zstd")) {
            Path p = buildDeb(compression + "-ak", "1.0", "all", "", compression);
            HttpResponse<String> r = upload(ak, "deb-bad", "", p);
            assertThat(r.statusCode()).as(compression + ": " + r.body()).isEqualTo(201);
        }
        assertThat(ak.send("GET", "/debian/deb-bad/dists/stable/main/binary-amd64/Packages", admin, null, null).body())
                .contains("Package: xz-ak\n", "Package: zstd-ak\n");
        assertThat(ak.send("GET", "/debian/deb-bad/dists/stable/Release", admin, null, null).body())
                .as("Packages.xz is offered where XZ for Java is deployed").contains("main/binary-amd64/Packages.xz\n");
    }

    /** A .deb put together with tar and ar (dpkg-deb refuses these): control entries named with {@code prefix}. */
    private byte[] arDeb(Path work, String name, String control, String prefix) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("debian-binary"), "2.0\n");
        Files.createDirectories(dir.resolve("c"));
        Files.writeString(dir.resolve("c/control"), control);
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/file"), "x\n");
        String transform = "s,^c/," + (prefix.isEmpty() ? "./" : prefix) + ",";
        assertThat(run(dir, null, tar, "--transform", transform, "-czf", "control.tar.gz", "c/control").code()).isZero();
        assertThat(run(dir, null, tar, "-czf", "data.tar.gz", "d/file").code()).isZero();
        Path deb = dir.resolve(name + ".deb");
        Result r = run(dir, null, ar, "rc", deb.toString(), "debian-binary", "control.tar.gz", "data.tar.gz");
        assertThat(r.code()).as(r.out()).isZero();
        return Files.readAllBytes(deb);
    }

    // --- processes

    private record Result(int code, String out) {
    }

    private static Result run(Path dir, String stdin, String... cmd) throws Exception {
        Path out = Files.createTempFile("ak-debian-cmd", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("LC_ALL", "C");
            // dpkg-deb: reproducible timestamps in the ar container and the tar entries
            pb.environment().put("SOURCE_DATE_EPOCH", "1700000000");
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream w = p.getOutputStream()) {
                    w.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within 180 s:\n" + Files.readString(out));
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
        throw new AssertionError(name + " is not installed: this test needs the real client (apt-get install " + aptPackage
                + "; .ci/run installs it)");
    }

}
