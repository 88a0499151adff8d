package io.artifactkeeper.format.alpine.impl;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Finds where each gzip member of a file starts and ends. An {@code .apk} is several gzip members
 * back to back (signature, control, data), and Alpine identifies a package by the SHA-1 of its
 * control member's compressed bytes, which no gzip reader exposes: the JDK's Inflater does the
 * decompression, this class only counts bytes around it. Every member is inflated to its end and
 * its CRC-32 and length checked against the trailer, so a truncated or altered package is refused.
 */
final class GzipMembers {
    /** One member: its compressed byte range and the first bytes it inflates to (a tar header). */
    record Member(long start, long end, byte[] head) {
    }

    static final class BadGzipException extends IOException {
        private static final long serialVersionUID = 1L;

        BadGzipException(String m) {
            super(m);
        }
    }

    /** Inflated bytes kept of each member: a tar header, and a pax header before it. */
    static final int HEAD = 8192;
    private static final int FTEXT_MASK_RESERVED = 0xE0;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final InputStream in;
    private final byte[] buf = new byte[65536];
    private int pos;
    private int lim;
    private long consumed;

    private GzipMembers(InputStream in) {
        this.in = in;
    }

    /**
     * The members of {@code in}, at most {@code maxMembers}, inflating to at most {@code maxInflated}
     * bytes in all.
     */
    static List<Member> scan(InputStream in, int maxMembers, long maxInflated) throws IOException {
        return new GzipMembers(in).scanAll(maxMembers, maxInflated);
    }

    private List<Member> scanAll(int maxMembers, long maxInflated) throws IOException {
        List<Member> out = new ArrayList<>();
        long inflatedTotal = 0;
        byte[] chunk = new byte[65536];
        while (peek() >= 0) {
            if (out.size() == maxMembers) {
                throw new BadGzipException("more than " + maxMembers + " gzip sections");
            }
            long start = consumed;
            header();
            Inflater inf = new Inflater(true);
            CRC32 crc = new CRC32();
            long size = 0;
            byte[] head = new byte[0];
            try {
                while (!inf.finished()) {
                    if (inf.needsInput()) {
                        if (pos == lim && fill() < 0) {
                            throw new BadGzipException("truncated: a gzip section ends early");
                        }
                        inf.setInput(buf, pos, lim - pos);
                        // what the inflater takes is accounted for after it reports the rest
                        int given = lim - pos;
                        pos = lim;
                        consumed += given;
                    }
                    int n;
                    try {
                        n = inf.inflate(chunk);
                    } catch (DataFormatException e) {
                        throw new BadGzipException("damaged gzip data: " + e.getMessage());
                    }
                    if (n == 0 && inf.needsDictionary()) {
                        throw new BadGzipException("damaged gzip data: a preset dictionary");
                    }
                    if (head.length < HEAD && n > 0) {
                        int keep = Math.min(HEAD - head.length, n);
                        byte[] h = Arrays.copyOf(head, head.length + keep);
                        System.arraycopy(chunk, 0, h, head.length, keep);
                        head = h;
                    }
                    crc.update(chunk, 0, n);
                    size += n;
                    inflatedTotal += n;
                    if (inflatedTotal > maxInflated) {
                        throw new BadGzipException("the package inflates to more than " + maxInflated + " bytes");
                    }
                }
                // give back what the inflater did not use: it belongs to the trailer and the next member
                int rest = inf.getRemaining();
                pos -= rest;
                consumed -= rest;
            } finally {
                inf.end();
            }
            long wantCrc = u32();
            long wantSize = u32();
            if (wantCrc != crc.getValue() || wantSize != (size & 0xFFFFFFFFL)) {
                throw new BadGzipException("a gzip section fails its CRC or length check");
            }
            out.add(new Member(start, consumed, head));
        }
        if (out.isEmpty()) {
            throw new BadGzipException("empty file");
        }
        return out;
    }

    private void header() throws IOException {
        if (u8() != 0x1f || u8() != 0x8b) {
            throw new BadGzipException("not gzip-compressed");
        }
        if (u8() != 8) {
            throw new BadGzipException("gzip with a compression method other than deflate");
        }
        int flags = u8();
        if ((flags & FTEXT_MASK_RESERVED) != 0) {
            throw new BadGzipException("gzip header with reserved flags");
        }
        skip(6); // mtime, extra flags, OS
        if ((flags & FEXTRA) != 0) {
            int len = u8() | (u8() << 8);
            skip(len);
        }
        if ((flags & FNAME) != 0) {
            zeroTerminated();
        }
        if ((flags & FCOMMENT) != 0) {
            zeroTerminated();
        }
        if ((flags & FHCRC) != 0) {
            skip(2);
        }
    }

    private void zeroTerminated() throws IOException {
        for (int i = 0; i < 65536; i++) {
            if (u8() == 0) {
                return;
            }
        }
        throw new BadGzipException("gzip header field without end");
    }

    private void skip(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            u8();
        }
    }

    private long u32() throws IOException {
        return (u8() | (u8() << 8) | (u8() << 16) | ((long) u8() << 24)) & 0xFFFFFFFFL;
    }

    private int u8() throws IOException {
        int b = peek();
        if (b < 0) {
            throw new BadGzipException("truncated gzip header or trailer");
        }
        pos++;
        consumed++;
        return b;
    }

    private int peek() throws IOException {
        if (pos == lim && fill() < 0) {
            return -1;
        }
        return buf[pos] & 0xff;
    }

    private int fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return -1;
        }
        pos = 0;
        lim = n;
        return n;
    }
}
