package io.artifactkeeper.core.repo;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes MD5, SHA-1 and SHA-512 of the bytes read through it (the blob store computes SHA-256),
 * so that every checksum a client may ask for is known after one pass over the upload.
 */
final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest md5;
    private final MessageDigest sha1;
    private final MessageDigest sha512;
    private long count;

    DigestingInputStream(InputStream in) {
        super(in);
        try {
            md5 = MessageDigest.getInstance("MD5");
            sha1 = MessageDigest.getInstance("SHA-1");
            sha512 = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            md5.update((byte) b);
            sha1.update((byte) b);
            sha512.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            md5.update(b, off, n);
            sha1.update(b, off, n);
            sha512.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipping would leave bytes out of the digests
        byte[] buf = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {
        // the caller owns the underlying stream
    }

    long count() {
        return count;
    }

    String md5() {
        return HexFormat.of().formatHex(md5.digest());
    }

    String sha1() {
        return HexFormat.of().formatHex(sha1.digest());
    }

    String sha512() {
        return HexFormat.of().formatHex(sha512.digest());
    }
}
