package io.artifactkeeper.format.pub.impl;

import java.util.Set;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.SemVer;

/** Package names, versions and where they are stored. */
final class PubNames {
    /** Lowercase letters, digits and underscores, not starting with a digit (pub's rule for a package name). */
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    /** Dart's reserved words: pub refuses them as package names. */
    private static final Set<String> RESERVED = Set.of("assert", "break", "case", "catch", "class", "const", "continue",
            "default", "do", "else", "enum", "extends", "false", "final", "finally", "for", "if", "in", "is", "new",
            "null", "rethrow", "return", "super", "switch", "this", "throw", "true", "try", "var", "void", "while",
            "with");
    static final String ARCHIVE_SUFFIX = ".tar.gz";

    private PubNames() {
    }

    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches() && !RESERVED.contains(name);
    }

    /** Why {@code name} is not a package name, or null when it is one. */
    static String invalidName(String name) {
        if (name == null || name.isEmpty()) {
            return "pubspec.yaml has no name";
        }
        if (!isName(name)) {
            return "\"" + printable(name) + "\" is not a valid package name: lowercase letters, digits and underscores,"
                    + " not starting with a digit, at most 64 characters, not a Dart reserved word";
        }
        return null;
    }

    /** A pub version: Semantic Versioning 2.0.0. */
    static boolean isVersion(String version) {
        return SemVer.isValid(version);
    }

    /** Where an archive is stored, which is also its URL below the repository. */
    static String archivePath(String name, String version) {
        return "packages/" + name + "/versions/" + version + ARCHIVE_SUFFIX;
    }

    static String packagePrefix(String name) {
        return "packages/" + name + "/";
    }

    /** Where a remote caches its upstream's package listing (the upstream's own path). */
    static String upstreamListingPath(String name) {
        return "api/packages/" + name;
    }

    /** {name, version} of an archive path, or null. */
    static String[] ofArchivePath(String path) {
        String[] p = path.split("/");
        if (p.length != 4 || !p[0].equals("packages") || !p[2].equals("versions") || !p[3].endsWith(ARCHIVE_SUFFIX)) {
            return null;
        }
        String version = p[3].substring(0, p[3].length() - ARCHIVE_SUFFIX.length());
        return isName(p[1]) && isVersion(version) ? new String[] {p[1], version} : null;
    }

    static String printable(String s) {
        String t = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }
}
