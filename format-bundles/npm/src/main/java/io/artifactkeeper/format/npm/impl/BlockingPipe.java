package io.artifactkeeper.format.npm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory pipe between a writer thread (the publish parser decoding base64) and a
 * reader thread (the store streaming the bytes in). At most a few chunks are buffered, so a large
 * tarball is never held whole. Unlike {@code PipedInputStream} a writer can {@link #fail} the
 * pipe: the reader then gets an IOException instead of a clean end, and no truncated upload is
 * ever stored.
 */
final class BlockingPipe {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(8);
    private volatile Throwable failure;
    private volatile boolean readerClosed;

    /** Aborts the transfer: the reader's next read throws. */
    void fail(Throwable why) {
        failure = why;
    }

    OutputStream sink() {
        return new OutputStream() {
            private byte[] buf = new byte[CHUNK];
            private int n;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                if (n == buf.length) {
                    flushChunk();
                }
                buf[n++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    if (n == buf.length) {
                        flushChunk();
                    }
                    int k = Math.min(len, buf.length - n);
                    System.arraycopy(b, off, buf, n, k);
                    n += k;
                    off += k;
                    len -= k;
                }
            }

            private void flushChunk() throws IOException {
                if (n > 0) {
                    byte[] c = n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
                    offer(c);
                    buf = new byte[CHUNK];
                    n = 0;
                }
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    flushChunk();
                    offer(END);
                }
            }
        };
    }

    private void offer(byte[] chunk) throws IOException {
        if (readerClosed) {
            throw new IOException("the store stopped reading the upload");
        }
        try {
            while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (readerClosed) {
                    throw new IOException("the store stopped reading the upload");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while streaming the upload");
        }
    }

    InputStream source() {
        return new InputStream() {
            private byte[] cur = new byte[0];
            private int pos;
            private boolean ended;

            private boolean fill() throws IOException {
                while (pos >= cur.length) {
                    if (ended) {
                        return false;
                    }
                    byte[] next;
                    try {
                        next = queue.poll(100, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while reading the upload");
                    }
                    if (failure != null) {
                        throw new IOException("upload aborted: " + failure.getMessage(), failure);
                    }
                    if (next == null) {
                        continue;
                    }
                    if (next == END) {
                        ended = true;
                        return false;
                    }
                    cur = next;
                    pos = 0;
                }
                return true;
            }

            @Override
            public int read() throws IOException {
                return fill() ? cur[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!fill()) {
                    return -1;
                }
                int k = Math.min(len, cur.length - pos);
                System.arraycopy(cur, pos, b, off, k);
                pos += k;
                return k;
            }

            @Override
            public void close() {
                readerClosed = true;
                queue.clear();
            }
        };
    }
}
