package io.artifactkeeper.api.format;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

/** Stored bytes a format may read (several times) while describing an upload. */
@ProviderType
public interface AssetContent {

    long size();

    /** Lowercase hex SHA-256. */
    String sha256();

    /** Opens the bytes; the caller closes the stream. */
    InputStream open() throws IOException;

    /**
     * The bytes as a read-only seekable channel, for archives read through a central directory (zip,
     * wheels, Go module zips) without copying them to a temporary file. The caller closes it.
     *
     * @since 2.0
     */
    default java.nio.channels.SeekableByteChannel channel() throws IOException {
        throw new IOException("this content offers no random access");
    }
}
