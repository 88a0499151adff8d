package io.artifactkeeper.format.cargo.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Checks that a .crate is what {@code cargo package} makes: a gzipped tar whose every entry lies
 * under {@code {name}-{version}/} and that holds {@code {name}-{version}/Cargo.toml}. Read as a
 * stream, entry by entry; file contents are skipped, not kept.
 */
final class CargoCrateArchive {
    private static final int BLOCK = 512;
    /** Long names (GNU 'L', PAX 'x' records) are small; anything bigger is not a crate. */
    private static final int MAX_META = 64 * 1024;

    private CargoCrateArchive() {
    }

    /** Why the archive is not a crate of {@code name} {@code version}, or null when it is. */
    static String problem(InputStream raw, String name, String version) throws IOException {
        String root = name + "-" + version + "/";
        boolean manifest = false;
        int entries = 0;
        try (InputStream in = new GZIPInputStream(raw, 64 * 1024)) {
            byte[] h = new byte[BLOCK];
            String longName = null;
            while (true) {
                if (in.readNBytes(h, 0, BLOCK) < BLOCK) {
                    return entries == 0 ? "the .crate is not a tar archive" : "the .crate's tar archive is truncated";
                }
                if (allZero(h)) {
                    break;
                }
                if (!checksumOk(h)) {
                    return "the .crate is not a tar archive (bad header checksum)";
                }
                long size = octal(h, 124, 12);
                if (size < 0) {
                    return "the .crate's tar archive has a malformed entry size";
                }
                char type = (char) h[156];
                if (type == 'L' || type == 'x') {
                    if (size > MAX_META) {
                        return "the .crate's tar archive has an oversized header record";
                    }
                    byte[] data = in.readNBytes((int) size);
                    skip(in, pad(size));
                    if (data.length < size) {
                        return "the .crate's tar archive is truncated";
                    }
                    String s = type == 'L' ? cstring(data, 0, data.length) : paxPath(data);
                    if (s != null) {
                        longName = s;
                    }
                    continue;
                }
                if (type == 'g') {
                    skip(in, size + pad(size));
                    continue;
                }
                String path = longName != null ? longName : headerName(h);
                longName = null;
                entries++;
                if (!path.startsWith(root) && !path.equals(root.substring(0, root.length() - 1))) {
                    return "the .crate holds `" + path + "`, outside `" + root + "`";
                }
                for (String seg : path.split("/")) {
                    if (seg.equals("..")) {
                        return "the .crate holds a path with `..`: " + path;
                    }
                }
                if (path.equals(root + "Cargo.toml")) {
                    manifest = true;
                }
                // links and directories carry no data
                long data = type == '1' || type == '2' || type == '5' ? 0 : size;
                if (skip(in, data + pad(data)) < data + pad(data)) {
                    return "the .crate's tar archive is truncated";
                }
            }
        } catch (ZipException e) {
            return "the .crate is not gzip-compressed (" + e.getMessage() + ")";
        } catch (java.io.EOFException e) {
            return "the .crate's gzip stream is truncated";
        }
        return manifest ? null : "the .crate has no `" + root + "Cargo.toml`";
    }

    private static long pad(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static long skip(InputStream in, long n) throws IOException {
        long left = n;
        byte[] buf = new byte[8192];
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean checksumOk(byte[] h) {
        long want = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        return want == sum;
    }

    private static long octal(byte[] b, int off, int len) {
        long v = 0;
        boolean any = false;
        for (int i = off; i < off + len; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') {
                if (any) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            v = v * 8 + (c - '0');
            any = true;
        }
        return v;
    }

    private static String headerName(byte[] h) {
        String name = cstring(h, 0, 100);
        // ustar: a prefix in 345..500
        if (h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r' && h[262] == 0) {
            String prefix = cstring(h, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        return name;
    }

    private static String cstring(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** The {@code path} of a PAX extended header ("LEN path=VALUE\n" records). */
    private static String paxPath(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        int i = 0;
        while (i < s.length()) {
            int sp = s.indexOf(' ', i);
            if (sp < 0) {
                return null;
            }
            int len;
            try {
                len = Integer.parseInt(s.substring(i, sp));
            } catch (NumberFormatException e) {
                return null;
            }
            if (len <= 0 || i + len > s.length()) {
                return null;
            }
            String rec = s.substring(sp + 1, i + len - 1);
            if (rec.startsWith("path=")) {
                return rec.substring(5);
            }
            i += len;
        }
        return null;
    }
}
