package io.artifactkeeper.format.debian.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.api.signing.SigningSettings;
import io.artifactkeeper.signing.SigningKeys;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryRepository;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** Uploads, indexes, signatures, remote verification and virtual merging, in process. */
class DebianFormatTest {
    private static final RepositorySigner KEY = signer("k1");
    private static final RepositorySigner OTHER_KEY = signer("k2");

    private MemoryWorld world;
    private FormatHarness h;
    private DebianFormat format;

    private static RepositorySigner signer(String id) {
        return SigningKeys.signer(id, "test " + id, SigningKeys.generate("gpg", "rsa2048", "Test " + id, id + "@example.com"));
    }

    private static SigningSettings signedBy(RepositorySigner s) {
        return new SigningSettings(Optional.of(s), true, false, false);
    }

    @BeforeEach
    void world() {
        format = new DebianFormat();
        world = new MemoryWorld(format, "http://registry.test");
        h = world.harness();
    }

    private Response put(String repo, String path, byte[] deb) {
        return h.request("PUT", repo, path).body(deb).send();
    }

    private Response upload(String repo, String query, byte[] deb) {
        return h.request("POST", repo, "upload" + query).body(deb).send();
    }

    private static String release(Response r) {
        return r.text();
    }

    @Test
    void uploadsAreIndexedBySuiteComponentAndArchitectureWithAllInEachArchitecture() throws Exception {
        world.local("apt");
        assertThat(upload("apt", "", DebTestPackages.deb("hello", "1.0-1", "amd64")).status()).isEqualTo(201);
        assertThat(upload("apt", "", DebTestPackages.deb("docs", "2.0", "all")).status()).isEqualTo(201);
        assertThat(upload("apt", "?distribution=bookworm&component=contrib", DebTestPackages.deb("extra", "0.1", "arm64")).status())
                .isEqualTo(201);
        assertThat(world.repository("apt").contents()).containsKeys("pool/main/h/hello/hello_1.0-1_amd64.deb",
                "pool/main/d/docs/docs_2.0_all.deb", "pool/contrib/e/extra/extra_0.1_arm64.deb");

        String amd64 = h.get("apt", "dists/stable/main/binary-amd64/Packages").text();
        assertThat(amd64).contains("Package: hello\n", "Package: docs\n", "Filename: pool/main/h/hello/hello_1.0-1_amd64.deb\n")
                .doesNotContain("Package: extra");
        assertThat(h.get("apt", "dists/stable/main/binary-arm64/Packages").text()).contains("Package: docs\n")
                .doesNotContain("Package: hello");
        assertThat(h.get("apt", "dists/bookworm/contrib/binary-arm64/Packages").text()).contains("Package: extra\n");
        assertThat(h.get("apt", "dists/bookworm/main/binary-amd64/Packages").text()).isEmpty();
        assertThat(h.get("apt", "dists/nothing/Release").status()).isEqualTo(404);

        // the stanza carries the stored file's real size and checksums
        MemoryRepository repo = world.repository("apt");
        var hello = repo.contents().get("pool/main/h/hello/hello_1.0-1_amd64.deb");
        assertThat(amd64).contains("Size: " + hello.size() + "\n", "SHA256: " + hello.sha256() + "\n", "MD5sum: " + hello.md5() + "\n");

        // Release lists every index file with its size and SHA256, and each is served by hash too
        String rel = release(h.get("apt", "dists/stable/Release"));
        assertThat(rel).contains("Suite: stable\n", "Codename: stable\n", "Acquire-By-Hash: yes\n", "Components: main\n",
                "Architectures: amd64 arm64\n");
        for (String f : new String[] {"main/binary-amd64/Packages", "main/binary-amd64/Packages.gz", "main/binary-amd64/Packages.xz"}) {
            byte[] body = h.get("apt", "dists/stable/" + f).body();
            String sha = DebianIndex.hex("SHA-256", body);
            assertThat(rel).contains(" " + sha + " " + body.length + " " + f + "\n");
            Response byHash = h.get("apt", "dists/stable/main/binary-amd64/by-hash/SHA256/" + sha);
            assertThat(byHash.status()).isEqualTo(200);
            assertThat(byHash.body()).isEqualTo(body);
        }
        byte[] gz = h.get("apt", "dists/stable/main/binary-amd64/Packages.gz").body();
        assertThat(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes()).isEqualTo(amd64.getBytes(StandardCharsets.UTF_8));
        assertThat(h.get("apt", "dists/stable/main/binary-amd64/by-hash/SHA256/" + "0".repeat(64)).status()).isEqualTo(404);
    }

