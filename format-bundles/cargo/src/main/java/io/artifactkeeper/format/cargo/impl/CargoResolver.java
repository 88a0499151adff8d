package io.artifactkeeper.format.cargo.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Finds index files and .crate files in any kind of repository: stored (local), cached or fetched
 * (remote: index files from the upstream index, crates from the upstream's {@code dl} URL), or
 * through the members in priority order (virtual: index lines merged, the first member winning
 * a version that several have).
 */
final class CargoResolver {
    private CargoResolver() {
    }

    /** The stored (local) or cached/fetched (remote) index file of a crate; not for virtual repositories. */
    static Optional<StoredAsset> indexFile(RepositoryContext repo, String name) throws IOException {
        return repo.get(CargoNames.indexPath(name));
    }

    /** A crate's index lines and when the newest of the files they came from changed. */
    record Lines(List<ObjectNode> lines, Instant modified) {
    }

    /** The index lines of a crate in any repository type; empty when no repository has it. */
    static Optional<Lines> lines(RepositoryContext repo, String name) throws IOException {
        if (repo.type() == RepositoryType.VIRTUAL) {
            List<List<ObjectNode>> all = new ArrayList<>();
            Instant modified = Instant.EPOCH;
            for (RepositoryContext m : repo.members()) {
                try {
                    Optional<Lines> l = lines(m, name);
                    if (l.isPresent()) {
                        all.add(l.get().lines());
                        modified = l.get().modified().isAfter(modified) ? l.get().modified() : modified;
                    }
                } catch (FormatException e) {
                    // a member whose upstream is down must not hide the others
                    if (e.status() < 500) {
                        throw e;
                    }
                }
            }
            return all.isEmpty() ? Optional.empty() : Optional.of(new Lines(CargoIndex.merge(all), modified));
        }
        Optional<StoredAsset> a = indexFile(repo, name);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Lines(parse(repo, a.get()), a.get().updatedAt()));
    }

    static List<ObjectNode> parse(RepositoryContext repo, StoredAsset a) throws IOException {
        try (InputStream in = a.open()) {
            return CargoIndex.parse(in);
        } catch (IOException e) {
            if (repo.type() == RepositoryType.REMOTE) {
                throw new FormatException(502, "BAD_UPSTREAM", "upstream sent a malformed index file "
                        + a.path() + ": " + e.getMessage());
            }
            throw e;
        }
    }

    /** The .crate of a version, resolved by repository type. */
    static Optional<StoredAsset> crate(RepositoryContext repo, String name, String version) throws IOException {
        String path = CargoNames.cratePath(name, version);
        switch (repo.type()) {
            case VIRTUAL -> {
                for (RepositoryContext m : repo.members()) {
                    try {
                        Optional<StoredAsset> a = crate(m, name, version);
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
                // cached already: no upstream round trip, not even for the index
                for (StoredAsset cached : repo.list(path)) {
                    if (cached.path().equals(path)) {
                        return Optional.of(cached);
                    }
                }
                ObjectNode line = lines(repo, name).map(l -> CargoIndex.find(l.lines(), version)).orElse(null);
                if (line == null) {
                    return Optional.empty();
                }
                URI uri = downloadUri(repo, line);
                return repo.fetch(path, uri, AssetKind.CONTENT);
            }
            default -> {
                return repo.get(path);
            }
        }
    }

    /** Where the remote's upstream serves a version's .crate: its {@code config.json}'s {@code dl} template. */
    private static URI downloadUri(RepositoryContext remote, ObjectNode line) throws IOException {
        StoredAsset cfg = remote.get(CargoProxyPolicy.UPSTREAM_CONFIG).orElseThrow(() -> new FormatException(502,
                "BAD_UPSTREAM", "the upstream index of " + remote.key() + " has no config.json"));
        String dl;
        try (InputStream in = cfg.open()) {
            JsonNode c = CargoIndex.JSON.readTree(in);
            dl = c == null ? null : c.path("dl").asText(null);
        } catch (JacksonException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's config.json is malformed");
        }
        if (dl == null || dl.isBlank()) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's config.json names no dl URL");
        }
        String uri = expand(dl, line.path("name").asText(), line.path("vers").asText(), line.path("cksum").asText());
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's dl URL is malformed: " + uri);
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's dl URL is not http(s): " + uri);
        }
        return u;
    }

    /** Fills the markers of a {@code dl} template; without markers, appends {@code /{crate}/{version}/download}. */
    static String expand(String dl, String name, String version, String cksum) {
        boolean markers = dl.contains("{crate}") || dl.contains("{version}") || dl.contains("{prefix}")
                || dl.contains("{lowerprefix}") || dl.contains("{sha256-checksum}");
        if (!markers) {
            return (dl.endsWith("/") ? dl.substring(0, dl.length() - 1) : dl) + "/" + name + "/" + version + "/download";
        }
        return dl.replace("{crate}", name).replace("{version}", version).replace("{prefix}", CargoNames.prefix(name))
                .replace("{lowerprefix}", CargoNames.prefix(name.toLowerCase(Locale.ROOT)))
                .replace("{sha256-checksum}", cksum);
    }

    /** The first remote repository in {@code repo} (itself or a member, depth first), or null. */
    static RepositoryContext firstRemote(RepositoryContext repo) {
        if (repo.type() == RepositoryType.REMOTE) {
            return repo;
        }
        for (RepositoryContext m : repo.members()) {
            RepositoryContext r = firstRemote(m);
            if (r != null) {
                return r;
            }
        }
        return null;
    }
}
