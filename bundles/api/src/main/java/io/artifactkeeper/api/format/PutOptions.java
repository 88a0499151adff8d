package io.artifactkeeper.api.format;

import java.util.Map;

/**
 * How to store an upload.
 *
 * @param overwrite what to do when the path already holds an asset
 * @param description name/version/content type/attributes already known to the format; null to
 *     ask {@link FormatHandler#describe}
 * @param expectedSha256 checksum the client declared, verified after streaming (null: none)
 * @param expectedSha1 as above
 * @param expectedMd5 as above
 * @param kind metadata or content, for remote caches; hosted repositories ignore it
 */
public record PutOptions(Overwrite overwrite, ArtifactDescription description, String expectedSha256,
        String expectedSha1, String expectedMd5, AssetKind kind) {

    /** Replacing an existing asset. */
    public enum Overwrite {
        /** Replace whatever is there. */
        ALLOW,
        /** Identical bytes are accepted (idempotent); different bytes are a 409 conflict. */
        IF_IDENTICAL,
        /** Any existing asset is a 409 conflict. */
        DENY
    }

    public static PutOptions defaults() {
        return new PutOptions(Overwrite.ALLOW, null, null, null, null, AssetKind.CONTENT);
    }

    public PutOptions withOverwrite(Overwrite o) {
        return new PutOptions(o, description, expectedSha256, expectedSha1, expectedMd5, kind);
    }

    public PutOptions withDescription(ArtifactDescription d) {
        return new PutOptions(overwrite, d, expectedSha256, expectedSha1, expectedMd5, kind);
    }

    public PutOptions withDescription(String name, String version, String contentType, Map<String, Object> attrs) {
        return withDescription(new ArtifactDescription(name, version, contentType, attrs));
    }

    public PutOptions withExpectedChecksums(String sha256, String sha1, String md5) {
        return new PutOptions(overwrite, description, sha256, sha1, md5, kind);
    }

    public PutOptions withKind(AssetKind k) {
        return new PutOptions(overwrite, description, expectedSha256, expectedSha1, expectedMd5, k);
    }
}
