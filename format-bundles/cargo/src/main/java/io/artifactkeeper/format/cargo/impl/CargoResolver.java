package io.artifactkeeper.format.cargo.impl;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Members;

/**
 * Finds index files and .crate files in any kind of repository through the support layer: stored
 * (local), cached or fetched (remote: index files from the upstream index, crates from the
 * upstream's {@code dl} URL, {@link CargoProxyPolicy#contentUri}), or through the members in
 * priority order (virtual: index lines merged, the first member winning a version that several
 * have).
 */
final class CargoResolver {
    private CargoResolver() {
    }

    /** One repository's index file of a crate, with its lines. */
    record IndexFile(StoredAsset asset, List<ObjectNode> lines) {
    }

    /** A crate's index as a client gets it: one repository's file as it is, or several merged. */
    record Index(Optional<StoredAsset> single, List<ObjectNode> lines, Instant modified) {
    }

    /** The index of a crate in any repository; empty when no repository (member) has it. */
    static Optional<Index> index(RepositoryContext repo, String name) throws IOException {
        String path = CargoNames.indexPath(name);
        List<IndexFile> files = Members.values(repo, Members.bySource(r -> read(r.get(path), CargoResolver::parseStored),
                r -> read(r.get(path), CargoResolver::parseUpstream)));
        if (files.isEmpty()) {
            return Optional.empty();
        }
        if (files.size() == 1) {
            IndexFile f = files.get(0);
            return Optional.of(new Index(Optional.of(f.asset()), f.lines(), f.asset().updatedAt()));
        }
        List<List<ObjectNode>> all = new ArrayList<>();
        Instant modified = Instant.EPOCH;
        for (IndexFile f : files) {
            all.add(f.lines());
            modified = f.asset().updatedAt().isAfter(modified) ? f.asset().updatedAt() : modified;
        }
        return Optional.of(new Index(Optional.empty(), CargoIndex.merge(all), modified));
    }

    private interface Parser {
        List<ObjectNode> parse(StoredAsset a) throws IOException;
    }

    private static Optional<IndexFile> read(Optional<StoredAsset> a, Parser p) throws IOException {
        return a.isEmpty() ? Optional.empty() : Optional.of(new IndexFile(a.get(), p.parse(a.get())));
    }

    static List<ObjectNode> parseStored(StoredAsset a) throws IOException {
        try (InputStream in = a.open()) {
            return CargoIndex.parse(in);
        }
    }

    /** An upstream's index file; malformed is the proxy's 502. */
    static List<ObjectNode> parseUpstream(StoredAsset a) throws IOException {
        try (InputStream in = a.open()) {
            return CargoIndex.parse(in);
        } catch (IOException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "upstream sent a malformed index file " + a.path() + ": "
                    + e.getMessage());
        }
    }

    /** The .crate of a version: the first repository (member) that has it, fetched by a remote on a miss. */
    static Optional<StoredAsset> crate(RepositoryContext repo, String name, String version) throws IOException {
        String path = CargoNames.cratePath(name, version);
        return Members.first(repo, r -> r.get(path));
    }
}
