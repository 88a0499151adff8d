package io.artifactkeeper.api.storage;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.annotation.versioning.ConsumerType;

/** A stored blob that can be read whole or by byte range. */
@ConsumerType
public interface Blob {

    BlobRef ref();

    /** Opens the whole blob. The caller closes the stream. */
    InputStream open() throws IOException;

    /**
     * Opens bytes {@code from} to {@code toInclusive}. Implementations seek or ask the backend
     * for the range; they do not read and discard the prefix where the backend can avoid it.
     */
    InputStream open(long from, long toInclusive) throws IOException;

    /**
     * The blob as a read-only seekable channel (archives with a central directory, such as zip, are
     * read from it without a copy). The default serves it from {@link #open(long, long)} windows;
     * backends with a local file answer a file channel.
     *
     * @since 1.1
     */
    default java.nio.channels.SeekableByteChannel channel() throws IOException {
        return new RangeReadChannel(this);
    }
}
