package io.artifactkeeper.format.pub.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** pub behaviour beyond the kit's contract, in process. */
class PubFormatTest {
    private static final String ACCEPT = PubConformanceTest.ACCEPT;
    private final MemoryWorld world = new MemoryWorld(new PubFormat(), "http://ak.test");
    private final FormatHarness h = world.harness();

    private Response post(String repo, byte[] archive) {
        String b = "dart-boundary-1";
        return h.request("POST", repo, "api/packages/versions/upload").header("Accept", ACCEPT)
                .header("Content-Type", "multipart/form-data; boundary=" + b).body(PubArchives.multipart(b, archive)).send();
    }

    private void publish(String repo, String name, String version) throws Exception {
        Response r = post(repo, PubArchives.archive(name, version));
        assertThat(r.status()).as("%s", r).isEqualTo(204);
        String loc = r.header("Location").orElseThrow();
        assertThat(loc).isEqualTo("http://ak.test/pub/" + repo + "/api/packages/versions/finalize/" + name + "/" + version);
        Response fin = h.request("GET", repo, loc.substring(("http://ak.test/pub/" + repo + "/").length()))
                .header("Accept", ACCEPT).send();
        assertThat(fin.status()).as("%s", fin).isEqualTo(200);
        assertThat(json(fin).at("/success/message").asText()).contains(name).contains(version);
    }

    private static JsonNode json(Response r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void theNewEndpointNamesTheUploadUrlAndTheListingHasWhatPubReads() throws Exception {
        world.local("dart");
        Response fresh = h.request("GET", "dart", "api/packages/versions/new").header("Accept", ACCEPT).send();
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.header("Content-Type").orElse("")).isEqualTo(ACCEPT);
        assertThat(json(fresh).get("url").asText()).isEqualTo("http://ak.test/pub/dart/api/packages/versions/upload");
        assertThat(json(fresh).get("fields").isObject()).isTrue();

        publish("dart", "demo", "1.0.0");
        publish("dart", "demo", "1.10.0");
        publish("dart", "demo", "1.2.0");
        publish("dart", "demo", "2.0.0-dev.1");
        Response r = h.request("GET", "dart", "api/packages/demo").header("Accept", ACCEPT).send();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type").orElse("")).isEqualTo(ACCEPT);
        JsonNode doc = json(r);
        assertThat(doc.get("name").asText()).isEqualTo("demo");
        assertThat(doc.get("isDiscontinued").asBoolean()).isFalse();
        // latest: the highest release, not the pre-release above it; versions oldest first by SemVer
        assertThat(doc.at("/latest/version").asText()).isEqualTo("1.10.0");
        assertThat(java.util.stream.StreamSupport.stream(doc.get("versions").spliterator(), false)
                .map(x -> x.get("version").asText()).toList()).containsExactly("1.0.0", "1.2.0", "1.10.0",
                "2.0.0-dev.1");
        JsonNode v = doc.get("versions").get(0);
        assertThat(v.get("archive_url").asText()).isEqualTo("http://ak.test/pub/dart/packages/demo/versions/1.0.0.tar.gz");
        assertThat(v.at("/pubspec/name").asText()).isEqualTo("demo");
        assertThat(v.at("/pubspec/environment/sdk").asText()).isEqualTo(">=3.0.0 <4.0.0");
        assertThat(v.at("/pubspec/dependencies/meta").asText()).isEqualTo("^1.9.0");
        Response archive = h.get("dart", "packages/demo/versions/1.0.0.tar.gz");
        assertThat(archive.status()).isEqualTo(200);
        assertThat(v.get("archive_sha256").asText()).isEqualTo(sha256(archive.body()));
        assertThat(archive.body()).isEqualTo(world.repository("dart").get("packages/demo/versions/1.0.0.tar.gz")
                .orElseThrow().open().readAllBytes());
        // the (deprecated) single-version endpoint
        JsonNode one = json(h.get("dart", "api/packages/demo/versions/1.2.0"));
        assertThat(one.get("version").asText()).isEqualTo("1.2.0");
        assertThat(one.get("archive_url").asText()).endsWith("/packages/demo/versions/1.2.0.tar.gz");
        assertThat(h.get("dart", "api/packages/demo/versions/3.0.0").status()).isEqualTo(404);
        // nothing of the uploads' staging is left behind
        assertThat(world.repository("dart").contents().keySet()).allMatch(p -> p.startsWith("packages/demo/versions/"));
    }

