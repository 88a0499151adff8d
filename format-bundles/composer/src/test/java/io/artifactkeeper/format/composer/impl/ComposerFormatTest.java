package io.artifactkeeper.format.composer.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/**
 * The composer protocol in process: what packages.json says, the minified p2 documents (tagged and
 * ~dev, "__unset"), uploads (name and version from composer.json or ?version=, mismatches, 409s,
 * hostile zips refused with nothing stored), notify-batch, a remote of a Packagist-like upstream with
 * its own metadata-url and dist URLs on another host (rewritten to go through the remote, cached on
 * first download), and a virtual repository merging both.
 */
class ComposerFormatTest {
    private static final String SERVER = "http://ak.test";
    private MemoryWorld world;
    private FormatHarness h;

    @BeforeEach
    void setUp() {
        world = new MemoryWorld(new ComposerFormat(), SERVER);
        h = world.harness();
        world.local("hosted");
    }

    private Response put(String repo, String path, byte[] zip) {
        return h.request("PUT", repo, path).header("Content-Type", "application/zip").body(zip).send();
    }

    private static JsonNode json(Response r) throws Exception {
        return Json.readStored(new java.io.ByteArrayInputStream(r.body()));
    }

    /** The versions of a p2 answer, expanded as Composer expands them. */
    private static List<ObjectNode> versions(Response r, String name) throws Exception {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode doc = json(r);
        assertThat(doc.path("minified").asText()).isEqualTo("composer/2.0");
        return ComposerMinifier.expand(doc.path("packages").path(name));
    }

    private static byte[] zipWith(String composerJson, String... more) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("composer.json", composerJson);
        for (int i = 0; i + 1 < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return ComposerZips.zip(m);
    }

