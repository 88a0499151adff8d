package io.artifactkeeper.format.alpine.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.api.signing.SigningSettings;
import io.artifactkeeper.signing.SigningKeys;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.MemoryWorld;

/**
 * What apk-tools checks, checked the way it checks it: the index is two gzip members, the first a tar
 * holding {@code .SIGN.RSA.<key file>} whose SHA-1 RSA signature covers the second member's bytes and
 * verifies with the key served at {@code keys/<key file>}; each record's {@code C:} is Q1 + base64 of
 * the SHA-1 of the package's control member. Bad packages are refused with nothing stored.
 */
class AlpineFormatTest {
    static final String DIR = "v3.19/main/x86_64/";
    MemoryWorld world;
    FormatHarness h;
    RepositorySigner signer;

    @BeforeEach
    void setUp() {
        world = new MemoryWorld(new AlpineFormat(), "http://registry.test");
        h = world.harness();
        signer = SigningKeys.signer("k1", "Test Repo", SigningKeys.generate("rsa", "rsa2048", null, null));
        world.local("main").signing(new SigningSettings(Optional.of(signer), true, false, false));
    }

    FormatHarness.Response put(String repo, String path, byte[] body) {
        return h.request("PUT", repo, path).body(body).send();
    }

    @Test
    void theIndexIsSignedAsApkVerifiesItAndListsControlChecksums() throws Exception {
        byte[] hello = TestApks.apk("hello", "1.0-r0", "x86_64", Map.of("depend", "so:libc.musl-x86_64.so.1|busybox"), true);
        assertThat(put("main", DIR + "hello-1.0-r0.apk", hello).status()).isEqualTo(201);
        byte[] any = TestApks.apk("scripts", "2.1-r3", "noarch", Map.of(), false);
        assertThat(put("main", DIR + "scripts-2.1-r3.apk", any).status()).isEqualTo(201);

        FormatHarness.Response idx = h.get("main", DIR + ApkIndex.FILE);
        assertThat(idx.status()).isEqualTo(200);
        String keyFile = AlpineFormat.keyFileName(signer);
        assertThat(keyFile).matches("test-repo-[0-9a-f]{8}\\.rsa\\.pub");
        verifySigned(idx.body(), keyFile, publicKey(h.get("main", "keys/" + keyFile)));

        String text = new String(ApkIndex.textOf(new ByteArrayInputStream(idx.body())), StandardCharsets.UTF_8);
        assertThat(text).contains("P:hello\nV:1.0-r0\nA:x86_64\nS:" + hello.length + "\n")
                .contains("D:so:libc.musl-x86_64.so.1 busybox\n").contains("P:scripts\nV:2.1-r3\nA:noarch\n");
        List<GzipMembers.Member> members = GzipMembers.scan(new ByteArrayInputStream(hello), 3, 1 << 20);
        GzipMembers.Member control = members.get(1);
        String expected = "Q1" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest(Arrays.copyOfRange(hello, (int) control.start(), (int) control.end())));
        assertThat(text).contains("C:" + expected + "\n");
        // the unsigned package's control member is its first
        GzipMembers.Member c0 = GzipMembers.scan(new ByteArrayInputStream(any), 3, 1 << 20).get(0);
        assertThat(text).contains("C:Q1" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest(Arrays.copyOfRange(any, (int) c0.start(), (int) c0.end()))));

        // packages are served byte for byte; another key name is not served
        assertThat(h.get("main", DIR + "hello-1.0-r0.apk").body()).isEqualTo(hello);
        assertThat(h.get("main", "keys/other.rsa.pub").status()).isEqualTo(404);
    }

    @Test
    void aRotatedKeyReSignsTheIndex() throws Exception {
        put("main", DIR + "hello-1.0-r0.apk", TestApks.apk("hello", "1.0-r0", "x86_64"));
        byte[] before = h.get("main", DIR + ApkIndex.FILE).body();
        assertThat(h.get("main", DIR + ApkIndex.FILE).body()).as("built once, served again").isEqualTo(before);
        RepositorySigner next = SigningKeys.signer("k2", "Test Repo", SigningKeys.generate("rsa", "rsa2048", null, null));
        world.repository("main").signing(new SigningSettings(Optional.of(next), true, false, false));
        byte[] after = h.get("main", DIR + ApkIndex.FILE).body();
        verifySigned(after, AlpineFormat.keyFileName(next), publicKey(h.get("main", "keys/" + AlpineFormat.keyFileName(next))));
        assertThat(h.get("main", "keys/" + AlpineFormat.keyFileName(signer)).status()).isEqualTo(404);
    }

    @Test
    void aVirtualMergesItsMembersAndSignsWithItsOwnKey() throws Exception {
        world.local("community");
        put("main", DIR + "hello-1.0-r0.apk", TestApks.apk("hello", "1.0-r0", "x86_64"));
        put("community", DIR + "extra-0.5-r1.apk", TestApks.apk("extra", "0.5-r1", "x86_64"));
        RepositorySigner vkey = SigningKeys.signer("v", "virtual", SigningKeys.generate("rsa", "rsa2048", null, null));
        world.virtual("all", "main", "community").signing(new SigningSettings(Optional.of(vkey), true, false, false));
        byte[] idx = h.get("all", DIR + ApkIndex.FILE).body();
        verifySigned(idx, AlpineFormat.keyFileName(vkey), publicKey(h.get("all", "keys/" + AlpineFormat.keyFileName(vkey))));
        String text = new String(ApkIndex.textOf(new ByteArrayInputStream(idx)), StandardCharsets.UTF_8);
        assertThat(text).contains("P:hello\n").contains("P:extra\n");
        assertThat(h.get("all", DIR + "extra-0.5-r1.apk").status()).isEqualTo(200);
    }

    @Test
    void anUnsuitableKeyIsTheOperatorsMistakeAndSaysSo() throws Exception {
        RepositorySigner gpg = SigningKeys.signer("g", "gpg", SigningKeys.generate("gpg", "ed25519", "x", null));
        world.repository("main").signing(new SigningSettings(Optional.of(gpg), true, false, false));
        FormatHarness.Response r = h.get("main", DIR + ApkIndex.FILE);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.text()).contains("RSA");
    }

    @Test
    void badPackagesAreRefusedAndNothingIsStored() throws Exception {
        byte[] good = TestApks.apk("hello", "1.0-r0", "x86_64");
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("not gzip", "hello".getBytes(StandardCharsets.UTF_8));
        bad.put("truncated", Arrays.copyOf(good, good.length - 20));
        bad.put("control only", TestApks.gzip(TestApks.tar(Map.of(".PKGINFO", "pkgname = hello\n".getBytes()), false)));
        bad.put("no pkgver", TestApks.apkWithPkgInfo("pkgname = hello\narch = x86_64\n".getBytes(), false,
                Map.of("a", new byte[1])));
        bad.put("traversal", TestApks.apkWithPkgInfo("pkgname = hello\npkgver = 1.0-r0\narch = x86_64\n".getBytes(), false,
                Map.of("../../etc/passwd", new byte[1])));
        bad.put("huge pkginfo", TestApks.apkWithPkgInfo(("pkgname = hello\npkgver = 1.0-r0\narch = x86_64\npkgdesc = "
                + "x".repeat(100_000) + "\n").getBytes(), false, Map.of("a", new byte[1])));
        bad.put("other name", TestApks.apk("other", "1.0-r0", "x86_64"));
        bad.put("other arch", TestApks.apk("hello", "1.0-r0", "aarch64"));
        bad.put("bad version", TestApks.apk("hello", "1.0-r0", "x86_64", Map.of("pkgver", "1.0-r0|2.0"), false));
        for (Map.Entry<String, byte[]> b : bad.entrySet()) {
            FormatHarness.Response r = put("main", DIR + "hello-1.0-r0.apk", b.getValue());
            assertThat(r.status()).as(b.getKey() + ": " + r.text()).isEqualTo(400);
        }
        assertThat(world.repository("main").contents()).isEmpty();
        assertThat(put("main", DIR + "hello-1.0-r0.apk", good).status()).isEqualTo(201);
        FormatHarness.Response again = put("main", DIR + "hello-1.0-r0.apk", good);
        assertThat(again.status()).isEqualTo(409);
    }

    static PublicKey publicKey(FormatHarness.Response r) throws Exception {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String pem = r.text();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }

    static void verifySigned(byte[] index, String keyFile, PublicKey key) throws Exception {
        List<GzipMembers.Member> m = GzipMembers.scan(new ByteArrayInputStream(index), 2, 1 << 26);
        assertThat(m).hasSize(2);
        byte[] sigTar = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(index, 0, (int) m.get(0).end())).readAllBytes();
        TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(sigTar));
        TarArchiveEntry e = t.getNextEntry();
        assertThat(e.getName()).isEqualTo(".SIGN.RSA." + keyFile);
        ByteArrayOutputStream sig = new ByteArrayOutputStream();
        t.transferTo(sig);
        assertThat(sigTar.length).as("no end-of-archive blocks after the signature").isEqualTo(512 + 512);
        Signature v = Signature.getInstance("SHA1withRSA");
        v.initVerify(key);
        v.update(index, (int) m.get(1).start(), (int) (m.get(1).end() - m.get(1).start()));
        assertThat(v.verify(sig.toByteArray())).as("signature over the index member").isTrue();
    }
}
