package io.artifactkeeper.api.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Uploads that arrive in pieces and may be resumed (OCI's chunked blob uploads): bytes are
 * appended to a session in order, then stored as one asset. A session belongs to one repository,
 * holds its bytes outside it until completed (streamed, never whole in memory), and expires when
 * abandoned. Obtained from {@link RepositoryContext#uploads()}.
 */
@ProviderType
public interface UploadSessions {

    /** Opens an empty session and returns its id (unguessable, URL-safe). */
    String start() throws IOException;

    /**
     * Bytes received so far, or empty when there is no such session (never started, completed,
     * cancelled or expired).
     */
    OptionalLong size(String id) throws IOException;

    /**
     * Appends {@code body}, streaming, at {@code offset}. When the body breaks off, the bytes that
     * did arrive are kept: {@link #size} tells the client where to continue.
     *
     * @param offset where the client believes the session ends, or -1 for "at the end"
     * @return the new size
     * @throws FormatException 404 (code {@code UPLOAD_UNKNOWN}) for no such session, 416 (code
     *     {@code UPLOAD_OUT_OF_ORDER}) when {@code offset} is not the current size, 413 past the
     *     upload limit
     */
    long append(String id, long offset, InputStream body) throws IOException;

    /**
     * Ends the session by storing its bytes as the asset at {@code path} (checked against
     * {@link PutOptions#expectedSha256()} when given). The session is gone afterwards, also when the
     * check fails, in which case nothing is stored.
     */
    StoredAsset complete(String id, String path, PutOptions options) throws IOException;

    /** Discards a session; false when there was none. */
    boolean cancel(String id) throws IOException;
}
