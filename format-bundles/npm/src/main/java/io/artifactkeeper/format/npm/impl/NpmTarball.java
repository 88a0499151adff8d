package io.artifactkeeper.format.npm.impl;

import java.io.IOException;
import java.io.InputStream;

import io.artifactkeeper.format.support.SafeArchive;

/**
 * Checks a published package tarball before its version becomes visible: it must be a gzip'd tar
 * (what every npm client sends and expects) that {@link SafeArchive} reads through without refusing
 * it: no entry may land outside the folder it is unpacked into (absolute names, drive letters,
 * {@code ..} segments, links pointing out), and entry count, sizes and expansion are bounded.
 */
final class NpmTarball {
    /** npm's own limits are looser than the archive defaults only in the entry count (monorepo bundles). */
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxEntries(500_000);

    private NpmTarball() {
    }

    /**
     * Reads {@code tgz} through; a {@link SafeArchive.ArchiveException} (the caller's 400) says why it
     * is no tar.gz or what is unsafe in it.
     */
    static void check(InputStream tgz) throws IOException {
        SafeArchive.tarGz(tgz, LIMITS, (entry, content) -> true);
    }
}
