package io.artifactkeeper.wasm.impl.abi;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The WIT types of the format-plugin contract with their canonical-ABI layout (size, alignment,
 * flattening) and how values move through linear memory. Java values: string = String,
 * list&lt;u8&gt; = byte[], u16 = Integer, u64 = Long, option = null or the value, result =
 * {@link Outcome}, record and tuple = List of field values, list&lt;T&gt; = List.
 */
public sealed interface WitType {

    int size();

    int align();

    /** Number of core values when passed flat. */
    int flatCount();

    /** Stores {@code v} at {@code addr}; nested strings and lists are allocated with cabi_realloc. */
    void store(LinearMemory m, long addr, Object v, Limits limits);

    /** Reads a value at {@code addr}, checking every pointer and length against the memory. */
    Object load(LinearMemory m, long addr, Limits limits);

    /** Bounds on what a guest may hand back (lists and strings), so malformed data fails early. */
    record Limits(long maxBytes, int maxElements) {
        public static final Limits DEFAULT = new Limits(64L * 1024 * 1024, 1_000_000);
    }

    /** result&lt;T, E&gt; as a value. */
    record Outcome(boolean ok, Object value) {
        public static Outcome ok(Object v) {
            return new Outcome(true, v);
        }

        public static Outcome err(Object v) {
            return new Outcome(false, v);
        }
    }

