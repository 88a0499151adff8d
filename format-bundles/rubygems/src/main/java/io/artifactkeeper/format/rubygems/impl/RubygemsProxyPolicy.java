package io.artifactkeeper.format.rubygems.impl;

import java.util.Map;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;

/**
 * How a remote reaches an upstream that speaks the rubygems.org protocol (rubygems.org itself, or
 * another Artifact Keeper's {@code /gems/{repo}/}): every document and file is at the same path
 * below the upstream's source URL. The indexes are metadata (refreshed after the TTL); gems and
 * quick gemspecs never change once published, so they are content.
 */
final class RubygemsProxyPolicy implements ProxyPolicy {

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith(GemNames.GEMS_DIR) || path.startsWith(GemNames.QUICK_DIR) ? AssetKind.CONTENT
                : AssetKind.METADATA;
    }

    @Override
    public Map<String, String> upstreamHeaders(String path) {
        // the compact index is served whole; ask for it unencoded, as bundler does
        return kindOf(path) == AssetKind.METADATA ? Map.of("Accept-Encoding", "identity") : Map.of();
    }
}
