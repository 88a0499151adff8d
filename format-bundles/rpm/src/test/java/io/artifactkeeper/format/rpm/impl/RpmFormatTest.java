package io.artifactkeeper.format.rpm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.api.signing.SigningSettings;
import io.artifactkeeper.signing.SigningKeys;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** The rpm format in process: uploads, the repodata it writes and signs, refusals, remote and virtual. */
class RpmFormatTest {
    private MemoryWorld world;
    private FormatHarness h;

    @TempDir
    Path tmp;

    @BeforeEach
    void world() {
        world = new MemoryWorld(new RpmFormat(), "http://registry.test");
        h = world.harness();
    }

    private static RepositorySigner signer(String id) {
        return SigningKeys.signer(id, "name-" + id, SigningKeys.generate("gpg", "rsa2048", "Test " + id, id + "@example.com"));
    }

    private static SigningSettings signing(RepositorySigner s, boolean requireSignatures) {
        return new SigningSettings(Optional.of(s), true, false, requireSignatures);
    }

    private Response put(String repo, String path, byte[] body) {
        return h.request("PUT", repo, path).body(body).send();
    }

    private Response upload(String repo, byte[] body) {
        return h.request("POST", repo, "upload").body(body).send();
    }

    /** The data file of {@code type} that repomd.xml names, decompressed; checks its checksums on the way. */
    private String data(String repo, String type) throws IOException {
        String repomd = h.get(repo, "repodata/repomd.xml").text();
        Matcher m = Pattern.compile("<data type=\"" + type + "\">\\s*<checksum type=\"sha256\">([0-9a-f]{64})</checksum>\\s*"
                + "<open-checksum type=\"sha256\">([0-9a-f]{64})</open-checksum>\\s*<location href=\"([^\"]+)\"/>\\s*"
                + "<timestamp>\\d+</timestamp>\\s*<size>(\\d+)</size>\\s*<open-size>(\\d+)</open-size>").matcher(repomd);
        assertThat(m.find()).as("repomd.xml names %s: %s", type, repomd).isTrue();
        Response f = h.get(repo, m.group(3));
        assertThat(f.status()).isEqualTo(200);
        assertThat(RpmTestPackages.sha256Hex(f.body())).isEqualTo(m.group(1));
        assertThat(f.body()).hasSize(Integer.parseInt(m.group(4)));
        byte[] open;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(f.body()))) {
            open = in.readAllBytes();
        }
        assertThat(RpmTestPackages.sha256Hex(open)).as("open-checksum").isEqualTo(m.group(2));
        assertThat(open).hasSize(Integer.parseInt(m.group(5)));
        return new String(open, StandardCharsets.UTF_8);
    }

    @Test
    void uploadsByPutAndPostAreListedInPrimaryFilelistsAndOther() throws IOException {
        world.local("hosted");
        byte[] a = RpmTestPackages.rpm("alpha", "1.0", "1", "x86_64", null);
        byte[] b = RpmTestPackages.rpm("beta", "2.0", "5", "noarch", null);
        assertThat(put("hosted", "custom/dir/alpha.rpm", a).status()).isEqualTo(201);
        Response posted = upload("hosted", b);
        assertThat(posted.status()).isEqualTo(201);
        assertThat(posted.text()).contains("packages/beta-2.0-5.noarch.rpm");
        assertThat(h.get("hosted", "packages/beta-2.0-5.noarch.rpm").body()).isEqualTo(b);

        String primary = data("hosted", "primary");
        assertThat(primary).contains("packages=\"2\"").contains("<name>alpha</name>").contains("<location href=\"custom/dir/alpha.rpm\"/>")
                .contains("<checksum type=\"sha256\" pkgid=\"YES\">" + RpmTestPackages.sha256Hex(a) + "</checksum>")
                .contains("<version epoch=\"0\" ver=\"2.0\" rel=\"5\"/>")
                .contains("<size package=\"" + b.length + "\"")
                // escaped by the XML writer, not by hand
                .contains("<summary>The alpha test package &lt;&amp;&gt;</summary>")
                .contains("<rpm:entry name=\"libc\" flags=\"GE\" epoch=\"1\" ver=\"2.0\" rel=\"3\"/>")
                .contains("<rpm:entry name=\"/bin/sh\" pre=\"1\"/>").doesNotContain("rpmlib(")
                .contains("<file>/usr/bin/alpha</file>").doesNotContain("README");
        RpmFile f = RpmFile.read(new ByteArrayInputStream(a));
        assertThat(primary).contains("<rpm:header-range start=\"" + f.headerStart() + "\" end=\"" + f.headerEnd() + "\"/>");
        String filelists = data("hosted", "filelists");
        assertThat(filelists).contains("<file type=\"ghost\">/usr/share/doc/beta/README</file>")
                .contains("<file type=\"dir\">/usr/share/beta</file>");
        assertThat(data("hosted", "other")).contains("<changelog author=\"Tester &lt;t@example.test&gt; - 1.0-1\" date=\"1690000000\">- first &lt;release&gt; &amp; more</changelog>");
        // the artifact is described by its header: name, [epoch:]version-release, metadata with the signature report
        assertThat(world.repository("hosted").contents().get("custom/dir/alpha.rpm").version()).isEqualTo("1.0-1");
        assertThat(world.repository("hosted").contents().get("custom/dir/alpha.rpm").attributes().get("signature"))
                .isEqualTo(Map.of("signed", false));
    }

    @Test
    void theIndexIsBuiltOncePerChange() throws IOException {
        world.local("hosted");
        upload("hosted", RpmTestPackages.rpm("alpha", "1.0", "1", "noarch", null));
        world.clearAccessLog();
        String first = h.get("hosted", "repodata/repomd.xml").text();
        for (int i = 0; i < 5; i++) {
            assertThat(h.get("hosted", "repodata/repomd.xml").text()).isEqualTo(first);
            data("hosted", "primary");
        }
        // (the in-memory content stamp lists; the build alone looks for an uploaded modules.yaml, once per build)
        long builds = world.accessLog().stream().filter(e -> e.equals("hosted peek " + RpmFormat.MODULES)).count();
        assertThat(builds).as("index builds for six reads without a change: %s", world.accessLog()).isEqualTo(1);
        upload("hosted", RpmTestPackages.rpm("beta", "1.0", "1", "noarch", null));
        world.clearAccessLog();
        assertThat(data("hosted", "primary")).contains("<name>beta</name>");
        assertThat(world.accessLog().stream().filter(e -> e.equals("hosted peek " + RpmFormat.MODULES)).count())
                .as("a change rebuilds once").isEqualTo(1);
    }

    @Test
    void repomdIsSignedWithTheRepositoryKeyAndGpgvAgrees() throws Exception {
        RepositorySigner key = signer("k1");
        world.local("hosted").signing(signing(key, false));
        upload("hosted", RpmTestPackages.rpm("alpha", "1.0", "1", "noarch", null));
        byte[] repomd = h.get("hosted", "repodata/repomd.xml").body();
        Response asc = h.get("hosted", "repodata/repomd.xml.asc");
        assertThat(asc.status()).isEqualTo(200);
        assertThat(asc.text()).startsWith("-----BEGIN PGP SIGNATURE-----");
        assertThat(h.get("hosted", "repodata/repomd.xml.key").text()).isEqualTo(key.publicKeyText());
        assertThat(gpgv(key, repomd, asc.body())).isZero();
        byte[] tampered = new String(repomd, StandardCharsets.UTF_8).replace("<revision>", "<revision>1").getBytes(StandardCharsets.UTF_8);
        assertThat(gpgv(key, tampered, asc.body())).isNotZero();

        // a rotation re-signs: the new key's signature, with the repomd.xml unchanged
        RepositorySigner rotated = signer("k2");
        world.repository("hosted").signing(signing(rotated, false));
        assertThat(h.get("hosted", "repodata/repomd.xml").body()).isEqualTo(repomd);
        assertThat(gpgv(rotated, repomd, h.get("hosted", "repodata/repomd.xml.asc").body())).isZero();

        // no key: no signature and no key file
        world.local("plain");
        upload("plain", RpmTestPackages.rpm("alpha", "1.0", "1", "noarch", null));
        assertThat(h.get("plain", "repodata/repomd.xml.asc").status()).isEqualTo(404);
        assertThat(h.get("plain", "repodata/repomd.xml.key").status()).isEqualTo(404);
    }

    private int gpgv(RepositorySigner key, byte[] data, byte[] sig) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "gpgv");
        Path ring = Files.write(dir.resolve("key.gpg"), key.publicKeyBytes());
        Path d = Files.write(dir.resolve("repomd.xml"), data);
        Path s = Files.write(dir.resolve("repomd.xml.asc"), sig);
        Process p = new ProcessBuilder("gpgv", "--homedir", dir.toString(), "--keyring", ring.toString(), s.toString(), d.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println("gpgv -> " + p.exitValue() + ": " + out);
        return p.exitValue();
    }

    @Test
    void refusalsStoreNothing() {
        world.local("hosted");
        byte[] good = RpmTestPackages.rpm("alpha", "1.0", "1", "noarch", null);
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]);
        bad.add("not an rpm".getBytes(StandardCharsets.UTF_8));
        bad.add(java.util.Arrays.copyOf(good, 300));
        bad.add(java.util.Arrays.copyOf(good, good.length - 1));
        for (byte[] b : bad) {
            assertThat(upload("hosted", b).status()).isEqualTo(400);
            assertThat(put("hosted", "packages/x.rpm", b).status()).isEqualTo(400);
        }
        assertThat(put("hosted", "packages/x.txt", good).status()).isEqualTo(400);
        assertThat(put("hosted", "repodata/primary.xml.gz", good).status()).isEqualTo(400);
        assertThat(world.repository("hosted").contents()).isEmpty();

        assertThat(upload("hosted", good).status()).isEqualTo(201);
        Response again = put("hosted", "elsewhere/alpha.rpm", good);
        assertThat(again.status()).as("the same NEVRA at another path").isEqualTo(409);
        assertThat(upload("hosted", good).status()).isEqualTo(409);
        assertThat(world.repository("hosted").contents()).hasSize(1);
    }

    @Test
    void aRepositoryThatRequiresSignaturesRefusesUnsignedPackages() {
        world.local("strict").signing(signing(signer("s"), true));
        Response unsigned = upload("strict", RpmTestPackages.rpm("alpha", "1.0", "1", "noarch", null));
        assertThat(unsigned.status()).isEqualTo(400);
        assertThat(unsigned.text()).contains("requires signed packages");
        assertThat(world.repository("strict").contents()).isEmpty();
        byte[] signed = RpmTestPackages.rpm("alpha", "1.0", "1", "noarch", RpmTestPackages.signaturePacket("00112233AABBCCDD"));
        assertThat(upload("strict", signed).status()).isEqualTo(201);
        assertThat(world.repository("strict").contents().get("packages/alpha-1.0-1.noarch.rpm").attributes().get("signature"))
                .isEqualTo(Map.of("signed", true, "tag", "RSAHEADER", "algorithm", "RSA", "key_id", "00112233AABBCCDD"));
    }

    @Test
    void modulesYamlIsPassedThroughAndListed() throws IOException {
        world.local("hosted");
        upload("hosted", RpmTestPackages.rpm("alpha", "1.0", "1", "noarch", null));
        String yaml = "---\ndocument: modulemd\nversion: 2\ndata:\n  name: alpha\n  stream: \"1\"\n...\n";
        assertThat(put("hosted", "repodata/modules.yaml", yaml.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);
        assertThat(put("hosted", "repodata/modules.yaml", "not yaml\0".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
        String repomd = h.get("hosted", "repodata/repomd.xml").text();
        Matcher m = Pattern.compile("<data type=\"modules\">.*?<location href=\"([^\"]+)\"", Pattern.DOTALL).matcher(repomd);
        assertThat(m.find()).as(repomd).isTrue();
        assertThat(h.get("hosted", m.group(1)).text()).isEqualTo(yaml);
        assertThat(h.get("hosted", "repodata/modules.yaml").text()).isEqualTo(yaml);
    }

    @Test
    void aVirtualMergesItsMembersAndARemoteReadsItsUpstreamsRepodata() throws IOException {
        MemoryWorld up = new MemoryWorld(new RpmFormat(), "http://upstream.test");
        up.local("origin").signing(signing(signer("up"), false));
        up.harness().request("POST", "origin", "upload").body(RpmTestPackages.rpm("remote-pkg", "3.0", "1", "noarch", null)).send();
        ScriptedUpstream upstream = new ScriptedUpstream(URI.create(up.baseUrl("origin")), up.harness().asUpstream());
        RepositorySigner own = signer("own");
        world.remote("proxy", upstream);
        world.local("hosted");
        upload("hosted", RpmTestPackages.rpm("local-pkg", "1.0", "1", "noarch", null));
        world.virtual("group", "hosted", "proxy").signing(signing(own, false));

        // the remote passes the upstream's repomd.xml through, with the upstream's signature and key
        assertThat(h.get("proxy", "repodata/repomd.xml").body()).isEqualTo(up.harness().get("origin", "repodata/repomd.xml").body());
        assertThat(h.get("proxy", "repodata/repomd.xml.key").text()).isEqualTo(up.harness().get("origin", "repodata/repomd.xml.key").text());
        // with its own key it re-signs the same document
        world.repository("proxy").signing(signing(own, false));
        assertThat(h.get("proxy", "repodata/repomd.xml.key").text()).isEqualTo(own.publicKeyText());

        String primary = data("group", "primary");
        assertThat(primary).contains("packages=\"2\"").contains("<name>local-pkg</name>").contains("<name>remote-pkg</name>");
        assertThat(data("group", "filelists")).contains("/usr/bin/remote-pkg").contains("/usr/share/doc/remote-pkg/README");
        assertThat(data("group", "other")).contains("- first &lt;release&gt;");
        Response pkg = h.get("group", "packages/remote-pkg-3.0-1.noarch.rpm");
        assertThat(pkg.status()).isEqualTo(200);
        assertThat(pkg.body()).isEqualTo(up.harness().get("origin", "packages/remote-pkg-3.0-1.noarch.rpm").body());
        assertThat(h.get("group", "repodata/repomd.xml.key").text()).isEqualTo(own.publicKeyText());
        assertThat(h.get("group", "repodata/repomd.xml.asc").status()).isEqualTo(200);
    }

    @Test
    void signPackagesSignsTheHeaderAsRpmsignDoesAndRpmAgrees() throws Exception {
        RepositorySigner key = signer("pk");
        world.local("signing").signing(new SigningSettings(Optional.of(key), true, true, true));
        // a package made by rpmbuild (the fuzz seed), unsigned
        byte[] built;
        try (var in = getClass().getResourceAsStream("RpmFuzzTestInputs/header/rpmbuild-noarch.rpm")) {
            built = in.readAllBytes();
        }
        assertThat(RpmPackage.fromFile(RpmFile.read(new ByteArrayInputStream(built))).signed()).isFalse();
        Response r = upload("signing", built);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        var stored = world.repository("signing").contents().get("packages/hello-ak-1.0-1.noarch.rpm");
        assertThat(stored.attributes().get("signature")).isEqualTo(Map.of("signed", true, "tag", "RSAHEADER", "algorithm",
                "RSA", "key_id", key.fingerprint().substring(key.fingerprint().length() - 16)));
        byte[] signed = h.get("signing", "packages/hello-ak-1.0-1.noarch.rpm").body();
        Path root = Files.createDirectories(tmp.resolve("rpmroot"));
        Path pub = Files.writeString(tmp.resolve("key.asc"), key.publicKeyText());
        Path file = Files.write(tmp.resolve("signed.rpm"), signed);
        assertThat(run("rpm", "--root", root.toString(), "-K", file.toString())).contains("SIGNATURES NOT OK");
        run("rpm", "--root", root.toString(), "--import", pub.toString());
        String k = run("rpm", "--root", root.toString(), "-K", file.toString());
        assertThat(k).contains("digests signatures OK");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println(String.join(" ", cmd) + " -> " + p.exitValue() + ": " + out);
        return out;
    }
}
