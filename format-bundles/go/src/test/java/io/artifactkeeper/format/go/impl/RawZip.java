package io.artifactkeeper.format.go.impl;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip files byte by byte, so that tests can make the ones java.util.zip refuses to write
 * (duplicate names, sizes that lie).
 */
final class RawZip {
    private record Entry(String name, byte[] stored, int method, long crc, long declaredSize, int offset) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Entry> entries = new ArrayList<>();

    RawZip add(String name, String text) {
        return add(name, text.getBytes(StandardCharsets.UTF_8));
    }

    RawZip add(String name, byte[] data) {
        return add(name, data, data.length);
    }

    /** A deflated entry that declares {@code declaredSize} as its uncompressed size. */
    RawZip add(String name, byte[] data, long declaredSize) {
        Deflater d = new Deflater(9, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            c.write(buf, 0, d.deflate(buf));
        }
        d.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        Entry e = new Entry(name, c.toByteArray(), 8, crc.getValue(), declaredSize, out.size());
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer h = le(30 + n.length);
        h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800).putShort((short) 8).putShort((short) 0)
                .putShort((short) 0x21).putInt((int) e.crc).putInt(e.stored.length).putInt((int) declaredSize)
                .putShort((short) n.length).putShort((short) 0).put(n);
        out.writeBytes(h.array());
        out.writeBytes(e.stored);
        entries.add(e);
        return this;
    }

    byte[] bytes() {
        int cdStart = out.size();
        for (Entry e : entries) {
            byte[] n = e.name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer h = le(46 + n.length);
            h.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0x0800).putShort((short) e.method)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc).putInt(e.stored.length)
                    .putInt((int) e.declaredSize).putShort((short) n.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(e.offset).put(n);
            out.writeBytes(h.array());
        }
        int cdSize = out.size() - cdStart;
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(cdSize).putInt(cdStart).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
