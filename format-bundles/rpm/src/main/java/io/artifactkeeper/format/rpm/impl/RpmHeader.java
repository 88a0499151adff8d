package io.artifactkeeper.format.rpm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One header structure of an RPM file (the signature header or the main header): magic
 * {@code 8E AD E8 01}, four reserved bytes, the number of index entries and the size of the data
 * store (big-endian 32-bit), then the index entries (tag, type, offset, count: 16 bytes each) and the
 * data store. Every count and offset is checked against the data store before anything is read or
 * allocated, so a hostile header can neither allocate more than it brings nor loop.
 */
final class RpmHeader {
    static final int TYPE_NULL = 0;
    static final int TYPE_CHAR = 1;
    static final int TYPE_INT8 = 2;
    static final int TYPE_INT16 = 3;
    static final int TYPE_INT32 = 4;
    static final int TYPE_INT64 = 5;
    static final int TYPE_STRING = 6;
    static final int TYPE_BIN = 7;
    static final int TYPE_STRING_ARRAY = 8;
    static final int TYPE_I18NSTRING = 9;

    private static final byte[] MAGIC = {(byte) 0x8E, (byte) 0xAD, (byte) 0xE8, 0x01};

    /** One index entry, checked: its elements lie inside the data store. */
    record Entry(int tag, int type, int offset, int count, int end) {
    }

    private final Map<Integer, Entry> entries;
    private final byte[] data;
    /** Bytes of the whole structure: 16 + 16 * entries + data store. */
    private final long size;

    private RpmHeader(Map<Integer, Entry> entries, byte[] data, long size) {
        this.entries = entries;
        this.data = data;
        this.size = size;
    }

    long size() {
        return size;
    }

    /** The checked index entries, by tag. */
    java.util.Collection<Entry> entries() {
        return entries.values();
    }

    /** The bytes of an entry's elements, as in the data store. */
    byte[] raw(Entry e) {
        return java.util.Arrays.copyOfRange(data, e.offset(), e.end());
    }

    boolean has(int tag) {
        return entries.containsKey(tag);
    }