    @Test
    void packagesJsonPointsAtThisRepositoryAndListsItsPackages() throws Exception {
        assertThat(put("hosted", "acme-hello-1.0.0.zip", ComposerZips.dist("acme/hello", "1.0.0", "one")).status())
                .isEqualTo(201);
        assertThat(put("hosted", "x.zip", ComposerZips.dist("acme/other", "0.1.0", "o")).status()).isEqualTo(201);
        Response r = h.get("hosted", "packages.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = json(r);
        assertThat(doc.path("metadata-url").asText()).isEqualTo("/composer/hosted/p2/%package%.json");
        assertThat(doc.path("notify-batch").asText()).isEqualTo("/composer/hosted/downloads/");
        assertThat(doc.path("packages").isArray()).isTrue();
        assertThat(doc.path("available-packages").toString()).isEqualTo("[\"acme/hello\",\"acme/other\"]");
        // a package without branches has an empty ~dev document; one that is not here has none
        Response dev = h.get("hosted", "p2/acme/other~dev.json");
        assertThat(dev.status()).isEqualTo(200);
        assertThat(json(dev).path("packages").path("acme/other").isArray()).isTrue();
        assertThat(json(dev).path("packages").path("acme/other")).isEmpty();
        String etag = r.header("ETag").orElseThrow();
        assertThat(h.request("GET", "hosted", "packages.json").header("If-None-Match", etag).send().status()).isEqualTo(304);
    }

    @Test
    void p2IsMinifiedWithUnsetAndDevVersionsGoToTheDevFile() throws Exception {
        // 1.0.0 has keywords, 1.1.0 (version from ?version=) has none: the second entry unsets them
        assertThat(put("hosted", "a.zip", zipWith("{\"name\":\"acme/hello\",\"version\":\"1.0.0\",\"keywords\":[\"k\"],"
                + "\"require\":{\"php\":\">=8.0\"}}")).status()).isEqualTo(201);
        byte[] v11 = zipWith("{\"name\":\"acme/hello\",\"require\":{\"php\":\">=8.0\"}}");
        Response up = put("hosted", "b.zip?version=v1.1", v11);
        assertThat(up.status()).as("%s", up).isEqualTo(201);
        assertThat(json(up).path("version_normalized").asText()).isEqualTo("1.1.0.0");
        assertThat(put("hosted", "c.zip?version=dev-main", zipWith("{\"name\":\"acme/hello\"}")).status()).isEqualTo(201);

        Response main = h.get("hosted", "p2/acme/hello.json");
        JsonNode raw = json(main).path("packages").path("acme/hello");
        assertThat(raw).hasSize(2);
        assertThat(raw.get(0).path("version").asText()).isEqualTo("v1.1");
        assertThat(raw.get(1).path("keywords").toString()).as("minified: only what differs").isEqualTo("[\"k\"]");
        assertThat(raw.get(1).has("require")).as("the same require is not repeated").isFalse();
        assertThat(raw.get(1).has("name")).isFalse();
        List<ObjectNode> vs = versions(main, "acme/hello");
        assertThat(vs).extracting(v -> v.path("version").asText()).containsExactly("v1.1", "1.0.0");
        ObjectNode latest = vs.get(0);
        assertThat(latest.path("name").asText()).isEqualTo("acme/hello");
        assertThat(latest.has("keywords")).isFalse();
        assertThat(latest.path("dist").path("type").asText()).isEqualTo("zip");
        assertThat(latest.path("dist").path("shasum").asText()).isEqualTo(ComposerZips.sha1(v11));
        assertThat(latest.path("dist").path("reference").asText()).isEqualTo(ComposerZips.sha1(v11));
        String url = latest.path("dist").path("url").asText();
        assertThat(url).isEqualTo(SERVER + "/composer/hosted/dist/acme/hello/v1.1/" + ComposerZips.sha1(v11) + ".zip");
        assertThat(vs.get(1).path("keywords").toString()).isEqualTo("[\"k\"]");
        assertThat(vs.get(1).path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        // the dist downloads from the URL the metadata gives
        Response dist = h.get("hosted", url.substring((SERVER + "/composer/hosted/").length()));
        assertThat(dist.status()).isEqualTo(200);
        assertThat(dist.body()).isEqualTo(v11);

        List<ObjectNode> dev = versions(h.get("hosted", "p2/acme/hello~dev.json"), "acme/hello");
        assertThat(dev).extracting(v -> v.path("version").asText()).containsExactly("dev-main");
        assertThat(h.get("hosted", "p2/acme/nothing.json").status()).isEqualTo(404);
        assertThat(h.get("hosted", "p2/acme/nothing~dev.json").status()).isEqualTo(404);
        assertThat(h.get("hosted", "p2/ACME/bad.json").status()).isEqualTo(404);
    }

    @Test
    void versionsFromTheUrlAndTheQueryMustAgreeWithComposerJson() throws Exception {
        byte[] with = ComposerZips.dist("acme/hello", "1.0.0", "x");
        Response mismatch = put("hosted", "packages/upload/acme/hello/2.0.0", with);
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.text()).contains("version mismatch");
        assertThat(put("hosted", "a.zip?version=1.0.1", with).status()).isEqualTo(400);
        Response otherName = put("hosted", "packages/upload/acme/other/1.0.0", with);
        assertThat(otherName.status()).isEqualTo(400);
        assertThat(otherName.text()).contains("acme/other");
        Response none = put("hosted", "a.zip", ComposerZips.dist("acme/hello", null, "x"));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.text()).contains("?version=");
        assertThat(put("hosted", "a.zip?version=not a version", ComposerZips.dist("acme/hello", null, "x")).status())
                .isEqualTo(400);
        assertThat(put("hosted", "a.zip?version=1." + "0".repeat(120), ComposerZips.dist("acme/hello", null, "x")).status())
                .as("a version longer than 100 characters").isEqualTo(400);
        assertThat(world.repository("hosted").contents()).as("nothing stored").isEmpty();
        assertThat(put("hosted", "packages/upload/acme/hello/1.0.0", with).status()).isEqualTo(201);
    }

