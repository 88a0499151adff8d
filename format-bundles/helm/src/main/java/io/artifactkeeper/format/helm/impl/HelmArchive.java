package io.artifactkeeper.format.helm.impl;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a chart archive (gzip-compressed tar) as a stream and finds its {@code Chart.yaml}: the
 * file directly below the archive's top folder. Bounded everywhere: the decompressed size (gzip
 * bombs), each file, the {@code Chart.yaml} itself, and names with {@code ..} or an absolute path
 * are refused, as Helm's own loader refuses them. Nothing is held but {@code Chart.yaml}.
 */
final class HelmArchive {
    /** Helm's own default limits (helm 3.17: MaxDecompressedChartSize, MaxDecompressedFileSize). */
    static final long MAX_DECOMPRESSED_BYTES = 100L * 1024 * 1024;
    static final long MAX_FILE_BYTES = 5L * 1024 * 1024;
    static final int MAX_CHART_YAML_BYTES = 1024 * 1024;
    private static final int MAX_META_BYTES = 64 * 1024;
    private static final int BLOCK = 512;

    /** The archive cannot be a chart; the message says why (answered with 400). */
    static final class BadChartException extends IOException {
        private static final long serialVersionUID = 1L;

        BadChartException(String message) {
            super(message);
        }
    }

    private HelmArchive() {
    }

    /**
     * The bytes of {@code Chart.yaml}. With {@code scanAll} every entry is checked (names, sizes)
     * to the end of the archive; without, reading stops at {@code Chart.yaml}.
     */
    static byte[] chartYaml(InputStream raw, boolean scanAll) throws IOException {
        InputStream tar;
        try {
            tar = new Bounded(new GZIPInputStream(raw, 8192), MAX_DECOMPRESSED_BYTES);
        } catch (ZipException | EOFException e) {
            throw new BadChartException("a chart must be a gzip-compressed tar archive (.tgz)");
        }
        try {
            return scan(tar, scanAll);
        } catch (ZipException e) {
            throw new BadChartException("corrupt gzip data in the chart archive: " + e.getMessage());
        } catch (EOFException e) {
            throw new BadChartException("the chart archive is truncated");
        }
    }

    private static byte[] scan(InputStream tar, boolean scanAll) throws IOException {
        byte[] header = new byte[BLOCK];
        byte[] chartYaml = null;
        String longName = null;
        String paxPath = null;
        int entries = 0;
        while (true) {
            if (!readBlock(tar, header)) {
                // helm's own archives always end with the two zero blocks, but a plain EOF after a whole entry is tolerated
                break;
            }
            if (isZero(header)) {
                break;
            }
            if (!checksumOk(header)) {
                throw new BadChartException(entries == 0 ? "the chart archive is not a tar archive"
                        : "corrupt tar header in the chart archive");
            }
            entries++;
            char type = (char) header[156];
            long size = size(header);
            if (size < 0) {
                throw new BadChartException("corrupt tar header in the chart archive");
            }
            switch (type) {
                case 'x' -> {
                    paxPath = paxPath(readSmall(tar, size, "pax header"));
                    continue;
                }
                case 'g' -> {
                    skip(tar, size);
                    continue;
                }
                case 'L' -> {
                    byte[] n = readSmall(tar, size, "long name");
                    longName = cString(n, 0, n.length);
                    continue;
                }
                case 'K' -> {
                    readSmall(tar, size, "long link name");
                    continue;
                }
                default -> {
                    // an entry
                }
            }
            String name = paxPath != null ? paxPath : longName != null ? longName : ustarName(header);
            paxPath = null;
            longName = null;
            String clean = checkName(name);
            boolean regular = type == '0' || type == '\0' || type == '7';
            if (regular && size > MAX_FILE_BYTES) {
                throw new BadChartException("file " + clean + " in the chart is larger than " + MAX_FILE_BYTES + " bytes");
            }
            int slash = clean.indexOf('/');
            boolean isChartYaml = regular && slash > 0 && clean.substring(slash + 1).equals("Chart.yaml");
            if (isChartYaml && chartYaml == null) {
                if (size > MAX_CHART_YAML_BYTES) {
                    throw new BadChartException("Chart.yaml is larger than " + MAX_CHART_YAML_BYTES + " bytes");
                }
                chartYaml = tar.readNBytes((int) size);
                if (chartYaml.length < size) {
                    throw new EOFException();
                }
                skip(tar, pad(size));
                if (!scanAll) {
                    return chartYaml;
                }
            } else {
                skip(tar, size + pad(size));
            }
        }
        if (entries == 0) {
            throw new BadChartException("the chart archive is empty");
        }
        if (chartYaml == null) {
            throw new BadChartException("the archive has no Chart.yaml in its top folder: it is not a Helm chart");
        }
        return chartYaml;
    }

