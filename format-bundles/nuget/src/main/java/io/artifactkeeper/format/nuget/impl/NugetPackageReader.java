package io.artifactkeeper.format.nuget.impl;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * Reads a {@code .nupkg}: a zip (read by {@link SafeArchive}, so bombs, slipping names and damaged
 * entries are refused) holding exactly one {@code .nuspec} at its root, which is parsed by
 * {@link NugetNuspec}. Every refusal is a 400 ({@link InvalidArtifactException}).
 */
final class NugetPackageReader {
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxEntries(50_000).withoutLinks();

    /** A package's metadata and its nuspec's bytes (served as the flat container's {@code .nuspec}). */
    record Read(NugetNuspec nuspec, byte[] nuspecBytes) {
    }

    private NugetPackageReader() {
    }

    static Read read(SeekableByteChannel zip) throws IOException {
        byte[][] found = new byte[1][];
        try {
            SafeArchive.zip(zip, LIMITS, (entry, content) -> {
                if (entry.isFile() && entry.name().indexOf('/') < 0
                        && entry.name().toLowerCase(java.util.Locale.ROOT).endsWith(".nuspec")) {
                    if (found[0] != null) {
                        throw new InvalidArtifactException("the package holds more than one .nuspec at its root");
                    }
                    byte[] b = content.readNBytes(NugetNuspec.MAX_BYTES + 1);
                    if (b.length > NugetNuspec.MAX_BYTES) {
                        throw new InvalidArtifactException("the .nuspec is larger than " + NugetNuspec.MAX_BYTES + " bytes");
                    }
                    found[0] = b;
                }
                return true;
            });
        } catch (SafeArchive.ArchiveException e) {
            throw new InvalidArtifactException("not a valid .nupkg: " + e.getMessage());
        }
        if (found[0] == null) {
            throw new InvalidArtifactException("the package holds no .nuspec at its root");
        }
        return new Read(NugetNuspec.parse(found[0]), found[0]);
    }
}
