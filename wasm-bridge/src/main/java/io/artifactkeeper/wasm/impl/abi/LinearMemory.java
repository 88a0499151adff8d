package io.artifactkeeper.wasm.impl.abi;

/** A guest's linear memory and allocator, as the canonical ABI needs them. */
public interface LinearMemory {

    long size();

    byte readByte(long addr);

    short readShort(long addr);

    int readInt(long addr);

    long readLong(long addr);

    void read(long addr, byte[] into, int off, int len);

    void writeByte(long addr, byte v);

    void writeShort(long addr, short v);

    void writeInt(long addr, int v);

    void writeLong(long addr, long v);

    void write(long addr, byte[] from, int off, int len);

    /** {@code cabi_realloc(0, 0, align, size)}: fresh guest memory. */
    int allocate(int align, int size);
}
