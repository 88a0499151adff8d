package io.artifactkeeper.tck.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers for tests: lowercase hex, computed by streaming. */
public final class Sha256 {

    /** The digest of no bytes at all. */
    public static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private Sha256() {
    }

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /** Reads {@code in} to its end (64 KiB at a time) and returns the digest; does not close it. */
    public static String of(InputStream in) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) != -1;) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The digest of {@code length} bytes of {@link DeterministicInputStream} content from {@code offset}. */
    public static String ofDeterministic(long seed, long offset, long length) {
        try {
            return of(new DeterministicInputStream(seed, offset, length));
        } catch (IOException e) {
            throw new AssertionError("generated stream cannot fail", e);
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
