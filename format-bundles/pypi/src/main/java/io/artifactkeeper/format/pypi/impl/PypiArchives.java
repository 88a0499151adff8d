package io.artifactkeeper.format.pypi.impl;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Reads the one small file a distribution carries about itself: a wheel's
 * {@code *.dist-info/METADATA} (from the zip's central directory, found from the end of the
 * stored file, so that only the directory and that entry are read) or an sdist's {@code PKG-INFO}
 * (a streaming scan of the tar.gz, or the zip directory). Every size read from the archive is
 * checked against a cap before anything is allocated, and inflating stops at the cap, so a
 * "zip bomb" entry costs at most the cap.
 */
final class PypiArchives {
    /** Largest METADATA/PKG-INFO accepted (long READMEs live in it). */
    static final int MAX_METADATA_BYTES = 4 * 1024 * 1024;
    static final int MAX_ZIP_ENTRIES = 1_000_000;
    static final int MAX_TAR_ENTRIES = 200_000;
    /** How much of a decompressed sdist is scanned for PKG-INFO before giving up. */
    static final long MAX_TAR_SCAN_BYTES = 4L << 30;

    private static final int EOCD = 0x06054b50;
    private static final int EOCD64 = 0x06064b50;
    private static final int EOCD64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;

    /** The archive is not what its name says, is damaged, or is hostile. */
    static final class InvalidArchiveException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidArchiveException(String message) {
            super(message);
        }
    }

    /** A central directory entry. */
    record ZipEntryInfo(String name, int flags, int method, long compressedSize, long size, long crc,
            long localHeaderOffset) {
    }

    private PypiArchives() {
    }

    // ---------------------------------------------------------------------------------------------
    // zip

    /** The entries of a zip whose names {@code keep} accepts, read from its central directory. */
    static List<ZipEntryInfo> centralDirectory(PypiByteSource src, Predicate<String> keep)
            throws InvalidArchiveException, IOException {
        long size = src.size();
        if (size < 22) {
            throw new InvalidArchiveException("not a zip archive (too short)");
        }
        int tailLen = (int) Math.min(size, 22 + 0xffff);
        long tailStart = size - tailLen;
        byte[] tail = src.read(tailStart, tailLen);
        int at = -1;
        for (int i = tailLen - 22; i >= 0; i--) {
            if (le32(tail, i) == EOCD && i + 22 + le16(tail, i + 20) <= tailLen) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw new InvalidArchiveException("not a zip archive (no end of central directory record)");
        }
        if (le16(tail, at + 4) != 0 || le16(tail, at + 6) != 0) {
            throw new InvalidArchiveException("multi-volume zip archives are not supported");
        }
        long entries = le16(tail, at + 10);
        long cdSize = le32u(tail, at + 12);
        long cdOffset = le32u(tail, at + 16);
        long eocdPos = tailStart + at;
        if (entries == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            long locPos = eocdPos - 20;
            if (locPos < 0) {
                throw new InvalidArchiveException("damaged zip64 archive (no locator)");
            }
            byte[] loc = src.read(locPos, 20);
            if (le32(loc, 0) != EOCD64_LOCATOR) {
                throw new InvalidArchiveException("damaged zip64 archive (no locator)");
            }
            long e64 = le64(loc, 8);
            if (e64 < 0 || e64 + 56 > locPos) {
                throw new InvalidArchiveException("damaged zip64 archive (bad record offset)");
            }
            byte[] rec = src.read(e64, 56);
            if (le32(rec, 0) != EOCD64) {
                throw new InvalidArchiveException("damaged zip64 archive (no end record)");
            }
            entries = le64(rec, 32);
            cdSize = le64(rec, 40);
            cdOffset = le64(rec, 48);
            eocdPos = e64;
        }
        if (entries < 0 || entries > MAX_ZIP_ENTRIES) {
            throw new InvalidArchiveException("zip archive declares " + entries + " entries (at most "
                    + MAX_ZIP_ENTRIES + " are accepted)");
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > eocdPos) {
            throw new InvalidArchiveException("damaged zip archive (central directory outside the file)");
        }
        List<ZipEntryInfo> out = new ArrayList<>();
        try (InputStream raw = src.openAt(cdOffset); InputStream in = new BufferedInputStream(raw, 65536)) {
            long consumed = 0;
            for (long n = 0; n < entries; n++) {
                byte[] h = in.readNBytes(46);
                if (h.length < 46 || le32(h, 0) != CENTRAL) {
                    throw new InvalidArchiveException("damaged zip archive (bad central directory entry)");
                }
                int flags = le16(h, 8);
                int method = le16(h, 10);
                long crc = le32u(h, 16);
                long csize = le32u(h, 20);
                long usize = le32u(h, 24);
                int nameLen = le16(h, 28);
                int extraLen = le16(h, 30);
                int commentLen = le16(h, 32);
                long offset = le32u(h, 42);
                byte[] nameBytes = in.readNBytes(nameLen);
                byte[] extra = in.readNBytes(extraLen);
                if (nameBytes.length < nameLen || extra.length < extraLen) {
                    throw new InvalidArchiveException("damaged zip archive (truncated central directory)");
                }
                in.skipNBytes(commentLen);
                consumed += 46L + nameLen + extraLen + commentLen;
                if (consumed > cdSize) {
                    throw new InvalidArchiveException("damaged zip archive (central directory overruns its size)");
                }
                String name = new String(nameBytes, (flags & 0x800) != 0 ? StandardCharsets.UTF_8
                        : StandardCharsets.ISO_8859_1);
                checkEntryName(name);
                if (!keep.test(name)) {
                    continue;
                }
                // zip64 extended information: only the fields that overflowed, in this order
                int p = 0;
                while (p + 4 <= extra.length) {
                    int id = le16(extra, p);
                    int len = le16(extra, p + 2);
                    if (p + 4 + len > extra.length) {
                        break;
                    }
                    if (id == 0x0001) {
                        int q = p + 4;
                        if (usize == 0xffffffffL && q + 8 <= p + 4 + len) {
                            usize = le64(extra, q);
                            q += 8;
                        }
                        if (csize == 0xffffffffL && q + 8 <= p + 4 + len) {
                            csize = le64(extra, q);
                            q += 8;
                        }
                        if (offset == 0xffffffffL && q + 8 <= p + 4 + len) {
                            offset = le64(extra, q);
                        }
                    }
                    p += 4 + len;
                }
                if (usize < 0 || csize < 0 || offset < 0 || offset >= cdOffset) {
                    throw new InvalidArchiveException("damaged zip archive (bad sizes for " + name + ")");
                }
                out.add(new ZipEntryInfo(name, flags, method, csize, usize, crc, offset));
            }
        } catch (EOFException e) {
            throw new InvalidArchiveException("damaged zip archive (truncated central directory)");
        }
        return out;
    }

    /**
     * Refuses an entry that would land outside the folder it is unpacked into ("zip slip"): an
     * absolute name, a drive letter, a ".." segment (with '/' or '\\' as separator), or a NUL. pip
     * refuses such wheels at install time; a registry should not serve them to less careful tools.
     */
    static void checkEntryName(String name) throws InvalidArchiveException {
        String n = name.replace('\\', '/');
        boolean bad = n.startsWith("/") || n.indexOf('\0') >= 0
                || (n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0)));
        for (String seg : n.split("/")) {
            bad |= seg.equals("..");
        }
        if (bad) {
            throw new InvalidArchiveException("unsafe path in archive: " + abbreviate(name)
                    + " (absolute, or with a '..' segment)");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** The bytes of one entry, at most {@code max}; larger (declared or actual) is refused. */
    static byte[] readEntry(PypiByteSource src, ZipEntryInfo e, int max) throws InvalidArchiveException, IOException {
        if (e.size() > max) {
            throw new InvalidArchiveException(e.name() + " would unpack to " + e.size() + " bytes; at most " + max
                    + " are accepted");
        }
        if ((e.flags() & 1) != 0) {
            throw new InvalidArchiveException(e.name() + " is encrypted");
        }
        if (e.method() != 0 && e.method() != 8) {
            throw new InvalidArchiveException(e.name() + " uses unsupported compression method " + e.method());
        }
        if (e.method() == 0 && e.compressedSize() != e.size()) {
            throw new InvalidArchiveException("damaged zip archive (stored entry " + e.name() + " has two sizes)");
        }
        if (e.localHeaderOffset() + 30 > src.size()) {
            throw new InvalidArchiveException("damaged zip archive (local header outside the file)");
        }
        byte[] lh = src.read(e.localHeaderOffset(), 30);
        if (le32(lh, 0) != LOCAL) {
            throw new InvalidArchiveException("damaged zip archive (bad local header for " + e.name() + ")");
        }
        long data = e.localHeaderOffset() + 30 + le16(lh, 26) + le16(lh, 28);
        if (data + e.compressedSize() > src.size()) {
            throw new InvalidArchiveException("damaged zip archive (" + e.name() + " runs past the end)");
        }
        byte[] out;
        try (InputStream raw = src.openAt(data)) {
            if (e.method() == 0) {
                out = raw.readNBytes((int) e.size());
            } else {
                out = inflate(raw, e.compressedSize(), max, e.name());
            }
        }
        if (out.length != e.size()) {
            throw new InvalidArchiveException("damaged zip archive (" + e.name() + " is " + out.length
                    + " bytes, its directory says " + e.size() + ")");
        }
        CRC32 crc = new CRC32();
        crc.update(out);
        if (crc.getValue() != e.crc()) {
            throw new InvalidArchiveException("damaged zip archive (CRC mismatch in " + e.name() + ")");
        }
        return out;
    }

    private static byte[] inflate(InputStream raw, long compressed, int max, String name)
            throws InvalidArchiveException, IOException {
        Inflater inf = new Inflater(true);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] in = new byte[8192];
            byte[] buf = new byte[8192];
            long left = compressed;
            while (!inf.finished()) {
                if (inf.needsInput()) {
                    if (left <= 0) {
                        throw new InvalidArchiveException("damaged zip archive (" + name + " is truncated)");
                    }
                    int n = raw.read(in, 0, (int) Math.min(in.length, left));
                    if (n < 0) {
                        throw new InvalidArchiveException("damaged zip archive (" + name + " is truncated)");
                    }
                    left -= n;
                    inf.setInput(in, 0, n);
                }
                int k = inf.inflate(buf);
                if (k > 0) {
                    if (out.size() + k > max) {
                        throw new InvalidArchiveException(name + " unpacks to more than " + max
                                + " bytes (refused as a zip bomb)");
                    }
                    out.write(buf, 0, k);
                } else if (inf.needsDictionary()) {
                    throw new InvalidArchiveException("damaged zip archive (" + name + " needs a dictionary)");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException ex) {
            throw new InvalidArchiveException("damaged zip archive (" + name + ": " + ex.getMessage() + ")");
        } finally {
            inf.end();
        }
    }

    /** A wheel's {@code {name}-{version}.dist-info/METADATA}. */
    static byte[] wheelMetadata(PypiByteSource src, PypiNames.DistFile dist) throws InvalidArchiveException, IOException {
        List<ZipEntryInfo> found = centralDirectory(src, n -> {
            int slash = n.indexOf('/');
            return slash > 0 && n.indexOf('/', slash + 1) < 0 && n.endsWith(".dist-info/METADATA");
        });
        if (found.isEmpty()) {
            throw new InvalidArchiveException("the wheel has no .dist-info/METADATA");
        }
        ZipEntryInfo pick = null;
        String expected = (dist.project() + "-" + dist.version() + ".dist-info/").toLowerCase(Locale.ROOT);
        for (ZipEntryInfo e : found) {
            if (e.name().toLowerCase(Locale.ROOT).startsWith(expected)) {
                pick = e;
            }
        }
        if (pick == null) {
            if (found.size() > 1) {
                throw new InvalidArchiveException("the wheel has several .dist-info directories and none is "
                        + dist.project() + "-" + dist.version() + ".dist-info");
            }
            pick = found.get(0);
        }
        return readEntry(src, pick, MAX_METADATA_BYTES);
    }

    /** An sdist zip's top-level {@code PKG-INFO}, if it has one. */
    static Optional<byte[]> zipPkgInfo(PypiByteSource src) throws InvalidArchiveException, IOException {
        List<ZipEntryInfo> found = centralDirectory(src, PypiArchives::isTopLevelPkgInfo);
        return found.isEmpty() ? Optional.empty() : Optional.of(readEntry(src, found.get(0), MAX_METADATA_BYTES));
    }

    private static boolean isTopLevelPkgInfo(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        int slash = n.indexOf('/');
        return slash > 0 && n.substring(slash + 1).equals("PKG-INFO");
    }

    // ---------------------------------------------------------------------------------------------
    // tar.gz

    /** An sdist tar.gz's top-level {@code PKG-INFO}, if it has one; a stream that is no tar.gz is refused. */
    static Optional<byte[]> tarGzPkgInfo(InputStream raw) throws InvalidArchiveException, IOException {
        GZIPInputStream in;
        try {
            in = new GZIPInputStream(raw, 65536);
        } catch (ZipException | EOFException e) {
            throw new InvalidArchiveException("not a gzip file");
        }
        try {
            return scanTar(in);
        } catch (ZipException | EOFException e) {
            throw new InvalidArchiveException("damaged tar.gz (" + e.getMessage() + ")");
        }
    }

    private static Optional<byte[]> scanTar(InputStream in) throws InvalidArchiveException, IOException {
        String longName = null;
        String paxPath = null;
        long scanned = 0;
        // the whole archive is read: every entry's name is checked, also after PKG-INFO
        byte[] found = null;
        for (int entries = 0; entries < MAX_TAR_ENTRIES; entries++) {
            byte[] h = in.readNBytes(512);
            if (h.length == 0) {
                return Optional.ofNullable(found);
            }
            if (h.length < 512) {
                throw new InvalidArchiveException("damaged tar (truncated header)");
            }
            if (allZero(h)) {
                return Optional.ofNullable(found);
            }
            if (!checksumOk(h)) {
                throw new InvalidArchiveException(entries == 0 ? "not a tar archive" : "damaged tar (bad header checksum)");
            }
            String name = cString(h, 0, 100);
            if (new String(h, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
                String prefix = cString(h, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            if (paxPath != null) {
                name = paxPath;
                paxPath = null;
            }
            char type = (char) h[156];
            long size = numeric(h, 124, 12);
            if (size < 0) {
                throw new InvalidArchiveException("damaged tar (bad size)");
            }
            if (size > MAX_TAR_SCAN_BYTES) {
                // past what is scanned anyway (and (size + 511) must not overflow)
                return Optional.ofNullable(found);
            }
            long padded = (size + 511) / 512 * 512;
            scanned += 512 + padded;
            if (scanned > MAX_TAR_SCAN_BYTES) {
                return Optional.ofNullable(found);
            }
            if (type != 'L' && type != 'x' && type != 'g') {
                checkEntryName(name);
            }
            switch (type) {
                case 'L' -> {
                    longName = cString(readData(in, size, 64 * 1024, "long name"), 0, (int) size);
                    in.skipNBytes(padded - size);
                }
                case 'x' -> {
                    paxPath = paxPath(readData(in, size, 1024 * 1024, "pax header"));
                    in.skipNBytes(padded - size);
                }
                case '0', '\0', '7' -> {
                    if (found == null && isTopLevelPkgInfo(name)) {
                        if (size > MAX_METADATA_BYTES) {
                            throw new InvalidArchiveException("PKG-INFO is " + size + " bytes; at most "
                                    + MAX_METADATA_BYTES + " are accepted");
                        }
                        found = readData(in, size, MAX_METADATA_BYTES, "PKG-INFO");
                        in.skipNBytes(padded - size);
                    } else {
                        in.skipNBytes(padded);
                    }
                }
                default -> in.skipNBytes(padded);
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] readData(InputStream in, long size, int max, String what) throws InvalidArchiveException,
            IOException {
        if (size > max) {
            throw new InvalidArchiveException("tar " + what + " of " + size + " bytes is too large");
        }
        byte[] b = in.readNBytes((int) size);
        if (b.length < size) {
            throw new InvalidArchiveException("damaged tar (truncated " + what + ")");
        }
        return b;
    }

    /** The {@code path} record of a pax extended header ("{len} path={value}\n" records). */
    static String paxPath(byte[] data) throws InvalidArchiveException {
        int i = 0;
        String path = null;
        while (i < data.length) {
            int sp = i;
            while (sp < data.length && data[sp] != ' ') {
                sp++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(data, i, sp - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new InvalidArchiveException("damaged tar (bad pax record)");
            }
            if (len <= sp - i + 1 || i + len > data.length) {
                throw new InvalidArchiveException("damaged tar (bad pax record length)");
            }
            String rec = new String(data, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
            int eq = rec.indexOf('=');
            if (eq > 0 && rec.substring(0, eq).equals("path")) {
                path = rec.substring(eq + 1);
            }
            i += len;
        }
        return path;
    }

    private static boolean checksumOk(byte[] h) {
        long stored;
        try {
            String s = cString(h, 148, 8).trim();
            if (s.isEmpty()) {
                return false;
            }
            stored = Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
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

    private static long numeric(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) {
            // GNU base-256
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
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            return -1;
        }
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

    // ---------------------------------------------------------------------------------------------

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static long le32u(byte[] b, int i) {
        return le32(b, i) & 0xffffffffL;
    }

    private static long le64(byte[] b, int i) {
        return le32u(b, i) | le32u(b, i + 4) << 32;
    }
}
