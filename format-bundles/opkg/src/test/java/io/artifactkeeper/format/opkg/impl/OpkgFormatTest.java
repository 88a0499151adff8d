package io.artifactkeeper.format.opkg.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.api.signing.SigningSettings;
import io.artifactkeeper.signing.SigningKeys;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/**
 * What opkg checks, checked the way it checks it: {@code Packages.sig} is a usign signature (Ed25519 over
 * the exact {@code Packages} bytes, key number matching the served public key) or an OpenPGP detached
 * signature; {@code Packages.gz} is the same text; each stanza's Size, SHA256sum and MD5Sum are the
 * downloaded file's. Both ipk layouts are read; bad packages are refused with nothing stored.
 */
class OpkgFormatTest {
    static final String DIR = "packages/";
    MemoryWorld world;
    FormatHarness h;
    RepositorySigner signer;

    @BeforeEach
    void setUp() {
        world = new MemoryWorld(new OpkgFormat(), "http://registry.test");
        h = world.harness();
        signer = SigningKeys.signer("k1", "Test Feed", SigningKeys.generate("ed25519", null, null, null));
        world.local("main").signing(new SigningSettings(Optional.of(signer), true, false, false));
    }

    FormatHarness.Response put(String repo, String path, byte[] body) {
        return h.request("PUT", repo, path).body(body).send();
    }

    @Test
    void theIndexIsUsignSignedAndListsChecksums() throws Exception {
        byte[] ar = TestIpks.ipk("hello", "1.0-1", "x86_64", true);
        byte[] tgz = TestIpks.ipk("world", "2.3.4-r2", "all", false);
        assertThat(put("main", DIR + "hello_1.0-1_x86_64.ipk", ar).status()).isEqualTo(201);
        assertThat(put("main", DIR + "world_2.3.4-r2_all.ipk", tgz).status()).isEqualTo(201);
        assertThat(put("main", "base/hello_1.0-1_x86_64.ipk", ar).status()).as("another folder, another feed").isEqualTo(201);

        FormatHarness.Response idx = h.get("main", DIR + "Packages");
        assertThat(idx.status()).isEqualTo(200);
        byte[] packages = idx.body();
        String text = idx.text();
        assertThat(text).contains("Package: hello\nVersion: 1.0-1\n")
                .contains("Description: test package hello\n  a second line of the description\n")
                .contains("Package: world\nVersion: 2.3.4-r2\n");
        assertThat(text.split("\n\n")).hasSize(2);
        for (byte[] ipk : List.of(ar, tgz)) {
            String file = ipk == ar ? "hello_1.0-1_x86_64.ipk" : "world_2.3.4-r2_all.ipk";
            assertThat(text).contains("Filename: " + file + "\nSize: " + ipk.length + "\nSHA256sum: "
                    + hex(MessageDigest.getInstance("SHA-256").digest(ipk)) + "\nMD5Sum: "
                    + hex(MessageDigest.getInstance("MD5").digest(ipk)) + "\n");
            assertThat(h.get("main", DIR + file).body()).isEqualTo(ipk);
        }
        byte[] gz = h.get("main", DIR + "Packages.gz").body();
        assertThat(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes()).isEqualTo(packages);

        FormatHarness.Response key = h.get("main", "key");
        assertThat(key.status()).isEqualTo(200);
        verifyUsign(packages, h.get("main", DIR + "Packages.sig").text(), key.text(), signer);
        // a tampered index does not verify
        byte[] tampered = packages.clone();
        tampered[10] ^= 1;
        assertThat(usignVerifies(tampered, h.get("main", DIR + "Packages.sig").text(), key.text())).isFalse();

        assertThat(h.get("main", "base/Packages").text()).contains("Package: hello\n").doesNotContain("world");
        assertThat(h.get("main", "Packages").text()).as("the root folder has no packages").isEmpty();
        assertThat(h.get("main", DIR + "Packages").body()).as("built once, served again").isEqualTo(packages);
    }

    @Test
    void aGpgKeySignsWithAnArmouredDetachedSignature() throws Exception {
        RepositorySigner gpg = SigningKeys.signer("g", "gpg", SigningKeys.generate("gpg", "rsa2048", "Feed", "feed@example.com"));
        world.repository("main").signing(new SigningSettings(Optional.of(gpg), true, false, false));
        put("main", DIR + "hello_1.0-1_x86_64.ipk", TestIpks.ipk("hello", "1.0-1", "x86_64", true));
        byte[] packages = h.get("main", DIR + "Packages").body();
        String sig = h.get("main", DIR + "Packages.sig").text();
        String key = h.get("main", "key").text();
        assertThat(sig).startsWith("-----BEGIN PGP SIGNATURE-----");
        assertThat(key).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----");
        assertThat(pgpVerifies(packages, sig, key)).isTrue();
        byte[] tampered = packages.clone();
        tampered[3] ^= 1;
        assertThat(pgpVerifies(tampered, sig, key)).isFalse();
    }

