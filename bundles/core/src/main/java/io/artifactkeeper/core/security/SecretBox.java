package io.artifactkeeper.core.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets that the server must read back (an upstream's password) before they go into the
 * database: AES-256-GCM under a key that is not in the database, so that a dump of the database, a
 * backup or a SQL injection does not yield them. The stored form is {@code akenc:v1:} + base64 of
 * nonce and ciphertext; anything without that prefix is a value stored before encryption existed
 * and is read as it is (and re-encrypted on start, see {@code RepositoryStore#encryptPlainSecrets}).
 */
public final class SecretBox {
    public static final String PREFIX = "akenc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;

    public SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the secrets key must be 32 bytes (AES-256), got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /**
     * The key from {@code configured} (base64 of 32 bytes) if given, else from {@code keyFile},
     * created with a fresh random key (owner-only permissions) on first use.
     */
    public static SecretBox open(String configured, Path keyFile) {
        if (configured != null && !configured.isBlank()) {
            byte[] k;
            try {
                k = Base64.getDecoder().decode(configured.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the configured secrets key is not base64");
            }
            return new SecretBox(k);
        }
        try {
            if (!Files.exists(keyFile)) {
                create(keyFile);
            }
            byte[] k = Base64.getDecoder().decode(Files.readString(keyFile, StandardCharsets.US_ASCII).trim());
            return new SecretBox(k);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secrets key " + keyFile, e);
        }
    }

    private static void create(Path keyFile) throws IOException {
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        byte[] text = (Base64.getEncoder().encodeToString(Secrets.randomBytes(32)) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            // created owner-only from the start: no moment where another local user could read it
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(keyFile);
        } catch (FileAlreadyExistsException e) {
            return; // another process won the race; use its key
        }
        Files.write(keyFile, text, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
    }

    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    public String seal(String plain) {
        byte[] nonce = Secrets.randomBytes(NONCE_BYTES);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * The plain text of a sealed value; a value that is not sealed is returned as it is (rows written
     * before encryption). Throws {@link IllegalStateException} when the value was sealed with another
     * key or altered: a wrong key must be noticed, not turned into a wrong password sent upstream.
     */
    public String open(String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a sealed secret is not base64");
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("a sealed secret is truncated");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("a sealed secret does not open with this server's secrets key "
                    + "(was the key file replaced, or AK_SECRETS_KEY changed?)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The settings that hold secrets: write-only on the API, sealed in the database. */
    public static final Set<String> SECRET_SETTINGS = Set.of("upstream_password");
}
