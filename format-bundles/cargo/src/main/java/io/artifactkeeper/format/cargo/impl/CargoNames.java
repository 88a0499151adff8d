package io.artifactkeeper.format.cargo.impl;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.SemVer;

/**
 * Crate names, versions and where they live: the sparse index's directory layout by name length
 * ({@code 1/a}, {@code 2/ab}, {@code 3/a/abc}, {@code ab/cd/abcd}), stored crate files, and the
 * rules a published name and version must follow.
 */
final class CargoNames {
    static final String INDEX_DIR = "index/";
    static final String CRATES_DIR = "crates/";
    static final int MAX_NAME = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0," + (MAX_NAME - 1) + "}");
    /** Dependencies may name crates of other registries, whose rules are looser (no first-letter rule). */
    private static final Pattern DEP_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,63}");
    /** Names that cannot be files on Windows, and the standard library's crates. */
    private static final Set<String> RESERVED = Set.of("con", "prn", "aux", "nul", "com1", "com2", "com3", "com4",
            "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8",
            "lpt9", "std", "core", "alloc", "proc_macro", "proc-macro", "test");

    private CargoNames() {
    }

    /** Why {@code name} cannot be published, or null when it can. */
    static String invalidName(String name) {
        if (name == null || name.isEmpty()) {
            return "the crate name is empty";
        }
        if (name.length() > MAX_NAME) {
            return "the crate name `" + name + "` is longer than " + MAX_NAME + " characters";
        }
        if (!NAME.matcher(name).matches()) {
            return "invalid crate name `" + name + "`: names start with an ASCII letter and contain only "
                    + "ASCII letters, digits, `-` and `_`";
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            return "the crate name `" + name + "` is reserved";
        }
        return null;
    }

    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static boolean isDependencyName(String name) {
        return name != null && DEP_NAME.matcher(name).matches();
    }

    static boolean isVersion(String v) {
        return v != null && v.length() <= 128 && SemVer.isValid(v);
    }

    /** The version without build metadata: versions equal by this are the same release. */
    static String withoutBuild(String v) {
        int plus = v.indexOf('+');
        return plus < 0 ? v : v.substring(0, plus);
    }

    /** The index directory of a name: {@code 1}, {@code 2}, {@code 3/a}, {@code ab/cd} (case kept). */
    static String prefix(String name) {
        return switch (name.length()) {
            case 1 -> "1";
            case 2 -> "2";
            case 3 -> "3/" + name.charAt(0);
            default -> name.substring(0, 2) + "/" + name.substring(2, 4);
        };
    }

    /** Path of a crate's index file in a repository: {@code index/se/rd/serde}. */
    static String indexPath(String name) {
        String lc = name.toLowerCase(Locale.ROOT);
        return INDEX_DIR + prefix(lc) + "/" + lc;
    }

    /**
     * The crate an index path (below {@code index/}) names, lowercase, when the path is where that
     * name's file lives; otherwise null.
     */
    static String nameOfIndexPath(String below) {
        int slash = below.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        String name = below.substring(slash + 1).toLowerCase(Locale.ROOT);
        if (!isDependencyName(name)) {
            return null;
        }
        return (prefix(name) + "/" + name).equals(below.toLowerCase(Locale.ROOT)) ? name : null;
    }

    /** Where a version's .crate is stored: {@code crates/serde/serde-1.0.0.crate}. */
    static String cratePath(String name, String version) {
        String lc = name.toLowerCase(Locale.ROOT);
        return CRATES_DIR + lc + "/" + lc + "-" + version + ".crate";
    }

    private static final Pattern CRATE_PATH = Pattern.compile("crates/([a-z0-9_-]+)/\\1-(.+)\\.crate");

    /** {name, version} of a stored crate path, or null. */
    static String[] ofCratePath(String path) {
        Matcher m = CRATE_PATH.matcher(path);
        return m.matches() && isVersion(m.group(2)) ? new String[] {m.group(1), m.group(2)} : null;
    }

    static boolean isPrerelease(String v) {
        return SemVer.parse(v).map(SemVer::isPrerelease).orElse(false);
    }
}
