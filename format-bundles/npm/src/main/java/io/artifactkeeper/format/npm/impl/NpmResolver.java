package io.artifactkeeper.format.npm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Finds packuments and tarballs in any kind of repository: stored (local), cached or fetched
 * (remote, with tarball URLs taken from the upstream's packument), or through members in priority
 * order (virtual, packuments merged). Documents come back as stored, with their original tarball
 * URLs; serving rewrites them.
 */
final class NpmResolver {
    private NpmResolver() {
    }

    static boolean sameOrigin(URI a, URI b) {
        if (a == null || b == null || !a.isAbsolute() || a.getHost() == null) {
            return false;
        }
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    static Optional<ObjectNode> packument(RepositoryContext repo, String name) throws IOException {
        if (repo.type() == RepositoryType.VIRTUAL) {
            List<ObjectNode> docs = new ArrayList<>();
            for (RepositoryContext m : repo.members()) {
                try {
                    packument(m, name).ifPresent(docs::add);
                } catch (FormatException e) {
                    // a member whose upstream is down must not hide the others
                    if (e.status() < 500) {
                        throw e;
                    }
                }
            }
            return NpmPackument.merge(docs);
        }
        Optional<StoredAsset> a = repo.get(NpmNames.packumentPath(name));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = a.get().open()) {
            return Optional.of(NpmPackument.parse(in));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            if (repo.type() == RepositoryType.REMOTE) {
                throw new FormatException(502, "BAD_UPSTREAM", "upstream sent a malformed packument for " + name);
            }
            throw e;
        }
    }

    static Optional<StoredAsset> tarball(RepositoryContext repo, String name, String file) throws IOException {
        String path = NpmNames.tarballPath(name, file);
        switch (repo.type()) {
            case VIRTUAL -> {
                for (RepositoryContext m : repo.members()) {
                    try {
                        Optional<StoredAsset> a = tarball(m, name, file);
                        if (a.isPresent()) {
                            return a;
                        }
                    } catch (FormatException e) {
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
                return Optional.empty();
            }
            case REMOTE -> {
                // cached already: no upstream round trip, not even for the packument
                for (StoredAsset cached : repo.list(path)) {
                    if (cached.path().equals(path)) {
                        return Optional.of(cached);
                    }
                }
                Optional<ObjectNode> doc = packument(repo, name);
                Optional<String> url = doc.flatMap(d -> NpmPackument.tarballUrl(d, name, file));
                if (url.isPresent()) {
                    URI u;
                    try {
                        u = URI.create(url.get());
                    } catch (IllegalArgumentException e) {
                        throw new FormatException(502, "BAD_UPSTREAM", "upstream names a malformed tarball URL for " + name);
                    }
                    // only from the upstream's own origin: the core sends the upstream's credentials along
                    if (sameOrigin(u, repo.upstreamUrl().orElse(null))) {
                        return repo.fetch(path, u, AssetKind.CONTENT);
                    }
                }
                if (doc.isPresent() && url.isEmpty()) {
                    // the upstream's document does not list this file
                    return Optional.empty();
                }
                return repo.get(path);
            }
            default -> {
                return repo.get(path);
            }
        }
    }
}