    /** The entry name, normalized; {@code ..}, absolute and odd names are refused. */
    static String checkName(String name) throws BadChartException {
        if (name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
            throw new BadChartException("illegal file name in the chart archive: " + printable(name));
        }
        if (name.startsWith("/") || (name.length() > 1 && name.charAt(1) == ':')) {
            throw new BadChartException("absolute file name in the chart archive: " + printable(name));
        }
        StringBuilder sb = new StringBuilder();
        for (String seg : name.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                throw new BadChartException("file name in the chart archive leaves the chart: " + printable(name));
            }
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(seg);
        }
        if (sb.isEmpty()) {
            throw new BadChartException("illegal file name in the chart archive: " + printable(name));
        }
        return sb.toString();
    }

    private static String printable(String s) {
        String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException();
        }
        return true;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean checksumOk(byte[] h) {
        long stored = octal(h, 148, 8);
        if (stored < 0) {
            return false;
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        return sum == stored;
    }

    private static long size(byte[] h) {
        if ((h[124] & 0x80) != 0) {
            // GNU base-256: only plausible sizes fit in the remaining bytes
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (h[i] & 0xff);
                if (v > MAX_DECOMPRESSED_BYTES) {
                    return Long.MAX_VALUE / 2;
                }
            }
            return v;
        }
        return octal(h, 124, 12);
    }

    private static long octal(byte[] h, int off, int len) {
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        boolean any = false;
        for (; i < end; i++) {
            byte c = h[i];
            if (c == 0 || c == ' ') {
                break;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            v = v * 8 + (c - '0');
            any = true;
        }
        return any ? v : 0;
    }

    private static String ustarName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        if (ustar && h[345] != 0) {
            return cString(h, 345, 155) + "/" + name;
        }
        return name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long pad(long size) {
        long r = size % BLOCK;
        return r == 0 ? 0 : BLOCK - r;
    }

    private static byte[] readSmall(InputStream in, long size, String what) throws IOException {
        if (size > MAX_META_BYTES) {
            throw new BadChartException("tar " + what + " larger than " + MAX_META_BYTES + " bytes");
        }
        byte[] b = in.readNBytes((int) size);
        if (b.length < size) {
            throw new EOFException();
        }
        skip(in, pad(size));
        return b;
    }

    /** The {@code path} record of a pax extended header ("LEN path=VALUE\n" records). */
    static String paxPath(byte[] pax) throws BadChartException {
        int i = 0;
        String path = null;
        while (i < pax.length) {
            int sp = i;
            while (sp < pax.length && pax[sp] != ' ') {
                sp++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(pax, i, sp - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new BadChartException("corrupt pax header in the chart archive");
            }
            if (len <= sp - i + 1 || i + len > pax.length) {
                throw new BadChartException("corrupt pax header in the chart archive");
            }
            String rec = new String(pax, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
            int eq = rec.indexOf('=');
            if (eq > 0 && rec.substring(0, eq).equals("path")) {
                path = rec.substring(eq + 1);
            }
            i += len;
        }
        return path;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                s = 1;
            }
            left -= s;
        }
    }

    /** Fails once more than {@code limit} decompressed bytes were read. */
    private static final class Bounded extends FilterInputStream {
        private final long limit;
        private long count;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        private void add(long n) throws BadChartException {
            count += n;
            if (count > limit) {
                throw new BadChartException("the chart archive unpacks to more than " + limit + " bytes");
            }
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                add(1);
            }
            return c;
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
            // read instead of skip so that the bound counts what is skipped
            byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
            int r = read(buf, 0, (int) Math.min(buf.length, n));
            return Math.max(r, 0);
        }
    }

    /** Records what is read from the wrapped stream, up to a limit, so that it can be replayed. */
    static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final int limit;

        Recording(InputStream in, int limit) {
            super(in);
            this.limit = limit;
        }

        private void check() throws IOException {
            if (seen.size() > limit) {
                throw new PrefixExhaustedException();
            }
        }

        @Override
        public int read() throws IOException {
            check();
            int c = super.read();
            if (c >= 0) {
                seen.write(c);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            int n = super.read(b, off, Math.min(len, 8192));
            if (n > 0) {
                seen.write(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
            int r = read(buf, 0, (int) Math.min(buf.length, n));
            return Math.max(r, 0);
        }

        @Override
        public void close() {
            // the caller keeps reading the original stream
        }

        byte[] recorded() {
            return seen.toByteArray();
        }
    }

    /** Chart.yaml was not within the recorded prefix. */
    static final class PrefixExhaustedException extends IOException {
        private static final long serialVersionUID = 1L;

        PrefixExhaustedException() {
            super("prefix exhausted");
        }
    }
}
