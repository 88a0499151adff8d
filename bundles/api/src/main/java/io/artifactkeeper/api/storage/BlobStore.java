package io.artifactkeeper.api.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Content-addressed blob storage. Blobs are named by the lowercase hex SHA-256 of their bytes,
 * so identical bytes are stored once whoever writes them.
 *
 * <p>A write streams: the backend hashes the bytes as they arrive into a temporary object, makes
 * them durable, then moves them into place under their digest. Nothing is visible under a digest
 * before all of its bytes are. Implementations are registered with the service property
 * {@value #TYPE_PROPERTY} and must pass the storage conformance kit.
 */
@ConsumerType
public interface BlobStore {

    /** Service property naming the backend ("filesystem", "s3", ...). */
    String TYPE_PROPERTY = "storage.type";

    /**
     * Streams {@code in} into the store. The stream is read to its end but not closed.
     *
     * @param in the bytes
     * @param maxBytes the largest number of bytes accepted, or -1 for no limit
     * @return the digest and size of what was stored
     * @throws BlobTooLargeException if more than {@code maxBytes} arrive; nothing is kept
     * @throws IOException if the bytes could not be read or stored; nothing is kept
     */
    BlobRef put(InputStream in, long maxBytes) throws IOException;

    /** The blob with this digest, if the store has it. */
    Optional<Blob> get(String sha256) throws IOException;

    /** Whether a blob with this digest is stored. */
    boolean exists(String sha256) throws IOException;

    /** Removes a blob. Returns false when there was none. */
    boolean delete(String sha256) throws IOException;

    /** Visits every stored digest with its last-modified time (epoch millis), for garbage collection. */
    void forEach(Consumer<BlobRef> visitor) throws IOException;

    /** Throws when the store cannot serve reads and writes now (used by readiness checks). */
    void checkHealth() throws IOException;
}