    @Test
    void aVersionIsPublishedOnceComparedNormalized() throws Exception {
        assertThat(put("hosted", "a.zip", ComposerZips.dist("acme/hello", "1.0", "one")).status()).isEqualTo(201);
        Response again = put("hosted", "a.zip", ComposerZips.dist("acme/hello", "1.0.0", "two"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(json(again).path("status").asText()).isEqualTo("error");
        assertThat(json(again).path("message").asText()).contains("already published");
        assertThat(put("hosted", "a.zip", ComposerZips.dist("acme/hello", "1.0", "one")).status())
                .as("the same bytes again").isEqualTo(409);
        assertThat(world.repository("hosted").contents().keySet()).hasSize(1).allMatch(p -> p.startsWith("dist/acme/hello/1.0/"));
    }

    @Test
    void aVersionIsDeletedAndLeavesTheMetadata() throws Exception {
        assertThat(put("hosted", "a.zip", ComposerZips.dist("acme/hello", "1.0.0", "one")).status()).isEqualTo(201);
        assertThat(put("hosted", "b.zip", ComposerZips.dist("acme/hello", "1.1.0", "two")).status()).isEqualTo(201);
        assertThat(h.request("DELETE", "hosted", "packages/acme/hello/1.0").send().status()).as("1.0 is 1.0.0").isEqualTo(200);
        assertThat(h.request("DELETE", "hosted", "packages/acme/hello/1.0.0").send().status()).isEqualTo(404);
        assertThat(h.request("DELETE", "hosted", "packages/acme/nothing/1.0.0").send().status()).isEqualTo(404);
        assertThat(versions(h.get("hosted", "p2/acme/hello.json"), "acme/hello")).extracting(v -> v.path("version").asText())
                .containsExactly("1.1.0");
        assertThat(h.request("DELETE", "hosted", "packages/acme/hello/1.1.0").send().status()).isEqualTo(200);
        assertThat(h.get("hosted", "p2/acme/hello.json").status()).isEqualTo(404);
        assertThat(json(h.get("hosted", "packages.json")).path("available-packages")).isEmpty();
        assertThat(put("hosted", "a.zip", ComposerZips.dist("acme/hello", "1.0.0", "again")).status())
                .as("a deleted version may be published again").isEqualTo(201);
    }

    @Test
    void hostileOrBrokenZipsAreRefusedAndNothingIsStored() throws Exception {
        String good = ComposerZips.composerJson("acme/hello", "1.0.0");
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not a zip", "PK\u0003\u0004 this is not a zip".getBytes(StandardCharsets.UTF_8));
        bad.put("empty body", new byte[0]);
        bad.put("no composer.json", ComposerZips.zip(Map.of("src/A.php", "<?php")));
        bad.put("composer.json two folders down", ComposerZips.zip(Map.of("a/b/composer.json", good)));
        bad.put("composer.json beside other top folders", ComposerZips.zip(new LinkedHashMap<>(Map.of(
                "a/composer.json", good, "b/x.php", "<?php"))));
        bad.put("traversal", zipWith(good, "../../etc/evil.php", "<?php"));
        bad.put("absolute", zipWith(good, "/etc/evil.php", "<?php"));
        bad.put("backslash", zipWith(good, "..\\evil.php", "<?php"));
        bad.put("invalid name", zipWith("{\"name\":\"Acme/Hello World\",\"version\":\"1.0.0\"}"));
        bad.put("no name", zipWith("{\"version\":\"1.0.0\"}"));
        bad.put("not an object", zipWith("[1,2]"));
        bad.put("malformed json", zipWith("{\"name\":"));
        bad.put("duplicate keys", zipWith("{\"name\":\"acme/a\",\"name\":\"acme/b\",\"version\":\"1.0.0\"}"));
        bad.put("require as a list", zipWith("{\"name\":\"acme/hello\",\"version\":\"1.0.0\",\"require\":[\"x\"]}"));
        bad.put("numeric description", zipWith("{\"name\":\"acme/hello\",\"version\":\"1.0.0\",\"description\":1}"));
        bad.put("invalid version", zipWith("{\"name\":\"acme/hello\",\"version\":\"1.0.0 beta\"}"));
        bad.put("oversized composer.json", zipWith("{\"name\":\"acme/hello\",\"version\":\"1.0.0\",\"description\":\""
                + "x".repeat(ComposerArchive.MAX_COMPOSER_JSON) + "\"}"));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            Response r = put("hosted", "x.zip", e.getValue());
            assertThat(r.status()).as("%s: %s", e.getKey(), r).isEqualTo(400);
            assertThat(json(r).path("message").asText()).as(e.getKey()).isNotBlank();
            r = put("hosted", "packages/upload/acme/hello/1.0.0", e.getValue());
            assertThat(r.status()).as("%s: %s", e.getKey(), r).isEqualTo(400);
        }
        assertThat(put("hosted", "packages/upload/Acme/hello/1.0.0", ComposerZips.dist("acme/hello", "1.0.0", "x"))
                .status()).as("invalid name in the URL").isEqualTo(400);
        assertThat(world.repository("hosted").contents()).as("nothing stored").isEmpty();
        assertThat(json(h.get("hosted", "packages.json")).path("available-packages")).isEmpty();
    }

    @Test
    void aSingleTopFolderIsThePackage() throws Exception {
        byte[] zip = ComposerZips.zip(new LinkedHashMap<>(Map.of("acme-hello-1a2b/composer.json",
                ComposerZips.composerJson("acme/hello", "1.2.0"), "acme-hello-1a2b/src/A.php", "<?php")));
        assertThat(put("hosted", "x.zip", zip).status()).isEqualTo(201);
        assertThat(versions(h.get("hosted", "p2/acme/hello.json"), "acme/hello")).extracting(v -> v.path("version").asText())
                .containsExactly("1.2.0");
    }

    @Test
    void notifyBatchIsAccepted() {
        Response ok = h.request("POST", "hosted", "downloads/").header("Content-Type", "application/json")
                .body("{\"downloads\":[{\"name\":\"acme/hello\",\"version\":\"1.0.0.0\",\"downloaded\":false}]}").send();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text()).contains("success");
        assertThat(h.request("POST", "hosted", "downloads").body("{\"downloads\":[]}").send().status()).isEqualTo(200);
        assertThat(h.request("POST", "hosted", "downloads/").body("{\"downloads\":3}").send().status()).isEqualTo(400);
        assertThat(h.request("POST", "hosted", "downloads/").body("nope").send().status()).isEqualTo(400);
        assertThat(world.repository("hosted").contents()).isEmpty();
    }

