package io.artifactkeeper.wasm.impl.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Canonical-ABI layouts (they match the C SDK's static asserts) and a round trip through memory. */
class WitTypeTest {

    /** A byte array with a bump allocator. */
    static final class ArrayMemory implements LinearMemory {
        final ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int top = 16;

        public long size() { return b.capacity(); }
        public byte readByte(long a) { return b.get((int) a); }
        public short readShort(long a) { return b.getShort((int) a); }
        public int readInt(long a) { return b.getInt((int) a); }
        public long readLong(long a) { return b.getLong((int) a); }
        public void read(long a, byte[] into, int off, int len) { b.get((int) a, into, off, len); }
        public void writeByte(long a, byte v) { b.put((int) a, v); }
        public void writeShort(long a, short v) { b.putShort((int) a, v); }
        public void writeInt(long a, int v) { b.putInt((int) a, v); }
        public void writeLong(long a, long v) { b.putLong((int) a, v); }
        public void write(long a, byte[] from, int off, int len) { b.put((int) a, from, off, len); }

        public int allocate(int align, int size) {
            top = (top + align - 1) / align * align;
            int p = top;
            top += size;
            return p;
        }
    }

    @Test
    void layoutsMatchTheCanonicalAbi() {
        assertThat(FormatWorld.METADATA.size()).isEqualTo(56);
        assertThat(FormatWorld.METADATA.offsetOf(3)).isEqualTo(32);
        assertThat(FormatWorld.PARSE_METADATA.result().size()).isEqualTo(64);
        assertThat(FormatWorld.VALIDATE.result().size()).isEqualTo(12);
        assertThat(FormatWorld.GENERATE_INDEX.result().size()).isEqualTo(16);
        assertThat(FormatWorld.HTTP_REQUEST.size()).isEqualTo(40);
        assertThat(FormatWorld.HTTP_RESPONSE.size()).isEqualTo(20);
        assertThat(FormatWorld.HANDLE_REQUEST.result().size()).isEqualTo(24);
        assertThat(new WitType.Fields(FormatWorld.HANDLE_REQUEST.params()).size()).isEqualTo(72);
        assertThat(FormatWorld.HANDLE_REQUEST.paramsInMemory()).isTrue();
        assertThat(FormatWorld.PARSE_METADATA.coreSignature()).isEqualTo("(i32,i32,i32,i32)->(i32)");
        assertThat(FormatWorld.GENERATE_INDEX.coreSignature()).isEqualTo("(i32,i32)->(i32)");
        assertThat(FormatWorld.HANDLE_REQUEST.coreSignature()).isEqualTo("(i32)->(i32)");
        assertThat(FormatWorld.FORMAT_KEY.coreSignature()).isEqualTo("()->(i32)");
    }

    @Test
    void roundTripsAndRefusesBadData() {
        ArrayMemory m = new ArrayMemory();
        WitType t = FormatWorld.PARSE_METADATA.result();
        Object v = WitType.Outcome.ok(Arrays.asList("a/b.whl", null, "application/zip", 123L, "ff".repeat(32)));
        t.store(m, 1024, v, WitType.Limits.DEFAULT);
        assertThat(t.load(m, 1024, WitType.Limits.DEFAULT)).isEqualTo(v);
        m.writeByte(1024, (byte) 7);
        assertThatThrownBy(() -> t.load(m, 1024, WitType.Limits.DEFAULT)).hasMessageContaining("discriminant 7");
        WitType.Str.INSTANCE.store(m, 2048, "hello", WitType.Limits.DEFAULT);
        m.writeInt(2052, 1 << 20);
        assertThatThrownBy(() -> WitType.Str.INSTANCE.load(m, 2048, WitType.Limits.DEFAULT))
                .hasMessageContaining("outside the plugin's memory");
        List<Object> headers = List.of(List.of("a", "b"));
        new WitType.ListOf(FormatWorld.HEADER).store(m, 4096, headers, WitType.Limits.DEFAULT);
        assertThat(new WitType.ListOf(FormatWorld.HEADER).load(m, 4096, WitType.Limits.DEFAULT)).isEqualTo(headers);
    }
}
