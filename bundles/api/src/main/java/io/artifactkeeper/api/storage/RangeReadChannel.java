package io.artifactkeeper.api.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over a blob's range reads, for backends without a local file: each read asks
 * for a window of at least 64 KiB from the position and serves the following reads from it.
 */
final class RangeReadChannel implements SeekableByteChannel {
    private static final int WINDOW = 64 * 1024;
    private final Blob blob;
    private final long size;
    private long position;
    private byte[] window = new byte[0];
    private long windowStart = -1;
    private boolean open = true;

    RangeReadChannel(Blob blob) {
        this.blob = blob;
        this.size = blob.ref().size();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        if (windowStart < 0 || position < windowStart || position >= windowStart + window.length) {
            long to = Math.min(size, position + Math.max(WINDOW, dst.remaining())) - 1;
            try (InputStream in = blob.open(position, to)) {
                window = in.readNBytes((int) (to - position + 1));
            }
            windowStart = position;
            if (window.length == 0) {
                return -1;
            }
        }
        int off = (int) (position - windowStart);
        int n = Math.min(dst.remaining(), window.length - off);
        dst.put(window, off, n);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        window = null;
    }

    private void ensureOpen() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
