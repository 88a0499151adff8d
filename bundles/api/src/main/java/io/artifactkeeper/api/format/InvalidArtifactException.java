package io.artifactkeeper.api.format;

/** A client sent something the format cannot accept (answers 400 with this message). */
public class InvalidArtifactException extends FormatException {
    private static final long serialVersionUID = 1L;

    public InvalidArtifactException(String message) {
        super(400, "INVALID_ARTIFACT", message);
    }
}
