package io.artifactkeeper.format.conan.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.Caller;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** conan behaviour beyond the kit's contract, in process: the requests Conan 2 sends, one by one. */
class ConanFormatTest {
    private final MemoryWorld world = new MemoryWorld(new ConanFormat(), "http://ak.test");
    private final FormatHarness h = world.harness();

    private Response put(String repo, String path, byte[] body) {
        return h.request("PUT", repo, path).header("X-Checksum-Sha1", ConanSamples.sha1(body)).body(body).send();
    }

    private void upload(String repo, ConanSamples s) {
        for (String f : s.recipeUploadOrder()) {
            Response r = put(repo, s.recipeBase() + "/files/" + f, s.recipeFiles().get(f));
            assertThat(r.status()).as("%s: %s", f, r).isEqualTo(201);
        }
        for (String f : s.packageUploadOrder()) {
            Response r = put(repo, s.packageBase() + "/files/" + f, s.packageFiles().get(f));
            assertThat(r.status()).as("%s: %s", f, r).isEqualTo(201);
        }
    }

    private static JsonNode json(Response r) throws Exception {
        assertThat(r.header("Content-Type")).as("Conan reads JSON only as application/json").hasValue("application/json");
        return Json.mapper().readTree(r.body());
    }

    private static List<String> revisions(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.path("revisions").forEach(n -> out.add(n.path("revision").asText()));
        return out;
    }

    @Test
    void pingAnnouncesRevisionsForConan2() {
        world.local("conan");
        for (String p : List.of("v1/ping", "v2/ping")) {
            Response r = h.request("GET", "conan", p).caller(Caller.anonymous()).send();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Conan-Server-Capabilities")).hasValue("revisions");
        }
    }

