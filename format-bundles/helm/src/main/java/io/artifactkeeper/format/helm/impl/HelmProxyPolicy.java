package io.artifactkeeper.format.helm.impl;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;

/**
 * How a remote helm repository reaches its upstream chart repository: {@code index.yaml} is
 * metadata (refreshed after the repository's TTL); charts and provenance files are content, fetched
 * from the URL the upstream's index names (below its base URL when it names none).
 */
final class HelmProxyPolicy implements ProxyPolicy {
    @Override
    public AssetKind kindOf(String path) {
        return path.equals(HelmFormat.INDEX) ? AssetKind.METADATA : AssetKind.CONTENT;
    }
}
