package io.artifactkeeper.format.rubygems.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.rubygems.impl.GemMarshalDocs.Tuple;
import io.artifactkeeper.format.rubygems.impl.RubyMarshal.Sym;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** rubygems behaviour beyond the kit's contract, in process. */
class RubygemsFormatTest {
    private final MemoryWorld world = new MemoryWorld(new RubygemsFormat(), "http://ak.test");
    private final FormatHarness h = world.harness();

    private Response push(String repo, byte[] gem) {
        return h.request("POST", repo, "api/v1/gems").header("Content-Type", "application/octet-stream").body(gem).send();
    }

    private void pushOk(String repo, String name, String version) throws Exception {
        Response r = push(repo, TestGems.gem(name, version));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.text()).isEqualTo("Successfully registered gem: " + name + " (" + version + ")");
    }

    @Test
    void theCompactIndexListsWhatWasPushedWithChecksumsAndMd5s() throws Exception {
        world.local("gems");
        pushOk("gems", "demo", "1.0.0");
        pushOk("gems", "demo", "1.10.0");
        pushOk("gems", "demo", "1.2.0.beta1");
        pushOk("gems", "other", "0.1.0");
        byte[] gem = h.get("gems", "gems/demo-1.0.0.gem").body();

        Response info = h.get("gems", "info/demo");
        assertThat(info.status()).isEqualTo(200);
        // versions in Gem::Version order (1.2.0.beta1 < 1.10.0); runtime dependencies only; the gem's SHA-256
        assertThat(info.text()).isEqualTo("---\n"
                + "1.0.0 json:>= 1.0&< 3|checksum:" + TestGems.sha256(gem) + ",ruby:>= 2.7.0\n"
                + "1.2.0.beta1 json:>= 1.0&< 3|checksum:" + TestGems.sha256(h.get("gems", "gems/demo-1.2.0.beta1.gem").body())
                + ",ruby:>= 2.7.0\n"
                + "1.10.0 json:>= 1.0&< 3|checksum:" + TestGems.sha256(h.get("gems", "gems/demo-1.10.0.gem").body())
                + ",ruby:>= 2.7.0\n");
        // bundler checks the entity tag against the MD5 of the file it holds
        assertThat(info.header("ETag")).hasValue("\"" + GemCompactIndex.md5(info.body()) + "\"");

        Response versions = h.get("gems", "versions");
        String[] lines = versions.text().split("\n");
        assertThat(lines[0]).startsWith("created_at: ");
        assertThat(lines[1]).isEqualTo("---");
        assertThat(Arrays.asList(lines)).contains("demo 1.0.0,1.2.0.beta1,1.10.0 " + GemCompactIndex.md5(info.body()),
                "other 0.1.0 " + GemCompactIndex.md5(h.get("gems", "info/other").body()));
        assertThat(h.get("gems", "names").text()).isEqualTo("---\ndemo\nother\n");
        assertThat(h.get("gems", "info/none").status()).isEqualTo(404);
    }

    /** What bundler sends for an index it holds: If-None-Match and a range from its last byte. */
    @Test
    void compactIndexAnswersBundlersConditionalAndRangeRequests() throws Exception {
        world.local("gems");
        pushOk("gems", "demo", "1.0.0");
        byte[] before = h.get("gems", "info/demo").body();
        String etag = h.get("gems", "info/demo").header("ETag").orElseThrow();
        Response same = h.request("GET", "gems", "info/demo").header("If-None-Match", etag)
                .header("Range", "bytes=" + (before.length - 1) + "-").send();
        assertThat(same.status()).isEqualTo(304);

        pushOk("gems", "demo", "1.1.0");
        Response part = h.request("GET", "gems", "info/demo").header("If-None-Match", etag)
                .header("Range", "bytes=" + (before.length - 1) + "-").send();
        assertThat(part.status()).as("%s", part).isEqualTo(206);
        byte[] whole = h.get("gems", "info/demo").body();
        assertThat(part.header("Content-Range")).hasValue("bytes " + (before.length - 1) + "-" + (whole.length - 1) + "/"
                + whole.length);
        // bundler appends all but the first byte to its copy and compares the MD5 with the entity tag
        byte[] joined = new byte[before.length + part.body().length - 1];
        System.arraycopy(before, 0, joined, 0, before.length);
        System.arraycopy(part.body(), 1, joined, before.length, part.body().length - 1);
        assertThat(part.header("ETag")).hasValue("\"" + GemCompactIndex.md5(joined) + "\"");
        assertThat(joined).isEqualTo(whole);
    }

    @Test
    void legacySpecsAndQuickGemspecsReadBack() throws Exception {
        world.local("gems");
        pushOk("gems", "demo", "1.0.0");
        pushOk("gems", "demo", "1.1.0");
        pushOk("gems", "demo", "2.0.0.rc1");
        assertThat(specs("gems", "specs.4.8.gz")).containsExactly(new Tuple("demo", "1.0.0", "ruby"),
                new Tuple("demo", "1.1.0", "ruby"));
        assertThat(specs("gems", "latest_specs.4.8.gz")).containsExactly(new Tuple("demo", "1.1.0", "ruby"));
        assertThat(specs("gems", "prerelease_specs.4.8.gz")).containsExactly(new Tuple("demo", "2.0.0.rc1", "ruby"));

        Response quick = h.get("gems", "quick/Marshal.4.8/demo-1.1.0.gemspec.rz");
        assertThat(quick.status()).isEqualTo(200);
        assertThat(GemMarshalDocs.readQuickSpec(quick.body())).isEqualTo(new Tuple("demo", "1.1.0", "ruby"));
        assertThat(h.get("gems", "quick/Marshal.4.8/demo-9.gemspec.rz").status()).isEqualTo(404);
    }

    private List<Tuple> specs(String repo, String file) throws Exception {
        Response r = h.get(repo, file);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return GemMarshalDocs.readSpecs(new ByteArrayInputStream(r.body()));
    }

    @Test
    void theDependencyApiAnswersMarshal() throws Exception {
        world.local("gems");
        pushOk("gems", "demo", "1.0.0");
        Response r = h.get("gems", "api/v1/dependencies?gems=demo,none");
        assertThat(r.status()).isEqualTo(200);
        Map<Object, Object> expected = new LinkedHashMap<>();
        expected.put(new Sym("name"), "demo");
        expected.put(new Sym("number"), "1.0.0");
        expected.put(new Sym("platform"), "ruby");
        expected.put(new Sym("dependencies"), List.of(List.of("json", ">= 1.0, < 3")));
        assertThat(RubyMarshal.load(r.body())).isEqualTo(List.of(expected));
        // bundler's probe for the API
        assertThat(h.get("gems", "api/v1/dependencies").status()).isEqualTo(200);
    }

    @Test
    void aDuplicateOrYankedVersionIs409AndYankRemovesIt() throws Exception {
        world.local("gems");
        pushOk("gems", "demo", "1.0.0");
        pushOk("gems", "demo", "1.1.0");
        Response again = push("gems", TestGems.gem("demo", "1.0.0"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.text()).contains("Repushing of gem versions is not allowed");

        Response yank = h.request("DELETE", "gems", "api/v1/gems/yank")
                .header("Content-Type", "application/x-www-form-urlencoded").body("gem_name=demo&version=1.0.0").send();
        assertThat(yank.status()).as("%s", yank).isEqualTo(200);
        assertThat(yank.text()).isEqualTo("Successfully deleted gem: demo (1.0.0)");
        assertThat(h.get("gems", "gems/demo-1.0.0.gem").status()).isEqualTo(404);
        assertThat(h.get("gems", "quick/Marshal.4.8/demo-1.0.0.gemspec.rz").status()).isEqualTo(404);
        assertThat(h.get("gems", "info/demo").text()).doesNotContain("1.0.0 ").contains("1.1.0 ");
        assertThat(h.get("gems", "versions").text()).contains("demo 1.1.0 ");

        assertThat(push("gems", TestGems.gem("demo", "1.0.0")).status()).as("a yanked version is not pushed again")
                .isEqualTo(409);
        Response missing = h.request("DELETE", "gems", "api/v1/gems/yank?gem_name=demo&version=7.0.0").send();
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void badGemsAre400AndStoreNothing() throws Exception {
        world.local("gems");
        byte[] good = TestGems.gem("demo", "1.0.0");
        Map<String, byte[]> traversal = new LinkedHashMap<>();
        traversal.put("../../etc/evil.rb", "x".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> outerSlip = new LinkedHashMap<>();
        outerSlip.put("metadata.gz", TestGems.gzip(TestGems.gemspec("demo", "1.0.0", "ruby").getBytes(StandardCharsets.UTF_8)));
        outerSlip.put("../data.tar.gz", TestGems.gzip(TestGems.tar(Map.of("a", new byte[1]))));
        byte[] tampered = good.clone();
        // a byte of data.tar.gz's compressed stream changed: its SHA-256 no longer matches checksums.yaml.gz
        int at = indexOf(tampered, "data.tar.gz".getBytes(StandardCharsets.UTF_8)) + 512 + 20;
        tampered[at] ^= 0x55;
        List<byte[]> bad = List.of(new byte[0], "not a gem".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(good, good.length / 2), cutAfterData(good), TestGems.gem(TestGems.gemspec("demo", "1.0.0", "ruby"), traversal, true),
                TestGems.tar(outerSlip), TestGems.gem("name: demo\nversion: [1]\n", Map.of(), false),
                TestGems.gem(TestGems.gemspec("de mo", "1.0.0", "ruby"), Map.of(), false),
                TestGems.gem(TestGems.gemspec("demo", "1.0.0; rm", "ruby"), Map.of(), false),
                TestGems.gem("--- !ruby/object:Gem::Specification\n[unclosed", Map.of(), false), tampered);
        for (byte[] b : bad) {
            Response r = push("gems", b);
            assertThat(r.status()).as("%s", r).isEqualTo(400);
            assertThat(r.text()).isNotBlank();
        }
        assertThat(world.repository("gems").contents()).as("nothing stored for a refused gem").isEmpty();
    }

    /** The upload route (and the artifacts API through it): the file name must be what the gemspec says. */
    @Test
    void anUploadedFileNameMustMatchItsGemspec() throws Exception {
        world.local("gems");
        Response wrong = h.request("PUT", "gems", "gems/demo-2.0.0.gem").body(TestGems.gem("demo", "1.0.0")).send();
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.text()).contains("demo-2.0.0.gem").contains("demo-1.0.0");
        Response other = h.request("PUT", "gems", "gems/evil-1.0.0.gem").body(TestGems.gem("demo", "1.0.0")).send();
        assertThat(other.status()).isEqualTo(400);
        assertThat(world.repository("gems").contents()).isEmpty();
        Response right = h.request("PUT", "gems", "gems/demo-1.0.0.gem").body(TestGems.gem("demo", "1.0.0")).send();
        assertThat(right.status()).isEqualTo(200);
        assertThat(h.get("gems", "info/demo").text()).contains("1.0.0 ");
    }

    @Test
    void platformGemsAreListedWithTheirPlatform() throws Exception {
        world.local("gems");
        pushOk("gems", "demo", "1.0.0");
        Response r = push("gems", TestGems.gem("demo", "1.0.0", "x86_64-linux"));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(h.get("gems", "gems/demo-1.0.0-x86_64-linux.gem").status()).isEqualTo(200);
        assertThat(h.get("gems", "info/demo").text()).contains("\n1.0.0 ").contains("\n1.0.0-x86_64-linux ");
        assertThat(h.get("gems", "versions").text()).contains("demo 1.0.0,1.0.0-x86_64-linux ");
        assertThat(specs("gems", "specs.4.8.gz")).containsExactly(new Tuple("demo", "1.0.0", "ruby"),
                new Tuple("demo", "1.0.0", "x86_64-linux"));
    }

    /** A virtual repository merges its members' indexes: the first member wins a version both have. */
    @Test
    void aVirtualMergesTheIndexesOfHostedAndRemoteMembers() throws Exception {
        MemoryWorld up = new MemoryWorld(new RubygemsFormat(), "http://upstream.test");
        up.local("origin");
        Response pushed = up.harness().request("POST", "origin", "api/v1/gems").body(TestGems.gem("remote-only", "3.0.0"))
                .send();
        assertThat(pushed.status()).isEqualTo(200);
        up.harness().request("POST", "origin", "api/v1/gems").body(TestGems.gem("demo", "2.0.0")).send();
        world.remote("proxy", new ScriptedUpstream(URI.create(up.baseUrl("origin")), up.harness().asUpstream()));
        world.local("hosted");
        pushOk("hosted", "demo", "1.0.0");
        world.virtual("all", "hosted", "proxy");

        assertThat(h.get("proxy", "info/remote-only").text()).isEqualTo(up.harness().get("origin", "info/remote-only").text());
        String versions = h.get("all", "versions").text();
        byte[] mergedInfo = h.get("all", "info/demo").body();
        assertThat(new String(mergedInfo, StandardCharsets.UTF_8)).contains("\n1.0.0 ").contains("\n2.0.0 ");
        assertThat(versions).contains("demo 1.0.0,2.0.0 " + GemCompactIndex.md5(mergedInfo));
        assertThat(versions).contains("remote-only 3.0.0 " + GemCompactIndex.md5(h.get("all", "info/remote-only").body()));
        assertThat(h.get("all", "names").text()).isEqualTo("---\ndemo\nremote-only\n");
        assertThat(specs("all", "specs.4.8.gz")).containsExactly(new Tuple("demo", "1.0.0", "ruby"),
                new Tuple("demo", "2.0.0", "ruby"), new Tuple("remote-only", "3.0.0", "ruby"));
        assertThat(specs("all", "latest_specs.4.8.gz")).containsExactly(new Tuple("demo", "2.0.0", "ruby"),
                new Tuple("remote-only", "3.0.0", "ruby"));
        assertThat(h.get("all", "gems/remote-only-3.0.0.gem").body()).isEqualTo(
                up.harness().get("origin", "gems/remote-only-3.0.0.gem").body());
        assertThat(h.get("all", "quick/Marshal.4.8/remote-only-3.0.0.gemspec.rz").status()).isEqualTo(200);
        assertThat(RubyMarshal.load(h.get("all", "api/v1/dependencies?gems=demo").body())).asList().hasSize(2);
    }

    /** The gem without checksums.yaml.gz and the end-of-archive blocks: cut exactly between two entries. */
    private static byte[] cutAfterData(byte[] gem) {
        int at = indexOf(gem, "checksums.yaml.gz".getBytes(StandardCharsets.UTF_8));
        assertThat(at % 512).as("the checksums entry's header starts a block").isZero();
        return Arrays.copyOf(gem, at);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