    @Test
    void authenticateTurnsBasicIntoATokenAndCheckCredentialsNamesTheUser() throws Exception {
        world.local("conan");
        world.user("alice", "s3cret");
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        Caller alice = new Caller("alice", "00000000-0000-0000-0000-00000000000a", false);
        Response token = h.request("GET", "conan", "v2/users/authenticate").header("Authorization", basic).caller(alice)
                .send();
        assertThat(token.status()).as("%s", token).isEqualTo(200);
        assertThat(token.text()).startsWith("tck-token-");
        assertThat(token.header("Content-Type").orElse("")).startsWith("text/plain");
        // a password that is an API token (it authenticated the caller): that token is the answer
        String viaToken = "Basic " + Base64.getEncoder().encodeToString("alice:ak_tok123".getBytes(StandardCharsets.UTF_8));
        assertThat(h.request("GET", "conan", "v2/users/authenticate").header("Authorization", viaToken).caller(alice).send()
                .text()).isEqualTo("ak_tok123");
        // a Bearer token that authenticated the caller is answered as it is
        assertThat(h.request("GET", "conan", "v2/users/authenticate").header("Authorization", "Bearer ak_tok123")
                .caller(alice).send().text()).isEqualTo("ak_tok123");
        Response wrong = h.request("GET", "conan", "v2/users/authenticate").header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8))).caller(Caller.anonymous())
                .send();
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(json(wrong).at("/errors/0/status").asInt()).isEqualTo(401);
        assertThat(h.request("GET", "conan", "v2/users/authenticate").caller(Caller.anonymous()).send().status())
                .isEqualTo(401);

        Response who = h.request("GET", "conan", "v2/users/check_credentials").caller(alice).send();
        assertThat(who.status()).isEqualTo(200);
        assertThat(who.text()).isEqualTo("alice");
        assertThat(h.request("GET", "conan", "v2/users/check_credentials").caller(Caller.anonymous()).send().status())
                .isEqualTo(401);
    }

    @Test
    void revisionsNewestFirstWithTimeLatestFilesAndPackages() throws Exception {
        world.local("conan");
        ConanSamples one = ConanSamples.of("zlib", "1.3.1", "one");
        ConanSamples two = ConanSamples.of("zlib", "1.3.1", "two");
        assertThat(one.rrev()).isNotEqualTo(two.rrev());
        upload("conan", one);
        world.advance(Duration.ofSeconds(5));
        upload("conan", two);

        JsonNode revs = json(h.get("conan", "v2/conans/zlib/1.3.1/_/_/revisions"));
        assertThat(revisions(revs)).containsExactly(two.rrev(), one.rrev());
        String t0 = revs.at("/revisions/0/time").asText();
        String t1 = revs.at("/revisions/1/time").asText();
        assertThat(ConanIndex.parseTime(t0)).isAfter(ConanIndex.parseTime(t1));
        assertThat(t0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");

        JsonNode latest = json(h.get("conan", "v2/conans/zlib/1.3.1/_/_/latest"));
        assertThat(latest.get("revision").asText()).isEqualTo(two.rrev());
        assertThat(latest.get("time").asText()).isEqualTo(t0);

        JsonNode files = json(h.get("conan", one.recipeBase() + "/files"));
        assertThat(iterable(files.get("files").fieldNames())).containsExactly("conan_export.tgz", "conanfile.py",
                "conanmanifest.txt");
        assertThat(h.get("conan", one.recipeBase() + "/files/conanfile.py").body())
                .isEqualTo(one.recipeFiles().get("conanfile.py"));

        JsonNode prevs = json(h.get("conan", one.recipeBase() + "/packages/" + one.pkgid() + "/revisions"));
        assertThat(revisions(prevs)).containsExactly(one.prev());
        assertThat(json(h.get("conan", one.recipeBase() + "/packages/" + one.pkgid() + "/latest")).get("revision").asText())
                .isEqualTo(one.prev());
        assertThat(iterable(json(h.get("conan", one.packageBase() + "/files")).get("files").fieldNames()))
                .containsExactly("conan_package.tgz", "conaninfo.txt", "conanmanifest.txt");
        assertThat(h.get("conan", one.packageBase() + "/files/conan_package.tgz").body())
                .isEqualTo(one.packageFiles().get("conan_package.tgz"));

        // package search of a revision, and of the latest revision: conaninfo.txt's content and settings
        JsonNode found = json(h.get("conan", one.recipeBase() + "/search"));
        assertThat(found.path(one.pkgid()).path("content").asText()).contains("[settings]").contains("os=Linux");
        assertThat(found.path(one.pkgid()).path("settings").path("arch").asText()).isEqualTo("x86_64");
        assertThat(found.path(one.pkgid()).path("options").path("shared").asText()).isEqualTo("False");
        assertThat(json(h.get("conan", "v2/conans/zlib/1.3.1/_/_/search")).has(two.pkgid())).isTrue();

        // what is not there: 404 in Artifactory's error shape, which Conan prints
        Response missing = h.get("conan", "v2/conans/zlib/9.9/_/_/latest");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(json(missing).at("/errors/0/message").asText()).contains("zlib/9.9");
        assertThat(h.get("conan", "v2/conans/zlib/1.3.1/_/_/revisions/0123abcd/files").status()).isEqualTo(404);
        assertThat(h.get("conan", one.recipeBase() + "/packages/ffff/latest").status()).isEqualTo(404);
    }

    @Test
    void searchMatchesConansPatternsAndUserChannel() throws Exception {
        world.local("conan");
        upload("conan", ConanSamples.of("zlib", "1.3.1"));
        upload("conan", ConanSamples.of("zstd", "1.5.5"));
        ConanSamples withUser = ConanSamples.of("boost", "1.84.0");
        // the same recipe under a user and channel
        for (String f : withUser.recipeUploadOrder()) {
            assertThat(put("conan", withUser.recipeBase().replace("/_/_/", "/acme/stable/") + "/files/" + f,
                    withUser.recipeFiles().get(f)).status()).isEqualTo(201);
        }
        assertThat(results(h.get("conan", "v2/conans/search?q=z*"))).containsExactly("zlib/1.3.1", "zstd/1.5.5");
        assertThat(results(h.get("conan", "v2/conans/search?q=zlib"))).containsExactly("zlib/1.3.1");
        assertThat(results(h.get("conan", "v2/conans/search?q=zlib/*"))).containsExactly("zlib/1.3.1");
        assertThat(results(h.get("conan", "v2/conans/search?q=ZLIB"))).containsExactly("zlib/1.3.1");
        assertThat(results(h.get("conan", "v2/conans/search?q=ZLIB&ignorecase=False"))).isEmpty();
        assertThat(results(h.get("conan", "v2/conans/search?q=boost/*@acme/*"))).containsExactly("boost/1.84.0@acme/stable");
        assertThat(results(h.get("conan", "v2/conans/search"))).hasSize(3);
        assertThat(json(h.get("conan", "v2/conans/boost/1.84.0/acme/stable/latest")).get("revision").asText())
                .isEqualTo(withUser.rrev());
    }

    private static List<String> results(Response r) throws Exception {
        List<String> out = new ArrayList<>();
        json(r).path("results").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aRevisionIsListedOnceItsManifestIsInAndPackagesNeedTheirRecipe() throws Exception {
        world.local("conan");
        ConanSamples s = ConanSamples.of("demo", "1.0");
        Response early = put("conan", s.packageBase() + "/files/conaninfo.txt", s.packageFiles().get("conaninfo.txt"));
        assertThat(early.status()).as("a package before its recipe: %s", early).isEqualTo(404);
        assertThat(put("conan", s.recipeBase() + "/files/conan_export.tgz", s.recipeFiles().get("conan_export.tgz"))
                .status()).isEqualTo(201);
        assertThat(h.get("conan", "v2/conans/demo/1.0/_/_/revisions").status()).as("no manifest yet").isEqualTo(404);
        assertThat(h.get("conan", "v2/conans/demo/1.0/_/_/latest").status()).isEqualTo(404);
        assertThat(put("conan", s.recipeBase() + "/files/conanfile.py", s.recipeFiles().get("conanfile.py")).status())
                .isEqualTo(201);
        assertThat(put("conan", s.recipeBase() + "/files/conanmanifest.txt", s.recipeFiles().get("conanmanifest.txt"))
                .status()).isEqualTo(201);
        assertThat(revisions(json(h.get("conan", "v2/conans/demo/1.0/_/_/revisions")))).containsExactly(s.rrev());
    }

    @Test
    void badInputIsRefusedAndNothingIsStored() throws Exception {
        world.local("conan");
        ConanSamples s = ConanSamples.of("demo", "1.0");
        String base = s.recipeBase() + "/files/";
        byte[] py = s.recipeFiles().get("conanfile.py");
        // checksums Conan sends: a mismatch refuses the file
        Response sha1 = h.request("PUT", "conan", base + "conanfile.py").header("X-Checksum-Sha1", "0".repeat(40)).body(py)
                .send();
        assertThat(sha1.status()).as("%s", sha1).isEqualTo(400);
        Response sha256 = h.request("PUT", "conan", base + "conanfile.py").header("X-Checksum-Sha256", "a".repeat(64))
                .body(py).send();
        assertThat(sha256.status()).isEqualTo(400);
        assertThat(h.request("PUT", "conan", base + "conanfile.py").header("X-Checksum-Sha1", "xyz").body(py).send()
                .status()).as("a malformed checksum header").isEqualTo(400);
        assertThat(h.request("PUT", "conan", base + "conanfile.py").header("X-Checksum-Sha256", ConanSamples.sha256(py))
                .body(py).send().status()).isEqualTo(201);
        world.repository("conan").contents().keySet().forEach(p -> assertThat(p).endsWith("conanfile.py"));

        // not a tgz, a truncated one, a slip inside one
        byte[] tgz = s.recipeFiles().get("conan_export.tgz");
        byte[] slip = ConanSamples.tgz(Map.of("../../evil.sh", "x".getBytes(StandardCharsets.UTF_8)));
        for (byte[] bad : List.of("not an archive".getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(tgz, tgz.length / 2),
                slip)) {
            Response r = put("conan", base + "conan_export.tgz", bad);
            assertThat(r.status()).as("%s", r).isEqualTo(400);
        }
        // a manifest that is none, or that names other bytes for conanfile.py
        assertThat(put("conan", base + "conanmanifest.txt", "hello\nworld".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(400);
        byte[] lying = ("1700000000\nconanfile.py: " + "0".repeat(32) + "\n").getBytes(StandardCharsets.UTF_8);
        Response lie = put("conan", base + "conanmanifest.txt", lying);
        assertThat(lie.status()).as("%s", lie).isEqualTo(400);
        assertThat(json(lie).at("/errors/0/message").asText()).contains("conanfile.py");
        assertThat(world.repository("conan").contents()).hasSize(1);

        // names: invalid references, revisions, file names; traversal never reaches storage
        for (String path : List.of("v2/conans/a/1.0/_/_/revisions/abc/files/conanfile.py",
                "v2/conans/demo/1.0/_/chan/revisions/abc/files/conanfile.py",
                "v2/conans/de%20mo/1.0/_/_/revisions/abc/files/conanfile.py",
                "v2/conans/demo/1.0/_/_/revisions/ab-c/files/conanfile.py",
                "v2/conans/demo/1.0/_/_/revisions/abc/files/.hidden",
                "v2/conans/demo/1.0/_/_/revisions/abc/files/sub/conanfile.py",
                "v2/conans/demo/1.0/_/_/revisions/abc/files/metadata/..x",
                "v2/conans/demo/1.0/_/_/revisions/abc/files/%2E%2E%5Cx",
                "v2/conans/demo/1.0/_/_/revisions/abc/packages/p-1/revisions/abc/files/conaninfo.txt")) {
            Response r = put("conan", path, py);
            assertThat(r.status()).as("%s: %s", path, r).isBetween(400, 404);
        }
        // a conaninfo.txt that is none
        ConanSamples ok = ConanSamples.of("demo", "2.0");
        upload("conan", ok);
        Response info = put("conan", ok.recipeBase() + "/packages/" + "ab".repeat(20) + "/revisions/cd/files/conaninfo.txt",
                "settings without a section\n".getBytes(StandardCharsets.UTF_8));
        assertThat(info.status()).isEqualTo(400);
        assertThat(world.repository("conan").contents().keySet()).noneMatch(p -> p.contains("ababab"));
    }

    @Test
    void aRevisionIsImmutableAndDeletesRemoveWhatTheyName() throws Exception {
        world.local("conan");
        ConanSamples s = ConanSamples.of("demo", "1.0");
        upload("conan", s);
        String py = s.recipeBase() + "/files/conanfile.py";
        assertThat(put("conan", py, s.recipeFiles().get("conanfile.py")).status()).as("the same bytes again").isEqualTo(201);
        assertThat(put("conan", py, "other".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(409);
        // metadata files may change within a revision
        assertThat(put("conan", s.recipeBase() + "/files/metadata/logs/build.log", "a".getBytes()).status()).isEqualTo(201);
        assertThat(put("conan", s.recipeBase() + "/files/metadata/logs/build.log", "b".getBytes()).status()).isEqualTo(201);
        // Artifactory's deduplication probe: 201 for a file already here, 404 otherwise
        byte[] b = s.recipeFiles().get("conanfile.py");
        assertThat(h.request("PUT", "conan", py).header("X-Checksum-Deploy", "true").header("X-Checksum-Sha1",
                ConanSamples.sha1(b)).send().status()).isEqualTo(201);
        assertThat(h.request("PUT", "conan", s.recipeBase() + "/files/conan_sources.tgz").header("X-Checksum-Deploy", "true")
                .header("X-Checksum-Sha1", ConanSamples.sha1(b)).send().status()).isEqualTo(404);

        assertThat(h.request("DELETE", "conan", s.packageBase()).send().status()).isEqualTo(200);
        assertThat(h.get("conan", s.recipeBase() + "/packages/" + s.pkgid() + "/latest").status()).isEqualTo(404);
        assertThat(h.request("DELETE", "conan", s.packageBase()).send().status()).isEqualTo(404);
        assertThat(h.request("DELETE", "conan", s.recipeBase()).send().status()).isEqualTo(200);
        assertThat(h.get("conan", "v2/conans/demo/1.0/_/_/revisions").status()).isEqualTo(404);
        assertThat(world.repository("conan").contents()).isEmpty();
        assertThat(h.request("DELETE", "conan", s.recipeBase() + "/packages").send().status()).isEqualTo(404);
    }

    @Test
    void aRemoteFetchesRevisionsFromItsUpstreamAndCachesThem() throws Exception {
        MemoryWorld up = new MemoryWorld(new ConanFormat(), "http://up.test");
        up.local("origin");
        ConanSamples s = ConanSamples.of("fmt", "10.2.1");
        FormatHarness uh = up.harness();
        for (String f : s.recipeUploadOrder()) {
            assertThat(uh.request("PUT", "origin", s.recipeBase() + "/files/" + f).body(s.recipeFiles().get(f)).send()
                    .status()).isEqualTo(201);
        }
        for (String f : s.packageUploadOrder()) {
            assertThat(uh.request("PUT", "origin", s.packageBase() + "/files/" + f).body(s.packageFiles().get(f)).send()
                    .status()).isEqualTo(201);
        }
        ScriptedUpstream upstream = new ScriptedUpstream(URI.create(up.baseUrl("origin")), uh.asUpstream());
        world.remote("proxy", upstream);
        world.local("hosted");
        ConanSamples mine = ConanSamples.of("fmt", "10.2.1", "local");
        upload("hosted", mine);
        world.virtual("group", "hosted", "proxy");

        JsonNode revs = json(h.get("proxy", "v2/conans/fmt/10.2.1/_/_/revisions"));
        assertThat(revisions(revs)).containsExactly(s.rrev());
        int asked = upstream.requests().size();
        assertThat(revisions(json(h.get("proxy", "v2/conans/fmt/10.2.1/_/_/revisions")))).containsExactly(s.rrev());
        assertThat(upstream.requests()).as("fresh metadata comes from the cache").hasSize(asked);
        assertThat(json(h.get("proxy", "v2/conans/fmt/10.2.1/_/_/latest")).get("revision").asText()).isEqualTo(s.rrev());
        assertThat(iterable(json(h.get("proxy", s.recipeBase() + "/files")).get("files").fieldNames()))
                .contains("conanfile.py", "conanmanifest.txt");
        assertThat(h.get("proxy", s.packageBase() + "/files/conan_package.tgz").body())
                .isEqualTo(s.packageFiles().get("conan_package.tgz"));
        assertThat(json(h.get("proxy", s.recipeBase() + "/search")).has(s.pkgid())).isTrue();
        assertThat(results(h.get("proxy", "v2/conans/search?q=fmt"))).containsExactly("fmt/10.2.1");
        assertThat(world.repository("proxy").contents().keySet()).as("revisions and files are cached")
                .anyMatch(p -> p.endsWith("conan_package.tgz"))
                .anyMatch(p -> p.startsWith(".upstream/v2/conans/fmt/10.2.1/_/_/revisions"));

        // the virtual merges the revisions of its members and serves each revision from the member that has it
        world.advance(Duration.ofSeconds(1));
        assertThat(revisions(json(h.get("group", "v2/conans/fmt/10.2.1/_/_/revisions")))).containsExactlyInAnyOrder(s.rrev(),
                mine.rrev());
        assertThat(h.get("group", s.recipeBase() + "/files/conanfile.py").body()).isEqualTo(s.recipeFiles().get("conanfile.py"));
        assertThat(h.get("group", mine.recipeBase() + "/files/conanfile.py").body())
                .isEqualTo(mine.recipeFiles().get("conanfile.py"));
        assertThat(iterable(json(h.get("group", mine.packageBase() + "/files")).get("files").fieldNames()))
                .contains("conaninfo.txt");
        assertThat(results(h.get("group", "v2/conans/search?q=fmt*"))).containsExactly("fmt/10.2.1");
        assertThat(h.request("PUT", "group", mine.recipeBase() + "/files/conanfile.py").body(new byte[] {1}).send().status())
                .isEqualTo(400);
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
