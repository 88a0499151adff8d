package io.artifactkeeper.api.signing;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A signing key as a format uses it. Key types (as {@code /api/v1/signing/keys} names them):
 * <ul>
 * <li>{@code gpg}: an OpenPGP key (RSA 4096 or Ed25519) for {@link #clearSign} (Debian
 * {@code InRelease}) and {@link #detachedSignature} ({@code Release.gpg}, {@code repomd.xml.asc});
 * an RSA OpenPGP key also makes {@link #sign raw} RSA signatures;</li>
 * <li>{@code rsa}: a plain RSA key for {@link #sign} (Alpine's {@code SHA1withRSA} /
 * {@code SHA256withRSA}, Hex's {@code SHA512withRSA});</li>
 * <li>{@code ed25519}: a plain Ed25519 key for {@link #sign} with {@code Ed25519} (conda content
 * trust).</li>
 * </ul>
 * A call a key type cannot serve throws {@link UnsupportedOperationException} with a message that
 * says which key type it needs; formats turn it into a clear 409/500 for the operator.
 */
@ProviderType
public interface RepositorySigner {

    /** The key's id in {@code /api/v1/signing/keys}. */
    String id();

    /** The key's name, as the administrator gave it (Alpine derives its key file name from it). */
    String name();

    /** {@code gpg}, {@code rsa} or {@code ed25519}. */
    String keyType();

    /** {@code rsa4096}, {@code rsa2048} or {@code ed25519}. */
    String algorithm();

    /**
     * Upper-case hex: the OpenPGP v4 fingerprint of a {@code gpg} key; the SHA-256 of the
     * SubjectPublicKeyInfo of an {@code rsa} or {@code ed25519} key.
     */
    String fingerprint();

    /** The public key as clients import it: an ASCII-armoured OpenPGP block, or PEM (SubjectPublicKeyInfo). */
    String publicKeyText();

    /**
     * The public key in binary: an OpenPGP transferable public key (what apt's {@code signed-by=} reads
     * from a {@code .gpg} keyring), or DER (SubjectPublicKeyInfo).
     */
    byte[] publicKeyBytes();

    /** An OpenPGP cleartext-signed message of {@code text} (UTF-8), as Debian's {@code InRelease}. */
    byte[] clearSign(byte[] text) throws IOException;

    /** An OpenPGP detached signature of {@code data}, ASCII-armoured or binary. */
    byte[] detachedSignature(byte[] data, boolean armored) throws IOException;

    /**
     * A raw signature of {@code data} with the JCA algorithm named ({@code SHA1withRSA},
     * {@code SHA256withRSA}, {@code SHA512withRSA}, {@code Ed25519}).
     */
    byte[] sign(byte[] data, String jcaAlgorithm) throws IOException;
}
