package io.artifactkeeper.signing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Date;
import java.util.Iterator;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter;

import io.artifactkeeper.api.signing.RepositorySigner;

/** A {@link RepositorySigner} over stored key material; the private key is parsed once, on first use. */
final class KeySigner implements RepositorySigner {
    private final String id;
    private final String name;
    private final KeyMaterial key;
    private volatile PGPSecretKey pgpKey;
    private volatile PGPPrivateKey pgpPrivate;
    private volatile PrivateKey jcaPrivate;

    KeySigner(String id, String name, KeyMaterial key) {
        this.id = id;
        this.name = name;
        this.key = key;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String keyType() {
        return key.keyType();
    }

    @Override
    public String algorithm() {
        return key.algorithm();
    }

    @Override
    public String fingerprint() {
        return key.fingerprint();
    }

    @Override
    public String publicKeyText() {
        return key.publicText();
    }

    @Override
    public byte[] publicKeyBytes() {
        return key.publicBytes().clone();
    }

    /**
     * RFC 9580 §7 (cleartext signature framework): the text is signed as a canonical text document —
     * each line without trailing spaces and tabs, lines joined by CR LF, the final line ending not
     * signed — and written dash-escaped between the armour headers.
     */
    @Override
    public byte[] clearSign(byte[] text) throws IOException {
        requireOpenPgp("a cleartext signature");
        PGPSignatureGenerator gen = generator(PGPSignature.CANONICAL_TEXT_DOCUMENT);
        String s = new String(text, StandardCharsets.UTF_8).replace("\r\n", "\n");
        if (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        String[] lines = s.split("\n", -1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 2048);
        ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(out);
        armor.beginClearText(HashAlgorithmTags.SHA512);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            armor.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            if (i > 0) {
                gen.update(new byte[] {'\r', '\n'});
            }
            gen.update(stripTrailingWhitespace(line).getBytes(StandardCharsets.UTF_8));
        }
        armor.endClearText();
        try {
            BCPGOutputStream bcpg = new BCPGOutputStream(armor);
            gen.generate().encode(bcpg);
        } catch (PGPException e) {
            throw new IOException("signing failed: " + e.getMessage(), e);
        }
        armor.close();
        return out.toByteArray();
    }

    @Override
    public byte[] detachedSignature(byte[] data, boolean armored) throws IOException {
        requireOpenPgp("an OpenPGP signature");
        PGPSignatureGenerator gen = generator(PGPSignature.BINARY_DOCUMENT);
        gen.update(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream target = armored ? ArmoredOutputStream.builder().clearHeaders().build(out) : out) {
            gen.generate().encode(target);
        } catch (PGPException e) {
            throw new IOException("signing failed: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] sign(byte[] data, String jcaAlgorithm) throws IOException {
        PrivateKey pk = jcaPrivate();
        boolean ed = pk.getAlgorithm().equalsIgnoreCase("Ed25519") || pk.getAlgorithm().equalsIgnoreCase("EdDSA");
        boolean wantsEd = jcaAlgorithm.equalsIgnoreCase("Ed25519");
        if (ed != wantsEd || !(wantsEd || jcaAlgorithm.toUpperCase().endsWith("WITHRSA"))) {
            throw new UnsupportedOperationException("key " + name + " (" + key.algorithm() + ") cannot make " + jcaAlgorithm
                    + " signatures: configure " + (wantsEd ? "an ed25519" : "an RSA (rsa or gpg/rsa)") + " key");
        }
        try {
            Signature sig = Signature.getInstance(jcaAlgorithm, SigningKeys.BC);
            sig.initSign(pk);
            sig.update(data);
            return sig.sign();
        } catch (GeneralSecurityException e) {
            throw new IOException("signing failed: " + e.getMessage(), e);
        }
    }

    private void requireOpenPgp(String what) {
        if (!key.keyType().equals("gpg")) {
            throw new UnsupportedOperationException("key " + name + " is a " + key.keyType() + " key: " + what
                    + " needs a gpg key");
        }
    }

    private PGPSignatureGenerator generator(int type) throws IOException {
        try {
            PGPSecretKey sk = pgpKey();
            PGPSignatureGenerator gen = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(sk.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512)
                            .setProvider(SigningKeys.BC),
                    sk.getPublicKey());
            gen.init(type, pgpPrivate);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, new Date());
            hashed.setIssuerFingerprint(false, sk.getPublicKey());
            hashed.setIssuerKeyID(false, sk.getKeyID());
            gen.setHashedSubpackets(hashed.generate());
            return gen;
        } catch (PGPException e) {
            throw new IOException("the OpenPGP key of " + name + " is not usable: " + e.getMessage(), e);
        }
    }

    private PGPSecretKey pgpKey() throws PGPException, IOException {
        PGPSecretKey k = pgpKey;
        if (k == null) {
            PGPSecretKeyRing ring = new PGPSecretKeyRing(key.privateBytes(), new JcaKeyFingerprintCalculator());
            k = signingKey(ring);
            if (k == null) {
                throw new PGPException("no secret key that can sign");
            }
            pgpPrivate = k.extractPrivateKey(null);
            pgpKey = k;
        }
        return k;
    }

    private PrivateKey jcaPrivate() throws IOException {
        PrivateKey pk = jcaPrivate;
        if (pk != null) {
            return pk;
        }
        try {
            if (key.keyType().equals("gpg")) {
                pgpKey();
                pk = new JcaPGPKeyConverter().setProvider(SigningKeys.BC).getPrivateKey(pgpPrivate);
            } else {
                String kf = key.algorithm().equals("ed25519") ? "Ed25519" : "RSA";
                pk = KeyFactory.getInstance(kf, SigningKeys.BC).generatePrivate(new PKCS8EncodedKeySpec(key.privateBytes()));
            }
        } catch (PGPException | GeneralSecurityException e) {
            throw new IOException("the private key of " + name + " is not usable: " + e.getMessage(), e);
        }
        jcaPrivate = pk;
        return pk;
    }

    /** The primary key if it can sign, else the first signing-capable subkey with its secret present. */
    static PGPSecretKey signingKey(PGPSecretKeyRing ring) {
        for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext();) {
            PGPSecretKey k = it.next();
            int alg = k.getPublicKey().getAlgorithm();
            boolean canSign = alg == PublicKeyAlgorithmTags.RSA_GENERAL || alg == PublicKeyAlgorithmTags.RSA_SIGN
                    || alg == PublicKeyAlgorithmTags.EDDSA_LEGACY || alg == PublicKeyAlgorithmTags.Ed25519;
            if (canSign && !k.isPrivateKeyEmpty() && !k.getPublicKey().hasRevocation()) {
                return k;
            }
        }
        return null;
    }

    private static String stripTrailingWhitespace(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        return line.substring(0, end);
    }
}
