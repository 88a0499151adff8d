package io.artifactkeeper.format.pypi.impl;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import io.artifactkeeper.api.format.AssetContent;

/** Bytes as the stored content a format reads (in place for zips), for tests. */
final class PypiBytes {
    private PypiBytes() {
    }

    static AssetContent content(byte[] b) {
        return new AssetContent() {
            @Override
            public long size() {
                return b.length;
            }

            @Override
            public String sha256() {
                return PypiInspector.sha256(b);
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(b);
            }

            @Override
            public SeekableByteChannel channel() {
                return new SeekableInMemoryByteChannel(b);
            }
        };
    }
}
