package io.artifactkeeper.format.npm.impl;

import java.util.regex.Pattern;

/**
 * npm package names and where their files live in a repository. A packument is stored at
 * {@code {name}/package.json}, a tarball at {@code {name}/-/{file}.tgz} (the path npm's own
 * registry uses, with a scoped name's slash kept: {@code @scope/pkg/-/pkg-1.0.0.tgz}).
 */
final class NpmNames {
    static final String PACKUMENT_FILE = "package.json";

    /** Names as they exist on registries (old packages have upper case). */
    private static final Pattern READ = Pattern.compile("(?:@[A-Za-z0-9][A-Za-z0-9._~-]*/)?[A-Za-z0-9._~-]+");
    /** Names a publish may create (npm's validate-npm-package-name rules for new packages). */
    private static final Pattern PUBLISH = Pattern.compile("(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+-]*");

    private NpmNames() {
    }

    static boolean isValid(String name) {
        return name != null && name.length() <= 214 && READ.matcher(name).matches() && !name.endsWith("/.")
                && !name.equals(".") && !name.equals("..") && !name.contains("/..");
    }

    static boolean isPublishable(String name) {
        return isValid(name) && PUBLISH.matcher(name).matches();
    }

    static boolean isVersion(String v) {
        return v != null && v.length() <= 256 && VERSION.matcher(v).matches();
    }

    static boolean isScoped(String name) {
        return name.startsWith("@");
    }

    /** The name without its scope: {@code @s/pkg} gives {@code pkg}. */
    static String basename(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }

    /** The name as npm puts it in a URL: {@code @scope%2fpkg}. */
    static String escaped(String name) {
        return name.replace("/", "%2f");
    }

    static String packumentPath(String name) {
        return name + "/" + PACKUMENT_FILE;
    }

    static String tarballFile(String name, String version) {
        return basename(name) + "-" + version + ".tgz";
    }

    static String tarballPath(String name, String file) {
        return name + "/-/" + file;
    }

    /**
     * The version a conventional tarball file name carries ({@code pkg-1.2.3.tgz}), or null when the
     * file does not follow {@code {basename}-{version}.tgz}.
     */
    static String versionOfTarball(String name, String file) {
        String prefix = basename(name) + "-";
        if (!file.startsWith(prefix) || !file.endsWith(".tgz") || file.length() <= prefix.length() + 4) {
            return null;
        }
        String v = file.substring(prefix.length(), file.length() - 4);
        return isVersion(v) ? v : null;
    }

    /** The last segment of a URL path (a tarball's file name), without query or fragment. */
    static String lastSegment(String url) {
        String u = url;
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        int h = u.indexOf('#');
        if (h >= 0) {
            u = u.substring(0, h);
        }
        int slash = u.lastIndexOf('/');
        return slash < 0 ? u : u.substring(slash + 1);
    }

    /** A safe file name for a tarball: one segment, no traversal. */
    static boolean isSafeFile(String file) {
        return file != null && !file.isEmpty() && file.length() <= 300 && !file.contains("/") && !file.contains("\\")
                && !file.equals(".") && !file.equals("..") && file.chars().allMatch(c -> c > 0x20 && c != 0x7f);
    }
}
