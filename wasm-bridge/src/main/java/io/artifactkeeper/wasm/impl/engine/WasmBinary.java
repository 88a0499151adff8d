package io.artifactkeeper.wasm.impl.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** LEB128 reading and writing over a byte array, for the binary format. */
final class WasmBinary {
    final byte[] b;
    int pos;
    final int end;

    WasmBinary(byte[] b, int pos, int end) {
        this.b = b;
        this.pos = pos;
        this.end = end;
    }

    boolean more() {
        return pos < end;
    }

    int u8() throws InvalidModuleException {
        if (pos >= end) {
            throw new InvalidModuleException("truncated WebAssembly binary at byte " + pos);
        }
        return b[pos++] & 0xff;
    }

    long u32() throws InvalidModuleException {
        long result = 0;
        int shift = 0;
        while (true) {
            int x = u8();
            result |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new InvalidModuleException("malformed LEB128 at byte " + pos);
            }
        }
        return result;
    }

    int u32i() throws InvalidModuleException {
        long v = u32();
        if (v > Integer.MAX_VALUE) {
            throw new InvalidModuleException("value too large at byte " + pos);
        }
        return (int) v;
    }

    /** Skips one (signed or unsigned) LEB128 number. */
    void skipLeb() throws InvalidModuleException {
        while ((u8() & 0x80) != 0) {
            // continue
        }
    }

    String name() throws InvalidModuleException {
        int n = u32i();
        if (pos + n > end) {
            throw new InvalidModuleException("truncated name at byte " + pos);
        }
        String s = new String(b, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    static void writeU32(ByteArrayOutputStream out, long v) {
        do {
            int x = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? x | 0x80 : x);
        } while (v != 0);
    }

    static void writeS64(ByteArrayOutputStream out, long v) {
        boolean more = true;
        while (more) {
            int x = (int) (v & 0x7f);
            v >>= 7;
            if ((v == 0 && (x & 0x40) == 0) || (v == -1 && (x & 0x40) != 0)) {
                more = false;
            } else {
                x |= 0x80;
            }
            out.write(x);
        }
    }

    static void writeName(ByteArrayOutputStream out, String s) {
        byte[] n = s.getBytes(StandardCharsets.UTF_8);
        writeU32(out, n.length);
        out.write(n, 0, n.length);
    }
}
