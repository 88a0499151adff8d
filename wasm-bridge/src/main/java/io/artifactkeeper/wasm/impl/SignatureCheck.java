package io.artifactkeeper.wasm.impl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 signatures of plugin modules ({@code plugin.wasm.sig}: the 64 signature bytes, raw, in
 * base64 or in hex) against a trusted public key (32 raw bytes or an X.509 SubjectPublicKeyInfo,
 * as base64, hex or PEM).
 */
final class SignatureCheck {
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private SignatureCheck() {
    }

    static PublicKey parseKey(String text) throws GeneralSecurityException {
        byte[] der = decode(text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        if (der.length == 32) {
            byte[] full = new byte[ED25519_SPKI_PREFIX.length + 32];
            System.arraycopy(ED25519_SPKI_PREFIX, 0, full, 0, ED25519_SPKI_PREFIX.length);
            System.arraycopy(der, 0, full, ED25519_SPKI_PREFIX.length, 32);
            der = full;
        }
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }

    static boolean verify(PublicKey key, byte[] data, byte[] signatureFile) {
        byte[] sig = signatureFile;
        if (sig.length != 64) {
            try {
                sig = decode(new String(signatureFile, StandardCharsets.US_ASCII).trim());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (sig.length != 64) {
            return false;
        }
        try {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(key);
            v.update(data);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] decode(String s) {
        if (s.matches("[0-9a-fA-F]+") && s.length() % 2 == 0) {
            return HexFormat.of().parseHex(s);
        }
        return Base64.getDecoder().decode(s);
    }
}
