package io.artifactkeeper.api.format;

/**
 * What an asset is, for caching: metadata changes upstream and is refreshed after a TTL; content
 * (a published file) never changes once cached.
 */
public enum AssetKind {
    METADATA,
    CONTENT
}
