package io.artifactkeeper.api.format;

import java.util.Map;

/**
 * What a format says about an uploaded file.
 *
 * @param name package name, or null
 * @param version version, or null
 * @param contentType media type, or null to guess from the name
 * @param attributes format metadata to keep with the artifact
 */
public record ArtifactDescription(String name, String version, String contentType, Map<String, Object> attributes) {

    public ArtifactDescription {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** The last path segment as name, no version. */
    public static ArtifactDescription fromPath(String path) {
        int slash = path.lastIndexOf('/');
        return new ArtifactDescription(slash < 0 ? path : path.substring(slash + 1), null, null, Map.of());
    }
}
