package io.artifactkeeper.format.cargo.impl;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.Caller;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Writes to a hosted cargo repository (the core refuses write routes on remote and virtual ones before
 * the format runs): publish (the .crate streamed into its own asset, checked,
 * then its line appended to the index file under the crate's lock), yank and unyank, owners.
 * Owners are the users who may publish new versions, yank and change owners (administrators may
 * always); the first publisher of a crate is its first owner.
 */
final class CargoPublisher {
    static final String OWNERS_ATTRIBUTE = "cargo_owners";
    private static final String INDEX_TYPE = "text/plain; charset=utf-8";

    private final RepositoryContext repo;
    private final Caller caller;

    CargoPublisher(RepositoryContext repo, Caller caller) {
        this.repo = repo;
        this.caller = caller;
    }

    private static String lock(String name) {
        return "cargo:" + name.toLowerCase(java.util.Locale.ROOT);
    }

    /** The stored index file and its lines, if the crate exists here. */
    record Index(StoredAsset asset, List<ObjectNode> lines) {
        List<String> owners() {
            Object o = asset.attributes().get(OWNERS_ATTRIBUTE);
            List<String> out = new ArrayList<>();
            if (o instanceof List<?> l) {
                for (Object x : l) {
                    out.add(String.valueOf(x));
                }
            }
            return out;
        }

        String canonicalName() {
            return lines.isEmpty() ? null : lines.get(0).path("name").asText();
        }
    }

    private Optional<Index> index(String name) throws IOException {
        return index(repo, name);
    }

    /** The index file stored in a hosted repository, with its owners. */
    static Optional<Index> index(RepositoryContext hosted, String name) throws IOException {
        Optional<StoredAsset> a = hosted.get(CargoNames.indexPath(name));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Index(a.get(), CargoResolver.parseStored(a.get())));
    }

    private void save(String name, List<ObjectNode> lines, List<String> owners) throws IOException {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put(OWNERS_ATTRIBUTE, List.copyOf(owners));
        attrs.put("cargo_kind", "index");
        repo.putBytes(CargoNames.indexPath(name), CargoIndex.bytes(lines), PutOptions.defaults()
                .withKind(AssetKind.METADATA).withDescription(name, null, INDEX_TYPE, attrs));
    }

    private void requireOwner(Index idx, String name) {
        if (caller.admin()) {
            return;
        }
        List<String> owners = idx.owners();
        if (!owners.isEmpty() && (caller.username() == null || !owners.contains(caller.username()))) {
            throw new FormatException(403, "NOT_OWNER", "crate `" + name + "` exists but you are not one of its owners ("
                    + String.join(", ", owners) + ")");
        }
    }

    private void checkAgainst(Index idx, String name, String version) {
        String existing = idx.canonicalName();
        if (existing != null && !existing.equals(name)) {
            throw new InvalidArtifactException("crate `" + existing + "` already exists; `" + name
                    + "` differs from it only in case");
        }
        ObjectNode same = CargoIndex.findRelease(idx.lines(), version);
        if (same != null) {
            throw new FormatException(409, "VERSION_EXISTS", "crate version `" + name + "@" + version
                    + "` is already published" + (same.path("yanked").asBoolean() ? " (and yanked)" : "")
                    + "; versions cannot be replaced");
        }
        requireOwner(idx, name);
    }

    // --- publish

    /** {@code PUT /api/v1/crates/new}. */
    ObjectNode publish(InputStream body, long contentLength) throws IOException {
        CargoPublishReader reader = new CargoPublishReader(body, contentLength);
        ObjectNode meta = reader.metadata();
        String name = meta.path("name").asText(null);
        String invalid = CargoNames.invalidName(name);
        if (invalid != null) {
            throw new InvalidArtifactException(invalid);
        }
        String version = meta.path("vers").asText(null);
        if (!CargoNames.isVersion(version)) {
            throw new InvalidArtifactException("invalid version `" + version + "` of crate `" + name
                    + "`: versions follow Semantic Versioning 2.0 (MAJOR.MINOR.PATCH)");
        }
        // everything about the metadata is checked before a byte of the crate is stored
        CargoIndex.lineFor(meta, "0".repeat(64));
        reader.crateLength();
        Optional<Index> before = index(name);
        if (before.isPresent()) {
            checkAgainst(before.get(), name, version);
        }

        String path = CargoNames.cratePath(name, version);
        CargoPublishReader.CrateStream crate = reader.crate();
        StoredAsset stored;
        try {
            stored = repo.put(path, crate, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                    .withDescription(name, version, "application/gzip", crateAttributes(meta)));
        } catch (IOException | RuntimeException e) {
            if (crate.truncated()) {
                throw new InvalidArtifactException("the publish body ended after " + crate.bytesRead() + " of the .crate's "
                        + crate.length() + " bytes");
            }
            if (e instanceof FormatException fe && fe.status() == 409) {
                throw new FormatException(409, "VERSION_EXISTS", "crate version `" + name + "@" + version
                        + "` is already published; versions cannot be replaced");
            }
            throw e;
        }
        try {
            if (crate.bytesRead() < crate.length()) {
                throw new InvalidArtifactException("the publish body ended after " + crate.bytesRead() + " of the .crate's "
                        + crate.length() + " bytes");
            }
            reader.requireEnd();
            String problem;
            try (InputStream in = stored.open()) {
                problem = CargoCrateArchive.problem(in, name, version);
            }
            if (problem != null) {
                throw new InvalidArtifactException(problem);
            }
            ObjectNode line = CargoIndex.lineFor(meta, stored.sha256());
            repo.withLock(lock(name), () -> {
                Optional<Index> now = index(name);
                List<ObjectNode> lines = new ArrayList<>();
                List<String> owners = new ArrayList<>();
                if (now.isPresent()) {
                    checkAgainst(now.get(), name, version);
                    lines.addAll(now.get().lines());
                    owners.addAll(now.get().owners());
                }
                if (owners.isEmpty() && caller.username() != null) {
                    owners.add(caller.username());
                }
                lines.add(line);
                save(name, lines, owners);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            try {
                repo.delete(path);
            } catch (IOException | RuntimeException ignored) {
                // an orphan .crate without an index line is invisible to cargo
            }
            throw e;
        }
        ObjectNode ok = CargoIndex.JSON.createObjectNode();
        ObjectNode w = ok.putObject("warnings");
        w.putArray("invalid_categories");
        w.putArray("invalid_badges");
        w.putArray("other");
        return ok;
    }

    /** What the artifact keeps of the publish metadata (shown by the API, used by search). */
    private static Map<String, Object> crateAttributes(ObjectNode meta) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("cargo_kind", "crate");
        for (String f : List.of("description", "license", "repository", "homepage", "documentation", "rust_version")) {
            JsonNode v = meta.get(f);
            if (v != null && v.isTextual()) {
                String s = v.asText();
                a.put(f, s.length() > 4096 ? s.substring(0, 4096) : s);
            }
        }
        for (String f : List.of("keywords", "categories", "authors")) {
            if (meta.get(f) instanceof com.fasterxml.jackson.databind.node.ArrayNode arr && !arr.isEmpty()) {
                List<String> l = new ArrayList<>();
                arr.forEach(x -> l.add(x.asText()));
                a.put(f, l);
            }
        }
        return a;
    }

    // --- yank

    /** Sets a version's {@code yanked} flag. */
    void yank(String name, String version, boolean yanked) throws IOException {
        repo.withLock(lock(name), () -> {
            Index idx = index(name).orElseThrow(() -> FormatException.notFound("crate `" + name + "` does not exist"));
            requireOwner(idx, name);
            ObjectNode line = CargoIndex.find(idx.lines(), version);
            if (line == null) {
                throw FormatException.notFound("crate `" + name + "` has no version " + version);
            }
            if (line.path("yanked").asBoolean() != yanked) {
                line.put("yanked", yanked);
                save(idx.canonicalName(), idx.lines(), idx.owners());
            }
            return null;
        });
    }

    // --- owners

    /** Adds ({@code add}) or removes owners; returns the new list. */
    List<String> changeOwners(String name, List<String> users, boolean add) throws IOException {
        if (users.isEmpty()) {
            throw FormatException.badRequest("no users given");
        }
        for (String u : users) {
            if (u == null || u.isBlank() || u.length() > 128 || u.chars().anyMatch(Character::isWhitespace)) {
                throw FormatException.badRequest("invalid user name `" + u + "`");
            }
        }
        return repo.withLock(lock(name), () -> {
            Index idx = index(name).orElseThrow(() -> FormatException.notFound("crate `" + name + "` does not exist"));
            requireOwner(idx, name);
            List<String> owners = new ArrayList<>(idx.owners());
            for (String u : users) {
                if (add && !owners.contains(u)) {
                    owners.add(u);
                } else if (!add) {
                    owners.remove(u);
                }
            }
            if (owners.isEmpty()) {
                throw FormatException.badRequest("a crate keeps at least one owner");
            }
            save(idx.canonicalName(), idx.lines(), owners);
            return owners;
        });
    }
}