    /**
     * Reads one header from {@code in}, which is positioned at its magic.
     *
     * @param maxEntries the most index entries accepted
     * @param maxData the largest data store accepted
     */
    static RpmHeader read(InputStream in, String what, int maxEntries, int maxData) throws IOException {
        byte[] intro = readExactly(in, 16, what);
        for (int i = 0; i < 4; i++) {
            if (intro[i] != MAGIC[i]) {
                throw new RpmFormatException(what + ": bad header magic");
            }
        }
        long count = u32(intro, 8);
        long dataSize = u32(intro, 12);
        if (count < 1 || count > maxEntries) {
            throw new RpmFormatException(what + ": " + count + " index entries (1 to " + maxEntries + " accepted)");
        }
        if (dataSize > maxData) {
            throw new RpmFormatException(what + ": a data store of " + dataSize + " bytes (at most " + maxData + ")");
        }
        int n = (int) count;
        int dsize = (int) dataSize;
        byte[] index = readExactly(in, n * 16, what);
        byte[] data = readExactly(in, dsize, what);
        Map<Integer, Entry> entries = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int at = i * 16;
            long tag = u32(index, at);
            long type = u32(index, at + 4);
            long offset = u32(index, at + 8);
            long cnt = u32(index, at + 12);
            if (type > TYPE_I18NSTRING) {
                throw new RpmFormatException(what + ": tag " + tag + " has unknown type " + type);
            }
            if (offset > dsize) {
                throw new RpmFormatException(what + ": tag " + tag + " points past the data store");
            }
            if (cnt < 1 && type != TYPE_NULL) {
                throw new RpmFormatException(what + ": tag " + tag + " has no elements");
            }
            if (cnt > dsize + 1L) {
                throw new RpmFormatException(what + ": tag " + tag + " claims " + cnt + " elements");
            }
            int end = end(what, (int) tag, (int) type, (int) offset, (int) cnt, data);
            entries.putIfAbsent((int) tag, new Entry((int) tag, (int) type, (int) offset, (int) cnt, end));
        }
        return new RpmHeader(Map.copyOf(entries), data, 16L + n * 16L + dsize);
    }

    /** Where an entry's elements end in the data store; refuses one that runs past it. */
    private static int end(String what, int tag, int type, int offset, int count, byte[] data) {
        long end = switch (type) {
            case TYPE_NULL -> offset;
            case TYPE_CHAR, TYPE_INT8, TYPE_BIN -> (long) offset + count;
            case TYPE_INT16 -> (long) offset + 2L * count;
            case TYPE_INT32 -> (long) offset + 4L * count;
            case TYPE_INT64 -> (long) offset + 8L * count;
            case TYPE_STRING -> {
                if (count != 1) {
                    throw new RpmFormatException(what + ": string tag " + tag + " has " + count + " elements");
                }
                yield stringsEnd(what, tag, data, offset, 1);
            }
            default -> stringsEnd(what, tag, data, offset, count);
        };
        if (end > data.length) {
            throw new RpmFormatException(what + ": tag " + tag + " runs past the data store");
        }
        return (int) end;
    }

    /** The end of {@code count} NUL-terminated strings from {@code offset}: one pass, bounded by the store. */
    private static long stringsEnd(String what, int tag, byte[] data, int offset, int count) {
        int at = offset;
        for (int i = 0; i < count; i++) {
            while (at < data.length && data[at] != 0) {
                at++;
            }
            if (at >= data.length) {
                throw new RpmFormatException(what + ": string tag " + tag + " is not terminated");
            }
            at++;
        }
        return at;
    }

    /** A string tag (the first element of an array or an i18n string); null when absent. */
    String string(int tag) {
        List<String> all = strings(tag);
        return all.isEmpty() ? null : all.get(0);
    }

    /** The elements of a string, string array or i18n string tag; empty when absent or of another type. */
    List<String> strings(int tag) {
        Entry e = entries.get(tag);
        if (e == null || !(e.type == TYPE_STRING || e.type == TYPE_STRING_ARRAY || e.type == TYPE_I18NSTRING)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(Math.min(e.count, 4096));
        int at = e.offset;
        for (int i = 0; i < e.count; i++) {
            int z = at;
            while (data[z] != 0) {
                z++;
            }
            out.add(new String(data, at, z - at, StandardCharsets.UTF_8));
            at = z + 1;
        }
        return out;
    }

    /** The elements of an integer tag (8, 16, 32 or 64 bits; unsigned except 64), empty when absent. */
    long[] numbers(int tag) {
        Entry e = entries.get(tag);
        if (e == null) {
            return new long[0];
        }
        int width = switch (e.type) {
            case TYPE_CHAR, TYPE_INT8 -> 1;
            case TYPE_INT16 -> 2;
            case TYPE_INT32 -> 4;
            case TYPE_INT64 -> 8;
            default -> 0;
        };
        if (width == 0) {
            return new long[0];
        }
        long[] out = new long[e.count];
        for (int i = 0; i < e.count; i++) {
            int at = e.offset + i * width;
            long v = 0;
            for (int b = 0; b < width; b++) {
                v = (v << 8) | (data[at + b] & 0xFF);
            }
            out[i] = v;
        }
        return out;
    }

    /** The first element of an integer tag, or {@code fallback}. */
    long number(int tag, long fallback) {
        long[] v = numbers(tag);
        return v.length == 0 ? fallback : v[0];
    }

    /** The bytes of a binary tag, or null. */
    byte[] binary(int tag) {
        Entry e = entries.get(tag);
        if (e == null || e.type != TYPE_BIN) {
            return null;
        }
        byte[] out = new byte[e.count];
        System.arraycopy(data, e.offset, out, 0, e.count);
        return out;
    }

    /** The number of elements of a tag, 0 when absent. */
    int count(int tag) {
        Entry e = entries.get(tag);
        return e == null ? 0 : e.count;
    }

    static long u32(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }

    /** Exactly {@code n} bytes; readNBytes grows its buffer as bytes arrive, so a short body allocates little. */
    static byte[] readExactly(InputStream in, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new RpmFormatException(what + ": the file ends early (truncated)");
        }
        return b;
    }
}