    @Test
    void theRepositorySettingNamesTheDefaultDistribution() throws Exception {
        world.local("apt").setting("distribution", "trixie");
        assertThat(put("apt", "pool/main/hello_1.0_amd64.deb", DebTestPackages.deb("hello", "1.0", "amd64")).status()).isEqualTo(201);
        assertThat(h.get("apt", "dists/trixie/main/binary-amd64/Packages").text()).contains("Filename: pool/main/hello_1.0_amd64.deb\n");
        assertThat(h.get("apt", "dists/stable/Release").status()).isEqualTo(404);
    }

    @Test
    void aSignedRepositoryServesInReleaseAndReleaseGpgMadeWithItsKey() throws Exception {
        world.local("apt").signing(signedBy(KEY));
        upload("apt", "", DebTestPackages.deb("hello", "1.0", "amd64"));
        byte[] rel = h.get("apt", "dists/stable/Release").body();
        byte[] in = h.get("apt", "dists/stable/InRelease").body();
        var keys = UpstreamRelease.keys(KEY.publicKeyText());
        assertThat(UpstreamRelease.clearSigned(in, keys)).isEqualTo(new String(rel, StandardCharsets.UTF_8));
        UpstreamRelease.verify(rel, h.get("apt", "dists/stable/Release.gpg").body(), keys);
        assertThat(h.get("apt", "gpg-key.asc").text()).isEqualTo(KEY.publicKeyText());
        assertThat(h.get("apt", "dists/stable/gpg-key.asc").text()).isEqualTo(KEY.publicKeyText());

        // a changed byte fails the check; another key's signature is not accepted
        byte[] tampered = Arrays.copyOf(in, in.length);
        int at = new String(in, StandardCharsets.UTF_8).indexOf("Suite: stable") + 7;
        tampered[at] = 'X';
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> UpstreamRelease.clearSigned(tampered, keys))
                .isInstanceOf(UpstreamRelease.BadSignature.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> UpstreamRelease.clearSigned(in, UpstreamRelease.keys(OTHER_KEY.publicKeyText())))
                .isInstanceOf(UpstreamRelease.BadSignature.class);
    }

    @Test
    void anUnsignedRepositoryServesReleaseOnly() throws Exception {
        world.local("apt");
        upload("apt", "", DebTestPackages.deb("hello", "1.0", "amd64"));
        assertThat(h.get("apt", "dists/stable/Release").status()).isEqualTo(200);
        assertThat(h.get("apt", "dists/stable/InRelease").status()).isEqualTo(404);
        assertThat(h.get("apt", "dists/stable/Release.gpg").status()).isEqualTo(404);
        assertThat(h.get("apt", "gpg-key.asc").status()).isEqualTo(404);
    }

    @Test
    void indexesAreBuiltOncePerChangeAndReSignedAfterARotation() throws Exception {
        MemoryRepository repo = world.local("apt").signing(signedBy(KEY));
        upload("apt", "", DebTestPackages.deb("hello", "1.0", "amd64"));
        Response first = h.get("apt", "dists/stable/InRelease");
        int built = format.indexBuilds();
        for (String p : new String[] {"dists/stable/InRelease", "dists/stable/Release", "dists/stable/Release.gpg",
                "dists/stable/main/binary-amd64/Packages", "dists/stable/main/binary-arm64/Packages.gz"}) {
            assertThat(h.get("apt", p).status()).isEqualTo(200);
        }
        assertThat(h.get("apt", "dists/stable/InRelease").body()).as("the same document, not signed again").isEqualTo(first.body());
        assertThat(format.indexBuilds()).as("no index rebuilt for an unchanged repository").isEqualTo(built);
        upload("apt", "", DebTestPackages.deb("hello", "1.1", "amd64"));
        assertThat(first.header("Last-Modified")).as("apt revalidates by date alone; a rebuild within the same second must not look unchanged")
                .isEmpty();
        Response revalidated = h.request("GET", "apt", "dists/stable/InRelease").header("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT")
                .send();
        assertThat(revalidated.status()).as("the changed index is sent to a client that revalidates by date").isEqualTo(200);
        assertThat(revalidated.text()).isNotEqualTo(first.text());
        assertThat(h.get("apt", "dists/stable/InRelease").text()).isNotEqualTo(first.text());
        assertThat(format.indexBuilds()).isEqualTo(built + 1);
        repo.signing(signedBy(OTHER_KEY));
        byte[] rotated = h.get("apt", "dists/stable/InRelease").body();
        UpstreamRelease.clearSigned(rotated, UpstreamRelease.keys(OTHER_KEY.publicKeyText()));
    }

    @Test
    void badPackagesAreRefusedAndNothingIsStored() throws Exception {
        MemoryRepository repo = world.local("apt");
        byte[] good = DebTestPackages.deb("hello", "1.0", "amd64");
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("empty", new byte[0]);
        bad.put("not ar", "just some text, not a package".getBytes(StandardCharsets.UTF_8));
        bad.put("truncated", Arrays.copyOf(good, good.length - 40));
        bad.put("truncated in control", Arrays.copyOf(good, 150));
        bad.put("traversal", DebTestPackages.deb("control.tar.gz",
                DebTestPackages.tgz(Map.of("../../etc/control", "Package: x\n".getBytes(StandardCharsets.UTF_8))), DebTestPackages.tgz(Map.of())));
        bad.put("no control", DebTestPackages.deb("control.tar.gz", DebTestPackages.tgz(Map.of("./md5sums", new byte[0])),
                DebTestPackages.tgz(Map.of())));
        bad.put("huge field", DebTestPackages.deb(DebTestPackages.control("hello", "1.0", "amd64")
                + "X-Huge: " + "a".repeat(Deb822.MAX_FIELD + 10) + "\n"));
        bad.put("no version", DebTestPackages.deb("Package: hello\nArchitecture: amd64\nDescription: x\n"));
        bad.put("bad name", DebTestPackages.deb(DebTestPackages.control("../hello", "1.0", "amd64")));
        bad.put("bad version", DebTestPackages.deb(DebTestPackages.control("hello", "1.0/../../x", "amd64")));
        bad.put("two architectures", DebTestPackages.deb(DebTestPackages.control("hello", "1.0", "amd64 arm64")));
        bad.put("zstd", DebTestPackages.deb("control.tar.zst", new byte[] {40, -75, 47, -3}, DebTestPackages.tgz(Map.of())));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            Response r = upload("apt", "", e.getValue());
            assertThat(r.status()).as("%s: %s", e.getKey(), r).isEqualTo(400);
        }
        assertThat(upload("apt", "", DebTestPackages.deb("hello", "1.0", "amd64")).status()).isEqualTo(201);
        Response dup = upload("apt", "", DebTestPackages.deb("hello", "1.0", "amd64"));
        assertThat(dup.status()).as("%s", dup).isEqualTo(409);
        Response dupElsewhere = put("apt", "pool/other/hello_1.0_amd64.deb", DebTestPackages.deb("hello", "1.0", "amd64"));
        assertThat(dupElsewhere.status()).as("the same version under another path: %s", dupElsewhere).isEqualTo(409);
        Response wrongName = put("apt", "pool/main/hello_2.0_amd64.deb", DebTestPackages.deb("hello", "1.5", "amd64"));
        assertThat(wrongName.status()).as("file name and control disagree: %s", wrongName).isEqualTo(400);
        assertThat(repo.contents().keySet()).containsExactly("pool/main/h/hello/hello_1.0_amd64.deb");
        assertThat(upload("apt", "?distribution=../x", good).status()).isEqualTo(400);
    }

    @Test
    void controlTarXzIsRead() throws Exception {
        world.local("apt");
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (var out = new org.tukaani.xz.XZOutputStream(xz, new org.tukaani.xz.LZMA2Options())) {
            out.write(DebTestPackages.tar(Map.of("./control", DebTestPackages.control("xzpkg", "1.0", "amd64").getBytes(StandardCharsets.UTF_8))));
        }
        Response r = upload("apt", "", DebTestPackages.deb("control.tar.xz", xz.toByteArray(), DebTestPackages.tgz(Map.of())));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(h.get("apt", "dists/stable/main/binary-amd64/Packages").text()).contains("Package: xzpkg\n");
    }

    @Test
    void dputUploadsThePackagesThenTheChanges() throws Exception {
        MemoryRepository repo = world.local("apt");
        byte[] deb = DebTestPackages.deb("hello", "1.0", "amd64");
        assertThat(h.request("PUT", "apt", "incoming/unstable/main/hello_1.0_amd64.deb").body(deb).send().status()).isEqualTo(201);
        assertThat(h.request("PUT", "apt", "incoming/unstable/main/hello_1.0_amd64.buildinfo").body("x").send().status()).isEqualTo(201);
        String md5 = DebianIndex.hex("MD5", deb);
        String changes = "Format: 1.8\nSource: hello\nBinary: hello\nArchitecture: amd64\nVersion: 1.0\nDistribution: unstable\n"
                + "Files:\n " + md5 + " " + deb.length + " misc optional hello_1.0_amd64.deb\n";
        assertThat(h.request("PUT", "apt", "incoming/unstable/main/hello_1.0_amd64.changes").body(changes).send().status()).isEqualTo(201);
        String wrong = changes.replace(md5, "0".repeat(32));
        assertThat(h.request("PUT", "apt", "incoming/unstable/main/hello_1.0_amd64.changes").body(wrong).send().status()).isEqualTo(400);
        assertThat(h.get("apt", "dists/unstable/main/binary-amd64/Packages").text()).contains("Package: hello\n");
        assertThat(repo.contents().keySet()).containsExactly("pool/main/h/hello/hello_1.0_amd64.deb");
        Response misnamed = h.request("PUT", "apt", "incoming/other_1.0_amd64.deb").body(DebTestPackages.deb("other", "2.0", "amd64")).send();
        assertThat(misnamed.status()).isEqualTo(400);
        assertThat(repo.contents()).hasSize(1);
    }

    /** An upstream of our own kind, signed; the remote checks its InRelease against the configured key. */
    private boolean hideInRelease;

    private MemoryRepository signedUpstreamAndRemote(RepositorySigner upstreamKey, String configuredKey, AtomicBoolean tamper)
            throws Exception {
        MemoryWorld up = new MemoryWorld(new DebianFormat(), "http://upstream.test");
        up.local("origin").signing(signedBy(upstreamKey));
        up.harness().request("POST", "origin", "upload").body(DebTestPackages.deb("hello", "1.0", "amd64")).send();
        ScriptedUpstream.Server server = up.harness().asUpstream();
        ScriptedUpstream upstream = new ScriptedUpstream(URI.create(up.baseUrl("origin")), (method, uri, headers) -> {
            if (hideInRelease && uri.getPath().endsWith("/InRelease")) {
                return ScriptedUpstream.Reply.of(404, "text/plain", "not here".getBytes(StandardCharsets.UTF_8));
            }
            ScriptedUpstream.Reply r = server.serve(method, uri, headers);
            if (tamper.get() && uri.getPath().endsWith("/InRelease")) {
                byte[] b = new String(r.body(), StandardCharsets.UTF_8).replace("Package", "Packagf").replace("Suite: stable", "Suite: stablf")
                        .getBytes(StandardCharsets.UTF_8);
                return ScriptedUpstream.Reply.of(r.status(), r.contentType(), b);
            }
            return r;
        });
        MemoryRepository remote = world.remote("proxy", upstream).signing(signedBy(KEY));
        remote.setting("upstream_public_key", configuredKey);
        return remote;
    }

    @Test
    void aRemoteChecksTheUpstreamSignatureAndReSignsWithItsOwnKey() throws Exception {
        signedUpstreamAndRemote(OTHER_KEY, OTHER_KEY.publicKeyText(), new AtomicBoolean());
        Response in = h.get("proxy", "dists/stable/InRelease");
        assertThat(in.status()).as("%s", in).isEqualTo(200);
        UpstreamRelease.clearSigned(in.body(), UpstreamRelease.keys(KEY.publicKeyText()));
        assertThat(h.get("proxy", "dists/stable/main/binary-amd64/Packages").text()).contains("Package: hello\n");
        Response deb = h.get("proxy", "pool/main/h/hello/hello_1.0_amd64.deb");
        assertThat(deb.status()).isEqualTo(200);
        assertThat(DebianIndex.hex("SHA-256", deb.body())).isEqualTo(
                h.get("proxy", "dists/stable/main/binary-amd64/Packages").text().replaceAll("(?s).*SHA256: ([0-9a-f]{64}).*", "$1"));
    }

    @Test
    void aRemoteRefusesAnUpstreamSignedByAnotherKeyOrTampered() throws Exception {
        signedUpstreamAndRemote(OTHER_KEY, KEY.publicKeyText(), new AtomicBoolean());
        Response r = h.get("proxy", "dists/stable/main/binary-amd64/Packages");
        assertThat(r.status()).as("%s", r).isEqualTo(502);
        assertThat(r.text()).contains("not signed by the configured upstream_public_key");

        world = new MemoryWorld(new DebianFormat(), "http://registry.test");
        h = world.harness();
        signedUpstreamAndRemote(OTHER_KEY, OTHER_KEY.publicKeyText(), new AtomicBoolean(true));
        Response t = h.get("proxy", "dists/stable/Release");
        assertThat(t.status()).as("%s", t).isEqualTo(502);
        assertThat(t.text()).contains("does not match");
    }

    @Test
    void aVirtualMergesItsMembersAndSignsWithItsOwnKey() throws Exception {
        world.local("a").signing(signedBy(OTHER_KEY));
        world.local("b");
        upload("a", "", DebTestPackages.deb("one", "1.0", "amd64"));
        upload("b", "", DebTestPackages.deb("two", "2.0", "all"));
        upload("b", "", DebTestPackages.deb("one", "1.0", "amd64"));
        world.virtual("group", "a", "b").signing(signedBy(KEY));
        String packages = h.get("group", "dists/stable/main/binary-amd64/Packages").text();
        assertThat(packages).contains("Package: two\n", "Filename: pool/main/o/one/one_1.0_amd64.deb\n");
        assertThat(packages.split("Package: one\n", -1)).as("a package both members hold, once").hasSize(2);
        byte[] in = h.get("group", "dists/stable/InRelease").body();
        String text = UpstreamRelease.clearSigned(in, UpstreamRelease.keys(KEY.publicKeyText()));
        assertThat(text).contains(DebianIndex.hex("SHA-256", packages.getBytes(StandardCharsets.UTF_8)));
        assertThat(h.get("group", "gpg-key.asc").text()).isEqualTo(KEY.publicKeyText());
        assertThat(h.get("group", "pool/main/t/two/two_2.0_all.deb").status()).isEqualTo(200);
    }

    @Test
    void withoutInReleaseARemoteChecksReleaseGpg() throws Exception {
        hideInRelease = true;
        signedUpstreamAndRemote(OTHER_KEY, OTHER_KEY.publicKeyText(), new AtomicBoolean());
        Response ok = h.get("proxy", "dists/stable/main/binary-amd64/Packages");
        assertThat(ok.status()).as("%s", ok).isEqualTo(200);
        assertThat(ok.text()).contains("Package: hello\n");

        world = new MemoryWorld(new DebianFormat(), "http://registry.test");
        h = world.harness();
        signedUpstreamAndRemote(OTHER_KEY, KEY.publicKeyText(), new AtomicBoolean());
        Response refused = h.get("proxy", "dists/stable/Release");
        assertThat(refused.status()).as("%s", refused).isEqualTo(502);
    }

    /** The cost of a change in a large repository: 10,000 packages, one more uploaded, the index read again. */
    @Test
    void aLargeRepositoryIsIndexedOncePerChange() throws Exception {
        MemoryRepository repo = world.local("big");
        for (int i = 0; i < 10_000; i++) {
            String name = "pkg" + i;
            String control = DebTestPackages.control(name, "1.0", i % 10 == 0 ? "all" : "amd64");
            repo.putBytes("pool/main/p/" + name + "/" + name + "_1.0.deb", new byte[] {(byte) i},
                    io.artifactkeeper.api.format.PutOptions.defaults().withDescription(name, "1.0", DebianFormat.DEB_TYPE,
                            Map.of(DebianFormat.ATTR_CONTROL, control, DebianFormat.ATTR_DIST, "stable", DebianFormat.ATTR_COMPONENT,
                                    "main", DebianFormat.ATTR_ARCH, i % 10 == 0 ? "all" : "amd64")));
        }
        long t0 = System.nanoTime();
        Response first = h.get("big", "dists/stable/Release");
        long built = System.nanoTime() - t0;
        assertThat(first.status()).isEqualTo(200);
        assertThat(h.get("big", "dists/stable/main/binary-amd64/Packages").text().split("\nPackage: ", -1)).hasSize(10_000);
        t0 = System.nanoTime();
        h.get("big", "dists/stable/Release");
        long cached = System.nanoTime() - t0;
        upload("big", "", DebTestPackages.deb("newest", "1.0", "amd64"));
        t0 = System.nanoTime();
        assertThat(h.get("big", "dists/stable/main/binary-amd64/Packages").text()).contains("Package: newest\n");
        long rebuilt = System.nanoTime() - t0;
        System.out.printf("[measure] debian index of 10,000 packages: first build %d ms, unchanged %d ms, after one upload %d ms%n",
                built / 1_000_000, cached / 1_000_000, rebuilt / 1_000_000);
        assertThat(format.indexBuilds()).isEqualTo(2);
    }
}
