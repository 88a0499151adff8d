package io.artifactkeeper.format.rpm.impl;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.format.support.Members;

/**
 * How a remote RPM repository reaches its upstream: everything under {@code repodata/} is metadata
 * (refreshed after the TTL); packages are content, fetched from where the upstream's primary.xml
 * places them ({@code xml:base} + {@code href}), or below the upstream's base URL when it names no
 * other base.
 */
final class RpmProxyPolicy implements ProxyPolicy {
    /** The upstream's packages that live under another base URL, by their path here. */
    @FunctionalInterface
    interface PackageUrls {
        Map<String, String> of(RepositoryContext remote) throws IOException;
    }

    private final PackageUrls urls;

    RpmProxyPolicy(PackageUrls urls) {
        this.urls = urls;
    }

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith("repodata/") ? AssetKind.METADATA : AssetKind.CONTENT;
    }

    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        if (!path.endsWith(".rpm")) {
            return Optional.empty();
        }
        try {
            String url = urls.of(remote).get(path);
            return url == null ? Optional.empty() : Optional.of(URI.create(url));
        } catch (IOException | RuntimeException e) {
            if (!Members.skippable(e)) {
                throw e;
            }
            return Optional.empty();
        }
    }
}
