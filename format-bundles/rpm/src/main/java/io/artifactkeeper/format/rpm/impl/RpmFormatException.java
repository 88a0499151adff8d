package io.artifactkeeper.format.rpm.impl;

import io.artifactkeeper.api.format.InvalidArtifactException;

/** A file that is not a well-formed RPM package, or one outside the reader's limits: answered 400. */
final class RpmFormatException extends InvalidArtifactException {
    private static final long serialVersionUID = 1L;

    RpmFormatException(String message) {
        super(message);
    }
}
