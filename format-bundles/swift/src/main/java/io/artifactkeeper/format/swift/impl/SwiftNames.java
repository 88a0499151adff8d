package io.artifactkeeper.format.swift.impl;

import java.util.Locale;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.SemVer;

/**
 * Scopes, names and versions of SE-0292 (section 3.6), and where releases are stored. Scopes and
 * names are case-insensitive: they are stored and matched lowercased, and answered as first
 * published.
 */
final class SwiftNames {
    private static final Pattern SCOPE = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9])){0,38}");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9]|[-_](?=[a-zA-Z0-9])){0,99}");
    static final String UPSTREAM = ".upstream/";

    private SwiftNames() {
    }

    static boolean isScope(String s) {
        return s != null && SCOPE.matcher(s).matches();
    }

    static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    static boolean isVersion(String v) {
        return SemVer.isValid(v);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** {@code scope/name/} lowercased: the prefix of a package's releases. */
    static String packagePrefix(String scope, String name) {
        return lower(scope) + "/" + lower(name) + "/";
    }

    /** Where a release's source archive is stored (and where clients download it). */
    static String archivePath(String scope, String name, String version) {
        return packagePrefix(scope, name) + version + ".zip";
    }

    /** Where a remote caches its upstream's release list. */
    static String upstreamReleasesPath(String scope, String name) {
        return UPSTREAM + lower(scope) + "/" + lower(name) + ".json";
    }

    /** Where a remote caches its upstream's metadata of a release. */
    static String upstreamReleasePath(String scope, String name, String version) {
        return UPSTREAM + packagePrefix(scope, name) + version + ".json";
    }

    /** Where a remote caches its upstream's answer to an identifiers lookup (the URL in hex: one segment). */
    static String upstreamIdentifiersPath(String url) {
        return UPSTREAM + "identifiers/" + java.util.HexFormat.of().formatHex(url.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {scope, name, version} of an archive path, or null. */
    static String[] ofArchivePath(String path) {
        String[] p = path.split("/");
        if (p.length != 3 || !p[2].endsWith(".zip")) {
            return null;
        }
        String v = p[2].substring(0, p[2].length() - 4);
        return isScope(p[0]) && isName(p[1]) && isVersion(v) ? new String[] {p[0], p[1], v} : null;
    }

    /** A repository URL as lookups compare it: lowercased, without a trailing slash or {@code .git}. */
    static String normalizeUrl(String url) {
        String u = url.trim().toLowerCase(Locale.ROOT);
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith(".git")) {
            u = u.substring(0, u.length() - 4);
        }
        return u;
    }

    static String printable(String s) {
        String t = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }
}