    // ------------------------------------------------------------------ remote and virtual

    /** A Packagist-like upstream: metadata-url on its host root, no package list, dists on another host. */
    private static final class Packagist implements ScriptedUpstream.Server {
        final byte[] v1;
        final byte[] v2;

        Packagist() throws Exception {
            v1 = ComposerZips.dist("monolog/monolog", null, "m1");
            v2 = ComposerZips.dist("monolog/monolog", null, "m2");
        }

        @Override
        public ScriptedUpstream.Reply serve(String method, URI uri, Map<String, String> headers) {
            String p = uri.getPath();
            String json = null;
            if (uri.getHost().equals("repo.packagist.test") && p.equals("/packages.json")) {
                json = "{\"packages\":[],\"notify-batch\":\"https://packagist.test/downloads/\","
                        + "\"metadata-url\":\"/meta/%package%.json\",\"providers-api\":\"https://packagist.test/p/%package%.json\"}";
            } else if (uri.getHost().equals("repo.packagist.test") && p.equals("/meta/monolog/monolog.json")) {
                json = """
                        {"packages":{"monolog/monolog":[
                          {"name":"monolog/monolog","version":"2.0.0","version_normalized":"2.0.0.0","description":"logs",
                           "notification-url":"https://packagist.test/downloads/",
                           "dist":{"type":"zip","url":"https://codeload.test/zip/bbb","reference":"bbb","shasum":""},
                           "require":{"php":">=7.2"}},
                          {"version":"1.0.0","version_normalized":"1.0.0.0","description":"__unset",
                           "dist":{"type":"zip","url":"https://codeload.test/zip/aaa","reference":"aaa","shasum":""}}
                        ]},"minified":"composer/2.0"}""";
            } else if (uri.getHost().equals("codeload.test")) {
                return ScriptedUpstream.Reply.of(200, "application/zip", p.endsWith("aaa") ? v1 : v2);
            }
            return json == null ? ScriptedUpstream.Reply.of(404, "text/plain", "no".getBytes())
                    : ScriptedUpstream.Reply.of(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aRemoteOfAPackagistLikeUpstreamRewritesDistsAndCachesThem() throws Exception {
        Packagist packagist = new Packagist();
        ScriptedUpstream up = new ScriptedUpstream(URI.create("https://repo.packagist.test"), packagist);
        world.remote("proxy", up);
        JsonNode pj = json(h.get("proxy", "packages.json"));
        assertThat(pj.path("metadata-url").asText()).isEqualTo("/composer/proxy/p2/%package%.json");
        assertThat(pj.has("available-packages")).as("the upstream does not list its packages").isFalse();

        List<ObjectNode> vs = versions(h.get("proxy", "p2/monolog/monolog.json"), "monolog/monolog");
        assertThat(up.requests()).contains("GET https://repo.packagist.test/meta/monolog/monolog.json");
        assertThat(vs).extracting(v -> v.path("version").asText()).containsExactly("2.0.0", "1.0.0");
        assertThat(vs.get(1).has("description")).as("__unset upstream stays unset").isFalse();
        assertThat(vs.get(1).path("require").path("php").asText()).isEqualTo(">=7.2");
        assertThat(vs.get(0).has("notification-url")).isFalse();
        String url = vs.get(1).path("dist").path("url").asText();
        assertThat(url).isEqualTo(SERVER + "/composer/proxy/dist/monolog/monolog/1.0.0/aaa.zip");
        assertThat(vs.get(1).path("dist").path("reference").asText()).isEqualTo("aaa");

        String path = url.substring((SERVER + "/composer/proxy/").length());
        Response first = h.get("proxy", path);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.body()).isEqualTo(packagist.v1);
        assertThat(up.requestsFor("/zip/aaa")).isEqualTo(1);
        assertThat(h.get("proxy", path).body()).isEqualTo(packagist.v1);
        assertThat(up.requestsFor("/zip/aaa")).as("cached on first download").isEqualTo(1);
        assertThat(world.repository("proxy").contents()).containsKey(path);
        assertThat(world.repository("proxy").contents().get(path).name()).isEqualTo("monolog/monolog");
        assertThat(world.repository("proxy").contents().get(path).version()).as("the cached dist is an artifact with its version")
                .isEqualTo("1.0.0");
        assertThat(h.get("proxy", "dist/monolog/monolog/1.0.0/zzz.zip").status()).isEqualTo(404);
        assertThat(h.get("proxy", "p2/monolog/none.json").status()).isEqualTo(404);
    }

    @Test
    void aVirtualMergesHostedAndRemoteAndTheFirstMemberWins() throws Exception {
        Packagist packagist = new Packagist();
        world.remote("proxy", new ScriptedUpstream(URI.create("https://repo.packagist.test"), packagist));
        byte[] own = ComposerZips.dist("monolog/monolog", "1.0.0", "ours");
        assertThat(put("hosted", "m.zip", own).status()).isEqualTo(201);
        assertThat(put("hosted", "n.zip", ComposerZips.dist("acme/hello", "0.1.0", "h")).status()).isEqualTo(201);
        world.virtual("all", "hosted", "proxy");
        List<ObjectNode> vs = versions(h.get("all", "p2/monolog/monolog.json"), "monolog/monolog");
        assertThat(vs).extracting(v -> v.path("version").asText()).containsExactly("2.0.0", "1.0.0");
        assertThat(vs.get(1).path("dist").path("shasum").asText()).as("1.0.0 from the first member").isEqualTo(
                ComposerZips.sha1(own));
        for (ObjectNode v : vs) {
            String url = v.path("dist").path("url").asText();
            assertThat(url).startsWith(SERVER + "/composer/all/dist/");
            Response d = h.get("all", url.substring((SERVER + "/composer/all/").length()));
            assertThat(d.status()).as("%s", url).isEqualTo(200);
            assertThat(d.body()).isEqualTo(v.path("version").asText().equals("2.0.0") ? packagist.v2 : own);
        }
        // the remote's upstream lists nothing: the virtual cannot promise a complete list
        assertThat(json(h.get("all", "packages.json")).has("available-packages")).isFalse();
        world.virtual("hosted-only", "hosted");
        assertThat(json(h.get("hosted-only", "packages.json")).path("available-packages").toString())
                .isEqualTo("[\"acme/hello\",\"monolog/monolog\"]");
    }

    @Test
    void aRemoteOfAnotherArtifactKeeperUsesItsPackageList() throws Exception {
        MemoryWorld other = new MemoryWorld(new ComposerFormat(), "http://other.test");
        other.local("origin");
        assertThat(other.harness().request("PUT", "origin", "a.zip").body(ComposerZips.dist("acme/up", "3.0.0", "u"))
                .send().status()).isEqualTo(201);
        ScriptedUpstream up = new ScriptedUpstream(URI.create(other.baseUrl("origin")), other.harness().asUpstream());
        world.remote("proxy", up);
        world.virtual("all", "hosted", "proxy");
        assertThat(put("hosted", "n.zip", ComposerZips.dist("acme/hello", "0.1.0", "h")).status()).isEqualTo(201);
        assertThat(json(h.get("proxy", "packages.json")).path("available-packages").toString()).isEqualTo("[\"acme/up\"]");
        assertThat(json(h.get("all", "packages.json")).path("available-packages").toString())
                .isEqualTo("[\"acme/hello\",\"acme/up\"]");
        List<ObjectNode> vs = versions(h.get("all", "p2/acme/up.json"), "acme/up");
        String url = vs.get(0).path("dist").path("url").asText();
        assertThat(h.get("all", url.substring((SERVER + "/composer/all/").length())).status()).isEqualTo(200);
        assertThat(up.requests()).anyMatch(r -> r.endsWith("/composer/origin/p2/acme/up.json"));
    }
}
