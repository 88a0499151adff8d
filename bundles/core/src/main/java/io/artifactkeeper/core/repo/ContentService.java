package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.api.storage.Blob;
import io.artifactkeeper.api.storage.BlobRef;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.api.storage.BlobTooLargeException;
import io.artifactkeeper.core.store.ArtifactRecord;
import io.artifactkeeper.core.store.RepositoryRecord;
import io.artifactkeeper.core.store.RepositoryStore;

/**
 * Writes uploads: bytes first (streamed into the blob store, hashed on the way), then the row.
 * A failure before the row commits leaves at most an unreferenced blob, which the garbage
 * collector removes; nothing half-written is ever visible.
 */
public final class ContentService {
    private final BlobStore blobs;
    private final RepositoryStore store;
    private final long maxUploadBytes;

    public ContentService(BlobStore blobs, RepositoryStore store, long maxUploadBytes) {
        this.blobs = blobs;
        this.store = store;
        this.maxUploadBytes = maxUploadBytes;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public RepositoryStore store() {
        return store;
    }

    /** Says what a stored file is (a format's {@link FormatHandler#describe}, possibly adapted). */
    @FunctionalInterface
    public interface Describer {
        ArtifactDescription describe(String path, AssetContent content) throws IOException;
    }

    public StoredAssetImpl put(RepositoryRecord repo, String path, InputStream body, PutOptions opts,
            FormatHandler handler, UUID createdBy) throws IOException {
        return put(repo, path, body, opts, handler == null ? null : handler::describe, createdBy);
    }

    public StoredAssetImpl put(RepositoryRecord repo, String path, InputStream body, PutOptions opts,
            Describer describer, UUID createdBy) throws IOException {
        Optional<ArtifactRecord> existing = store.artifact(repo.id(), path);
        if (existing.isPresent() && opts.overwrite() == PutOptions.Overwrite.DENY) {
            throw FormatException.conflict(path + " already exists in " + repo.key() + " and cannot be replaced");
        }
        long limit = maxUploadBytes;
        if (repo.quotaBytes() != null) {
            long room = repo.quotaBytes() - store.usedBytes(repo.id()) + existing.map(ArtifactRecord::sizeBytes).orElse(0L);
            if (room <= 0) {
                throw new FormatException(413, "QUOTA_EXCEEDED", "repository " + repo.key() + " is over its quota");
            }
            limit = limit < 0 ? room : Math.min(limit, room);
        }
        DigestingInputStream in = new DigestingInputStream(body);
        BlobRef ref;
        try {
            ref = blobs.put(in, limit);
        } catch (BlobTooLargeException e) {
            throw new FormatException(413, "TOO_LARGE", "upload larger than the " + e.limit() + " bytes allowed");
        }
        String md5 = in.md5();
        String sha1 = in.sha1();
        String sha512 = in.sha512();
        verify("SHA-256", opts.expectedSha256(), ref.sha256());
        verify("SHA-1", opts.expectedSha1(), sha1);
        verify("MD5", opts.expectedMd5(), md5);

        if (existing.isPresent() && opts.overwrite() == PutOptions.Overwrite.IF_IDENTICAL) {
            if (existing.get().sha256().equals(ref.sha256())) {
                return new StoredAssetImpl(existing.get(), repo.key(), blobs);
            }
            throw FormatException.conflict(path + " already exists in " + repo.key() + " with different content");
        }

        ArtifactDescription d = opts.description();
        if (d == null) {
            d = describer == null ? ArtifactDescription.fromPath(path) : describer.describe(path, content(ref));
        }
        String contentType = d.contentType() != null ? d.contentType() : guessContentType(path);
        ArtifactDescription desc = d;
        ArtifactRecord row = store.jdbi().inTransaction(h -> store.upsertArtifact(h, repo.id(), path, desc.name(),
                desc.version(), ref.size(), ref.sha256(), sha1, md5, sha512, contentType,
                opts.kind().name().toLowerCase(Locale.ROOT), desc.attributes(), createdBy));
        return new StoredAssetImpl(row, repo.key(), blobs);
    }

    /**
     * Records {@code source}'s bytes, already in the blob store, at {@code path} without copying them
     * (content addressing makes this a new row naming the same blob).
     */
    public StoredAssetImpl link(RepositoryRecord repo, String path, StoredAsset source, PutOptions opts,
            FormatHandler handler, UUID createdBy) throws IOException {
        Optional<ArtifactRecord> existing = store.artifact(repo.id(), path);
        if (existing.isPresent() && opts.overwrite() == PutOptions.Overwrite.DENY) {
            throw FormatException.conflict(path + " already exists in " + repo.key() + " and cannot be replaced");
        }
        if (!blobs.exists(source.sha256())) {
            throw new FormatException(503, "STORAGE_INCONSISTENT", "the bytes of " + source.path()
                    + " are missing from storage");
        }
        if (repo.quotaBytes() != null && repo.quotaBytes() - store.usedBytes(repo.id())
                + existing.map(ArtifactRecord::sizeBytes).orElse(0L) < source.size()) {
            throw new FormatException(413, "QUOTA_EXCEEDED", "repository " + repo.key() + " is over its quota");
        }
        verify("SHA-256", opts.expectedSha256(), source.sha256());
        if (existing.isPresent() && opts.overwrite() == PutOptions.Overwrite.IF_IDENTICAL) {
            if (existing.get().sha256().equals(source.sha256())) {
                return new StoredAssetImpl(existing.get(), repo.key(), blobs);
            }
            throw FormatException.conflict(path + " already exists in " + repo.key() + " with different content");
        }
        BlobRef ref = new BlobRef(source.sha256(), source.size(), 0);
        ArtifactDescription d = opts.description();
        if (d == null) {
            d = handler == null ? ArtifactDescription.fromPath(path) : handler.describe(path, content(ref));
        }
        String contentType = d.contentType() != null ? d.contentType() : source.contentType();
        ArtifactDescription desc = d;
        ArtifactRecord row = store.jdbi().inTransaction(h -> store.upsertArtifact(h, repo.id(), path, desc.name(),
                desc.version(), source.size(), source.sha256(), source.sha1(), source.md5(), source.sha512(),
                contentType, opts.kind().name().toLowerCase(Locale.ROOT), desc.attributes(), createdBy));
        return new StoredAssetImpl(row, repo.key(), blobs);
    }

    private static void verify(String algo, String expected, String actual) {
        if (expected != null && !expected.isBlank() && !expected.trim().equalsIgnoreCase(actual)) {
            throw new FormatException(400, "CHECKSUM_MISMATCH", algo + " of the upload is " + actual
                    + " but the client declared " + expected.trim());
        }
    }

    /** Stored bytes by digest, readable several times (for describe). */
    public AssetContent content(BlobRef ref) {
        return new AssetContent() {
            @Override
            public long size() {
                return ref.size();
            }

            @Override
            public String sha256() {
                return ref.sha256();
            }

            @Override
            public InputStream open() throws IOException {
                return blob().open();
            }

            @Override
            public java.nio.channels.SeekableByteChannel channel() throws IOException {
                return blob().channel();
            }

            private Blob blob() throws IOException {
                return blobs.get(ref.sha256()).orElseThrow(() -> new IOException("blob vanished: " + ref.sha256()));
            }
        };
    }

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("jar", "application/java-archive"), Map.entry("war", "application/java-archive"),
            Map.entry("pom", "application/xml"), Map.entry("xml", "application/xml"),
            Map.entry("json", "application/json"), Map.entry("tgz", "application/gzip"),
            Map.entry("gz", "application/gzip"), Map.entry("zip", "application/zip"),
            Map.entry("whl", "application/zip"), Map.entry("txt", "text/plain"),
            Map.entry("md5", "text/plain"), Map.entry("sha1", "text/plain"), Map.entry("sha256", "text/plain"),
            Map.entry("sha512", "text/plain"), Map.entry("asc", "text/plain"), Map.entry("html", "text/html"),
            Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"),
            Map.entry("deb", "application/vnd.debian.binary-package"), Map.entry("rpm", "application/x-rpm"));

    public static String guessContentType(String path) {
        int dot = path.lastIndexOf('.');
        if (dot >= 0) {
            String t = TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
            if (t != null) {
                return t;
            }
        }
        String g = URLConnection.guessContentTypeFromName(path);
        return g != null ? g : "application/octet-stream";
    }
}
