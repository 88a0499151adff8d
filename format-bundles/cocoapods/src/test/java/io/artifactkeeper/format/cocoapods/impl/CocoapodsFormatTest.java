package io.artifactkeeper.format.cocoapods.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** cocoapods behaviour beyond the kit's contract, in process. */
class CocoapodsFormatTest {
    private final MemoryWorld world = new MemoryWorld(new CocoapodsFormat(), "http://ak.test");
    private final FormatHarness h = world.harness();

    private Response push(String repo, String specFile, String spec, byte[] source) {
        String b = "b0undary";
        return h.request("POST", repo, "api/pods").header("Content-Type", "multipart/form-data; boundary=" + b)
                .body(CocoapodsPods.pushBody(b, specFile, spec, source)).send();
    }

    private byte[] push(String repo, String name, String version) throws Exception {
        byte[] src = CocoapodsPods.source(name, version);
        Response r = push(repo, name + ".podspec.json", CocoapodsPods.podspec(name, version), src);
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return src;
    }

    private static JsonNode json(Response r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void theCdnLayoutIsShardedByTheMd5OfTheName() throws Exception {
        world.local("pods");
        // MD5("Alamofire") = da2...: shard d/a/2, as on the CocoaPods CDN
        assertThat(CocoapodsNames.shard("Alamofire")).containsExactly("d", "a", "2");
        assertThat(CocoapodsNames.podspecPath("Alamofire", "5.8.1")).isEqualTo("Specs/d/a/2/Alamofire/5.8.1/Alamofire.podspec.json");
        byte[] src = push("pods", "Alamofire", "5.8.1");
        push("pods", "Alamofire", "5.10.0");
        push("pods", "Alamofire", "5.9.0");
        push("pods", "Kingfisher", "7.0.0");

        Response yml = h.get("pods", "CocoaPods-version.yml");
        assertThat(yml.status()).isEqualTo(200);
        assertThat(yml.text()).contains("prefix_lengths:\n- 1\n- 1\n- 1\n").contains("min: ");
        assertThat(h.get("pods", "all_pods.txt").text()).isEqualTo("Alamofire\nKingfisher\n");
        assertThat(h.get("pods", "deprecated_podspecs.txt").text()).isEmpty();
        Response versions = h.get("pods", "all_pods_versions_d_a_2.txt");
        assertThat(versions.text()).isEqualTo("Alamofire/5.8.1/5.9.0/5.10.0\n");
        assertThat(versions.header("ETag")).isPresent();
        String[] ks = CocoapodsNames.shard("Kingfisher");
        assertThat(h.get("pods", CocoapodsNames.versionsFile(ks)).text()).contains("Kingfisher/7.0.0");

        Response spec = h.get("pods", "Specs/d/a/2/Alamofire/5.8.1/Alamofire.podspec.json");
        assertThat(spec.status()).as("%s", spec).isEqualTo(200);
        JsonNode s = json(spec);
        assertThat(s.get("name").asText()).isEqualTo("Alamofire");
        assertThat(s.at("/platforms/ios").asText()).isEqualTo("12.0");
        assertThat(s.at("/source/http").asText()).isEqualTo("http://ak.test/cocoapods/pods/pods/Alamofire/5.8.1/Alamofire-5.8.1.zip");
        assertThat(s.at("/source/type").asText()).isEqualTo("zip");
        assertThat(s.at("/source/sha256").asText()).isEqualTo(sha256(src));
        assertThat(s.at("/source/git").isMissingNode()).isTrue();
        assertThat(h.get("pods", "pods/Alamofire/5.8.1/Alamofire-5.8.1.zip").body()).isEqualTo(src);
        // a podspec path in another pod's shard, or of another name, is not one
        assertThat(h.get("pods", "Specs/d/a/3/Alamofire/5.8.1/Alamofire.podspec.json").status()).isEqualTo(404);
        assertThat(h.get("pods", "Specs/d/a/2/Alamofire/5.8.1/Other.podspec.json").status()).isEqualTo(404);
        assertThat(h.get("pods", "Specs/d/a/2/Alamofire/9.9.9/Alamofire.podspec.json").status()).isEqualTo(404);
        // a tar.gz source is kept as one
        byte[] tgz = CocoapodsPods.tarGz("Sources/Tar/Tar.swift", "let x = 1\n");
        Response t = push("pods", "Tar.podspec.json", CocoapodsPods.podspec("Tar", "1.0.0"), tgz);
        assertThat(t.status()).as("%s", t).isEqualTo(201);
        assertThat(json(t).get("source_url").asText()).isEqualTo("http://ak.test/cocoapods/pods/pods/Tar/1.0.0/Tar-1.0.0.tar.gz");
        assertThat(json(h.get("pods", CocoapodsNames.podspecPath("Tar", "1.0.0"))).at("/source/type").asText()).isEqualTo("tgz");
    }

    @Test
    void badPushesAreRefusedAndStoreNothing() throws Exception {
        world.local("pods");
        byte[] first = push("pods", "Demo", "1.0.0");
        Response dup = push("pods", "Demo.podspec.json", CocoapodsPods.podspec("Demo", "1.0.0"), CocoapodsPods.source("Demo", "x"));
        assertThat(dup.status()).as("%s", dup).isEqualTo(409);
        assertThat(json(dup).get("error").asText()).contains("Demo 1.0.0");
        Object[][] cases = {
            {"name mismatch", "Other.podspec.json", CocoapodsPods.podspec("Demo", "2.0.0"), CocoapodsPods.source("Demo", "2")},
            {"malformed json", "Demo.podspec.json", "{\"name\":", CocoapodsPods.source("Demo", "2")},
            {"not an object", "Demo.podspec.json", "[]", CocoapodsPods.source("Demo", "2")},
            {"bad name", "x.podspec.json", CocoapodsPods.podspec("../x", "2.0.0"), CocoapodsPods.source("Demo", "2")},
            {"bad version", "Demo.podspec.json", CocoapodsPods.podspec("Demo", "two"), CocoapodsPods.source("Demo", "2")},
            {"not an archive", "Demo.podspec.json", CocoapodsPods.podspec("Demo", "2.0.0"), "hello".getBytes(StandardCharsets.UTF_8)},
            {"truncated zip", "Demo.podspec.json", CocoapodsPods.podspec("Demo", "2.0.0"),
                java.util.Arrays.copyOf(CocoapodsPods.source("Demo", "2"), 30)},
            {"traversal", "Demo.podspec.json", CocoapodsPods.podspec("Demo", "2.0.0"), CocoapodsPods.zip("../../evil", "x")},
            {"traversal in tar", "Demo.podspec.json", CocoapodsPods.podspec("Demo", "2.0.0"), CocoapodsPods.tarGz("../etc/evil", "x")},
            {"empty archive", "Demo.podspec.json", CocoapodsPods.podspec("Demo", "2.0.0"), CocoapodsPods.zip()},
            {"no source", "Demo.podspec.json", CocoapodsPods.podspec("Demo", "2.0.0"), null},
            {"no podspec", null, null, CocoapodsPods.source("Demo", "2")},
            {"oversized podspec", "Demo.podspec.json", "{\"name\":\"Demo\",\"version\":\"2.0.0\",\"summary\":\""
                + "x".repeat(CocoapodsPodspec.MAX_BYTES) + "\"}", CocoapodsPods.source("Demo", "2")},
        };
        for (Object[] c : cases) {
            Response r = push("pods", (String) c[1], (String) c[2], (byte[]) c[3]);
            assertThat(r.status()).as("%s: %s", c[0], r).isBetween(400, 413);
            assertThat(json(r).get("error").asText()).as("%s", c[0]).isNotBlank();
        }
        assertThat(h.request("POST", "pods", "api/pods").header("Content-Type", "application/json")
                .body(CocoapodsPods.podspec("Demo", "2.0.0")).send().status()).isEqualTo(400);
        assertThat(world.repository("pods").contents().keySet()).containsExactly("pods/Demo/1.0.0/Demo-1.0.0.zip");
        assertThat(h.get("pods", "pods/Demo/1.0.0/Demo-1.0.0.zip").body()).isEqualTo(first);
    }

    @Test
    void aRemoteServesHttpSourcesFromHereAndKeepsGitOnes() throws Exception {
        byte[] zip = CocoapodsPods.source("Remote", "1.0.0");
        String[] rs = CocoapodsNames.shard("Remote");
        String[] gs = CocoapodsNames.shard("GitPod");
        String remoteSpec = "{\"name\":\"Remote\",\"version\":\"1.0.0\",\"source\":{\"http\":\"https://files.up.test/dl/Remote-1.0.0.zip\","
                + "\"sha256\":\"" + sha256(zip) + "\"}}";
        String gitSpec = "{\"name\":\"GitPod\",\"version\":\"3.1.0\",\"source\":{\"git\":\"https://github.com/x/GitPod.git\",\"tag\":\"3.1.0\"}}";
        ScriptedUpstream up = new ScriptedUpstream(URI.create("https://cdn.up.test/"), (method, uri, headers) -> {
            String u = uri.toString();
            if (u.equals("https://cdn.up.test/" + CocoapodsNames.versionsFile(rs))) {
                return ScriptedUpstream.Reply.of(200, "text/plain", "Remote/0.9.0/1.0.0\n../bad/1.0\n".getBytes(StandardCharsets.UTF_8));
            }
            if (u.equals("https://cdn.up.test/" + CocoapodsNames.podspecPath("Remote", "1.0.0"))) {
                return ScriptedUpstream.Reply.of(200, "application/json", remoteSpec.getBytes(StandardCharsets.UTF_8));
            }
            if (u.equals("https://cdn.up.test/" + CocoapodsNames.podspecPath("GitPod", "3.1.0"))) {
                return ScriptedUpstream.Reply.of(200, "application/json", gitSpec.getBytes(StandardCharsets.UTF_8));
            }
            if (u.equals("https://cdn.up.test/" + CocoapodsNames.versionsFile(gs))) {
                return ScriptedUpstream.Reply.of(200, "text/plain", "GitPod/3.1.0\n".getBytes(StandardCharsets.UTF_8));
            }
            if (u.equals("https://files.up.test/dl/Remote-1.0.0.zip")) {
                return ScriptedUpstream.Reply.of(200, "application/zip", zip);
            }
            if (u.equals("https://cdn.up.test/all_pods.txt")) {
                return ScriptedUpstream.Reply.of(200, "text/plain", "GitPod\nRemote\n".getBytes(StandardCharsets.UTF_8));
            }
            return ScriptedUpstream.Reply.of(404, "text/plain", new byte[0]);
        });
        world.remote("trunk", up);
        world.local("pods");
        push("pods", "Remote", "2.0.0");
        world.virtual("all", "pods", "trunk");
        assertThat(h.get("trunk", CocoapodsNames.versionsFile(rs)).text()).contains("Remote/0.9.0/1.0.0\n").doesNotContain("bad");
        JsonNode spec = json(h.get("trunk", CocoapodsNames.podspecPath("Remote", "1.0.0")));
        assertThat(spec.at("/source/http").asText()).isEqualTo("http://ak.test/cocoapods/trunk/pods/Remote/1.0.0/Remote-1.0.0.zip");
        assertThat(spec.at("/source/sha256").asText()).isEqualTo(sha256(zip));
        assertThat(h.get("trunk", "pods/Remote/1.0.0/Remote-1.0.0.zip").body()).isEqualTo(zip);
        assertThat(json(h.get("trunk", CocoapodsNames.podspecPath("GitPod", "3.1.0"))).at("/source/git").asText())
                .isEqualTo("https://github.com/x/GitPod.git");
        // the virtual repository: versions merged, its own URLs
        assertThat(h.get("all", CocoapodsNames.versionsFile(rs)).text()).contains("Remote/0.9.0/1.0.0/2.0.0");
        assertThat(json(h.get("all", CocoapodsNames.podspecPath("Remote", "1.0.0"))).at("/source/http").asText())
                .isEqualTo("http://ak.test/cocoapods/all/pods/Remote/1.0.0/Remote-1.0.0.zip");
        assertThat(json(h.get("all", CocoapodsNames.podspecPath("Remote", "2.0.0"))).at("/source/http").asText())
                .isEqualTo("http://ak.test/cocoapods/all/pods/Remote/2.0.0/Remote-2.0.0.zip");
        assertThat(h.get("all", "pods/Remote/1.0.0/Remote-1.0.0.zip").body()).isEqualTo(zip);
        assertThat(h.get("all", "all_pods.txt").text()).isEqualTo("GitPod\nRemote\n");
        assertThat(h.get("trunk", "pods/Remote/1.0.0/other.zip").status()).isEqualTo(404);
    }
}
