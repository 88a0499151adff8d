package io.artifactkeeper.format.oci.impl;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Digests as the OCI spec writes them ({@code algorithm:encoded}); this registry stores sha256 only. */
final class OciDigest {
    /** Any well-formed digest (image-spec "Digests" grammar). */
    private static final Pattern ANY = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private OciDigest() {
    }

    static boolean isWellFormed(String d) {
        return d != null && ANY.matcher(d).matches();
    }

    static boolean isSha256(String d) {
        return d != null && SHA256.matcher(d).matches();
    }

    /** Whether a manifest reference is a digest (else a tag). */
    static boolean isDigest(String reference) {
        return reference.contains(":");
    }

    /** The lowercase hex of a {@code sha256:} digest. */
    static String hex(String d) {
        return d.substring(7);
    }

    static String of(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
