package io.artifactkeeper.format.cargo.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.Caller;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** cargo behaviour beyond the kit's contract, in process. */
class CargoFormatTest {
    private final MemoryWorld world = new MemoryWorld(new CargoFormat(), "http://ak.test");
    private final FormatHarness h = world.harness();

    private void publish(String repo, String name, String version) throws Exception {
        Response r = h.request("PUT", repo, "api/v1/crates/new").body(CargoConformanceTest.publishBody(name, version))
                .send();
        assertThat(r.status()).as("%s", r).isEqualTo(200);
    }

    private static JsonNode json(Response r) throws Exception {
        return CargoIndex.JSON.readTree(r.body());
    }

    /** {@code sparse+BASE/cargo/{key}/} is the registry root; {@code index/} below it answers the same. */
    @Test
    void theRegistryRootIsTheRepositoryAndIndexKeepsWorking() throws Exception {
        world.local("crates");
        publish("crates", "demo", "1.0.0");
        publish("crates", "foo", "1.0.0");
        publish("crates", "ab", "0.1.0");
        Response cfg = h.get("crates", "config.json");
        assertThat(cfg.status()).isEqualTo(200);
        assertThat(json(cfg).get("dl").asText()).isEqualTo("http://ak.test/cargo/crates/api/v1/crates");
        assertThat(json(cfg).get("api").asText()).isEqualTo("http://ak.test/cargo/crates");
        assertThat(h.get("crates", "index/config.json").text()).isEqualTo(cfg.text());
        for (String path : new String[] {"de/mo/demo", "3/f/foo", "2/ab"}) {
            Response root = h.get("crates", path);
            assertThat(root.status()).as(path).isEqualTo(200);
            assertThat(h.get("crates", "index/" + path).body()).isEqualTo(root.body());
        }
        // an index path's shape in the wrong directory, or a name with no file, is a 404 in cargo's shape
        for (String path : new String[] {"xx/mo/demo", "3/x/foo", "no/ne/none", "index/de/mo/other"}) {
            Response r = h.get("crates", path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(json(r).at("/errors/0/detail").asText()).isNotBlank();
        }
        // the Web API is not an index path
        assertThat(h.get("crates", "api/v1/crates?q=demo").status()).isEqualTo(200);
        assertThat(json(h.get("crates", "api/v1/crates?q=demo")).at("/crates/0/name").asText()).isEqualTo("demo");
    }

    /** A remote of a crates.io-style index: the crate comes from the config.json's dl template, markers filled in. */
    @Test
    void aRemoteDownloadsFromTheUpstreamsDlTemplate() throws Exception {
        byte[] crate = CargoPublishReaderTest.crate("Serde-1.0.0/Cargo.toml", "[package]\n");
        String cksum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(crate));
        String line = "{\"name\":\"Serde\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"" + cksum
                + "\",\"features\":{},\"yanked\":false}\n";
        ScriptedUpstream up = new ScriptedUpstream(URI.create("sparse+https://index.up.test/"), (method, uri, headers) -> {
            String u = uri.toString();
            if (u.equals("https://index.up.test/config.json")) {
                return ScriptedUpstream.Reply.of(200, "application/json", ("{\"dl\":\"https://static.up.test/"
                        + "{lowerprefix}/{crate}/{crate}-{version}.crate?sum={sha256-checksum}\"}").getBytes());
            }
            if (u.equals("https://index.up.test/se/rd/serde")) {
                assertThat(headers).containsEntry("cargo-protocol", "version=1");
                return ScriptedUpstream.Reply.of(200, "text/plain", line.getBytes(StandardCharsets.UTF_8));
            }
            if (u.equals("https://static.up.test/se/rd/Serde/Serde-1.0.0.crate?sum=" + cksum)) {
                return ScriptedUpstream.Reply.of(200, "application/gzip", crate);
            }
            return ScriptedUpstream.Reply.of(404, "text/plain", new byte[0]);
        });
        world.remote("crates-io", up);
        Response idx = h.get("crates-io", "se/rd/serde");
        assertThat(idx.status()).as("%s", idx).isEqualTo(200);
        assertThat(idx.text()).isEqualTo(line);
        // ours, whatever the upstream's: downloads come here
        assertThat(json(h.get("crates-io", "config.json")).get("dl").asText())
                .isEqualTo("http://ak.test/cargo/crates-io/api/v1/crates");
        Response dl = h.get("crates-io", "api/v1/crates/serde/1.0.0/download");
        assertThat(dl.status()).as("%s", dl).isEqualTo(200);
        assertThat(dl.body()).isEqualTo(crate);
        assertThat(up.requests()).contains("GET https://static.up.test/se/rd/Serde/Serde-1.0.0.crate?sum=" + cksum);
        // a version the upstream's index does not list is not found
        assertThat(h.get("crates-io", "api/v1/crates/serde/9.9.9/download").status()).isEqualTo(404);
    }

    /** Owners are kept by hosted repositories; a virtual answers its first hosted member's, a remote none. */
    @Test
    void ownersYankAndTheirRepositoryTypes() throws Exception {
        world.local("crates");
        world.remote("proxy", new ScriptedUpstream(URI.create("https://index.up.test/"),
                (m, u, hs) -> ScriptedUpstream.Reply.of(404, "text/plain", new byte[0])));
        world.virtual("group", "proxy", "crates");
        publish("crates", "demo", "1.0.0");
        for (String repo : new String[] {"crates", "group"}) {
            Response o = h.get(repo, "api/v1/crates/demo/owners");
            assertThat(o.status()).as("%s: %s", repo, o).isEqualTo(200);
            assertThat(json(o).at("/users/0/login").asText()).isEqualTo("tck");
        }
        assertThat(h.get("proxy", "api/v1/crates/demo/owners").status()).isEqualTo(404);
        // another user may not yank a crate they do not own
        Response denied = h.request("DELETE", "crates", "api/v1/crates/demo/1.0.0/yank")
                .caller(new Caller("mallory", "00000000-0000-0000-0000-000000000002", false)).send();
        assertThat(denied.status()).as("%s", denied).isEqualTo(403);
        assertThat(h.request("DELETE", "crates", "api/v1/crates/demo/1.0.0/yank").send().status()).isEqualTo(200);
        assertThat(h.get("group", "de/mo/demo").text()).contains("\"yanked\":true");
        assertThat(h.request("DELETE", "group", "api/v1/crates/demo/1.0.0/yank").send().status())
                .as("a virtual repository is not yanked in").isEqualTo(400);
        assertThat(h.request("PUT", "crates", "api/v1/crates/demo/1.0.0/unyank").send().status()).isEqualTo(200);
        assertThat(h.get("crates", "de/mo/demo").text()).contains("\"yanked\":false");
        assertThat(world.writeAttempts()).isEmpty();
    }
}
