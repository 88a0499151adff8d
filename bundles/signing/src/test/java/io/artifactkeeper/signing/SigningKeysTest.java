package io.artifactkeeper.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.artifactkeeper.api.signing.RepositorySigner;

/**
 * Keys are checked by the tools that verify them in the field: gpgv (what apt runs) for cleartext
 * and detached OpenPGP signatures, the JDK for raw ones. gpgv must be installed (.ci/run installs it).
 */
class SigningKeysTest {
    @TempDir
    Path tmp;

    static final String RELEASE = "Origin: test\nLabel: test\nSuite: stable\n-dash line\ntrailing spaces   \n"
            + "MD5Sum:\n 0123 12 main/binary-amd64/Packages\n";

    @Test
    void rsaOpenPgpKeySignsWhatGpgvAccepts() throws Exception {
        checkOpenPgp(SigningKeys.generate("gpg", "rsa2048", "Test Repo", "repo@example.com"));
    }

    @Test
    void ed25519OpenPgpKeySignsWhatGpgvAccepts() throws Exception {
        checkOpenPgp(SigningKeys.generate("gpg", "ed25519", "Test Repo", "repo@example.com"));
    }

    private void checkOpenPgp(KeyMaterial k) throws Exception {
        assertThat(k.fingerprint()).matches("[0-9A-F]{40}");
        assertThat(k.keyId()).isEqualTo(k.fingerprint().substring(24));
        assertThat(k.publicText()).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----").doesNotContain("PRIVATE");
        RepositorySigner s = SigningKeys.signer("id1", "test", k);
        Path keyring = tmp.resolve("key.gpg");
        Files.write(keyring, s.publicKeyBytes());

        Path inRelease = tmp.resolve("InRelease");
        Files.write(inRelease, s.clearSign(RELEASE.getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.readString(inRelease)).startsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n")
                .contains("\n- -dash line\n");
        Path out = tmp.resolve("out");
        assertThat(gpgv(keyring, "--output", out.toString(), inRelease.toString())).as("gpgv InRelease").isZero();
        // the signed text is what apt reads back: the dash escape undone, trailing whitespace not part of it
        assertThat(Files.readString(out)).isEqualTo(RELEASE.replace("spaces   \n", "spaces\n"));

        // a changed byte breaks it
        Path tampered = tmp.resolve("InRelease.bad");
        Files.writeString(tampered, Files.readString(inRelease).replace("Suite: stable", "Suite: stablE"));
        assertThat(gpgv(keyring, tampered.toString())).isNotZero();

        byte[] data = "repomd bytes\n".getBytes(StandardCharsets.UTF_8);
        Path file = tmp.resolve("repomd.xml");
        Files.write(file, data);
        for (boolean armored : new boolean[] {true, false}) {
            Path sig = tmp.resolve("repomd.xml." + (armored ? "asc" : "sig"));
            Files.write(sig, s.detachedSignature(data, armored));
            assertThat(gpgv(keyring, sig.toString(), file.toString())).as("detached, armored=" + armored).isZero();
        }
        // re-imported from the armoured secret ring: the same key
        KeyMaterial again = SigningKeys.importKey("gpg", SigningKeys.armor(k.privateBytes()), null);
        assertThat(again.fingerprint()).isEqualTo(k.fingerprint());
        assertThat(again.algorithm()).isEqualTo(k.algorithm());
    }

    @Test
    void plainKeysMakeRawSignaturesTheJdkVerifies() throws Exception {
        KeyMaterial rsa = SigningKeys.generate("rsa", "rsa2048", null, null);
        RepositorySigner s = SigningKeys.signer("r", "alpine", rsa);
        byte[] data = "APKINDEX".getBytes(StandardCharsets.UTF_8);
        for (String alg : List.of("SHA1withRSA", "SHA256withRSA", "SHA512withRSA")) {
            assertThat(verify("RSA", rsa.publicBytes(), alg, data, s.sign(data, alg))).as(alg).isTrue();
        }
        assertThat(rsa.publicText()).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThatThrownBy(() -> s.clearSign(data)).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("gpg");
        assertThatThrownBy(() -> s.sign(data, "Ed25519")).isInstanceOf(UnsupportedOperationException.class);

        KeyMaterial ed = SigningKeys.generate("ed25519", null, null, null);
        RepositorySigner e = SigningKeys.signer("e", "conda", ed);
        assertThat(verify("Ed25519", ed.publicBytes(), "Ed25519", data, e.sign(data, "Ed25519"))).isTrue();
        assertThatThrownBy(() -> e.sign(data, "SHA256withRSA")).isInstanceOf(UnsupportedOperationException.class);

        // PEM import of both gives the same public key
        assertThat(SigningKeys.importKey("rsa", SigningKeys.pem("PRIVATE KEY", rsa.privateBytes()), null).fingerprint())
                .isEqualTo(rsa.fingerprint());
        assertThat(SigningKeys.importKey("ed25519", SigningKeys.pem("PRIVATE KEY", ed.privateBytes()), null).fingerprint())
                .isEqualTo(ed.fingerprint());
        // an RSA OpenPGP key also signs raw
        KeyMaterial gpg = SigningKeys.generate("gpg", "rsa2048", "x", null);
        assertThat(SigningKeys.signer("g", "g", gpg).sign(data, "SHA256withRSA")).hasSize(256);
    }

    @Test
    void badInputIsRefusedWithAReason() {
        assertThatThrownBy(() -> SigningKeys.generate("dsa", null, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key_type");
        assertThatThrownBy(() -> SigningKeys.generate("rsa", "ed25519", null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.generate("gpg", "rsa2048", "evil\n<x>", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.importKey("gpg", "not a key", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.importKey("rsa", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.importKey("rsa", "x".repeat(SigningKeys.MAX_KEY_TEXT + 1), null))
                .isInstanceOf(IllegalArgumentException.class);
        KeyMaterial ed = SigningKeys.generate("ed25519", null, null, null);
        assertThatThrownBy(() -> SigningKeys.importKey("rsa", SigningKeys.pem("PRIVATE KEY", ed.privateBytes()), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519");
    }

    private static boolean verify(String kf, byte[] spki, String alg, byte[] data, byte[] sig) throws Exception {
        PublicKey pk = KeyFactory.getInstance(kf).generatePublic(new X509EncodedKeySpec(spki));
        Signature v = Signature.getInstance(alg);
        v.initVerify(pk);
        v.update(data);
        return v.verify(sig);
    }

    private int gpgv(Path keyring, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("gpgv", "--homedir", tmp.toString(), "--keyring", keyring.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println("gpgv " + String.join(" ", args) + " -> " + p.exitValue() + "\n" + output);
        return p.exitValue();
    }
}
