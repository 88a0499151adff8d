package io.artifactkeeper.format.maven.impl;

import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;

/**
 * Remote Maven repositories: {@code maven-metadata.xml} (and its checksums) changes upstream and is
 * refreshed after the TTL; so is a literal {@code -SNAPSHOT} file, which is overwritten in place.
 * Everything else (released files, timestamped SNAPSHOT files) never changes and is kept.
 */
final class MavenProxyPolicy implements ProxyPolicy {

    @Override
    public AssetKind kindOf(String path) {
        Checksum c = Checksum.ofPath(path);
        String base = c == null ? path : c.basePath(path);
        if (MavenPath.isMetadata(base)) {
            return AssetKind.METADATA;
        }
        Optional<MavenPath> p = MavenPath.parse(base);
        if (p.isPresent() && p.get().snapshot() && !p.get().timestamped()) {
            return AssetKind.METADATA;
        }
        return AssetKind.CONTENT;
    }
}
