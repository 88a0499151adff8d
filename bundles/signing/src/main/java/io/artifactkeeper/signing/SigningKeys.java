package io.artifactkeeper.signing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

import io.artifactkeeper.api.signing.RepositorySigner;

/**
 * Generates and imports signing keys. Every refusal of an administrator's input (unknown type or
 * algorithm, unreadable or protected key text) is an {@link IllegalArgumentException} whose message
 * says what was wrong, for a 400.
 */
public final class SigningKeys {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    /** Largest key text accepted on import: an armoured RSA 16384 secret key ring with subkeys is well below. */
    public static final int MAX_KEY_TEXT = 64 * 1024;

    private SigningKeys() {
    }

    /** The algorithm a key type gets when none is named. */
    public static String defaultAlgorithm(String keyType) {
        return switch (keyType) {
            case "gpg", "rsa" -> "rsa4096";
            case "ed25519" -> "ed25519";
            default -> throw new IllegalArgumentException("key_type must be gpg, rsa or ed25519, not " + keyType);
        };
    }

    /**
     * A new key. {@code gpg}: an OpenPGP v4 primary key that certifies and signs, with the user id
     * {@code uidName <uidEmail>} self-certified (SHA-512); {@code rsa}/{@code ed25519}: a plain key pair.
     */
    public static KeyMaterial generate(String keyType, String algorithm, String uidName, String uidEmail) {
        String alg = algorithm == null || algorithm.isBlank() ? defaultAlgorithm(keyType) : algorithm.toLowerCase(Locale.ROOT);
        checkAlgorithm(keyType, alg);
        try {
            KeyPair kp = keyPair(alg);
            if (!keyType.equals("gpg")) {
                return plain(keyType, alg, kp.getPublic().getEncoded(), kp.getPrivate().getEncoded(), Instant.now());
            }
            // OpenPGP times have second resolution, and the creation time is part of the fingerprint
            Date created = new Date(System.currentTimeMillis() / 1000 * 1000);
            int pgpAlg = alg.equals("ed25519") ? PublicKeyAlgorithmTags.EDDSA_LEGACY : PublicKeyAlgorithmTags.RSA_GENERAL;
            PGPKeyPair pair = new JcaPGPKeyPair(pgpAlg, kp, created);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            hashed.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA256});
            hashed.setIssuerFingerprint(false, pair.getPublicKey());
            PGPDigestCalculator sha1 = new JcaPGPDigestCalculatorProviderBuilder().setProvider(BC).build()
                    .get(HashAlgorithmTags.SHA1);
            String uid = uid(uidName, uidEmail);
            PGPKeyRingGenerator gen = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair, uid, sha1,
                    hashed.generate(), null,
                    new JcaPGPContentSignerBuilder(pgpAlg, HashAlgorithmTags.SHA512).setProvider(BC), null);
            return openPgp(gen.generateSecretKeyRing());
        } catch (GeneralSecurityException | PGPException | IOException e) {
            throw new IllegalStateException("key generation failed: " + e.getMessage(), e);
        }
    }

    /**
     * Imports a private key: an ASCII-armoured OpenPGP secret key ({@code gpg}; protected keys need
     * {@code passphrase}, and are stored unprotected because the server signs unattended, sealed by the
     * core), or PEM PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) for
     * {@code rsa} and {@code ed25519}.
     */
    public static KeyMaterial importKey(String keyType, String text, String passphrase) {
        defaultAlgorithm(keyType);
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("private_key is empty");
        }
        if (text.length() > MAX_KEY_TEXT) {
            throw new IllegalArgumentException("private_key is larger than " + MAX_KEY_TEXT + " characters");
        }
        try {
            if (keyType.equals("gpg")) {
                return importOpenPgp(text, passphrase);
            }
            Matcher m = PEM.matcher(text);
            if (!m.find()) {
                throw new IllegalArgumentException("private_key must be PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            PrivateKeyInfo info = switch (m.group(1)) {
                case "PRIVATE KEY" -> PrivateKeyInfo.getInstance(der);
                case "RSA PRIVATE KEY" -> new PrivateKeyInfo(
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        RSAPrivateKey.getInstance(der));
                default -> throw new IllegalArgumentException("unsupported PEM block " + m.group(1)
                        + " (encrypted keys are not accepted: decrypt it first)");
            };
            AsymmetricKeyParameter priv = PrivateKeyFactory.createKey(info);
            byte[] spki;
            String alg;
            if (priv instanceof RSAPrivateCrtKeyParameters rsa) {
                if (!keyType.equals("rsa")) {
                    throw new IllegalArgumentException("an RSA key imported as " + keyType);
                }
                int bits = rsa.getModulus().bitLength();
                if (bits < 2048) {
                    throw new IllegalArgumentException("RSA keys shorter than 2048 bits are refused (" + bits + ")");
                }
                alg = "rsa" + bits;
                spki = SubjectPublicKeyInfoFactory
                        .createSubjectPublicKeyInfo(new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent()))
                        .getEncoded();
            } else if (priv instanceof Ed25519PrivateKeyParameters ed) {
                if (!keyType.equals("ed25519")) {
                    throw new IllegalArgumentException("an Ed25519 key imported as " + keyType);
                }
                alg = "ed25519";
                spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(ed.generatePublicKey()).getEncoded();
            } else {
                throw new IllegalArgumentException("only RSA and Ed25519 private keys are supported");
            }
            return plain(keyType, alg, spki, info.getEncoded(), Instant.now());
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("private_key is not a readable key: " + e.getMessage(), e);
        } catch (PGPException e) {
            throw new IllegalArgumentException("private_key is not a usable OpenPGP secret key: " + e.getMessage(), e);
        }
    }

    /** The signer of a stored key. */
    public static RepositorySigner signer(String id, String name, KeyMaterial key) {
        return new KeySigner(id, name, key);
    }

    /** A new key of the same type and algorithm (and user id, for OpenPGP): what a rotation creates. */
    public static KeyMaterial successor(KeyMaterial old, String uidName, String uidEmail) {
        return generate(old.keyType(), old.algorithm(), uidName, uidEmail);
    }

    private static KeyMaterial importOpenPgp(String text, String passphrase) throws IOException, PGPException {
        PGPSecretKeyRing ring;
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
            ring = new PGPSecretKeyRing(in, new JcaKeyFingerprintCalculator());
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new IllegalArgumentException("private_key is not an OpenPGP secret key block");
        }
        List<PGPSecretKey> keys = new ArrayList<>();
        PBESecretKeyDecryptor dec = passphrase == null ? null
                : new JcePBESecretKeyDecryptorBuilder().setProvider(BC).build(passphrase.toCharArray());
        for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext();) {
            PGPSecretKey k = it.next();
            if (k.isPrivateKeyEmpty()) {
                keys.add(k);
                continue;
            }
            if (k.getS2KUsage() != 0) {
                if (dec == null) {
                    throw new IllegalArgumentException("the OpenPGP key is protected by a passphrase: give \"passphrase\"");
                }
                // unprotected from here on: the server signs unattended, and the core seals the whole ring
                k = PGPSecretKey.copyWithNewPassword(k, dec, null);
            }
            keys.add(k);
        }
        PGPSecretKeyRing clear = new PGPSecretKeyRing(keys);
        if (KeySigner.signingKey(clear) == null) {
            throw new IllegalArgumentException("the OpenPGP key has no secret key that can sign");
        }
        return openPgp(clear);
    }

    private static KeyMaterial openPgp(PGPSecretKeyRing secret) throws IOException {
        List<PGPPublicKey> pubs = new ArrayList<>();
        for (Iterator<PGPPublicKey> it = secret.getPublicKeys(); it.hasNext();) {
            pubs.add(it.next());
        }
        PGPPublicKeyRing pub = new PGPPublicKeyRing(pubs);
        PGPPublicKey master = pub.getPublicKey();
        String alg = switch (master.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN -> "rsa" + master.getBitStrength();
            case PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.Ed25519 -> "ed25519";
            default -> throw new IllegalArgumentException("OpenPGP keys of algorithm " + master.getAlgorithm()
                    + " are not supported (RSA or Ed25519)");
        };
        byte[] pubBytes = pub.getEncoded();
        return new KeyMaterial("gpg", alg, HexFormat.of().withUpperCase().formatHex(master.getFingerprint()),
                String.format("%016X", master.getKeyID()), armor(pubBytes), pubBytes, secret.getEncoded(),
                master.getCreationTime().toInstant());
    }

    private static KeyMaterial plain(String keyType, String alg, byte[] spki, byte[] pkcs8, Instant created) {
        String fp = fingerprint(spki);
        return new KeyMaterial(keyType, alg, fp, fp.substring(0, 16), pem("PUBLIC KEY", spki), spki, pkcs8, created);
    }

    static String fingerprint(byte[] spki) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair(String alg) throws GeneralSecurityException {
        if (alg.equals("ed25519")) {
            return KeyPairGenerator.getInstance("Ed25519", BC).generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", BC);
        g.initialize(Integer.parseInt(alg.substring(3)), RANDOM);
        return g.generateKeyPair();
    }

    private static void checkAlgorithm(String keyType, String alg) {
        boolean ok = switch (keyType) {
            case "gpg" -> List.of("rsa4096", "rsa3072", "rsa2048", "ed25519").contains(alg);
            case "rsa" -> List.of("rsa4096", "rsa3072", "rsa2048").contains(alg);
            case "ed25519" -> alg.equals("ed25519");
            default -> throw new IllegalArgumentException("key_type must be gpg, rsa or ed25519, not " + keyType);
        };
        if (!ok) {
            throw new IllegalArgumentException("algorithm " + alg + " is not available for key_type " + keyType);
        }
    }

    private static String uid(String name, String email) {
        String n = name == null || name.isBlank() ? "Artifact Keeper" : name.strip();
        String e = email == null || email.isBlank() ? null : email.strip();
        if (n.length() > 200 || (e != null && e.length() > 200) || (n + (e == null ? "" : e)).chars().anyMatch(c -> c < 0x20 || c == '<' || c == '>')) {
            throw new IllegalArgumentException("uid_name and uid_email must be short text without control characters or angle brackets");
        }
        return e == null ? n : n + " <" + e + ">";
    }

    static String armor(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            a.write(data);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
