package io.artifactkeeper.tck.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import io.artifactkeeper.api.format.StoredAsset;

/** An asset of a {@link MemoryRepository}: bytes in memory, checksums computed when stored. */
final class MemoryAsset implements StoredAsset {
    private final String path;
    private final byte[] bytes;
    private final String name;
    private final String version;
    private final String contentType;
    private final Map<String, Object> attributes;
    private final String repositoryKey;
    private final Instant createdAt;
    private final Instant updatedAt;
    private final String sha256;
    private final String sha1;
    private final String md5;
    private final String sha512;

    MemoryAsset(String path, byte[] bytes, String name, String version, String contentType,
            Map<String, Object> attributes, String repositoryKey, Instant createdAt, Instant updatedAt) {
        this.path = path;
        this.bytes = bytes;
        this.name = name;
        this.version = version;
        this.contentType = contentType;
        this.attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        this.repositoryKey = repositoryKey;
        this.createdAt = createdAt;
        this.updatedAt = updatedAt;
        this.sha256 = Digests.hex("SHA-256", bytes);
        this.sha1 = Digests.hex("SHA-1", bytes);
        this.md5 = Digests.hex("MD5", bytes);
        this.sha512 = Digests.hex("SHA-512", bytes);
    }

    byte[] bytes() {
        return bytes;
    }

    MemoryAsset touched(Instant when) {
        return new MemoryAsset(path, bytes, name, version, contentType, attributes, repositoryKey, createdAt, when);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public String sha1() {
        return sha1;
    }

    @Override
    public String md5() {
        return md5;
    }

    @Override
    public String sha512() {
        return sha512;
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public Instant updatedAt() {
        return updatedAt;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public String repositoryKey() {
        return repositoryKey;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public InputStream open(long from, long toInclusive) {
        return new ByteArrayInputStream(Arrays.copyOfRange(bytes, (int) from, (int) Math.min(bytes.length, toInclusive + 1)));
    }

    @Override
    public SeekableByteChannel channel() {
        return new ByteArrayChannel(bytes);
    }

    @Override
    public String toString() {
        return repositoryKey + ":" + path + " (" + bytes.length + " bytes)";
    }
}
