package io.artifactkeeper.format.go.impl;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;

/**
 * A remote Go repository is another GOPROXY: paths are appended to its URL as they are stored
 * (case-encoded). Version lists and {@code @latest} change upstream and are metadata (refreshed
 * after the TTL); a version's .info, .mod and .zip never change and are content (kept).
 */
final class GoProxyPolicy implements ProxyPolicy {

    @Override
    public AssetKind kindOf(String path) {
        return path.endsWith("/@v/list") || path.endsWith("/@latest") ? AssetKind.METADATA : AssetKind.CONTENT;
    }
}
