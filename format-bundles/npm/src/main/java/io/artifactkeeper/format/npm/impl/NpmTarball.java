package io.artifactkeeper.format.npm.impl;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Checks a published package tarball before its version becomes visible: it must be a gzip'd tar
 * (what every npm client sends and expects), and no entry may land outside the folder it is unpacked
 * into ("tar slip": an absolute name, a drive letter, a ".." segment, or a link pointing so). The
 * tarball is streamed (never held), to its end or at most {@link #MAX_SCAN_BYTES} of tar.
 */
final class NpmTarball {
    static final long MAX_SCAN_BYTES = 4L << 30;
    static final int MAX_ENTRIES = 500_000;
    private static final int MAX_META = 1 << 20;

    /** The tarball is not a tar.gz, is damaged, or is hostile (400). */
    static final class InvalidTarballException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTarballException(String message) {
            super(message);
        }
    }

    private NpmTarball() {
    }

    /** Reads {@code raw} (the .tgz) through; throws when it is no tar.gz or holds an unsafe entry. */
    static void check(InputStream raw) throws InvalidTarballException, IOException {
        GZIPInputStream in;
        try {
            in = new GZIPInputStream(raw, 65536);
        } catch (ZipException | EOFException e) {
            throw new InvalidTarballException("the package tarball is not gzip-compressed");
        }
        try {
            scan(in);
        } catch (ZipException | EOFException e) {
            throw new InvalidTarballException("damaged package tarball (" + e.getMessage() + ")");
        }
    }

    private static void scan(InputStream in) throws InvalidTarballException, IOException {
        String longName = null;
        String longLink = null;
        String paxPath = null;
        String paxLink = null;
        long scanned = 0;
        for (int entries = 0; entries < MAX_ENTRIES; entries++) {
            byte[] h = in.readNBytes(512);
            if (h.length == 0 || (h.length == 512 && allZero(h))) {
                return;
            }
            if (h.length < 512) {
                throw new InvalidTarballException("damaged package tarball (truncated tar header)");
            }
            if (!checksumOk(h)) {
                throw new InvalidTarballException(entries == 0 ? "the package tarball is not a tar archive"
                        : "damaged package tarball (bad tar header checksum)");
            }
            String name = cString(h, 0, 100);
            String link = cString(h, 157, 100);
            if (new String(h, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
                String prefix = cString(h, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            char type = (char) h[156];
            long size = octal(h, 124, 12);
            if (size < 0) {
                throw new InvalidTarballException("damaged package tarball (bad entry size)");
            }
            if (size > MAX_SCAN_BYTES) {
                return;
            }
            long padded = (size + 511) / 512 * 512;
            scanned += 512 + padded;
            if (scanned > MAX_SCAN_BYTES) {
                return;
            }
            switch (type) {
                case 'L', 'K', 'x' -> {
                    if (size > MAX_META) {
                        throw new InvalidTarballException("damaged package tarball (tar header record of " + size
                                + " bytes)");
                    }
                    byte[] data = in.readNBytes((int) size);
                    if (data.length < size) {
                        throw new InvalidTarballException("damaged package tarball (truncated)");
                    }
                    in.skipNBytes(padded - size);
                    if (type == 'L') {
                        longName = cString(data, 0, data.length);
                    } else if (type == 'K') {
                        longLink = cString(data, 0, data.length);
                    } else {
                        paxPath = pax(data, "path");
                        paxLink = pax(data, "linkpath");
                    }
                    continue;
                }
                default -> {
                    // a regular entry (or a global pax header, whose name is not a path)
                }
            }
            if (longName != null) {
                name = longName;
            }
            if (paxPath != null) {
                name = paxPath;
            }
            if (longLink != null) {
                link = longLink;
            }
            if (paxLink != null) {
                link = paxLink;
            }
            longName = longLink = paxPath = paxLink = null;
            if (type != 'g') {
                if (unsafe(name)) {
                    throw new InvalidTarballException("unsafe path in the package tarball: " + abbreviate(name));
                }
                if ((type == '1' || type == '2') && unsafe(link)) {
                    throw new InvalidTarballException("unsafe link in the package tarball: " + abbreviate(name) + " -> "
                            + abbreviate(link));
                }
            }
            in.skipNBytes(padded);
        }
        throw new InvalidTarballException("the package tarball has more than " + MAX_ENTRIES + " entries");
    }

    /** Absolute, a drive letter, a ".." segment ('/' or '\\' separated), or a NUL. */
    static boolean unsafe(String path) {
        String n = path.replace('\\', '/');
        if (n.startsWith("/") || n.indexOf('\0') >= 0
                || (n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0)))) {
            return true;
        }
        for (String seg : n.split("/")) {
            if (seg.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** The value of {@code key} in pax extended header records ("{len} key=value\n"), or null. */
    static String pax(byte[] data, String key) throws InvalidTarballException {
        String found = null;
        int i = 0;
        while (i < data.length) {
            int sp = i;
            while (sp < data.length && data[sp] >= '0' && data[sp] <= '9' && sp - i < 9) {
                sp++;
            }
            if (sp == i || sp >= data.length || data[sp] != ' ') {
                throw new InvalidTarballException("damaged package tarball (bad pax record)");
            }
            int len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
            if (len <= sp - i + 1 || len > data.length - i) {
                throw new InvalidTarballException("damaged package tarball (bad pax record length)");
            }
            String rec = new String(data, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
            int eq = rec.indexOf('=');
            if (eq > 0 && rec.substring(0, eq).equals(key)) {
                found = rec.substring(eq + 1);
            }
            i += len;
        }
        return found;
    }

    private static boolean checksumOk(byte[] h) {
        long stored = octal(h, 148, 8);
        if (stored < 0) {
            return false;
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < 512; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        return stored == unsigned || stored == signed;
    }

    /** An octal field (or GNU base-256), -1 when it is neither. */
    private static long octal(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x7f;
            for (int i = 1; i < len; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    return -1;
                }
                v = v << 8 | (h[off + i] & 0xff);
            }
            return v;
        }
        String s = cString(h, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7' || v > (Long.MAX_VALUE >> 3)) {
                return -1;
            }
            v = v << 3 | (c - '0');
        }
        return v;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