    /** A guest handed back data that does not fit the contract. */
    final class MalformedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedException(String message) {
            super(message);
        }
    }

    static int alignTo(long offset, int align) {
        return (int) ((offset + align - 1) / align * align);
    }

    static void checkRange(LinearMemory m, long ptr, long len, String what) {
        if (ptr < 0 || len < 0 || ptr + len > m.size()) {
            throw new MalformedException(what + " at " + ptr + " with length " + len + " lies outside the plugin's memory ("
                    + m.size() + " bytes)");
        }
    }

    // --- primitives

    enum U8 implements WitType {
        INSTANCE;

        public int size() { return 1; }
        public int align() { return 1; }
        public int flatCount() { return 1; }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            m.writeByte(addr, ((Number) v).byteValue());
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            return m.readByte(addr) & 0xff;
        }
    }

    enum U16 implements WitType {
        INSTANCE;

        public int size() { return 2; }
        public int align() { return 2; }
        public int flatCount() { return 1; }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            m.writeShort(addr, ((Number) v).shortValue());
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            return m.readShort(addr) & 0xffff;
        }
    }

    enum U64 implements WitType {
        INSTANCE;

        public int size() { return 8; }
        public int align() { return 8; }
        public int flatCount() { return 1; }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            m.writeLong(addr, ((Number) v).longValue());
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            return m.readLong(addr);
        }
    }

    /** string: (ptr, len) of UTF-8. */
    enum Str implements WitType {
        INSTANCE;

        public int size() { return 8; }
        public int align() { return 4; }
        public int flatCount() { return 2; }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
            int ptr = b.length == 0 ? 1 : m.allocate(1, b.length);
            m.write(ptr, b, 0, b.length);
            m.writeInt(addr, ptr);
            m.writeInt(addr + 4, b.length);
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            long ptr = Integer.toUnsignedLong(m.readInt(addr));
            long len = Integer.toUnsignedLong(m.readInt(addr + 4));
            if (len > l.maxBytes()) {
                throw new MalformedException("string of " + len + " bytes is longer than the " + l.maxBytes() + " allowed");
            }
            if (len == 0) {
                return "";
            }
            checkRange(m, ptr, len, "string");
            byte[] b = new byte[(int) len];
            m.read(ptr, b, 0, b.length);
            try {
                CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
                return cb.toString();
            } catch (CharacterCodingException e) {
                throw new MalformedException("string at " + ptr + " is not valid UTF-8");
            }
        }
    }

    /** list&lt;u8&gt;: (ptr, len) of bytes. */
    enum Bytes implements WitType {
        INSTANCE;

        public int size() { return 8; }
        public int align() { return 4; }
        public int flatCount() { return 2; }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            byte[] b = (byte[]) v;
            int ptr = b.length == 0 ? 1 : m.allocate(1, b.length);
            m.write(ptr, b, 0, b.length);
            m.writeInt(addr, ptr);
            m.writeInt(addr + 4, b.length);
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            long ptr = Integer.toUnsignedLong(m.readInt(addr));
            long len = Integer.toUnsignedLong(m.readInt(addr + 4));
            if (len > l.maxBytes()) {
                throw new MalformedException("list<u8> of " + len + " bytes is longer than the " + l.maxBytes() + " allowed");
            }
            if (len == 0) {
                return new byte[0];
            }
            checkRange(m, ptr, len, "list<u8>");
            byte[] b = new byte[(int) len];
            m.read(ptr, b, 0, b.length);
            return b;
        }
    }

    // --- compound

    /** list&lt;T&gt; of elements stored contiguously. */
    record ListOf(WitType element) implements WitType {
        public int size() { return 8; }
        public int align() { return 4; }
        public int flatCount() { return 2; }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            List<?> items = (List<?>) v;
            int esize = alignTo(element.size(), element.align());
            int ptr = items.isEmpty() ? element.align() : m.allocate(element.align(), esize * items.size());
            for (int i = 0; i < items.size(); i++) {
                element.store(m, ptr + (long) i * esize, items.get(i), l);
            }
            m.writeInt(addr, ptr);
            m.writeInt(addr + 4, items.size());
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            long ptr = Integer.toUnsignedLong(m.readInt(addr));
            long len = Integer.toUnsignedLong(m.readInt(addr + 4));
            if (len > l.maxElements()) {
                throw new MalformedException("list of " + len + " elements is longer than the " + l.maxElements() + " allowed");
            }
            int esize = alignTo(element.size(), element.align());
            if (len == 0) {
                return List.of();
            }
            checkRange(m, ptr, len * esize, "list");
            List<Object> out = new ArrayList<>((int) len);
            for (long i = 0; i < len; i++) {
                out.add(element.load(m, ptr + i * esize, l));
            }
            return out;
        }
    }

    /** record or tuple: fields laid out in order, each at its alignment. */
    record Fields(List<WitType> types) implements WitType {
        public static Fields of(WitType... t) {
            return new Fields(List.of(t));
        }

        public int size() {
            long off = 0;
            for (WitType t : types) {
                off = alignTo(off, t.align()) + t.size();
            }
            return alignTo(off, align());
        }

        public int align() {
            int a = 1;
            for (WitType t : types) {
                a = Math.max(a, t.align());
            }
            return a;
        }

        public int flatCount() {
            return types.stream().mapToInt(WitType::flatCount).sum();
        }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            List<?> values = (List<?>) v;
            long off = 0;
            for (int i = 0; i < types.size(); i++) {
                WitType t = types.get(i);
                off = alignTo(off, t.align());
                t.store(m, addr + off, values.get(i), l);
                off += t.size();
            }
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            List<Object> out = new ArrayList<>(types.size());
            long off = 0;
            for (WitType t : types) {
                off = alignTo(off, t.align());
                out.add(t.load(m, addr + off, l));
                off += t.size();
            }
            return out;
        }

        /** Offset of field {@code i}. */
        public long offsetOf(int i) {
            long off = 0;
            for (int k = 0; k <= i; k++) {
                off = alignTo(off, types.get(k).align());
                if (k < i) {
                    off += types.get(k).size();
                }
            }
            return off;
        }
    }

    /** option&lt;T&gt;: a u8 discriminant, then the payload at its alignment. */
    record Option(WitType of) implements WitType {
        public int size() {
            return alignTo(alignTo(1, of.align()) + of.size(), align());
        }

        public int align() {
            return Math.max(1, of.align());
        }

        public int flatCount() {
            return 1 + of.flatCount();
        }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            m.writeByte(addr, (byte) (v == null ? 0 : 1));
            if (v != null) {
                of.store(m, addr + alignTo(1, of.align()), v, l);
            }
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            int d = m.readByte(addr) & 0xff;
            return switch (d) {
                case 0 -> null;
                case 1 -> of.load(m, addr + alignTo(1, of.align()), l);
                default -> throw new MalformedException("option discriminant " + d + " (expected 0 or 1)");
            };
        }
    }

    /** result&lt;T, E&gt;: a u8 discriminant (0 ok, 1 error), then the case's payload; null type: no payload. */
    record Result(WitType ok, WitType err) implements WitType {
        private int payloadAlign() {
            return Math.max(ok == null ? 1 : ok.align(), err == null ? 1 : err.align());
        }

        private int payloadSize() {
            return Math.max(ok == null ? 0 : ok.size(), err == null ? 0 : err.size());
        }

        public int size() {
            return alignTo(alignTo(1, payloadAlign()) + payloadSize(), align());
        }

        public int align() {
            return payloadAlign();
        }

        public int flatCount() {
            return 1 + Math.max(ok == null ? 0 : ok.flatCount(), err == null ? 0 : err.flatCount());
        }

        public void store(LinearMemory m, long addr, Object v, Limits l) {
            Outcome o = (Outcome) v;
            m.writeByte(addr, (byte) (o.ok() ? 0 : 1));
            WitType t = o.ok() ? ok : err;
            if (t != null) {
                t.store(m, addr + alignTo(1, payloadAlign()), o.value(), l);
            }
        }

        public Object load(LinearMemory m, long addr, Limits l) {
            int d = m.readByte(addr) & 0xff;
            if (d > 1) {
                throw new MalformedException("result discriminant " + d + " (expected 0 or 1)");
            }
            WitType t = d == 0 ? ok : err;
            Object v = t == null ? null : t.load(m, addr + alignTo(1, payloadAlign()), l);
            return new Outcome(d == 0, v);
        }
    }
}
