package io.artifactkeeper.format.debian.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for the .deb reader (ar container, control tar, control file) and the
 * deb822 parser. Property: a package whose name, version and architecture are valid and whose
 * control fields are within bounds, or the format's 400, never another exception.
 */
class DebianFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void deb(byte[] deb) throws IOException {
        try {
            DebPackage p = DebArchive.readControl(new ByteArrayInputStream(deb));
            assertThat(p.name()).matches(DebPackage.NAME);
            assertThat(p.version()).matches(DebPackage.VERSION);
            assertThat(p.architecture()).matches(DebPackage.ARCH);
            assertThat(p.poolPath("main")).doesNotContain("..").startsWith("pool/main/").endsWith(".deb");
            String control = p.control().text();
            assertThat(control.length()).isLessThanOrEqualTo(Deb822.MAX_DOCUMENT + Deb822.MAX_FIELDS * 110);
            for (String f : DebPackage.INDEX_FIELDS) {
                assertThat(p.control().get(f)).as("index fields are never taken from the client").isNull();
            }
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(1000);
        }
        try {
            DebArchive.checkComplete(new ByteArrayInputStream(deb));
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void control(byte[] text) {
        try {
            List<Deb822.Paragraph> ps = Deb822.parse(new String(text, StandardCharsets.UTF_8));
            for (Deb822.Paragraph p : ps) {
                assertThat(p.fields()).hasSizeLessThanOrEqualTo(Deb822.MAX_FIELDS);
                for (String f : p.fields()) {
                    assertThat(Deb822.validFieldName(f)).isTrue();
                    assertThat(p.get(f).length()).isLessThanOrEqualTo(Deb822.MAX_FIELD);
                }
                // what is written reads back the same
                Deb822.Paragraph again = Deb822.single(p.text());
                assertThat(again.fields()).isEqualTo(p.fields());
            }
            if (ps.size() == 1) {
                DebPackage d = DebPackage.of(ps.get(0));
                assertThat(d.fileName()).matches("[a-z0-9+.-]+_[0-9A-Za-z.+~-]+_[a-z0-9-]+\\.deb");
            }
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
        }
    }

    /** An upstream's InRelease, checked against a key it cannot have been signed with: always refused, never thrown otherwise. */
    @FuzzTest(maxDuration = "30s")
    void inRelease(byte[] inRelease) throws Exception {
        try {
            String text = UpstreamRelease.clearSigned(inRelease, null);
            assertThat(text).endsWith("\n");
        } catch (UpstreamRelease.BadSignature e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        try {
            UpstreamRelease.clearSigned(inRelease, KEYS);
            throw new AssertionError("an InRelease nobody signed with the key was accepted");
        } catch (UpstreamRelease.BadSignature e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    private static final org.bouncycastle.openpgp.PGPPublicKeyRingCollection KEYS;

    static {
        try {
            KEYS = UpstreamRelease.keys(io.artifactkeeper.signing.SigningKeys.signer("f", "fuzz",
                    io.artifactkeeper.signing.SigningKeys.generate("gpg", "ed25519", "Fuzz", "f@example.com")).publicKeyText());
        } catch (UpstreamRelease.BadSignature e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
