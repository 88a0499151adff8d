package io.artifactkeeper.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Module zips for the Go test: proper ones as the go command lays them out
 * ({@code module@version/} prefix, go.mod at the root), and malformed ones written byte by byte
 * where java.util.zip refuses (duplicate names).
 */
final class GoZips {

    private GoZips() {
    }

    /** A zip of {@code files} (path below the module root → text) under {@code module@version/}. */
    static byte[] module(String module, String version, Map<String, String> files) throws IOException {
        return zip(prefixed(module + "@" + version + "/", files));
    }

    static Map<String, String> prefixed(String prefix, Map<String, String> files) {
        Map<String, String> m = new LinkedHashMap<>();
        files.forEach((k, v) -> m.put(prefix + k, v));
        return m;
    }

    /** A zip of exactly these entry names; fixed timestamps, so equal input gives equal bytes. */
    static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setTime(315532800000L + 86_400_000L);
                z.putNextEntry(ze);
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** A zip of one file of {@code size} zero bytes: tiny zipped, huge unpacked. */
    static byte[] bomb(String name, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(9);
            z.putNextEntry(new ZipEntry(name));
            byte[] zeros = new byte[1 << 20];
            for (long n = 0; n < size; n += zeros.length) {
                z.write(zeros, 0, (int) Math.min(zeros.length, size - n));
            }
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /** A stored (uncompressed) zip of these entries in order, names repeated as given. */
    static byte[] raw(List<Map.Entry<String, String>> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream cd = new ByteArrayOutputStream();
        List<Integer> offsets = new ArrayList<>();
        for (Map.Entry<String, String> e : entries) {
            byte[] n = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] d = e.getValue().getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(d);
            offsets.add(out.size());
            ByteBuffer h = le(30 + n.length);
            h.putInt(0x04034b50).putShort((short) 10).putShort((short) 0x0800).putShort((short) 0).putInt(0x00210000)
                    .putInt((int) crc.getValue()).putInt(d.length).putInt(d.length).putShort((short) n.length)
                    .putShort((short) 0).put(n);
            out.writeBytes(h.array());
            out.writeBytes(d);
            ByteBuffer c = le(46 + n.length);
            c.putInt(0x02014b50).putShort((short) 10).putShort((short) 10).putShort((short) 0x0800).putShort((short) 0)
                    .putInt(0x00210000).putInt((int) crc.getValue()).putInt(d.length).putInt(d.length)
                    .putShort((short) n.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt(offsets.get(offsets.size() - 1)).put(n);
            cd.writeBytes(c.array());
        }
        int start = out.size();
        out.writeBytes(cd.toByteArray());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(cd.size()).putInt(start).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
