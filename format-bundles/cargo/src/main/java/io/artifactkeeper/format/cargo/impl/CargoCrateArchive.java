package io.artifactkeeper.format.cargo.impl;

import java.io.IOException;
import java.io.InputStream;

import io.artifactkeeper.format.support.SafeArchive;

/**
 * Checks that a .crate is what {@code cargo package} makes: a gzipped tar, read by
 * {@link SafeArchive} within its limits, whose every entry lies under {@code {name}-{version}/} and
 * that holds {@code {name}-{version}/Cargo.toml}. File contents are not read.
 */
final class CargoCrateArchive {
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults();

    private CargoCrateArchive() {
    }

    /** Why the archive is not a crate of {@code name} {@code version}, or null when it is. */
    static String problem(InputStream crate, String name, String version) throws IOException {
        String root = name + "-" + version + "/";
        String[] outside = new String[1];
        boolean[] manifest = new boolean[1];
        try {
            SafeArchive.tarGz(crate, LIMITS, (entry, content) -> {
                String path = entry.name();
                if (!path.startsWith(root) && !path.equals(root.substring(0, root.length() - 1))) {
                    outside[0] = path;
                    return false;
                }
                manifest[0] |= path.equals(root + "Cargo.toml") && entry.isFile();
                return true;
            });
        } catch (SafeArchive.ArchiveException e) {
            return "the .crate is refused: " + e.getMessage();
        }
        if (outside[0] != null) {
            return "the .crate holds `" + SafeArchive.printable(outside[0]) + "`, outside `" + root + "`";
        }
        return manifest[0] ? null : "the .crate has no `" + root + "Cargo.toml`";
    }
}
