package io.artifactkeeper.format.npm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.Caller;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** npm behaviour beyond the kit's contract, in process: what npm's own protocol adds. */
class NpmFormatTest {
    private final MemoryWorld world = new MemoryWorld(new NpmFormat(), "http://ak.test");
    private final FormatHarness h = world.harness();

    private void publish(String repo, String name, String version) throws Exception {
        String encoded = name.replace("/", "%2f");
        Response r = h.request("PUT", repo, encoded).body(NpmConformanceTest.publishBody(name, version,
                NpmConformanceTest.tarball(name, version), world.baseUrl(repo))).send();
        assertThat(r.status()).as("%s", r).isEqualTo(201);
    }

    private static JsonNode json(Response r) throws Exception {
        return NpmPackument.JSON.readTree(r.body());
    }

    /** npmjs serves tarballs from wherever dist.tarball says; a remote fetches them there (contentUri). */
    @Test
    void aRemoteFetchesTheTarballFromTheUrlItsUpstreamsPackumentNames() throws Exception {
        byte[] tgz = NpmConformanceTest.tarball("@s/p", "1.0.0");
        String packument = "{\"name\":\"@s/p\",\"dist-tags\":{\"latest\":\"1.0.0\"},\"versions\":{\"1.0.0\":{\"name\":\"@s/p\","
                + "\"version\":\"1.0.0\",\"dist\":{\"tarball\":\"https://files.up.test/blobs/p-1.0.0.tgz\"}}}}";
        ScriptedUpstream up = new ScriptedUpstream(URI.create("https://registry.up.test/"), (method, uri, headers) -> {
            String u = uri.toString();
            if (u.equals("https://registry.up.test/@s%2fp")) {
                return ScriptedUpstream.Reply.of(200, "application/json", packument.getBytes(StandardCharsets.UTF_8));
            }
            if (u.equals("https://files.up.test/blobs/p-1.0.0.tgz")) {
                return ScriptedUpstream.Reply.of(200, "application/octet-stream", tgz);
            }
            return ScriptedUpstream.Reply.of(404, "text/plain", new byte[0]);
        });
        world.remote("proxy", up);
        Response r = h.get("proxy", "@s/p/-/p-1.0.0.tgz");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body()).isEqualTo(tgz);
        assertThat(up.requests()).contains("GET https://files.up.test/blobs/p-1.0.0.tgz");
        int asked = up.requests().size();
        assertThat(h.get("proxy", "@s/p/-/p-1.0.0.tgz").body()).isEqualTo(tgz);
        assertThat(up.requests()).as("a cached tarball costs no upstream request, not even the packument").hasSize(asked);
        // the packument served here points at this repository
        assertThat(json(h.get("proxy", "@s%2fp")).at("/versions/1.0.0/dist/tarball").asText())
                .isEqualTo("http://ak.test/npm/proxy/@s/p/-/p-1.0.0.tgz");
        // a file the upstream's packument does not name: asked at the conventional path, not found
        assertThat(h.get("proxy", "@s/p/-/p-9.9.9.tgz").status()).isEqualTo(404);
    }

    /** Login, logout, ping and audits store nothing: they work on every repository type. */
    @Test
    void loginLogoutAndAuditsWorkOnRemoteAndVirtualRepositories() throws Exception {
        world.user("bob", "secret-1");
        ScriptedUpstream up = new ScriptedUpstream(URI.create("https://registry.up.test/"), (method, uri, headers) ->
                ScriptedUpstream.Reply.of(200, "application/json", "{\"advisories\":{}}".getBytes(StandardCharsets.UTF_8)));
        world.remote("proxy", up);
        world.local("hosted");
        world.virtual("group", "hosted", "proxy");
        for (String repo : new String[] {"hosted", "proxy", "group"}) {
            Response login = h.request("PUT", repo, "-/user/org.couchdb.user:bob")
                    .body("{\"name\":\"bob\",\"password\":\"secret-1\"}").send();
            assertThat(login.status()).as("%s: %s", repo, login).isEqualTo(201);
            assertThat(json(login).get("token").asText()).isNotBlank();
            assertThat(h.request("PUT", repo, "-/user/org.couchdb.user:bob").body("{\"name\":\"bob\",\"password\":\"x\"}")
                    .send().status()).isEqualTo(401);
            // logout reaches npm's handler on every type: anonymous is asked to log in; a token that is not
            // the caller's own is refused (the kit's repositories know no token to revoke)
            assertThat(h.request("DELETE", repo, "-/user/token/abc").caller(Caller.anonymous()).send().status())
                    .isEqualTo(401);
            assertThat(h.request("DELETE", repo, "-/user/token/abc").send().status()).isEqualTo(403);
            assertThat(h.get(repo, "-/ping").status()).isEqualTo(200);
        }
        // an audit through the virtual goes to its remote member's upstream
        Response audit = h.request("POST", "group", "-/npm/v1/security/advisories/bulk").body("{}").send();
        assertThat(audit.status()).as("%s", audit).isEqualTo(200);
        assertThat(up.requests()).contains("POST https://registry.up.test/-/npm/v1/security/advisories/bulk");
        // only npm's audit endpoints are forwarded
        assertThat(h.request("POST", "group", "-/npm/v1/security/admin/reset").body("{}").send().status()).isEqualTo(404);
        assertThat(up.requests()).noneMatch(r -> r.contains("admin/reset"));
        // a hosted repository knows no advisory
        assertThat(json(h.request("POST", "hosted", "-/npm/v1/security/audits/quick").body("{}").send())
                .at("/metadata/vulnerabilities/high").asInt()).isZero();
        assertThat(world.writeAttempts()).isEmpty();
    }

    /**
     * {@code npm unpublish pkg@1.0.0}: a PUT of the document without the version (at its revision), then
     * a DELETE of the tarball at its URL's path resolved against the registry URL (the repository path
     * twice); {@code npm dist-tag add/rm} on the way.
     */
    @Test
    void unpublishOfOneVersionAndDistTagsAsNpmSendsThem() throws Exception {
        world.local("hosted");
        publish("hosted", "@s/p", "1.0.0");
        publish("hosted", "@s/p", "1.1.0");
        assertThat(h.request("PUT", "hosted", "-/package/@s%2fp/dist-tags/stable").body("\"1.0.0\"").send().status())
                .isEqualTo(201);
        assertThat(json(h.get("hosted", "-/package/@s%2fp/dist-tags")).get("stable").asText()).isEqualTo("1.0.0");
        assertThat(h.request("DELETE", "hosted", "-/package/@s%2fp/dist-tags/stable").send().status()).isEqualTo(200);

        JsonNode doc = json(h.get("hosted", "@s%2fp?write=true"));
        com.fasterxml.jackson.databind.node.ObjectNode without = doc.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) without.get("versions")).remove("1.0.0");
        ((com.fasterxml.jackson.databind.node.ObjectNode) without.get("time")).remove("1.0.0");
        String rev = doc.get("_rev").asText();
        assertThat(h.request("PUT", "hosted", "@s%2fp/-rev/" + rev).body(NpmPackument.bytes(without)).send().status())
                .isEqualTo(201);
        String rev2 = json(h.get("hosted", "@s%2fp")).get("_rev").asText();
        assertThat(h.request("DELETE", "hosted", "npm/other/@s/p/-/p-1.0.0.tgz/-rev/" + rev2).send().status())
                .as("another repository's path is not ours").isEqualTo(404);
        assertThat(h.request("DELETE", "hosted", "npm/hosted/@s/p/-/p-1.0.0.tgz/-rev/" + rev2).send().status())
                .isEqualTo(200);
        assertThat(world.repository("hosted").contents()).doesNotContainKey("@s/p/-/p-1.0.0.tgz")
                .containsKey("@s/p/-/p-1.1.0.tgz");
        JsonNode after = json(h.get("hosted", "@s%2fp"));
        assertThat(after.get("versions").has("1.0.0")).isFalse();
        assertThat(after.at("/dist-tags/latest").asText()).isEqualTo("1.1.0");
    }

    /** The same version twice is npm's 403; a name that is no npm name is a 404 in npm's shape. */
    @Test
    void republishingAVersionIs403AndBadNamesAre404() throws Exception {
        world.local("hosted");
        publish("hosted", "demo", "1.0.0");
        Response again = h.request("PUT", "hosted", "demo").body(NpmConformanceTest.publishBody("demo", "1.0.0",
                NpmConformanceTest.tarball("demo", "1.0.0"), world.baseUrl("hosted"))).send();
        assertThat(again.status()).isEqualTo(403);
        assertThat(json(again).get("error").asText()).contains("previously published");
        Response bad = h.get("hosted", "a%20b");
        assertThat(bad.status()).isEqualTo(404);
        assertThat(json(bad).has("error")).isTrue();
        assertThat(h.request("POST", "hosted", "demo").send().status()).isEqualTo(405);
    }
}
