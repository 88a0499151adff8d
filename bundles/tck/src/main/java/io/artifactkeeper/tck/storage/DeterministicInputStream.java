package io.artifactkeeper.tck.storage;

import java.io.InputStream;
import java.util.Objects;

/**
 * A reproducible stream of pseudo-random bytes that is never held in memory: byte {@code i} of the
 * stream with a given seed is a pure function of {@code (seed, i)}. Any window of the content can
 * therefore be regenerated on its own, which lets tests check ranges of multi-gigabyte blobs and
 * compute expected digests by streaming instead of buffering.
 */
public final class DeterministicInputStream extends InputStream {

    private final long seed;
    private final long end;
    private long position;

    /** The first {@code length} bytes of the content with this seed. */
    public DeterministicInputStream(long seed, long length) {
        this(seed, 0, length);
    }

    /** {@code length} bytes of the content with this seed, starting at {@code offset}. */
    public DeterministicInputStream(long seed, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length < 0) {
            throw new IllegalArgumentException("bad window: offset " + offset + ", length " + length);
        }
        this.seed = seed;
        this.position = offset;
        this.end = offset + length;
    }

    /** Materializes a small piece of content (for tests that want a {@code byte[]}). */
    public static byte[] bytes(long seed, int length) {
        byte[] b = new byte[length];
        new DeterministicInputStream(seed, length).read(b, 0, length);
        return b;
    }

    /** Byte {@code position} of the content with this seed. */
    public static byte byteAt(long seed, long position) {
        return (byte) (word(seed, position >>> 3) >>> ((position & 7) << 3));
    }

    /** SplitMix64's output function: cheap, and every input bit affects every output bit. */
    private static long word(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Bytes not yet read. */
    public long remaining() {
        return end - position;
    }

    @Override
    public int read() {
        if (position >= end) {
            return -1;
        }
        return byteAt(seed, position++) & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        int n = (int) Math.min(len, end - position);
        int i = 0;
        // Byte by byte up to a word boundary, then eight bytes per generated word.
        while (i < n && (position & 7) != 0) {
            b[off + i++] = byteAt(seed, position++);
        }
        while (n - i >= 8) {
            long w = word(seed, position >>> 3);
            for (int k = 0; k < 8; k++) {
                b[off + i + k] = (byte) (w >>> (k << 3));
            }
            i += 8;
            position += 8;
        }
        while (i < n) {
            b[off + i++] = byteAt(seed, position++);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, end - position));
        position += k;
        return k;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
    }
}
