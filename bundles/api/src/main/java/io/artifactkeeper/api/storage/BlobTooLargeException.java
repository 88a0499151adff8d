package io.artifactkeeper.api.storage;

import java.io.IOException;

/** Thrown by {@link BlobStore#put} when more bytes arrive than were allowed. */
public class BlobTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    public BlobTooLargeException(long limit) {
        super("body larger than the limit of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
