package io.artifactkeeper.format.nuget.impl;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;

/**
 * A remote's upstream is a NuGet v3 feed named by its service index URL (or a base whose
 * {@code v3/index.json} is one). Package files come from the upstream's PackageBaseAddress, which the
 * cached service index names; JSON documents are metadata (refreshed after the TTL), packages content.
 */
final class NugetProxyPolicy implements ProxyPolicy {

    @Override
    public URI upstreamUri(URI upstreamBase, String path) {
        if (path.equals(NugetPaths.UPSTREAM_INDEX)) {
            return NugetUpstream.serviceIndexUri(upstreamBase);
        }
        return ProxyPolicy.super.upstreamUri(upstreamBase, path);
    }

    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        return NugetUpstream.flatUri(remote, path);
    }

    @Override
    public AssetKind kindOf(String path) {
        return path.endsWith(".json") ? AssetKind.METADATA : AssetKind.CONTENT;
    }
}
