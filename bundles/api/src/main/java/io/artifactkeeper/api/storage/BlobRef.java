package io.artifactkeeper.api.storage;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stored blob's identity: lowercase hex SHA-256, size in bytes, and when it was last written
 * (epoch millis; 0 where unknown).
 */
public record BlobRef(String sha256, long size, long lastModified) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public BlobRef {
        Objects.requireNonNull(sha256, "sha256");
        if (!isDigest(sha256)) {
            throw new IllegalArgumentException("not a sha256 digest: " + sha256);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
    }

    /** Whether {@code s} is a lowercase 64-character hex digest. */
    public static boolean isDigest(String s) {
        return s != null && HEX64.matcher(s).matches();
    }

    /** Normalizes an externally supplied digest ("sha256:ABC..." or "abc...") or returns null. */
    public static String normalize(String s) {
        if (s == null) {
            return null;
        }
        String d = s.startsWith("sha256:") ? s.substring(7) : s;
        d = d.toLowerCase(Locale.ROOT);
        return isDigest(d) ? d : null;
    }
}
