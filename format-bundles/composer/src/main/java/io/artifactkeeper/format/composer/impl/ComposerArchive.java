package io.artifactkeeper.format.composer.impl;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashSet;
import java.util.Set;

import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * Finds the {@code composer.json} of a dist zip, reading the whole archive through the support
 * layer's {@link SafeArchive} (central directory, entry names, links, sizes and compression ratio
 * checked; every entry's CRC verified), so that a zip that would unpack outside its folder, or is
 * damaged or a bomb, is refused even when its composer.json is fine. Composer unpacks a dist and,
 * when the archive holds a single folder and nothing beside it, uses that folder as the package
 * (the layout of GitHub's zipballs): so the manifest is {@code composer.json} at the top, or in the
 * single top folder.
 */
final class ComposerArchive {
    /** A composer.json larger than this is refused (Packagist's largest are a few tens of KiB). */
    static final int MAX_COMPOSER_JSON = 256 * 1024;
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxTotalBytes(2L << 30);
    private static final String MANIFEST = "composer.json";

    private ComposerArchive() {
    }

    /**
     * The bytes of the archive's composer.json.
     *
     * @throws SafeArchive.ArchiveException when the archive is not a readable, safe zip
     * @throws InvalidArtifactException when it has no composer.json where Composer looks, or one too large
     */
    static byte[] composerJson(SeekableByteChannel zip) throws IOException {
        byte[][] atRoot = new byte[1][];
        byte[][] inFolder = new byte[1][];
        Set<String> tops = new LinkedHashSet<>();
        boolean[] rootFiles = new boolean[1];
        SafeArchive.zip(zip, LIMITS, (entry, content) -> {
            String name = entry.name();
            int slash = name.indexOf('/');
            if (slash < 0) {
                rootFiles[0] = true;
                if (name.equals(MANIFEST) && entry.isFile()) {
                    atRoot[0] = read(content);
                }
                return true;
            }
            String top = name.substring(0, slash);
            tops.add(top);
            if (name.equals(top + "/" + MANIFEST) && entry.isFile()) {
                inFolder[0] = read(content);
            }
            return true;
        });
        byte[] found = atRoot[0] != null ? atRoot[0] : !rootFiles[0] && tops.size() == 1 ? inFolder[0] : null;
        if (found != null) {
            if (found.length > MAX_COMPOSER_JSON) {
                throw new InvalidArtifactException("composer.json is larger than " + MAX_COMPOSER_JSON + " bytes");
            }
            return found;
        }
        throw new InvalidArtifactException("the archive has no composer.json at its top (or in its single top folder), "
                + "where Composer reads it");
    }

    /** Up to one byte more than allowed, so that a larger one is told apart; the archive reader reads the rest. */
    private static byte[] read(java.io.InputStream content) throws IOException {
        return content.readNBytes(MAX_COMPOSER_JSON + 1);
    }
}
