package io.artifactkeeper.format.pypi.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Stored bytes read at an offset, so that an archive's directory can be read from its end without
 * reading (or holding) the whole file.
 */
interface PypiByteSource {

    long size();

    /** The bytes from {@code offset} to the end; the caller closes the stream. */
    InputStream openAt(long offset) throws IOException;

    /** Exactly {@code length} bytes at {@code offset}. */
    default byte[] read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size()) {
            throw new IOException("read past the end of the file");
        }
        try (InputStream in = openAt(offset)) {
            byte[] b = in.readNBytes(length);
            if (b.length != length) {
                throw new IOException("file ended early");
            }
            return b;
        }
    }

    static PypiByteSource of(byte[] bytes) {
        return new PypiByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream openAt(long offset) {
                return new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
            }
        };
    }

    /** Content being described at upload: opened and skipped (a seek on file storage). */
    static PypiByteSource of(AssetContent content) {
        return new PypiByteSource() {
            @Override
            public long size() {
                return content.size();
            }

            @Override
            public InputStream openAt(long offset) throws IOException {
                InputStream in = content.open();
                try {
                    in.skipNBytes(offset);
                } catch (IOException | RuntimeException e) {
                    in.close();
                    throw e;
                }
                return in;
            }
        };
    }

    /** A stored asset: ranged reads. */
    static PypiByteSource of(StoredAsset asset) {
        return new PypiByteSource() {
            @Override
            public long size() {
                return asset.size();
            }

            @Override
            public InputStream openAt(long offset) throws IOException {
                if (offset >= asset.size()) {
                    return InputStream.nullInputStream();
                }
                return asset.open(offset, asset.size() - 1);
            }
        };
    }
}