    @Test
    void aDuplicateVersionIs409InPubsErrorShapeAndChangesNothing() throws Exception {
        world.local("dart");
        publish("dart", "demo", "1.0.0");
        byte[] before = h.get("dart", "packages/demo/versions/1.0.0.tar.gz").body();
        byte[] other = PubArchives.tarGz("pubspec.yaml", PubArchives.pubspec("demo", "1.0.0"), "lib/x.dart", "// other\n");
        Response r = post("dart", other);
        assertThat(r.status()).as("%s", r).isEqualTo(409);
        assertThat(r.header("Content-Type").orElse("")).isEqualTo(ACCEPT);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("VERSION_EXISTS");
        assertThat(json(r).at("/error/message").asText()).contains("1.0.0");
        assertThat(h.get("dart", "packages/demo/versions/1.0.0.tar.gz").body()).isEqualTo(before);
        assertThat(h.request("PUT", "dart", "packages/demo/versions/1.0.0.tar.gz").body(other).send().status())
                .isEqualTo(409);
        assertThat(world.repository("dart").contents().keySet()).containsExactly("packages/demo/versions/1.0.0.tar.gz");
    }

    @Test
    void badUploadsAre400AndStoreNothing() throws Exception {
        world.local("dart");
        String big = "name: demo\nversion: 1.0.0\ndescription: '" + "x".repeat(PubYaml.MAX_BYTES) + "'\n";
        byte[][] bad = {
            "not an archive".getBytes(StandardCharsets.UTF_8),
            java.util.Arrays.copyOf(PubArchives.archive("demo", "1.0.0"), 40),
            PubArchives.tarGz("lib/demo.dart", "// no pubspec\n"),
            PubArchives.tarGz("demo/pubspec.yaml", PubArchives.pubspec("demo", "1.0.0")),
            PubArchives.tarGz("pubspec.yaml", PubArchives.pubspec("demo", "1.0.0"), "../../etc/evil", "x"),
            PubArchives.tarGz("pubspec.yaml", "name: demo\nversion: [1.0.0\n"),
            PubArchives.tarGz("pubspec.yaml", "name: demo\nname: other\nversion: 1.0.0\n"),
            PubArchives.tarGz("pubspec.yaml", "- a list\n"),
            PubArchives.tarGz("pubspec.yaml", PubArchives.pubspec("Bad-Name", "1.0.0")),
            PubArchives.tarGz("pubspec.yaml", PubArchives.pubspec("class", "1.0.0")),
            PubArchives.tarGz("pubspec.yaml", PubArchives.pubspec("demo", "1.0")),
            PubArchives.tarGz("pubspec.yaml", "name: demo\n"),
            PubArchives.tarGz("pubspec.yaml", big),
            PubArchives.tarGz("pubspec.yaml", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                    + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"),
        };
        for (byte[] b : bad) {
            Response r = post("dart", b);
            assertThat(r.status()).as("%s", r).isEqualTo(400);
            assertThat(json(r).at("/error/message").asText()).isNotBlank();
        }
        // multipart problems
        assertThat(h.request("POST", "dart", "api/packages/versions/upload").header("Content-Type", "application/gzip")
                .body(PubArchives.archive("demo", "1.0.0")).send().status()).isEqualTo(400);
        assertThat(h.request("POST", "dart", "api/packages/versions/upload")
                .header("Content-Type", "multipart/form-data; boundary=b")
                .body("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.tar.gz\"\r\n\r\nabc")
                .send().status()).isEqualTo(400);
        assertThat(h.request("POST", "dart", "api/packages/versions/upload")
                .header("Content-Type", "multipart/form-data; boundary=b")
                .body("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nabc\r\n--b--\r\n").send().status())
                .isEqualTo(400);
        assertThat(world.repository("dart").contents().keySet()).isEmpty();
    }

    @Test
    void aRawPutMustAgreeWithItsPubspec() throws Exception {
        world.local("dart");
        Response mismatch = h.request("PUT", "dart", "packages/demo/versions/1.0.0.tar.gz")
                .body(PubArchives.archive("demo", "1.0.1")).send();
        assertThat(mismatch.status()).as("%s", mismatch).isEqualTo(400);
        assertThat(json(mismatch).at("/error/message").asText()).contains("1.0.1").contains("1.0.0");
        Response otherName = h.request("PUT", "dart", "packages/demo/versions/1.0.0.tar.gz")
                .body(PubArchives.archive("other", "1.0.0")).send();
        assertThat(otherName.status()).isEqualTo(400);
        assertThat(world.repository("dart").contents().keySet()).isEmpty();
        Response ok = h.request("PUT", "dart", "packages/demo/versions/1.0.0.tar.gz")
                .body(PubArchives.archive("demo", "1.0.0")).send();
        assertThat(ok.status()).as("%s", ok).isEqualTo(201);
        assertThat(json(h.get("dart", "api/packages/demo")).at("/latest/pubspec/version").asText()).isEqualTo("1.0.0");
    }

    @Test
    void aRemoteRewritesArchiveUrlsAndDownloadsFromTheUpstreams() throws Exception {
        byte[] archive = PubArchives.archive("http_thing", "0.13.6");
        String listing = "{\"name\":\"http_thing\",\"latest\":{\"version\":\"0.13.6\",\"archive_url\":"
                + "\"https://storage.up.test/archives/http_thing-0.13.6.tar.gz?sig=1\",\"archive_sha256\":\"" + sha256(archive)
                + "\",\"pubspec\":{\"name\":\"http_thing\",\"version\":\"0.13.6\"}},\"versions\":[{\"version\":\"0.13.6\","
                + "\"archive_url\":\"https://storage.up.test/archives/http_thing-0.13.6.tar.gz?sig=1\",\"archive_sha256\":\""
                + sha256(archive) + "\",\"pubspec\":{\"name\":\"http_thing\",\"version\":\"0.13.6\"},\"retracted\":false},"
                + "{\"version\":\"not a version\"},\"junk\"]}";
        ScriptedUpstream up = new ScriptedUpstream(URI.create("https://pub.up.test"), (method, uri, headers) -> {
            String u = uri.toString();
            if (u.equals("https://pub.up.test/api/packages/http_thing")) {
                assertThat(headers).containsEntry("Accept", ACCEPT);
                return ScriptedUpstream.Reply.of(200, ACCEPT, listing.getBytes(StandardCharsets.UTF_8));
            }
            if (u.equals("https://storage.up.test/archives/http_thing-0.13.6.tar.gz?sig=1")) {
                return ScriptedUpstream.Reply.of(200, "application/octet-stream", archive);
            }
            if (u.equals("https://pub.up.test/api/packages/broken")) {
                return ScriptedUpstream.Reply.of(200, ACCEPT, "{\"versions\": 3}".getBytes(StandardCharsets.UTF_8));
            }
            return ScriptedUpstream.Reply.of(404, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        });
        world.remote("pub-dev", up);
        world.local("dart");
        publish("dart", "mine", "1.0.0");
        world.virtual("all", "dart", "pub-dev");
        JsonNode doc = json(h.get("pub-dev", "api/packages/http_thing"));
        assertThat(doc.get("versions")).hasSize(1);
        assertThat(doc.at("/versions/0/archive_url").asText())
                .isEqualTo("http://ak.test/pub/pub-dev/packages/http_thing/versions/0.13.6.tar.gz");
        assertThat(doc.at("/versions/0/archive_sha256").asText()).isEqualTo(sha256(archive));
        Response dl = h.get("pub-dev", "packages/http_thing/versions/0.13.6.tar.gz");
        assertThat(dl.status()).as("%s", dl).isEqualTo(200);
        assertThat(dl.body()).isEqualTo(archive);
        // through the virtual repository: its own URLs, both members' packages
        assertThat(json(h.get("all", "api/packages/http_thing")).at("/latest/archive_url").asText())
                .isEqualTo("http://ak.test/pub/all/packages/http_thing/versions/0.13.6.tar.gz");
        assertThat(json(h.get("all", "api/packages/mine")).at("/latest/archive_url").asText())
                .isEqualTo("http://ak.test/pub/all/packages/mine/versions/1.0.0.tar.gz");
        assertThat(h.get("all", "packages/http_thing/versions/0.13.6.tar.gz").body()).isEqualTo(archive);
        // an upstream listing that is not one is the upstream's fault; an unknown package a 404
        assertThat(h.get("pub-dev", "api/packages/broken").status()).isEqualTo(502);
        assertThat(h.get("pub-dev", "api/packages/nothing").status()).isEqualTo(404);
        assertThat(h.get("pub-dev", "packages/http_thing/versions/9.9.9.tar.gz").status()).isEqualTo(404);
    }

    @Test
    void authenticationErrorsCarryPubsBearerChallenge() throws Exception {
        FormatResponse r = new PubFormat().renderError(401, "UNAUTHORIZED", "sign in with \"dart pub token add\"");
        assertThat(r.headers()).anySatisfy(e -> {
            assertThat(e.getKey()).isEqualTo("WWW-Authenticate");
            assertThat(e.getValue()).isEqualTo("Bearer realm=\"pub\", message=\"sign in with \\\"dart pub token add\\\"\"");
        });
        assertThat(Json.mapper().readTree(r.bytes()).at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(new PubFormat().renderError(404, "NOT_FOUND", "x").headers()).isEmpty();
    }
}
