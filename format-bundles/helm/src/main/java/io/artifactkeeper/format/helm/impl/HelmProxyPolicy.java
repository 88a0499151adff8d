package io.artifactkeeper.format.helm.impl;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.format.support.Members;

/**
 * How a remote helm repository reaches its upstream chart repository: {@code index.yaml} is
 * metadata (refreshed after the repository's TTL); charts and provenance files are content, fetched
 * from the URL the upstream's index names (below its base URL when it names none, e.g. a chart newer
 * than the cached index).
 */
final class HelmProxyPolicy implements ProxyPolicy {
    /** Where the upstream's index says it serves a chart file. */
    @FunctionalInterface
    interface ChartUrls {
        Optional<URI> of(RepositoryContext remote, String file) throws IOException;
    }

    private final ChartUrls urls;

    HelmProxyPolicy(ChartUrls urls) {
        this.urls = urls;
    }

    @Override
    public AssetKind kindOf(String path) {
        return path.equals(HelmFormat.INDEX) ? AssetKind.METADATA : AssetKind.CONTENT;
    }

    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        if (!path.startsWith(HelmIndex.CHARTS)) {
            return Optional.empty();
        }
        String file = path.substring(HelmIndex.CHARTS.length());
        boolean prov = file.endsWith(".prov");
        String chart = prov ? file.substring(0, file.length() - ".prov".length()) : file;
        try {
            // a provenance file sits beside its chart, wherever that is
            return urls.of(remote, chart).map(u -> prov ? URI.create(u + ".prov") : u);
        } catch (IOException | RuntimeException e) {
            if (!Members.skippable(e)) {
                throw e;
            }
            // the upstream's index is unreachable: its own charts/ folder is the best guess
            return Optional.empty();
        }
    }
}
