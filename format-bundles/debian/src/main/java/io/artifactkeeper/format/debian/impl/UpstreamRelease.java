package io.artifactkeeper.format.debian.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * An upstream archive's {@code InRelease} (RFC 4880 section 7 cleartext signature) or
 * {@code Release} + {@code Release.gpg}, read and, where a remote is given the upstream's public key,
 * verified with Bouncy Castle. Problems are {@link BadSignature}s (the format answers 502: the upstream is
 * not to be trusted).
 */
final class UpstreamRelease {
    private static final String BEGIN_MESSAGE = "-----BEGIN PGP SIGNED MESSAGE-----";
    private static final String BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----";
    static final int MAX_RELEASE = 16 << 20;

    private UpstreamRelease() {
    }

    static final class BadSignature extends Exception {
        private static final long serialVersionUID = 1L;

        BadSignature(String message) {
            super(message);
        }
    }

    /** The public keys an administrator configured (an ASCII-armoured or binary OpenPGP keyring). */
    static PGPPublicKeyRingCollection keys(String armored) throws BadSignature {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored.getBytes(StandardCharsets.UTF_8)))) {
            PGPPublicKeyRingCollection c = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
            if (c.size() == 0) {
                throw new BadSignature("upstream_public_key holds no OpenPGP public key");
            }
            return c;
        } catch (IOException | PGPException | RuntimeException e) {
            throw new BadSignature("upstream_public_key is not an OpenPGP public key: " + e.getMessage());
        }
    }

    /**
     * The Release text inside a cleartext-signed {@code InRelease}, its signature checked against
     * {@code keys} unless they are null (a remote configured without a key takes the text unverified).
     */
    static String clearSigned(byte[] inRelease, PGPPublicKeyRingCollection keys) throws BadSignature {
        String all = new String(inRelease, StandardCharsets.UTF_8);
        String[] lines = all.split("\n", -1);
        int i = 0;
        if (lines.length == 0 || !strip(lines[0]).equals(BEGIN_MESSAGE)) {
            throw new BadSignature("InRelease is not an OpenPGP cleartext-signed message");
        }
        i++;
        while (i < lines.length && !strip(lines[i]).isEmpty()) {
            i++;
        }
        i++;
        List<String> text = new ArrayList<>();
        int sigAt = -1;
        for (; i < lines.length; i++) {
            String l = strip(lines[i]);
            if (l.equals(BEGIN_SIGNATURE)) {
                sigAt = i;
                break;
            }
            text.add(l.startsWith("- ") ? l.substring(2) : l);
        }
        if (sigAt < 0) {
            throw new BadSignature("InRelease carries no signature block");
        }
        if (keys != null) {
            StringBuilder armor = new StringBuilder();
            for (int j = sigAt; j < lines.length; j++) {
                armor.append(strip(lines[j])).append('\n');
            }
            // what is signed (canonical text): lines without trailing blanks, joined by CRLF, no final line end
            StringBuilder signed = new StringBuilder();
            for (int j = 0; j < text.size(); j++) {
                if (j > 0) {
                    signed.append("\r\n");
                }
                signed.append(text.get(j).replaceAll("[ \t]+$", ""));
            }
            verify(signed.toString().getBytes(StandardCharsets.UTF_8), armor.toString().getBytes(StandardCharsets.UTF_8), keys);
        }
        return String.join("\n", text) + "\n";
    }

    /** Checks a detached signature ({@code Release.gpg}, armoured or binary) over {@code data}. */
    static void verify(byte[] data, byte[] signature, PGPPublicKeyRingCollection keys) throws BadSignature {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
            Object o = new BcPGPObjectFactory(in).nextObject();
            if (!(o instanceof PGPSignatureList list) || list.isEmpty()) {
                throw new BadSignature("no OpenPGP signature found");
            }
            for (PGPSignature sig : list) {
                PGPPublicKey key = keys.getPublicKey(sig.getKeyID());
                if (key == null) {
                    continue;
                }
                sig.init(new BcPGPContentVerifierBuilderProvider(), key);
                sig.update(data);
                if (sig.verify()) {
                    return;
                }
                throw new BadSignature("the upstream's signature does not match its Release (tampered or damaged)");
            }
            throw new BadSignature("the upstream's Release is not signed by the configured upstream_public_key");
        } catch (IOException | PGPException | RuntimeException e) {
            throw new BadSignature("the upstream's signature cannot be read: " + e.getMessage());
        }
    }

    private static String strip(String l) {
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }
}
