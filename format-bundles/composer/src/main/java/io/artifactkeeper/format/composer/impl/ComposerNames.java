package io.artifactkeeper.format.composer.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Package names and where things live in a repository. A dist is stored (hosted) or cached (remote)
 * at {@code dist/{vendor}/{package}/{version}/{reference}.{type}}: the version and the dist
 * reference (a hosted zip's SHA-1, an upstream's commit) make the path, so a moved branch of an
 * upstream is a new file, never a stale one, and the same version has the same path in every
 * repository that holds the same dist. A segment that is not safe in a path is replaced by a hash.
 */
final class ComposerNames {
    /** Composer's package name rule (its schema's "name" pattern): lowercase vendor/project. */
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9](?:[_.-]?[a-z0-9]++)*+/[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]++)*+");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern TYPE = Pattern.compile("[a-z0-9]{1,10}");
    static final int MAX_NAME = 214;
    static final String DIST = "dist/";
    static final String P2 = "p2/";

    private ComposerNames() {
    }

    /** Why {@code name} is not a package name, or null when it is one. */
    static String invalidName(String name) {
        if (name == null || name.isEmpty()) {
            return "a package needs a name (\"vendor/package\")";
        }
        if (name.length() > MAX_NAME) {
            return "the package name is longer than " + MAX_NAME + " characters";
        }
        if (!NAME.matcher(name).matches()) {
            return "invalid package name \"" + printable(name) + "\": it is \"vendor/package\", lowercase letters, digits "
                    + "and . _ - between them";
        }
        return null;
    }

    static boolean isName(String name) {
        return invalidName(name) == null;
    }

    /** A path segment for {@code s}: itself when safe, else {@code ~} and a hash of it. */
    static String segment(String s) {
        if (s != null && SAFE.matcher(s).matches() && !s.endsWith(".")) {
            return s;
        }
        return "~" + hash(s == null ? "" : s).substring(0, 40);
    }

    /** A dist's archive type as a file extension ({@code zip}, {@code tar}, ...). */
    static String extension(String type) {
        String t = type == null ? "zip" : type.toLowerCase(Locale.ROOT);
        return TYPE.matcher(t).matches() ? t : "zip";
    }

    /** Where a version's dist lives below a repository. */
    static String distPath(String name, String version, String reference, String type) {
        return DIST + name + "/" + segment(version) + "/" + segment(reference) + "." + extension(type);
    }

    /** The folder of a package's dists. */
    static String distPrefix(String name) {
        return DIST + name + "/";
    }

    /** The package name of a dist path, or null. */
    static String nameOfDistPath(String path) {
        if (!path.startsWith(DIST)) {
            return null;
        }
        String[] p = path.substring(DIST.length()).split("/");
        if (p.length != 4) {
            return null;
        }
        String name = p[0] + "/" + p[1];
        return isName(name) ? name : null;
    }

    static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code s} for a message: control characters escaped, at most 200 characters. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
