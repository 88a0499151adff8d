package io.artifactkeeper.format.go.impl;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import io.artifactkeeper.api.format.AssetContent;

/** Bytes as the stored content a format reads in place, for tests. */
final class ZipBytes {
    private ZipBytes() {
    }

    static SeekableByteChannel channel(byte[] b) {
        return new SeekableInMemoryByteChannel(b);
    }

    static AssetContent content(byte[] b) {
        return new AssetContent() {
            @Override
            public long size() {
                return b.length;
            }

            @Override
            public String sha256() {
                return "0".repeat(64);
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(b);
            }

            @Override
            public SeekableByteChannel channel() {
                return ZipBytes.channel(b);
            }
        };
    }
}
