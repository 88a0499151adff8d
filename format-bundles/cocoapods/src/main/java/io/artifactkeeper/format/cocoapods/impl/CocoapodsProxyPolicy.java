package io.artifactkeeper.format.cocoapods.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;

/**
 * How a remote cocoapods repository reaches its upstream CDN ({@code https://cdn.cocoapods.org/},
 * another Artifact Keeper's {@code http://host/cocoapods/REPO}): the CDN's files at their own paths
 * (metadata, refreshed after the TTL); an archive from the {@code source.http} URL of the upstream's
 * podspec of that version (content, kept).
 */
final class CocoapodsProxyPolicy implements ProxyPolicy {

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith("pods/") ? AssetKind.CONTENT : AssetKind.METADATA;
    }

    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        String[] nvf = CocoapodsNames.ofArchivePath(path);
        if (nvf == null) {
            return Optional.empty();
        }
        Optional<StoredAsset> spec = remote.get(CocoapodsNames.podspecPath(nvf[0], nvf[1]));
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n;
        try (InputStream in = spec.get().open()) {
            n = Json.readUpstream(in, CocoapodsPodspec.MAX_BYTES, "the upstream's podspec of " + nvf[0]);
        }
        URI src = CocoapodsPodspec.httpSource(n);
        if (src == null || !CocoapodsPodspec.localFile(src, nvf[0], nvf[1]).equals(nvf[2])) {
            return Optional.empty();
        }
        return Optional.of(src);
    }
}
