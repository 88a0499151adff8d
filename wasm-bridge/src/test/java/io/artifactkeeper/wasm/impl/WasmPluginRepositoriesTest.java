package io.artifactkeeper.wasm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/**
 * What the kit does not check and the bridge promises (README, "Remote and virtual repositories"):
 * which index a repository of each shape answers with, what handle-request plugins see of remote and
 * virtual repositories, and the routes of both kinds of plugin. On the real engine, in process.
 */
class WasmPluginRepositoriesTest {
    static LoadedPlugin unitypkg;
    static LoadedPlugin wheelhouse;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void load() throws Exception {
        unitypkg = TestPlugins.shared("unitypkg");
        wheelhouse = TestPlugins.shared("wheelhouse");
    }

    static List<String> packages(Response index) throws Exception {
        assertThat(index.status()).as("%s", index).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode p : JSON.readTree(index.body()).path("packages")) {
            out.add(p.path("name").asText() + "@" + p.path("version").asText());
        }
        return out;
    }

    /** An upstream registry of the same plugin format, with one package, and a world proxying it. */
    record Worlds(MemoryWorld here, MemoryWorld there, ScriptedUpstream upstream) {
        FormatHarness h() {
            return here.harness();
        }
    }

    /** A remote "proxy" of an upstream "origin" that holds alpha 1.0.0 and beta 2.0.0. */
    static Worlds worlds(LoadedPlugin p) throws Exception {
        MemoryWorld there = new MemoryWorld(new WasmFormatHandler(p), "http://upstream.test");
        there.local("origin");
        publish(there, "origin", "a/alpha-1.0.0.unitypackage");
        publish(there, "origin", "b/beta-2.0.0.unitypackage");
        MemoryWorld here = new MemoryWorld(new WasmFormatHandler(p), "http://here.test");
        ScriptedUpstream up = new ScriptedUpstream(URI.create(there.baseUrl("origin")), there.harness().asUpstream());
        here.remote("proxy", up);
        return new Worlds(here, there, up);
    }

    static void publish(MemoryWorld w, String repo, String path) throws Exception {
        Response r = w.harness().request("PUT", repo, path).body(WasmPluginConformanceTest.unityPackage(path)).send();
        assertThat(r.status()).as("%s", r).isEqualTo(201);
    }

    @Test
    void aRemoteServesItsUpstreamsIndexAsItIsAndAVirtualOfItAlone() throws Exception {
        Worlds w = worlds(unitypkg);
        w.here().local("empty");
        w.here().virtual("group", "empty", "proxy");
        byte[] upstreamIndex = w.there().harness().get("origin", "index.json").body();
        Response remote = w.h().get("proxy", "index.json");
        assertThat(remote.body()).as("the upstream's index, not one generated over what the remote cached")
                .isEqualTo(upstreamIndex);
        assertThat(w.h().get("proxy", "").body()).as("the root is the index").isEqualTo(upstreamIndex);
        assertThat(w.h().get("group", "index.json").body())
                .as("a virtual whose only member holding anything is the remote answers with that member's index")
                .isEqualTo(upstreamIndex);
        assertThat(w.here().repository("proxy").contents()).containsOnlyKeys("index.json");
    }

    @Test
    void aVirtualOverSeveralMembersGeneratesOverTheirMergedRecords() throws Exception {
        Worlds w = worlds(unitypkg);
        w.here().local("hosted");
        publish(w.here(), "hosted", "c/gamma-3.0.0.unitypackage");
        publish(w.here(), "hosted", "a/alpha-1.0.0.unitypackage"); // the same path as upstream: first member wins
        w.here().virtual("group", "hosted", "proxy");
        assertThat(w.h().get("group", "b/beta-2.0.0.unitypackage").status()).isEqualTo(200); // fetched, now cached
        Response merged = w.h().get("group", "index.json");
        assertThat(packages(merged)).containsExactlyInAnyOrder("alpha@1.0.0", "gamma@3.0.0", "beta@2.0.0");
        String hostedAlpha = w.here().repository("hosted").contents().get("a/alpha-1.0.0.unitypackage").sha256();
        assertThat(merged.text()).contains(hostedAlpha);
        assertThat(w.h().get("group", "").body()).isEqualTo(merged.body());
        assertThat(merged.header("ETag")).isPresent();
    }

    @Test
    void anUnchangedRepositorysIndexCostsNoPluginCall() throws Exception {
        MemoryWorld w = new MemoryWorld(new WasmFormatHandler(unitypkg), "http://here.test");
        w.local("hosted");
        publish(w, "hosted", "a/alpha-1.0.0.unitypackage");
        FormatHarness h = w.harness();
        Response first = h.get("hosted", "index.json");
        long calls = unitypkg.stats.calls.get();
        Response again = h.get("hosted", "index.json");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(h.get("hosted", "").body()).isEqualTo(first.body());
        assertThat(unitypkg.stats.calls.get()).as("generate-index calls for an unchanged repository").isEqualTo(calls);
        publish(w, "hosted", "a/alpha-1.1.0.unitypackage");
        assertThat(packages(h.get("hosted", "index.json"))).contains("alpha@1.0.0", "alpha@1.1.0");
        assertThat(unitypkg.stats.calls.get()).isGreaterThan(calls);
    }

    @Test
    void artifactsAreContentAndEverythingElseMetadata() {
        WasmFormatHandler h = new WasmFormatHandler(unitypkg);
        assertThat(h.proxyPolicy().kindOf("tools/x-1.0.unitypackage")).isEqualTo(AssetKind.CONTENT);
        assertThat(h.proxyPolicy().kindOf("index.json")).isEqualTo(AssetKind.METADATA);
        assertThat(h.proxyPolicy().kindOf("README.md")).isEqualTo(AssetKind.METADATA);
        assertThat(h.routes()).extracting(Route::name).containsExactly("upload", "delete", "index", "artifact", "file");
        // without declared extensions nothing is known to be immutable
        assertThat(WasmFormatHandler.routes(false, List.of())).extracting(Route::name)
                .containsExactly("upload", "delete", "index", "file");
    }

    @Test
    void handleRequestRoutesReadAtAnyPathAndCallsThatStoreNothingOnAnyRepositoryType() {
        WasmFormatHandler h = new WasmFormatHandler(wheelhouse);
        Map<String, Route> byName = new java.util.LinkedHashMap<>();
        h.routes().forEach(r -> byName.put(r.name(), r));
        assertThat(byName).containsOnlyKeys("upload", "delete", "request", "request-call");
        assertThat(byName.get("request").access()).isEqualTo(Access.READ);
        assertThat(byName.get("request").matchPath("")).isPresent();
        assertThat(byName.get("request").matchPath("simple/demo-pkg/")).isPresent();
        assertThat(byName.get("request-call").access()).isEqualTo(Access.WRITE);
        assertThat(byName.get("request-call").allowedOnAnyRepositoryType()).isTrue();
        assertThat(byName.get("upload").allowedOnAnyRepositoryType()).isFalse();
        assertThat(byName.get("delete").allowedOnAnyRepositoryType()).isFalse();
    }

    @Test
    void handleRequestSeesAVirtualsMergedRecordsAndLinksToItsDownloads() throws Exception {
        MemoryWorld w = new MemoryWorld(new WasmFormatHandler(wheelhouse), "http://here.test");
        w.local("one");
        w.local("two");
        w.repository("one").seed("demo_pkg-1.0.0-py3-none-any.whl", new byte[] {'P', 'K', 3, 4, 1});
        w.repository("two").seed("demo_pkg-2.0.0-py3-none-any.whl", new byte[] {'P', 'K', 3, 4, 2});
        w.virtual("group", "one", "two");
        FormatHarness h = w.harness();
        Response page = h.get("group", "simple/demo-pkg/");
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.text()).contains("http://here.test/api/v1/repositories/group/download/demo_pkg-1.0.0-py3-none-any.whl",
                "http://here.test/api/v1/repositories/group/download/demo_pkg-2.0.0-py3-none-any.whl");
        // a call that stores nothing reaches the plugin on a virtual repository: its own answer, not the core's 400
        Response post = h.request("POST", "group", "simple/").body("x").send();
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.text()).contains("read-only");
        assertThat(w.writeAttempts()).isEmpty();
        // uploads are the bridge's (validate + store), refused on the virtual before anything runs
        assertThat(h.request("PUT", "group", "demo_pkg-3.0.0-py3-none-any.whl").body(new byte[] {'P', 'K', 3, 4}).send()
                .status()).isEqualTo(400);
        Response stored = h.request("PUT", "one", "demo_pkg-3.0.0-py3-none-any.whl").body(new byte[] {'P', 'K', 3, 4}).send();
        assertThat(stored.status()).as("%s", stored).isEqualTo(201);
        JsonNode uploaded = JSON.readTree(stored.body());
        assertThat(uploaded.path("path").asText()).isEqualTo("demo_pkg-3.0.0-py3-none-any.whl");
        assertThat(uploaded.path("sha256").asText())
                .isEqualTo(w.repository("one").contents().get("demo_pkg-3.0.0-py3-none-any.whl").sha256());
        Response refused = h.request("PUT", "one", "notes.txt").body("x").send();
        assertThat(refused.status()).as("the plugin's validate refuses it: %s", refused).isEqualTo(400);
        assertThat(refused.text()).contains("not a Python distribution");
    }

    @Test
    void aReloadThatChangesTheRoutesIsNoticed() {
        WasmFormatHandler h = new WasmFormatHandler(unitypkg);
        assertThat(h.servesAs(unitypkg)).isTrue();
        assertThat(h.servesAs(wheelhouse)).isFalse();
    }
}
