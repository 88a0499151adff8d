package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * The conan format end to end. No Conan client runs here (none in Debian 12), so this test sends the
 * requests Conan 2's client makes ({@code conan/internal/rest/rest_client_v2.py} and its router), in
 * its order and with its headers: the capabilities ping, {@code remote login} (Basic to
 * {@code users/authenticate}, then the token as Bearer), {@code upload} (check_credentials, the
 * revision check, each file PUT with {@code X-Checksum-Sha1}, the manifest last), {@code install}
 * (latest, file list, files; the package's latest with {@code Conan-PkgID-Settings}), {@code search},
 * {@code list} (package search) and {@code remove}. Then a remote whose upstream is the second
 * instance (revisions fetched and cached) and a virtual of both (revisions merged), and bad input
 * (checksum mismatch, traversal, invalid references, broken archives): 4xx, nothing stored. The format
 * TCK runs on top.
 */
class ConanIT extends FormatTck {
    private static final String PW = Distribution.ADMIN_PASSWORD;
    /** What Conan 2 sends on every request. */
    private static final String[] CLIENT = {"User-Agent", "Conan/2.12.2 (Python 3.11.2) python-requests/2.31.0",
        "X-Client-Anonymous-Id", "5f0e4c1b7d0a5e8f2c3b4a6d7e8f9a0b1c2d3e4f", "X-Client-Id", "admin"};

    @Override
    protected String formatKey() {
        return "conan";
    }

    @Override
    protected String mount() {
        return "conan";
    }

    /** Variants "x" and "x-upstream" are the same recipe revision path with other conanfile.py bytes. */
    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "tck-" + variant.replace("-upstream", "").toLowerCase().replaceAll("[^a-z0-9]+", "-");
        return new Sample(name, conanfile(name, "1.0", "sample " + variant));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        Recipe r = new Recipe(s.name(), "1.0", md5(s.name().getBytes(StandardCharsets.UTF_8)), s.bytes());
        for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
            HttpResponse<String> resp = server.send("PUT", "/conan/" + repoKey + "/" + r.base() + "/files/" + f.getKey(),
                    server.adminBasic(), null, f.getValue(), "X-Checksum-Sha1", sha1(f.getValue()));
            assertThat(resp.statusCode()).as(f.getKey() + ": " + resp.body()).isEqualTo(201);
        }
    }

    @Override
    protected String downloadPath(Sample s) {
        return "v2/conans/" + s.name() + "/1.0/_/_/revisions/" + md5(s.name().getBytes(StandardCharsets.UTF_8))
                + "/files/conanfile.py";
    }

    // ------------------------------------------------------------------ what conan create leaves in the cache

    static byte[] conanfile(String name, String version, String marker) {
        return ("from conan import ConanFile\n\nclass Pkg(ConanFile):\n    name = \"" + name + "\"\n    version = \"" + version
                + "\"\n    settings = \"os\", \"arch\"\n    # " + marker + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A recipe revision's files in upload order (sorted: the archive first, the manifest last). */
    record Recipe(String name, String version, String rrev, Map<String, byte[]> files) {
        Recipe(String name, String version, String rrev, byte[] conanfile) throws Exception {
            this(name, version, rrev, recipeFiles(name, conanfile));
        }

        String base() {
            return "v2/conans/" + name + "/" + version + "/_/_/revisions/" + rrev;
        }

        private static Map<String, byte[]> recipeFiles(String name, byte[] conanfile) throws Exception {
            byte[] conandata = ("sources: {}\n# " + name + "\n").getBytes(StandardCharsets.UTF_8);
            Map<String, byte[]> out = new TreeMap<>();
            out.put("conan_export.tgz", HelmCharts.tgz(Map.of("conandata.yml", conandata)));
            out.put("conanfile.py", conanfile);
            out.put("conanmanifest.txt", manifest(Map.of("conanfile.py", conanfile, "conandata.yml", conandata)));
            return out;
        }
    }

    /** A package revision's files in upload order. */
    record Package(String pkgid, String prev, Map<String, byte[]> files) {
        static Package of(String os, String marker) throws Exception {
            byte[] info = ("[settings]\narch=x86_64\nos=" + os + "\n\n[options]\nshared=False\n").getBytes(StandardCharsets.UTF_8);
            byte[] header = ("#define MARK \"" + marker + "\"\n").getBytes(StandardCharsets.UTF_8);
            Map<String, byte[]> packaged = Map.of("conaninfo.txt", info, "include/mark.h", header);
            Map<String, byte[]> out = new TreeMap<>();
            out.put("conan_package.tgz", HelmCharts.tgz(Map.of("include/mark.h", header)));
            out.put("conaninfo.txt", info);
            out.put("conanmanifest.txt", manifest(packaged));
            return new Package(sha1(info), md5(summary(packaged).getBytes(StandardCharsets.UTF_8)), out);
        }
    }

    static byte[] manifest(Map<String, byte[]> files) {
        return ("1712345678\n" + summary(files)).getBytes(StandardCharsets.UTF_8);
    }

    static String summary(Map<String, byte[]> files) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(files).forEach((k, v) -> b.append(k).append(": ").append(md5(v)).append('\n'));
        return b.toString();
    }

    static String md5(byte[] b) {
        return digest("MD5", b);
    }

    static String sha1(byte[] b) {
        return digest("SHA-1", b);
    }

    static String sha256(byte[] b) {
        return digest("SHA-256", b);
    }

    private static String digest(String alg, byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ Conan 2's requests

    private static String[] headers(String... more) {
        String[] all = new String[CLIENT.length + more.length];
        System.arraycopy(CLIENT, 0, all, 0, CLIENT.length);
        System.arraycopy(more, 0, all, CLIENT.length, more.length);
        return all;
    }

    private HttpResponse<String> get(Distribution d, String repo, String path, String auth) throws Exception {
        return d.send("GET", "/conan/" + repo + "/" + path, auth, null, null, CLIENT);
    }

    /** A JSON answer as Conan's {@code _get_json} reads it: 200 and exactly application/json. */
    private JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as("Conan accepts only application/json")
                .isIn("application/json", "application/json; charset=utf-8");
        return Distribution.parse(r);
    }

    private static List<String> revisions(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.path("revisions").forEach(n -> out.add(n.path("revision").asText()));
        return out;
    }

    /** {@code conan upload}: for each file, PUT with the Bearer token and X-Checksum-Sha1, in sorted order. */
    private void upload(Distribution d, String repo, String base, Map<String, byte[]> files, String bearer) throws Exception {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            HttpResponse<String> r = d.send("PUT", "/conan/" + repo + "/" + base + "/files/" + f.getKey(), bearer, null,
                    f.getValue(), headers("X-Checksum-Sha1", sha1(f.getValue())));
            assertThat(r.statusCode()).as(f.getKey() + ": " + r.body()).isEqualTo(201);
        }
    }

    private String login(Distribution d, String repo, String user, String password) throws Exception {
        HttpResponse<String> ping = get(d, repo, "v1/ping", null);
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.headers().firstValue("X-Conan-Server-Capabilities").orElse("")).contains("revisions");
        HttpResponse<String> t = get(d, repo, "v2/users/authenticate", Distribution.basic(user, password));
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        assertThat(t.body()).isNotBlank().doesNotContain("\n");
        return "Bearer " + t.body();
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "conan", "repo_type", type));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", PW));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    @BeforeAll
    void conanSetUp() throws Exception {
        System.out.println("[conan] client: none installed (not in Debian 12); requests as Conan 2.x sends them, "
                + "User-Agent " + CLIENT[1]);
        repo(ak, "conan-local", "local", null);
        repo(upstream, "conan-up", "local", null);
        repo(ak, "conan-remote", "remote", upstream.url() + "/conan/conan-up");
        repo(ak, "conan-virtual", "virtual", null);
        json(ak, "PUT", "/api/v1/repositories/conan-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "conan-local", "priority", 1), Map.of("member_key", "conan-remote", "priority", 2))), 200);
    }

    @Test
    @Order(-3)
    void conan2LoginUploadInstallSearchListRemove() throws Exception {
        // conan remote login ak admin -p PW
        String bearer = login(ak, "conan-local", "admin", PW);
        // conan upload hello/1.0 -r ak (two revisions, one package each)
        Recipe one = new Recipe("hello", "1.0", "0c2e8dba1bc6c44ff3c2d8e86ba0d5b1", conanfile("hello", "1.0", "one"));
        Recipe two = new Recipe("hello", "1.0", "7e5a0fe0d9be7b9de0e2f0a3e1cf8d2a", conanfile("hello", "1.0", "two"));
        Package linux = Package.of("Linux", "linux");
        Package windows = Package.of("Windows", "windows");
        assertThat(get(ak, "conan-local", "v2/users/check_credentials", bearer).body()).isEqualTo("admin");
        for (Recipe r : List.of(one, two)) {
            HttpResponse<String> exists = get(ak, "conan-local", "v2/conans/hello/1.0/_/_/revisions", bearer);
            if (r == one) {
                assertThat(exists.statusCode()).as("not uploaded yet").isEqualTo(404);
                assertThat(Distribution.parse(exists).at("/errors/0/status").asInt()).isEqualTo(404);
            } else {
                assertThat(revisions(json(exists))).doesNotContain(r.rrev());
            }
            upload(ak, "conan-local", r.base(), r.files(), bearer);
            Package p = r == one ? linux : windows;
            assertThat(get(ak, "conan-local", r.base() + "/packages/" + p.pkgid() + "/revisions", bearer).statusCode())
                    .isEqualTo(404);
            upload(ak, "conan-local", r.base() + "/packages/" + p.pkgid() + "/revisions/" + p.prev(), p.files(), bearer);
            Thread.sleep(20);
        }

        // conan install --requires=hello/1.0 -r ak: latest, the file list, the files; the binary's latest and files
        JsonNode revs = json(get(ak, "conan-local", "v2/conans/hello/1.0/_/_/revisions", bearer));
        System.out.println("[conan] revisions of hello/1.0 in conan-local: " + revs);
        assertThat(revisions(revs)).containsExactly(two.rrev(), one.rrev());
        JsonNode latest = json(get(ak, "conan-local", "v2/conans/hello/1.0/_/_/latest", bearer));
        assertThat(latest.get("revision").asText()).isEqualTo(two.rrev());
        assertThat(latest.get("time").asText()).isEqualTo(revs.at("/revisions/0/time").asText()).matches("\\d{4}-.*");
        JsonNode files = json(get(ak, "conan-local", two.base() + "/files", bearer));
        List<String> names = new ArrayList<>();
        files.get("files").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("conan_export.tgz", "conanfile.py", "conanmanifest.txt");
        for (String f : names) {
            HttpResponse<byte[]> b = ak.getBytes("/conan/conan-local/" + two.base() + "/files/" + f, bearer, CLIENT);
            assertThat(b.statusCode()).isEqualTo(200);
            assertThat(b.body()).as(f).isEqualTo(two.files().get(f));
        }
        JsonNode platest = json(ak.send("GET", "/conan/conan-local/" + two.base() + "/packages/" + windows.pkgid() + "/latest",
                bearer, null, null, headers("Conan-PkgID-Settings", "arch=x86_64;os=Windows", "Conan-PkgID-Options", "shared=False")));
        assertThat(platest.get("revision").asText()).isEqualTo(windows.prev());
        String pbase = two.base() + "/packages/" + windows.pkgid() + "/revisions/" + windows.prev();
        assertThat(json(get(ak, "conan-local", pbase + "/files", bearer)).get("files").has("conan_package.tgz")).isTrue();
        assertThat(ak.getBytes("/conan/conan-local/" + pbase + "/files/conan_package.tgz", bearer, CLIENT).body())
                .isEqualTo(windows.files().get("conan_package.tgz"));

        // conan search hello -r ak; conan list hello/1.0:* -r ak (the latest revision's packages, from conaninfo.txt)
        assertThat(json(get(ak, "conan-local", "v2/conans/search?q=hello", bearer)).get("results").toString())
                .isEqualTo("[\"hello/1.0\"]");
        JsonNode pkgs = json(get(ak, "conan-local", two.base() + "/search", bearer));
        assertThat(pkgs.path(windows.pkgid()).path("content").asText()).contains("os=Windows");
        assertThat(pkgs.path(windows.pkgid()).path("settings").path("os").asText()).isEqualTo("Windows");
        assertThat(json(get(ak, "conan-local", one.base() + "/search", bearer)).has(linux.pkgid())).isTrue();

        // our API tokens work as Conan's token, and as the password of a login
        HttpResponse<String> tok = ak.json("POST", "/api/v1/auth/tokens", admin, Map.of("name", "conan-it"));
        assertThat(tok.statusCode()).as(tok.body()).isEqualTo(201);
        String apiToken = Distribution.parse(tok).get("token").asText();
        assertThat(get(ak, "conan-local", "v2/users/check_credentials", "Bearer " + apiToken).body()).isEqualTo("admin");
        assertThat(login(ak, "conan-local", "admin", apiToken)).isEqualTo("Bearer " + apiToken);
        // what Conan reads as "needs authentication": 401 for anonymous, a wrong password or a bad token
        assertThat(get(ak, "conan-local", "v2/conans/hello/1.0/_/_/latest", null).statusCode()).isEqualTo(401);
        assertThat(get(ak, "conan-local", "v2/users/authenticate", Distribution.basic("admin", "wrong")).statusCode())
                .isEqualTo(401);
        assertThat(get(ak, "conan-local", "v2/users/check_credentials", "Bearer not-a-token").statusCode()).isEqualTo(401);
        assertThat(get(ak, "conan-local", "v2/users/check_credentials", null).statusCode()).isEqualTo(401);

        // every uploaded file is an artifact named by the recipe
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/conan-local/artifacts?per_page=1000", admin,
                null, null));
        assertThat(list.toString()).contains("\"name\":\"hello\"").contains("\"version\":\"1.0\"");

        // conan remove hello/1.0#rrev -c -r ak; conan remove hello/1.0#rrev:pkgid#prev -c -r ak
        assertThat(ak.send("DELETE", "/conan/conan-local/" + pbase, bearer, null, null, CLIENT).statusCode()).isEqualTo(200);
        assertThat(get(ak, "conan-local", two.base() + "/packages/" + windows.pkgid() + "/latest", bearer).statusCode())
                .isEqualTo(404);
        assertThat(ak.send("DELETE", "/conan/conan-local/" + one.base(), bearer, null, null, CLIENT).statusCode()).isEqualTo(200);
        assertThat(revisions(json(get(ak, "conan-local", "v2/conans/hello/1.0/_/_/revisions", bearer))))
                .containsExactly(two.rrev());
        assertThat(ak.send("DELETE", "/conan/conan-local/" + one.base(), bearer, null, null, CLIENT).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(-2)
    void badInputIsRefusedAndNothingIsStored() throws Exception {
        String bearer = login(ak, "conan-local", "admin", PW);
        Recipe r = new Recipe("broken", "2.0", "5d41402abc4b2a76b9719d911017c592", conanfile("broken", "2.0", "x"));
        String py = "/conan/conan-local/" + r.base() + "/files/conanfile.py";
        byte[] body = r.files().get("conanfile.py");
        HttpResponse<String> sha1 = ak.send("PUT", py, bearer, null, body, headers("X-Checksum-Sha1", "0".repeat(40)));
        assertThat(sha1.statusCode()).as(sha1.body()).isEqualTo(400);
        HttpResponse<String> sha256 = ak.send("PUT", py, bearer, null, body, headers("X-Checksum-Sha256", "f".repeat(64)));
        assertThat(sha256.statusCode()).as(sha256.body()).isEqualTo(400);
        assertThat(get(ak, "conan-local", r.base() + "/files", bearer).statusCode()).as("nothing stored").isEqualTo(404);

        // archives that are none, or climb out; a manifest that lies about conanfile.py
        byte[] slip = HelmCharts.tgz(Map.of("../../etc/cron.d/x", "boom".getBytes(StandardCharsets.UTF_8)));
        for (byte[] bad : List.of("plain text".getBytes(StandardCharsets.UTF_8), slip)) {
            HttpResponse<String> resp = ak.send("PUT", "/conan/conan-local/" + r.base() + "/files/conan_export.tgz", bearer,
                    null, bad, headers("X-Checksum-Sha1", sha1(bad)));
            assertThat(resp.statusCode()).as(resp.body()).isEqualTo(400);
        }
        assertThat(ak.send("PUT", py, bearer, null, body, headers("X-Checksum-Sha1", sha1(body))).statusCode()).isEqualTo(201);
        byte[] lie = ("1712345678\nconanfile.py: " + "0".repeat(32) + "\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> lying = ak.send("PUT", "/conan/conan-local/" + r.base() + "/files/conanmanifest.txt", bearer, null,
                lie, CLIENT);
        assertThat(lying.statusCode()).as(lying.body()).isEqualTo(400);
        assertThat(lying.body()).contains("conanfile.py");
        // a revision is immutable
        assertThat(ak.send("PUT", py, bearer, null, "other".getBytes(StandardCharsets.UTF_8), CLIENT).statusCode())
                .isEqualTo(409);

        // traversal and invalid names, in the reference or the file name
        for (String path : List.of(r.base() + "/files/%2e%2e/%2e%2e/x", r.base() + "/files/..%2f..%2fx",
                r.base() + "/files/sub/conanfile.py", r.base() + "/files/.conanfile.py",
                "v2/conans/b/2.0/_/_/revisions/abc/files/conanfile.py", "v2/conans/broken/2.0/_/chan/revisions/abc/files/x",
                "v2/conans/broken/2.0/_/_/revisions/a.b/files/conanfile.py",
                "v2/conans/%2e%2e/2.0/_/_/revisions/abc/files/conanfile.py")) {
            HttpResponse<String> resp = ak.send("PUT", "/conan/conan-local/" + path, bearer, null, body, CLIENT);
            assertThat(resp.statusCode()).as(path + ": " + resp.body()).isBetween(400, 404);
        }
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/conan-local/artifacts?per_page=1000", admin,
                null, null));
        List<String> paths = new ArrayList<>();
        list.path("items").forEach(a -> paths.add(a.path("path").asText()));
        assertThat(paths.stream().filter(p -> p.contains("/broken/")).toList()).as("what was stored of broken/2.0")
                .containsExactly("v2/conans/broken/2.0/_/_/revisions/" + r.rrev() + "/files/conanfile.py");
        assertThat(paths).noneMatch(p -> p.contains("..") || p.contains("cron"));
    }

    @Test
    @Order(-1)
    void aRemoteOfTheSecondInstanceAndAVirtualOfBoth() throws Exception {
        // the upstream: fmt/10.2.1 with two revisions and a package
        String upBearer = login(upstream, "conan-up", "admin", PW);
        Recipe a = new Recipe("fmt", "10.2.1", "aa11aa11aa11aa11aa11aa11aa11aa11", conanfile("fmt", "10.2.1", "up-a"));
        Recipe b = new Recipe("fmt", "10.2.1", "bb22bb22bb22bb22bb22bb22bb22bb22", conanfile("fmt", "10.2.1", "up-b"));
        Package pkg = Package.of("Linux", "fmt-up");
        upload(upstream, "conan-up", a.base(), a.files(), upBearer);
        Thread.sleep(20);
        upload(upstream, "conan-up", b.base(), b.files(), upBearer);
        upload(upstream, "conan-up", b.base() + "/packages/" + pkg.pkgid() + "/revisions/" + pkg.prev(), pkg.files(), upBearer);
        JsonNode upRevs = json(get(upstream, "conan-up", "v2/conans/fmt/10.2.1/_/_/revisions", upBearer));

        // conan remote add ak-remote http://.../conan/conan-remote; conan install --requires=fmt/10.2.1
        String bearer = login(ak, "conan-remote", "admin", PW);
        JsonNode revs = json(get(ak, "conan-remote", "v2/conans/fmt/10.2.1/_/_/revisions", bearer));
        assertThat(revs).as("the upstream's revisions, times included").isEqualTo(upRevs);
        assertThat(revisions(revs)).containsExactly(b.rrev(), a.rrev());
        assertThat(json(get(ak, "conan-remote", "v2/conans/fmt/10.2.1/_/_/latest", bearer)).get("revision").asText())
                .isEqualTo(b.rrev());
        assertThat(json(get(ak, "conan-remote", b.base() + "/files", bearer)).get("files").has("conanmanifest.txt")).isTrue();
        assertThat(ak.getBytes("/conan/conan-remote/" + b.base() + "/files/conanfile.py", bearer, CLIENT).body())
                .isEqualTo(b.files().get("conanfile.py"));
        String pbase = b.base() + "/packages/" + pkg.pkgid() + "/revisions/" + pkg.prev();
        assertThat(json(get(ak, "conan-remote", b.base() + "/packages/" + pkg.pkgid() + "/latest", bearer)).get("revision")
                .asText()).isEqualTo(pkg.prev());
        long before = upstreamHits();
        assertThat(ak.getBytes("/conan/conan-remote/" + pbase + "/files/conan_package.tgz", bearer, CLIENT).body())
                .isEqualTo(pkg.files().get("conan_package.tgz"));
        long fetched = upstreamHits() - before;
        assertThat(ak.getBytes("/conan/conan-remote/" + pbase + "/files/conan_package.tgz", bearer, CLIENT).body())
                .isEqualTo(pkg.files().get("conan_package.tgz"));
        assertThat(json(get(ak, "conan-remote", "v2/conans/fmt/10.2.1/_/_/revisions", bearer))).isEqualTo(upRevs);
        assertThat(upstreamHits() - before).as("cached: the package and the revision list are not fetched again")
                .isEqualTo(fetched).isEqualTo(1);
        assertThat(json(get(ak, "conan-remote", "v2/conans/search?q=fmt", bearer)).get("results").toString())
                .isEqualTo("[\"fmt/10.2.1\"]");
        assertThat(ak.send("PUT", "/conan/conan-remote/" + pbase + "/files/x.txt", bearer, null, new byte[] {1}, CLIENT)
                .statusCode()).as("writes to a remote").isEqualTo(405);

        // a local revision of the same version: the virtual merges the revisions and finds each where it is
        Recipe mine = new Recipe("fmt", "10.2.1", "cc33cc33cc33cc33cc33cc33cc33cc33", conanfile("fmt", "10.2.1", "local"));
        upload(ak, "conan-local", mine.base(), mine.files(), bearer);
        JsonNode merged = json(get(ak, "conan-virtual", "v2/conans/fmt/10.2.1/_/_/revisions", bearer));
        System.out.println("[conan] revisions of fmt/10.2.1 through conan-virtual: " + merged);
        assertThat(revisions(merged)).containsExactly(mine.rrev(), b.rrev(), a.rrev());
        assertThat(json(get(ak, "conan-virtual", "v2/conans/fmt/10.2.1/_/_/latest", bearer)).get("revision").asText())
                .isEqualTo(mine.rrev());
        assertThat(ak.getBytes("/conan/conan-virtual/" + mine.base() + "/files/conanfile.py", bearer, CLIENT).body())
                .isEqualTo(mine.files().get("conanfile.py"));
        assertThat(ak.getBytes("/conan/conan-virtual/" + a.base() + "/files/conanfile.py", bearer, CLIENT).body())
                .isEqualTo(a.files().get("conanfile.py"));
        assertThat(json(get(ak, "conan-virtual", b.base() + "/search", bearer)).has(pkg.pkgid())).isTrue();
        assertThat(json(get(ak, "conan-virtual", "v2/conans/search?q=fmt*", bearer)).get("results").toString())
                .isEqualTo("[\"fmt/10.2.1\"]");
        assertThat(get(ak, "conan-virtual", "v1/ping", null).headers().firstValue("X-Conan-Server-Capabilities"))
                .hasValue("revisions");
    }
}
