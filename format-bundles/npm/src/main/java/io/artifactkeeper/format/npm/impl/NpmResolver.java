package io.artifactkeeper.format.npm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Members;

/**
 * Finds packuments and tarballs in any kind of repository through the support layer: a local
 * repository's stored document, a remote's cached or fetched one (its tarballs fetched from the URL
 * the upstream's packument names: {@link NpmProxyPolicy#contentUri}), or the members' in priority
 * order (packuments merged, the first member winning). Documents come back as stored, with their
 * original tarball URLs; serving rewrites them.
 */
final class NpmResolver {
    private NpmResolver() {
    }

    /** A hosted packument is ours; a remote's comes from its upstream (malformed: 502). */
    static Optional<ObjectNode> packument(RepositoryContext repo, String name) throws IOException {
        String path = NpmNames.packumentPath(name);
        return NpmPackument.merge(Members.values(repo, Members.bySource(r -> stored(r, name),
                r -> read(r.get(path), in -> NpmPackument.parseUpstream(in, name)))));
    }

    /** The packument stored in a hosted repository. */
    static Optional<ObjectNode> stored(RepositoryContext hosted, String name) throws IOException {
        return read(hosted.get(NpmNames.packumentPath(name)), NpmPackument::parse);
    }

    static Optional<StoredAsset> tarball(RepositoryContext repo, String name, String file) throws IOException {
        String path = NpmNames.tarballPath(name, file);
        return Members.first(repo, r -> r.get(path));
    }

    private interface Parser {
        ObjectNode parse(InputStream in) throws IOException;
    }

    private static Optional<ObjectNode> read(Optional<StoredAsset> a, Parser p) throws IOException {
        if (a.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = a.get().open()) {
            return Optional.of(p.parse(in));
        }
    }
}
