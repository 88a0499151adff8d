package io.artifactkeeper.format.rubygems.impl;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.UUID;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Writes to a hosted repository (the core refuses write routes on remote and virtual ones before the
 * format runs). A push streams the .gem into a staging asset (hashed as it arrives, never held in
 * memory), reads and checks it there ({@link GemArchive}), then, under the gem's lock, refuses a
 * version that exists or was yanked (409) and records the quick gemspec and the .gem under
 * {@code gems/} (sharing the staged bytes). Nothing but the staging asset, deleted again, is stored
 * for a refused gem. A yank deletes the .gem and its quick gemspec and leaves a tombstone: a yanked
 * version is never pushed again (as on rubygems.org).
 */
final class RubygemsPublisher {
    static final String STAGING_DIR = ".uploads/";
    static final String YANKED_DIR = ".yanked/";

    private final RepositoryContext repo;

    RubygemsPublisher(RepositoryContext repo) {
        this.repo = repo;
    }

    private static String lock(String name) {
        return "gem:" + name;
    }

    /**
     * Stores the .gem in {@code body}; {@code expectedFullName} (from an upload's file name) must be
     * what its gemspec says, when given.
     */
    GemSpec push(InputStream body, String expectedFullName) throws IOException {
        String staging = STAGING_DIR + UUID.randomUUID() + ".gem";
        StoredAsset staged = repo.put(staging, body, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                .withDescription(new ArtifactDescription(null, null, "application/octet-stream", Map.of("gem_kind", "upload"))));
        try {
            GemSpec spec;
            try (InputStream in = staged.open()) {
                spec = GemArchive.read(in);
            }
            if (expectedFullName != null && !expectedFullName.equals(spec.fullName())) {
                throw new InvalidArtifactException("the file is named " + expectedFullName + ".gem but its gemspec says "
                        + spec.fullName() + " (name " + spec.name() + ", version " + spec.version() + ", platform "
                        + spec.platform() + ")");
            }
            byte[] quick = GemMarshalDocs.quickSpec(spec);
            String full = spec.fullName();
            repo.withLock(lock(spec.name()), () -> {
                if (repo.peek(YANKED_DIR + full).isPresent()) {
                    throw new FormatException(409, "VERSION_YANKED", "A yanked version " + full
                            + " already exists; repushing of gem versions is not allowed.");
                }
                if (repo.peek(GemNames.gemPath(full)).isPresent()) {
                    throw new FormatException(409, "VERSION_EXISTS", "Repushing of gem versions is not allowed. "
                            + full + " already exists.");
                }
                repo.putBytes(GemNames.quickPath(full), quick, PutOptions.defaults()
                        .withDescription(spec.name(), spec.version(), "application/x-deflate", Map.of("gem_kind", "quick")));
                try {
                    repo.putCopy(GemNames.gemPath(full), staged, PutOptions.defaults()
                            .withOverwrite(PutOptions.Overwrite.DENY).withKind(AssetKind.CONTENT)
                            .withDescription(spec.name(), spec.version(), "application/octet-stream", spec.attributes()));
                } catch (FormatException e) {
                    if (e.status() == 409) {
                        throw new FormatException(409, "VERSION_EXISTS", "Repushing of gem versions is not allowed. "
                                + full + " already exists.");
                    }
                    throw e;
                }
                return null;
            });
            return spec;
        } finally {
            try {
                repo.delete(staging);
            } catch (IOException | RuntimeException ignored) {
                // a leftover staging file is outside every index
            }
        }
    }

    /** Deletes a version: its .gem and quick gemspec; a tombstone keeps it from being pushed again. */
    void yank(String name, String version, String platform) throws IOException {
        if (!GemNames.isName(name) || !GemNames.isVersion(version) || !GemNames.isPlatform(platform)) {
            throw FormatException.badRequest("gem_name, version (and platform) must name a gem version");
        }
        String full = GemNames.fullName(name, version, platform);
        repo.withLock(lock(name), () -> {
            if (!repo.delete(GemNames.gemPath(full))) {
                throw FormatException.notFound("The version " + version + (GemNames.RUBY.equals(platform) ? ""
                        : " (" + platform + ")") + " of " + name + " does not exist.");
            }
            repo.delete(GemNames.quickPath(full));
            repo.putBytes(YANKED_DIR + full, new byte[0], PutOptions.defaults()
                    .withDescription(name, version, "application/octet-stream", Map.of("gem_kind", "yanked")));
            return null;
        });
    }
}
