package io.artifactkeeper.format.pub.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * How a remote pub repository reaches its upstream (a hosted-url: {@code https://pub.dev}, another
 * Artifact Keeper's {@code http://host/pub/REPO}): listings are fetched at the upstream's own
 * {@code api/packages/{name}} (metadata, refreshed after the TTL) with pub's {@code Accept}; an
 * archive is fetched from the {@code archive_url} that listing names (content, kept).
 */
final class PubProxyPolicy implements ProxyPolicy {
    static final String ACCEPT = "application/vnd.pub.v2+json";

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith("api/") ? AssetKind.METADATA : AssetKind.CONTENT;
    }

    @Override
    public Map<String, String> upstreamHeaders(String path) {
        return kindOf(path) == AssetKind.METADATA ? Map.of("Accept", ACCEPT) : Map.of("Accept", "application/octet-stream");
    }

    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        String[] nv = PubNames.ofArchivePath(path);
        if (nv == null) {
            return Optional.empty();
        }
        Optional<StoredAsset> listing = remote.get(PubNames.upstreamListingPath(nv[0]));
        if (listing.isEmpty()) {
            return Optional.empty();
        }
        PubListing.Upstream v;
        try (InputStream in = listing.get().open()) {
            v = PubListing.upstreamVersions(in, nv[0]).get(nv[1]);
        }
        if (v == null) {
            return Optional.empty();
        }
        if (v.archiveUrl() == null) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream names no archive_url for " + nv[0] + " " + nv[1]);
        }
        URI u;
        try {
            u = URI.create(v.archiveUrl());
        } catch (IllegalArgumentException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's archive_url is malformed");
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's archive_url is not http(s)");
        }
        return Optional.of(u);
    }
}
