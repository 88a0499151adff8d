package io.artifactkeeper.signing;

import java.time.Instant;

/**
 * A signing key as the platform keeps it.
 *
 * @param keyType {@code gpg}, {@code rsa} or {@code ed25519}
 * @param algorithm {@code rsa4096}, {@code rsa2048}, {@code rsa3072} or {@code ed25519}
 * @param fingerprint upper-case hex (OpenPGP v4 fingerprint, or SHA-256 of the SubjectPublicKeyInfo)
 * @param keyId the 16-hex OpenPGP key id ({@code gpg}), or the first 16 hex of the fingerprint
 * @param publicText ASCII-armoured OpenPGP public key, or PEM
 * @param publicBytes binary OpenPGP transferable public key, or DER SubjectPublicKeyInfo
 * @param privateBytes the secret: an unprotected OpenPGP secret key ring, or PKCS#8 DER. The caller
 *        encrypts it before storing it and never returns it.
 * @param createdAt the key's creation time (part of an OpenPGP fingerprint)
 */
public record KeyMaterial(String keyType, String algorithm, String fingerprint, String keyId, String publicText,
        byte[] publicBytes, byte[] privateBytes, Instant createdAt) {
}
