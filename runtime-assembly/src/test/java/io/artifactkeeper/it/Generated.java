package io.artifactkeeper.it;

import java.io.InputStream;

/** Deterministic bytes of any length, generated as they are read (never held in memory). */
final class Generated {
    private Generated() {
    }

    static InputStream bytes(long size, long seed) {
        return new InputStream() {
            long pos;

            private int at(long p) {
                return (int) (((p + seed) * 2654435761L >>> 13) & 0xff);
            }

            @Override
            public int read() {
                return pos < size ? at(pos++) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) at(pos++);
                }
                return n;
            }
        };
    }
}
