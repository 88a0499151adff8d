package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.api.storage.Blob;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.core.store.ArtifactRecord;

/** An artifact row with lazy access to its blob. */
public final class StoredAssetImpl implements StoredAsset {
    private final ArtifactRecord row;
    private final String repositoryKey;
    private final BlobStore blobs;

    public StoredAssetImpl(ArtifactRecord row, String repositoryKey, BlobStore blobs) {
        this.row = row;
        this.repositoryKey = repositoryKey;
        this.blobs = blobs;
    }

    public ArtifactRecord record() {
        return row;
    }

    @Override
    public String path() {
        return row.path();
    }

    @Override
    public String name() {
        return row.name();
    }

    @Override
    public String version() {
        return row.version();
    }

    @Override
    public long size() {
        return row.sizeBytes();
    }

    @Override
    public String sha256() {
        return row.sha256();
    }

    @Override
    public String sha1() {
        return row.sha1();
    }

    @Override
    public String md5() {
        return row.md5();
    }

    @Override
    public String sha512() {
        return row.sha512();
    }

    @Override
    public String contentType() {
        return row.contentType();
    }

    @Override
    public Instant createdAt() {
        return row.createdAt();
    }

    @Override
    public Instant updatedAt() {
        return row.updatedAt();
    }

    @Override
    public Map<String, Object> attributes() {
        return row.attributes();
    }

    @Override
    public String repositoryKey() {
        return repositoryKey;
    }

    private Blob blob() throws IOException {
        return blobs.get(row.sha256()).orElseThrow(() -> new FormatException(503, "STORAGE_INCONSISTENT",
                "the bytes of " + row.path() + " are missing from storage"));
    }

    @Override
    public InputStream open() throws IOException {
        return blob().open();
    }

    @Override
    public InputStream open(long from, long toInclusive) throws IOException {
        return blob().open(from, toInclusive);
    }

    @Override
    public java.nio.channels.SeekableByteChannel channel() throws IOException {
        return blob().channel();
    }
}
