package io.artifactkeeper.storage.fs.impl;

import static java.nio.file.StandardOpenOption.READ;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import io.artifactkeeper.api.storage.Blob;
import io.artifactkeeper.api.storage.BlobRef;

/**
 * A stored file. Holds no open file: a Blob may be kept around without being read, and each
 * stream opens (and its close releases) its own descriptor.
 */
final class FileBlob implements Blob {

    private final BlobRef ref;
    private final Path path;

    FileBlob(BlobRef ref, Path path) {
        this.ref = ref;
        this.path = path;
    }

    @Override
    public BlobRef ref() {
        return ref;
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(path);
    }

    /** Positioned reads from {@code from}: the bytes before it are never read. */
    @Override
    public InputStream open(long from, long toInclusive) throws IOException {
        if (from < 0 || toInclusive < from || toInclusive >= ref.size()) {
            throw new IllegalArgumentException("range " + from + "-" + toInclusive + " is outside blob "
                    + ref.sha256() + " of " + ref.size() + " bytes");
        }
        FileChannel channel = FileChannel.open(path, READ);
        return new RangeInputStream(channel, from, toInclusive - from + 1);
    }

    @Override
    public java.nio.channels.SeekableByteChannel channel() throws IOException {
        return java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.READ);
    }

    @Override
    public String toString() {
        return "FileBlob[" + ref.sha256() + ", " + ref.size() + " bytes]";
    }
}