    @Test
    void anRsaKeyIsTheOperatorsMistakeAndNoKeyMeansNoSignature() throws Exception {
        put("main", DIR + "hello_1.0-1_x86_64.ipk", TestIpks.ipk("hello", "1.0-1", "x86_64", true));
        RepositorySigner rsa = SigningKeys.signer("r", "rsa", SigningKeys.generate("rsa", "rsa2048", null, null));
        world.repository("main").signing(new SigningSettings(Optional.of(rsa), true, false, false));
        FormatHarness.Response r = h.get("main", DIR + "Packages.sig");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.text()).contains("ed25519");
        world.repository("main").signing(SigningSettings.NONE);
        assertThat(h.get("main", DIR + "Packages.sig").status()).isEqualTo(404);
        assertThat(h.get("main", "key").status()).isEqualTo(404);
        assertThat(h.get("main", DIR + "Packages").status()).isEqualTo(200);
    }

    @Test
    void aVirtualMergesItsMembersAndSignsWithItsOwnKey() throws Exception {
        world.local("extra");
        put("main", DIR + "hello_1.0-1_x86_64.ipk", TestIpks.ipk("hello", "1.0-1", "x86_64", true));
        put("extra", DIR + "more_0.5_x86_64.ipk", TestIpks.ipk("more", "0.5", "x86_64", false));
        RepositorySigner vkey = SigningKeys.signer("v", "virtual", SigningKeys.generate("ed25519", null, null, null));
        world.virtual("all", "main", "extra").signing(new SigningSettings(Optional.of(vkey), true, false, false));
        FormatHarness.Response idx = h.get("all", DIR + "Packages");
        assertThat(idx.text()).contains("Package: hello\n").contains("Package: more\n");
        verifyUsign(idx.body(), h.get("all", DIR + "Packages.sig").text(), h.get("all", "key").text(), vkey);
        assertThat(h.get("all", DIR + "more_0.5_x86_64.ipk").status()).isEqualTo(200);
    }

    @Test
    void aRemoteListsTheUpstreamsPackagesAndSignsWithItsOwnKey() throws Exception {
        byte[] ipk = TestIpks.ipk("up", "3.1-1", "mips_24kc", true);
        String stanza = TestIpks.control("up", "3.1-1", "mips_24kc") + "Filename: up_3.1-1_mips_24kc.ipk\nSize: " + ipk.length
                + "\nSHA256sum: " + hex(MessageDigest.getInstance("SHA-256").digest(ipk)) + "\n";
        ScriptedUpstream up = new ScriptedUpstream(URI.create("https://downloads.up.test/feed/"), (method, uri, headers) -> {
            return switch (uri.toString()) {
                case "https://downloads.up.test/feed/base/Packages" ->
                    ScriptedUpstream.Reply.of(200, "text/plain", (stanza + "\n").getBytes(StandardCharsets.UTF_8));
                case "https://downloads.up.test/feed/base/up_3.1-1_mips_24kc.ipk" ->
                    ScriptedUpstream.Reply.of(200, "application/octet-stream", ipk);
                default -> ScriptedUpstream.Reply.of(404, "text/plain", new byte[0]);
            };
        });
        RepositorySigner rkey = SigningKeys.signer("r", "remote", SigningKeys.generate("ed25519", null, null, null));
        world.remote("openwrt", up).signing(new SigningSettings(Optional.of(rkey), true, false, false));
        FormatHarness.Response idx = h.get("openwrt", "base/Packages");
        assertThat(idx.status()).as("%s", idx).isEqualTo(200);
        assertThat(idx.text()).isEqualTo(stanza);
        verifyUsign(idx.body(), h.get("openwrt", "base/Packages.sig").text(), h.get("openwrt", "key").text(), rkey);
        assertThat(h.get("openwrt", "base/up_3.1-1_mips_24kc.ipk").body()).isEqualTo(ipk);
        assertThat(h.get("openwrt", "other/Packages").text()).isEmpty();
    }

    @Test
    void badPackagesAreRefusedAndNothingIsStored() throws Exception {
        byte[] good = TestIpks.ipk("hello", "1.0-1", "x86_64", true);
        byte[] control = TestIpks.control("hello", "1.0-1", "x86_64").getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not an archive", "hello".getBytes(StandardCharsets.UTF_8));
        bad.put("truncated ar", Arrays.copyOf(good, good.length - 30));
        byte[] tgz = TestIpks.ipk("hello", "1.0-1", "x86_64", false);
        bad.put("truncated tar.gz", Arrays.copyOf(tgz, tgz.length - 30));
        bad.put("a plain tar.gz", TestIpks.gzip(TestIpks.tar(Map.of("./readme", new byte[3]))));
        Map<String, byte[]> noControl = new LinkedHashMap<>();
        noControl.put("debian-binary", "2.0\n".getBytes());
        noControl.put("control.tar.gz", TestIpks.gzip(TestIpks.tar(Map.of("./postinst", new byte[3]))));
        noControl.put("data.tar.gz", TestIpks.gzip(TestIpks.tar(Map.of("./a", new byte[1]))));
        bad.put("no ./control", TestIpks.ar(noControl));
        Map<String, byte[]> noData = new LinkedHashMap<>(noControl);
        noData.remove("data.tar.gz");
        noData.put("control.tar.gz", TestIpks.gzip(TestIpks.tar(Map.of("./control", control))));
        bad.put("no data", TestIpks.ar(noData));
        bad.put("traversal in data", TestIpks.ipk(control, Map.of("../../etc/passwd", new byte[1]), true));
        bad.put("traversal in outer tar", TestIpks.gzip(TestIpks.tar(Map.of("../control.tar.gz", new byte[1]))));
        bad.put("no Version", TestIpks.ipk("Package: hello\nArchitecture: x86_64\n".getBytes(), Map.of("./a", new byte[1]), true));
        bad.put("huge field", TestIpks.ipk(("Package: hello\nVersion: 1.0-1\nArchitecture: x86_64\nDescription: "
                + "x".repeat(100_000) + "\n").getBytes(), Map.of("./a", new byte[1]), true));
        bad.put("not RFC 822", TestIpks.ipk("Package hello\n".getBytes(), Map.of("./a", new byte[1]), true));
        bad.put("other name", TestIpks.ipk("other", "1.0-1", "x86_64", true));
        bad.put("other version", TestIpks.ipk("hello", "1.0-2", "x86_64", true));
        bad.put("other arch", TestIpks.ipk("hello", "1.0-1", "aarch64", true));
        for (Map.Entry<String, byte[]> b : bad.entrySet()) {
            FormatHarness.Response r = put("main", DIR + "hello_1.0-1_x86_64.ipk", b.getValue());
            assertThat(r.status()).as(b.getKey() + ": " + r.text()).isEqualTo(400);
        }
        assertThat(put("main", ".hidden/hello_1.0-1_x86_64.ipk", good).status()).as("a dot folder").isEqualTo(400);
        assertThat(put("main", DIR + "hello.tar.gz", good).status()).isEqualTo(404);
        assertThat(world.repository("main").contents()).isEmpty();
        assertThat(h.get("main", DIR + "Packages").text()).isEmpty();
        assertThat(put("main", DIR + "hello_1.0-1_x86_64.ipk", good).status()).isEqualTo(201);
        assertThat(put("main", DIR + "hello_1.0-1_x86_64.ipk", good).status()).isEqualTo(409);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** usign -V: comment lines, "Ed" + key number, the key numbers agree, Ed25519 over the message. */
    static void verifyUsign(byte[] message, String sigFile, String keyFile, RepositorySigner signer) throws Exception {
        assertThat(sigFile).startsWith("untrusted comment: ");
        assertThat(keyFile).startsWith("untrusted comment: ");
        byte[] sig = Base64.getDecoder().decode(sigFile.lines().toList().get(1));
        byte[] key = Base64.getDecoder().decode(keyFile.lines().toList().get(1));
        assertThat(sig).hasSize(74);
        assertThat(key).hasSize(42);
        assertThat(new String(sig, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("Ed");
        assertThat(Arrays.copyOfRange(key, 2, 10)).isEqualTo(Arrays.copyOfRange(sig, 2, 10))
                .isEqualTo(HexFormat.of().parseHex(signer.fingerprint().substring(0, 16)));
        assertThat(usignVerifies(message, sigFile, keyFile)).isTrue();
    }

    static boolean usignVerifies(byte[] message, String sigFile, String keyFile) throws Exception {
        byte[] sig = Base64.getDecoder().decode(sigFile.lines().toList().get(1));
        byte[] key = Base64.getDecoder().decode(keyFile.lines().toList().get(1));
        // the raw 32-byte key inside an X.509 SubjectPublicKeyInfo for Ed25519
        byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] der = Arrays.copyOf(spki, spki.length + 32);
        System.arraycopy(key, 10, der, spki.length, 32);
        PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(pk);
        v.update(message);
        return v.verify(Arrays.copyOfRange(sig, 10, 74));
    }

    static boolean pgpVerifies(byte[] message, String armouredSig, String armouredKey) throws Exception {
        PGPPublicKeyRingCollection keys = new PGPPublicKeyRingCollection(
                PGPUtil.getDecoderStream(new ByteArrayInputStream(armouredKey.getBytes(StandardCharsets.US_ASCII))),
                new JcaKeyFingerprintCalculator());
        Object o = new JcaPGPObjectFactory(PGPUtil.getDecoderStream(
                new ByteArrayInputStream(armouredSig.getBytes(StandardCharsets.US_ASCII)))).nextObject();
        PGPSignature s = ((PGPSignatureList) o).get(0);
        s.init(new JcaPGPContentVerifierBuilderProvider(), keys.getPublicKey(s.getKeyID()));
        s.update(message);
        return s.verify();
    }
}
