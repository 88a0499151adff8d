package io.artifactkeeper.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/**
 * Request bodies and archives whose length is known up front and whose bytes are produced while
 * they are read, so that a 100 MiB upload costs a few buffers, not 100 MiB: a file of
 * {@link Generated} bytes, a zip with STORED entries (a wheel, a jar), a tar.gz whose deflate
 * stream is made of stored blocks (an npm tarball), base64 of any of those (npm's publish body),
 * and the concatenation of parts (JSON around the base64, multipart around a wheel).
 */
final class Streamed {
    private Streamed() {
    }

    /** A body: its exact length and a way to read it from the start, as often as needed. */
    record Body(long length, Supplier<InputStream> opener) {
        InputStream open() {
            return opener.get();
        }
    }

    static Body of(byte[] bytes) {
        return new Body(bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    static Body of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    static Body generated(long size, long seed) {
        return new Body(size, () -> Generated.bytes(size, seed));
    }

    /** The parts one after the other; each part is opened only when the previous one is used up. */
    static Body concat(Body... parts) {
        long len = 0;
        for (Body p : parts) {
            len += p.length();
        }
        return new Body(len, () -> new SequenceStream(List.of(parts).iterator()));
    }

    /** The digests of one read of the body; algorithm names as {@link MessageDigest} knows them, plus "CRC32". */
    static Map<String, String> digest(Body body, String... algorithms) {
        try (InputStream in = body.open()) {
            List<MessageDigest> mds = new ArrayList<>();
            CRC32 crc = new CRC32();
            for (String a : algorithms) {
                if (!a.equals("CRC32")) {
                    mds.add(MessageDigest.getInstance(a));
                }
            }
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0;) {
                for (MessageDigest md : mds) {
                    md.update(buf, 0, n);
                }
                crc.update(buf, 0, n);
                total += n;
            }
            if (total != body.length()) {
                throw new IllegalStateException("body declared " + body.length() + " bytes but gave " + total);
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (MessageDigest md : mds) {
                out.put(md.getAlgorithm(), HexFormat.of().formatHex(md.digest()));
            }
            out.put("CRC32", Long.toString(crc.getValue()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // --- zip

    /** One zip entry: its bytes and their CRC-32 (a STORED entry's local header carries it). */
    record ZipPart(String name, Body content, long crc) {
        static ZipPart of(String name, byte[] bytes) {
            CRC32 c = new CRC32();
            c.update(bytes);
            return new ZipPart(name, Streamed.of(bytes), c.getValue());
        }
    }

    /** A zip archive of STORED entries (no zip64: every entry and the whole archive stay below 4 GiB). */
    static Body zip(List<ZipPart> entries) {
        List<Body> parts = new ArrayList<>();
        ByteBuf central = new ByteBuf();
        long offset = 0;
        for (ZipPart e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuf local = new ByteBuf().le32(0x04034b50).le16(10).le16(0x0800).le16(0).le16(0).le16(0x21)
                    .le32(e.crc()).le32(e.content().length()).le32(e.content().length()).le16(name.length).le16(0)
                    .bytes(name);
            central.le32(0x02014b50).le16(0x0314).le16(10).le16(0x0800).le16(0).le16(0).le16(0x21).le32(e.crc())
                    .le32(e.content().length()).le32(e.content().length()).le16(name.length).le16(0).le16(0).le16(0)
                    .le16(0).le32(0100644L << 16).le32(offset).bytes(name);
            parts.add(of(local.toArray()));
            parts.add(e.content());
            offset += local.size() + e.content().length();
        }
        if (offset >= 0xffffffffL) {
            throw new IllegalArgumentException("archive too large for a zip without zip64");
        }
        byte[] cd = central.toArray();
        ByteBuf end = new ByteBuf().le32(0x06054b50).le16(0).le16(0).le16(entries.size()).le16(entries.size())
                .le32(cd.length).le32(offset).le16(0);
        parts.add(of(cd));
        parts.add(of(end.toArray()));
        return concat(parts.toArray(Body[]::new));
    }

    // --- tar.gz

    /** A ustar archive of regular files, mode 0644, mtime 0. */
    static Body tar(Map<String, Body> files) {
        List<Body> parts = new ArrayList<>();
        for (Map.Entry<String, Body> f : files.entrySet()) {
            parts.add(of(tarHeader(f.getKey(), f.getValue().length())));
            parts.add(f.getValue());
            int pad = (int) ((512 - f.getValue().length() % 512) % 512);
            parts.add(of(new byte[pad]));
        }
        parts.add(of(new byte[1024]));
        return concat(parts.toArray(Body[]::new));
    }

    private static byte[] tarHeader(String name, long size) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) {
            throw new IllegalArgumentException("tar name too long: " + name);
        }
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, "00000000000\0");
        put(h, 148, "        ");
        h[156] = '0';
        put(h, 257, "ustar\0" + "00");
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum));
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /**
     * gzip of the body with deflate's stored blocks: a valid .gz of a length known in advance
     * (10 + 5 per 65535-byte block + the body + 8), costing no compression work.
     */
    static Body gzipStored(Body body) {
        long blocks = Math.max(1, (body.length() + 65534) / 65535);
        return new Body(10 + blocks * 5 + body.length() + 8, () -> new GzipStoredStream(body.open(), body.length()));
    }

    // --- base64

    /** Standard base64 with padding, as npm puts a tarball into {@code _attachments.*.data}. */
    static Body base64(Body body) {
        return new Body((body.length() + 2) / 3 * 4, () -> new Base64Stream(body.open()));
    }

    // --- streams

    /** Produces its bytes in chunks from {@link #fill()}; subclasses say what the next chunk is. */
    private abstract static class ChunkStream extends InputStream {
        private byte[] chunk = new byte[0];
        private int pos;
        private boolean done;

        /** The next chunk, or null at the end. */
        abstract byte[] fill() throws IOException;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == chunk.length) {
                if (done) {
                    return -1;
                }
                byte[] next = fill();
                if (next == null) {
                    done = true;
                    return -1;
                }
                chunk = next;
                pos = 0;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static final class SequenceStream extends InputStream {
        private final Iterator<Body> parts;
        private InputStream current;

        SequenceStream(Iterator<Body> parts) {
            this.parts = parts;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (current == null) {
                    if (!parts.hasNext()) {
                        return -1;
                    }
                    current = parts.next().open();
                }
                int n = current.read(b, off, len);
                if (n > 0) {
                    return n;
                }
                current.close();
                current = null;
            }
        }

        @Override
        public void close() throws IOException {
            if (current != null) {
                current.close();
            }
        }
    }

    private static final class GzipStoredStream extends ChunkStream {
        private final InputStream in;
        private final long length;
        private final CRC32 crc = new CRC32();
        private long done;
        private int state; // 0 header, 1 blocks, 2 trailer, 3 end

        GzipStoredStream(InputStream in, long length) {
            this.in = in;
            this.length = length;
        }

        @Override
        byte[] fill() throws IOException {
            switch (state) {
                case 0 -> {
                    state = 1;
                    return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
                }
                case 1 -> {
                    int n = (int) Math.min(65535, length - done);
                    byte[] block = new byte[5 + n];
                    boolean last = done + n == length;
                    block[0] = (byte) (last ? 1 : 0);
                    block[1] = (byte) n;
                    block[2] = (byte) (n >>> 8);
                    block[3] = (byte) ~n;
                    block[4] = (byte) (~n >>> 8);
                    if (in.readNBytes(block, 5, n) != n) {
                        throw new IOException("gzip input shorter than declared");
                    }
                    crc.update(block, 5, n);
                    done += n;
                    if (last) {
                        state = 2;
                    }
                    return block;
                }
                case 2 -> {
                    state = 3;
                    return new ByteBuf().le32(crc.getValue()).le32(length & 0xffffffffL).toArray();
                }
                default -> {
                    return null;
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static final class Base64Stream extends ChunkStream {
        private final InputStream in;
        private final byte[] buf = new byte[3 * 16384];

        Base64Stream(InputStream in) {
            this.in = in;
        }

        @Override
        byte[] fill() throws IOException {
            int n = in.readNBytes(buf, 0, buf.length);
            if (n == 0) {
                return null;
            }
            // every chunk but the last is a multiple of 3 bytes, so only the last one is padded
            return Base64.getEncoder().encode(n == buf.length ? buf : Arrays.copyOf(buf, n));
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Little-endian header bytes. */
    private static final class ByteBuf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        ByteBuf le16(int v) {
            out.write(v);
            out.write(v >>> 8);
            return this;
        }

        ByteBuf le32(long v) {
            for (int i = 0; i < 4; i++) {
                out.write((int) (v >>> (8 * i)));
            }
            return this;
        }

        ByteBuf bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
