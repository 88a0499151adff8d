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
}
