package io.artifactkeeper.format.composer.impl;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.format.support.Members;

/**
 * How a remote composer repository reaches a Packagist-protocol upstream (Packagist itself, a
 * private Packagist, another Artifact Keeper): the upstream URL names the repository as Composer's
 * {@code repositories.x.url} would ({@code https://repo.packagist.org}, {@code http://host/composer/repo},
 * or its packages.json itself). Its {@code packages.json} is cached under {@code .upstream/} and its
 * p2 documents under {@code p2/}, both as metadata (refreshed after the TTL), fetched from where its
 * packages.json's {@code metadata-url} says; dists are content, fetched once from the URL the
 * upstream's metadata gives for the version and kept.
 */
final class ComposerProxyPolicy implements ProxyPolicy {

    @FunctionalInterface
    interface DistUrls {
        Optional<URI> of(RepositoryContext remote, String path) throws IOException;
    }

    private final DistUrls dists;

    ComposerProxyPolicy(DistUrls dists) {
        this.dists = dists;
    }

    /** The upstream's packages.json for a repository URL as Composer takes it. */
    static URI packagesUri(URI upstream) {
        String s = upstream.toString();
        int q = s.indexOf('?');
        String path = q < 0 ? s : s.substring(0, q);
        if (path.endsWith(".json")) {
            return upstream;
        }
        return URI.create((path.endsWith("/") ? path : path + "/") + ComposerMetadata.PACKAGES_JSON);
    }

    /** Where an upstream without a usable packages.json is taken to serve {@code p2/{file}}. */
    static URI fallbackMetadataUri(URI upstream, String file) {
        String s = packagesUri(upstream).toString();
        return URI.create(s.substring(0, s.lastIndexOf('/') + 1) + ComposerNames.P2 + file);
    }

    @Override
    public URI upstreamUri(URI upstreamBase, String path) {
        if (path.equals(ComposerMetadata.UPSTREAM_PACKAGES)) {
            return packagesUri(upstreamBase);
        }
        if (path.startsWith(ComposerNames.P2)) {
            return fallbackMetadataUri(upstreamBase, path.substring(ComposerNames.P2.length()));
        }
        return ProxyPolicy.super.upstreamUri(upstreamBase, path);
    }

    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        if (!path.startsWith(ComposerNames.DIST)) {
            return Optional.empty();
        }
        try {
            return dists.of(remote, path);
        } catch (IOException | RuntimeException e) {
            if (!Members.skippable(e)) {
                throw e;
            }
            // the upstream's metadata is unreachable: the path below it is the only guess left
            return Optional.empty();
        }
    }

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith(ComposerNames.P2) || path.startsWith(".upstream/") ? AssetKind.METADATA : AssetKind.CONTENT;
    }
}
