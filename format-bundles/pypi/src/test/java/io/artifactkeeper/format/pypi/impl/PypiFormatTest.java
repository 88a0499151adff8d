package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** pypi's own behaviour in process, beyond the conformance suite. */
class PypiFormatTest {
    static final String JSON = PypiMediaType.JSON.contentType;

    MemoryWorld world;
    FormatHarness h;

    @BeforeEach
    void world() {
        world = new MemoryWorld(new PypiFormat(), "http://py.test");
        h = world.harness();
        world.local("hosted");
    }

    private Response upload(String repo, String name, String version, String filename, byte[] file) throws Exception {
        return h.request("POST", repo, "").header("Content-Type", "multipart/form-data; boundary="
                + PypiConformanceTest.BOUNDARY).body(PypiConformanceTest.twineUpload(name, version, filename, file)).send();
    }

    @Test
    void aWheelThatSlipsOrLiesIsRefusedAndLeavesNothing() throws Exception {
        byte[] slip = PypiTestArchives.zip(Map.of("demo-1.0.dist-info/METADATA",
                PypiTestArchives.metadata("demo", "1.0").getBytes(StandardCharsets.UTF_8), "../../evil.py", new byte[] {1}));
        Response r = upload("hosted", "demo", "1.0", "demo-1.0-py3-none-any.whl", slip);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.text()).contains("unsafe entry name");
        byte[] other = PypiTestArchives.wheel("demo", "1.0", PypiTestArchives.metadata("other", "1.0"));
        assertThat(upload("hosted", "demo", "1.0", "demo-1.0-py3-none-any.whl", other).status()).isEqualTo(400);
        assertThat(world.repository("hosted").contents()).isEmpty();
    }

    @Test
    void aWheelServesItsMetadataFileAndTheSameFileAgainIsAccepted() throws Exception {
        byte[] whl = PypiTestArchives.wheel("demo", "1.0", PypiTestArchives.metadata("demo", "1.0", "Requires-Python: >=3.9"));
        assertThat(upload("hosted", "demo", "1.0", "demo-1.0-py3-none-any.whl", whl).status()).isEqualTo(200);
        assertThat(upload("hosted", "demo", "1.0", "demo-1.0-py3-none-any.whl", whl).status()).as("idempotent").isEqualTo(200);
        byte[] changed = PypiTestArchives.wheel("demo", "1.0", PypiTestArchives.metadata("demo", "1.0", "Summary: x"));
        Response conflict = upload("hosted", "demo", "1.0", "demo-1.0-py3-none-any.whl", changed);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.text()).contains("File already exists");
        Response page = h.request("GET", "hosted", "simple/demo/").header("Accept", JSON).send();
        assertThat(page.text()).contains("\"requires-python\":\">=3.9\"").contains("\"core-metadata\":{\"sha256\"");
        Response md = h.get("hosted", "packages/demo/1.0/demo-1.0-py3-none-any.whl.metadata");
        assertThat(md.status()).isEqualTo(200);
        assertThat(md.text()).startsWith("Metadata-Version: 2.1\nName: demo");
    }

    @Test
    void otherSpellingsRedirectToTheNormalizedName() {
        Response r = h.get("hosted", "simple/Demo_Pkg/");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).contains("http://py.test/pypi/hosted/simple/demo-pkg/");
        assertThat(h.get("hosted", "simple/demo-pkg").header("Location")).contains("http://py.test/pypi/hosted/simple/demo-pkg/");
        assertThat(h.get("hosted", "").header("Location")).contains("http://py.test/pypi/hosted/simple/");
        assertThat(h.get("hosted", "simple").header("Location")).contains("http://py.test/pypi/hosted/simple/");
        assertThat(h.request("GET", "hosted", "simple/").header("Accept", "application/xml").send().status()).isEqualTo(406);
    }

    /**
     * A remote serves files from the URLs its upstream's page names (another host here, relative to a
     * base element, in HTML a jsoup parses as a browser would), checks their sha256, and serves the
     * PEP 658 metadata file from the file URL + .metadata.
     */
    @Test
    void aRemoteFetchesFilesFromTheUrlsItsUpstreamPageGives() throws Exception {
        byte[] whl = PypiTestArchives.wheel("demo", "1.0", PypiTestArchives.metadata("demo", "1.0"));
        String sha = PypiInspector.sha256(whl);
        byte[] md = PypiTestArchives.metadata("demo", "1.0").getBytes(StandardCharsets.UTF_8);
        String page = "<!DOCTYPE html><html><head><base href=\"https://files.example/f/\"></head><body>"
                + "<!-- <a href=\"https://evil.example/x\">demo-6.0.tar.gz</a> -->"
                + "<a href=\"ab/demo-1.0-py3-none-any.whl#sha256=" + sha + "\" data-core-metadata=\"true\">demo-1.0-py3-none-any.whl</a>"
                + "<a href=\"javascript:alert(1)\">demo-2.0.tar.gz</a>"
                + "<a href=\"ab/demo-1.1.tar.gz#sha256=" + "0".repeat(64) + "\">demo-1.1.tar.gz</a>"
                + "<p><a href=\"broken <tags\">x</p></body></html>";
        ScriptedUpstream up = new ScriptedUpstream(URI.create("https://index.example/simple/"), (method, uri, headers) -> {
            String u = uri.toString();
            if (u.equals("https://index.example/simple/demo/")) {
                return ScriptedUpstream.Reply.of(200, "text/html", page.getBytes(StandardCharsets.UTF_8));
            }
            if (u.equals("https://files.example/f/ab/demo-1.0-py3-none-any.whl")) {
                return ScriptedUpstream.Reply.of(200, "application/zip", whl);
            }
            if (u.equals("https://files.example/f/ab/demo-1.0-py3-none-any.whl.metadata")) {
                return ScriptedUpstream.Reply.of(200, "text/plain", md);
            }
            if (u.equals("https://files.example/f/ab/demo-1.1.tar.gz")) {
                return ScriptedUpstream.Reply.of(200, "application/gzip", new byte[] {1, 2, 3});
            }
            return ScriptedUpstream.Reply.of(404, "text/plain", new byte[0]);
        });
        world.remote("proxy", up);
        Response json = h.request("GET", "proxy", "simple/demo/").header("Accept", JSON).send();
        assertThat(json.status()).as("%s", json).isEqualTo(200);
        assertThat(json.text()).contains("\"filename\":\"demo-1.0-py3-none-any.whl\"")
                .contains("\"url\":\"http://py.test/pypi/proxy/packages/demo/1.0/demo-1.0-py3-none-any.whl\"")
                .doesNotContain("demo-2.0").doesNotContain("demo-6.0").doesNotContain("evil");
        Response file = h.get("proxy", "packages/demo/1.0/demo-1.0-py3-none-any.whl");
        assertThat(file.status()).as("%s", file).isEqualTo(200);
        assertThat(file.body()).isEqualTo(whl);
        assertThat(h.get("proxy", "packages/demo/1.0/demo-1.0-py3-none-any.whl.metadata").body()).isEqualTo(md);
        assertThat(up.requests()).contains("GET https://files.example/f/ab/demo-1.0-py3-none-any.whl");
        Response bad = h.get("proxy", "packages/demo/1.1/demo-1.1.tar.gz");
        assertThat(bad.status()).as("a file whose sha256 is not the page's").isEqualTo(502);
        int asked = up.requests().size();
        assertThat(h.get("proxy", "packages/demo/9.9/demo-9.9.tar.gz").status()).isEqualTo(404);
        assertThat(up.requests()).as("a file the page does not list costs no upstream request").hasSize(asked);
    }
}
