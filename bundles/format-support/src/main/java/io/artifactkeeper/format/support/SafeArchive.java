package io.artifactkeeper.format.support;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Reads archives that clients upload (npm tarballs, crates, Helm charts, sdists, wheels, Go module
 * zips) with Apache Commons Compress, within limits, so that no format writes its own tar or zip
 * reader and every one refuses the same hostile input the same way:
 * <ul>
 * <li>entry names: absolute, drive-lettered, backslashed, NUL-bearing or {@code ..}-climbing names
 * ("zip slip", "tar slip") are refused, and so are links whose target would climb out;</li>
 * <li>bombs: the bytes unpacked in total, per entry, and per compressed byte are bounded, counted as
 * they are read (declared sizes are not trusted);</li>
 * <li>entry count and name length are bounded;</li>
 * <li>a damaged archive (bad tar checksum, truncated data, a zip without a central directory) is
 * refused, never a 500.</li>
 * </ul>
 * Every refusal is an {@link ArchiveException} whose message says what was wrong; formats answer it
 * as their own 400.
 */
public final class SafeArchive {
    /**
     * Zip compression methods read here: stored, deflated, deflate64 and bzip2, which Commons Compress
     * decodes by itself. It also offers zstd and xz through optional libraries that the runtime does not
     * deploy: asking for them failed with NoClassDefFoundError (found by PypiFuzzTest#sdistZip).
     */
    private static final java.util.Set<Integer> READABLE_ZIP_METHODS = java.util.Set.of(0, 8, 9, 12);

    private SafeArchive() {
    }

