package io.artifactkeeper.api.format;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A file stored in a repository: its path and checksums, the metadata the format recorded, and its
 * bytes on demand.
 */
@ProviderType
public interface StoredAsset extends AssetContent {

    /** Path in the repository, no leading slash. */
    String path();

    /** Package name, or null. */
    String name();

    /** Version, or null. */
    String version();

    String contentType();

    String sha1();

    String md5();

    String sha512();

    Instant createdAt();

    /** When the bytes were last fetched from upstream (remote caches) or written. */
    Instant updatedAt();

    /** Format metadata recorded with the asset (JSON-compatible values). */
    Map<String, Object> attributes();

    /** The key of the repository that actually holds it (a member, for virtual repositories). */
    String repositoryKey();

    /** Opens bytes {@code from}..{@code toInclusive}. */
    InputStream open(long from, long toInclusive) throws IOException;
}
