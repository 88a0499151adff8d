package io.artifactkeeper.format.maven.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

import io.artifactkeeper.api.format.StoredAsset;

/** The checksum files served beside every file: {@code .md5 .sha1 .sha256 .sha512}. */
public enum Checksum {
    MD5(".md5", "MD5", 32),
    SHA1(".sha1", "SHA-1", 40),
    SHA256(".sha256", "SHA-256", 64),
    SHA512(".sha512", "SHA-512", 128);

    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    private final String suffix;
    private final String algorithm;
    private final int hexLength;

    Checksum(String suffix, String algorithm, int hexLength) {
        this.suffix = suffix;
        this.algorithm = algorithm;
        this.hexLength = hexLength;
    }

    public String suffix() {
        return suffix;
    }

    /** The checksum named by the end of {@code path}, or null. */
    public static Checksum ofPath(String path) {
        for (Checksum c : values()) {
            if (path.endsWith(c.suffix) && path.length() > c.suffix.length() && path.charAt(path.length() - c.suffix.length() - 1) != '/') {
                return c;
            }
        }
        return null;
    }

    /** The path of the file this checksum belongs to. */
    public String basePath(String path) {
        return path.substring(0, path.length() - suffix.length());
    }

    /** The stored digest of {@code asset}, lowercase hex. */
    public String of(StoredAsset asset) {
        return switch (this) {
            case MD5 -> asset.md5();
            case SHA1 -> asset.sha1();
            case SHA256 -> asset.sha256();
            case SHA512 -> asset.sha512();
        };
    }

    /** The digest of {@code bytes}, lowercase hex. */
    public String of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The digest a client uploaded as a checksum file: its first whitespace-separated token (files
     * written by {@code sha1sum} carry the file name after it), lowercased. Null when it is not hex of
     * the right length.
     */
    public String parseUpload(byte[] body) {
        String s = new String(body, StandardCharsets.US_ASCII).trim();
        int ws = 0;
        while (ws < s.length() && !Character.isWhitespace(s.charAt(ws))) {
            ws++;
        }
        String token = s.substring(0, ws).toLowerCase(Locale.ROOT);
        return token.length() == hexLength && HEX.matcher(token).matches() ? token : null;
    }
}