    /** The archive is not one, is damaged, or is hostile. */
    public static final class ArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        public ArchiveException(String message) {
            super(message);
        }
    }

    /**
     * Limits of one read.
     *
     * @param maxEntries entries (directories and links included)
     * @param maxEntryBytes unpacked bytes of one entry
     * @param maxTotalBytes unpacked bytes of the whole archive (tar padding and headers included for
     *     tar, file contents for zip)
     * @param maxRatio unpacked bytes per compressed byte, checked once 1 MiB is unpacked (0: unchecked)
     * @param maxNameLength characters of an entry name
     * @param allowLinks whether symbolic and hard links may appear (their targets are checked)
     */
    public record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes, long maxRatio, int maxNameLength,
            boolean allowLinks) {
        /** 100,000 entries, 1 GiB each and 4 GiB in all, 200:1, 4,096-character names, links allowed. */
        public static Limits defaults() {
            return new Limits(100_000, 1L << 30, 4L << 30, 200, 4096, true);
        }

        public Limits withMaxTotalBytes(long n) {
            return new Limits(maxEntries, maxEntryBytes, n, maxRatio, maxNameLength, allowLinks);
        }

        public Limits withMaxEntryBytes(long n) {
            return new Limits(maxEntries, n, maxTotalBytes, maxRatio, maxNameLength, allowLinks);
        }

        public Limits withMaxEntries(int n) {
            return new Limits(n, maxEntryBytes, maxTotalBytes, maxRatio, maxNameLength, allowLinks);
        }

        public Limits withMaxRatio(long n) {
            return new Limits(maxEntries, maxEntryBytes, maxTotalBytes, n, maxNameLength, allowLinks);
        }

        public Limits withoutLinks() {
            return new Limits(maxEntries, maxEntryBytes, maxTotalBytes, maxRatio, maxNameLength, false);
        }
    }

    /** One entry as the visitor sees it. */
    public record Entry(String name, long size, Type type, String linkTarget) {
        public boolean isFile() {
            return type == Type.FILE;
        }

        public boolean isDirectory() {
            return type == Type.DIRECTORY;
        }
    }

    public enum Type {
        FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER
    }

    /** Sees each entry in order; {@code content} is bounded by the limits and valid until it returns. */
    @FunctionalInterface
    public interface Visitor {
        /** Returns false to stop reading (the rest of the archive is not checked). */
        boolean visit(Entry entry, InputStream content) throws IOException;
    }

    /** Reads a gzip-compressed tar ({@code .tgz}, {@code .tar.gz}, {@code .crate}) from {@code raw}. */
    public static void tarGz(InputStream raw, Limits limits, Visitor visitor) throws IOException {
        Counting compressed = new Counting(raw, Long.MAX_VALUE, null);
        InputStream gz;
        try {
            // the JDK's reader (concatenated members too): it skips the optional FEXTRA field by its length,
            // where Commons Compress parses it as RFC 1952 subfields and refuses every archive `helm package`
            // writes (Go's gzip writer puts Helm's raw "+aHR0...=Helm" bytes there)
            gz = new GZIPInputStream(new BufferedInputStream(compressed, 65536), 65536);
        } catch (IOException e) {
            throw new ArchiveException("not gzip-compressed");
        }
        tarOf(new Counting(gz, limits.maxTotalBytes(), new RatioCheck(compressed, limits.maxRatio())), limits,
                visitor, true);
    }

    /** Reads an uncompressed tar from {@code raw}. */
    public static void tar(InputStream raw, Limits limits, Visitor visitor) throws IOException {
        tarOf(new Counting(raw, limits.maxTotalBytes(), null), limits, visitor, false);
    }

    private static void tarOf(Counting in, Limits limits, Visitor visitor, boolean gzipped) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        int entries = 0;
        try {
            TarArchiveEntry e;
            while ((e = nextTar(tar, entries, gzipped)) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new ArchiveException("more than " + limits.maxEntries() + " entries");
                }
                String name = checkName(e.getName(), limits);
                Type type = e.isDirectory() ? Type.DIRECTORY : e.isSymbolicLink() ? Type.SYMLINK
                        : e.isLink() ? Type.HARDLINK : e.isFile() ? Type.FILE : Type.OTHER;
                String link = null;
                if (type == Type.SYMLINK || type == Type.HARDLINK) {
                    if (!limits.allowLinks()) {
                        throw new ArchiveException("entry " + printable(name) + " is a link; links are not allowed");
                    }
                    link = checkLink(name, e.getLinkName(), type == Type.HARDLINK);
                }
                if (e.getSize() < 0 || e.getSize() > limits.maxEntryBytes()) {
                    throw new ArchiveException("entry " + printable(name) + " is larger than "
                            + limits.maxEntryBytes() + " bytes");
                }
                InputStream content = new Counting(new NoClose(tar), limits.maxEntryBytes(), null);
                if (!visitor.visit(new Entry(name, e.getSize(), type, link), content)) {
                    return;
                }
            }
            // after the end-of-archive blocks: read to the end, so that gzip's trailer (CRC-32 and length)
            // is checked and a damaged archive is refused even when every entry read fine (bounded, counted)
            byte[] rest = new byte[8192];
            while (in.read(rest) >= 0) {
                // discard
            }
        } catch (ArchiveException ae) {
            throw ae;
        } catch (java.io.EOFException eof) {
            throw new ArchiveException("truncated archive");
        } catch (IOException | RuntimeException io) {
            if (io instanceof IOException && in.limitExceeded) {
                throw new ArchiveException("archive unpacks to more than " + limits.maxTotalBytes() + " bytes");
            }
            throw new ArchiveException("damaged archive (" + printable(String.valueOf(io.getMessage())) + ")");
        }
    }

    private static TarArchiveEntry nextTar(TarArchiveInputStream tar, int index, boolean gzipped) throws IOException {
        TarArchiveEntry e;
        try {
            e = tar.getNextEntry();
        } catch (IllegalArgumentException bad) {
            throw new ArchiveException("damaged tar header (" + printable(String.valueOf(bad.getMessage())) + ")");
        } catch (IOException bad) {
            if (bad instanceof ArchiveException) {
                throw bad;
            }
            throw new ArchiveException(index == 0 ? (gzipped ? "not a gzip-compressed tar archive" : "not a tar archive")
                    : "damaged tar header (" + printable(String.valueOf(bad.getMessage())) + ")");
        }
        if (e != null && !e.isCheckSumOK()) {
            throw new ArchiveException(index == 0 ? "not a tar archive" : "damaged tar header (bad checksum)");
        }
        return e;
    }

    /**
     * Reads a zip through its central directory from {@code channel} (the authority, as pip, go and the
     * JDK read it); local headers that disagree with it are refused.
     */
    public static void zip(SeekableByteChannel channel, Limits limits, Visitor visitor) throws IOException {
        ZipFile zip;
        try {
            zip = ZipFile.builder().setSeekableByteChannel(channel).setIgnoreLocalFileHeader(false).get();
        } catch (IOException | RuntimeException e) {
            throw new ArchiveException("not a zip archive (" + printable(String.valueOf(e.getMessage())) + ")");
        }
        try (zip) {
            List<ZipArchiveEntry> all = new ArrayList<>();
            Enumeration<ZipArchiveEntry> en = zip.getEntriesInPhysicalOrder();
            while (en.hasMoreElements()) {
                all.add(en.nextElement());
                if (all.size() > limits.maxEntries()) {
                    throw new ArchiveException("more than " + limits.maxEntries() + " entries");
                }
            }
            long total = 0;
            for (ZipArchiveEntry e : all) {
                String name = checkName(e.getName(), limits);
                Type type = e.isDirectory() ? Type.DIRECTORY : e.isUnixSymlink() ? Type.SYMLINK : Type.FILE;
                if (type == Type.SYMLINK && !limits.allowLinks()) {
                    throw new ArchiveException("entry " + printable(name) + " is a link; links are not allowed");
                }
                long declared = e.getSize();
                if (declared > limits.maxEntryBytes()) {
                    throw new ArchiveException("entry " + printable(name) + " is larger than "
                            + limits.maxEntryBytes() + " bytes");
                }
                if (type == Type.DIRECTORY) {
                    if (!visitor.visit(new Entry(name, 0, type, null), InputStream.nullInputStream())) {
                        return;
                    }
                    continue;
                }
                long budget = Math.min(limits.maxEntryBytes(), limits.maxTotalBytes() - total);
                Counting content;
                // Commons Compress does not check an entry's CRC-32: counted here as the bytes pass
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                try {
                    if (!READABLE_ZIP_METHODS.contains(e.getMethod()) || !zip.canReadEntryData(e)) {
                        throw new ArchiveException("entry " + printable(name) + " uses an unsupported compression"
                                + " (method " + e.getMethod() + ")");
                    }
                    content = new Counting(new java.util.zip.CheckedInputStream(zip.getInputStream(e), crc), budget,
                            new RatioCheck(Math.max(1, e.getCompressedSize()), limits.maxRatio()));
                } catch (ArchiveException ae) {
                    throw ae;
                } catch (IOException | RuntimeException bad) {
                    throw new ArchiveException("damaged entry " + printable(name) + " ("
                            + printable(String.valueOf(bad.getMessage())) + ")");
                }
                try (content) {
                    String link = null;
                    if (type == Type.SYMLINK) {
                        // a zip symlink's target is its content: read inside the guard, it may be damaged too
                        link = checkLink(name, new String(content.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8),
                                false);
                    }
                    if (!visitor.visit(new Entry(name, declared, type, link), content)) {
                        return;
                    }
                    content.transferTo(OutputStreamSink.INSTANCE);
                } catch (ArchiveException ae) {
                    throw ae;
                } catch (IOException | RuntimeException bad) {
                    if (content.limitExceeded) {
                        throw new ArchiveException(total + content.count > limits.maxTotalBytes()
                                ? "archive unpacks to more than " + limits.maxTotalBytes() + " bytes"
                                : "entry " + printable(name) + " unpacks to more than " + budget + " bytes");
                    }
                    throw new ArchiveException("damaged entry " + printable(name) + " ("
                            + printable(String.valueOf(bad.getMessage())) + ")");
                }
                if (declared >= 0 && content.count != declared) {
                    throw new ArchiveException("entry " + printable(name) + " holds " + content.count
                            + " bytes where the directory says " + declared);
                }
                if (e.getCrc() >= 0 && crc.getValue() != e.getCrc()) {
                    throw new ArchiveException("damaged entry " + printable(name) + " (its CRC-32 is not the one the "
                            + "directory says)");
                }
                total += content.count;
            }
        }
    }

    /**
     * {@code name} when it is safe to unpack: relative, no drive letter, no backslash, no NUL or other
     * control character, no {@code ..} segment, within the name length. A leading {@code ./} is
     * dropped.
     */
    public static String checkName(String name, Limits limits) throws ArchiveException {
        if (name == null || name.isEmpty()) {
            throw new ArchiveException("an entry has an empty name");
        }
        if (name.length() > limits.maxNameLength()) {
            throw new ArchiveException("an entry name is longer than " + limits.maxNameLength() + " characters");
        }
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (unsafe(n)) {
            throw new ArchiveException("unsafe entry name " + printable(name)
                    + " (absolute, drive letter, backslash, control character or '..')");
        }
        return n;
    }

    /** Whether {@code name} would land outside the folder an archive is unpacked into. */
    public static boolean unsafe(String name) {
        if (name.startsWith("/") || name.indexOf('\\') >= 0) {
            return true;
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
            return true;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < 0x20 || name.charAt(i) == 0x7f) {
                return true;
            }
        }
        for (String seg : name.split("/", -1)) {
            if (seg.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** A link's target, refused when it is absolute or climbs above the archive's root from {@code name}. */
    private static String checkLink(String name, String target, boolean hard) throws ArchiveException {
        if (target == null || target.isEmpty()) {
            throw new ArchiveException("link " + printable(name) + " has no target");
        }
        if (target.startsWith("/") || target.indexOf('\\') >= 0
                || (target.length() >= 2 && target.charAt(1) == ':')) {
            throw new ArchiveException("link " + printable(name) + " points outside the archive");
        }
        // a hard link's target is relative to the archive root; a symbolic link's to its own folder
        int depth = 0;
        if (!hard) {
            for (int i = 0; i < name.length(); i++) {
                if (name.charAt(i) == '/') {
                    depth++;
                }
            }
            if (name.endsWith("/")) {
                depth--;
            }
        }
        for (String seg : target.split("/")) {
            if (seg.equals("..")) {
                if (--depth < 0) {
                    throw new ArchiveException("link " + printable(name) + " points outside the archive");
                }
            } else if (!seg.isEmpty() && !seg.equals(".")) {
                depth++;
            }
        }
        return target;
    }

    /** {@code s} with control characters escaped and cut to 200 characters, for messages. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return s.length() > 200 ? sb + "..." : sb.toString();
    }

    /** Fails the read once more than {@code ratio} bytes were unpacked per compressed byte. */
    private static final class RatioCheck {
        private final Counting compressed;
        private final long fixedCompressed;
        private final long ratio;

        RatioCheck(Counting compressed, long ratio) {
            this.compressed = compressed;
            this.fixedCompressed = -1;
            this.ratio = ratio;
        }

        RatioCheck(long compressedSize, long ratio) {
            this.compressed = null;
            this.fixedCompressed = compressedSize;
            this.ratio = ratio;
        }

        void check(long unpacked) throws ArchiveException {
            if (ratio <= 0 || unpacked < (1 << 20)) {
                return;
            }
            long c = compressed != null ? Math.max(1, compressed.count) : fixedCompressed;
            if (unpacked / c > ratio) {
                throw new ArchiveException("archive expands more than " + ratio + " times (a compression bomb?)");
            }
        }
    }

    /** Counts what passes and fails past a limit. */
    private static final class Counting extends FilterInputStream {
        private final long limit;
        private final RatioCheck ratio;
        long count;
        boolean limitExceeded;

        Counting(InputStream in, long limit, RatioCheck ratio) {
            super(in);
            this.limit = limit;
            this.ratio = ratio;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read through: a skip must count (and be bounded) like a read
            byte[] buf = new byte[8192];
            long left = n;
            while (left > 0) {
                int r = read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    break;
                }
                left -= r;
            }
            return n - left;
        }

        private void add(int n) throws IOException {
            count += n;
            if (count > limit) {
                limitExceeded = true;
                throw new ArchiveException("more than " + limit + " bytes unpacked");
            }
            if (ratio != null) {
                ratio.check(count);
            }
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /** Leaves the archive stream open when a visitor closes an entry's content. */
    private static final class NoClose extends FilterInputStream {
        NoClose(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }

    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
