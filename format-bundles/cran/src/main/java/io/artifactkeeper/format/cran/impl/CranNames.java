package io.artifactkeeper.format.cran.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * R package names, versions and the file names and folders of a CRAN-layout repository. A package name
 * is letters, digits and dots, starts with a letter and does not end in a dot (Writing R Extensions
 * 1.1.1); a version is at least two non-negative integers separated by {@code .} or {@code -}, compared
 * as R's {@code package_version} compares them (numerically, component by component).
 */
final class CranNames {
    static final int MAX_NAME = 200;
    static final int MAX_VERSION = 100;
    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]");
    static final Pattern VERSION = Pattern.compile("[0-9]+(?:[.-][0-9]+)+");
    private static final Pattern FILE = Pattern.compile("([A-Za-z][A-Za-z0-9.]*[A-Za-z0-9])_([0-9]+(?:[.-][0-9]+)+)"
            + "\\.(tar\\.gz|zip|tgz)");

    /** The folders that hold packages and a PACKAGES index, as a route variable's regular expression. */
    static final String TREE_REGEX = "src/contrib|bin/windows/contrib/[0-9]+\\.[0-9]+"
            + "|bin/macosx/(?:[A-Za-z0-9._-]+/)?contrib/[0-9]+\\.[0-9]+";
    static final String SRC = "src/contrib";
    static final String ARCHIVE = "src/contrib/Archive/";

    private CranNames() {
    }

    /** What a folder holds: R's {@code type} of {@code available.packages} and its file ending. */
    enum Kind {
        SOURCE("source", ".tar.gz", "application/x-gzip"),
        WIN_BINARY("win.binary", ".zip", "application/zip"),
        MAC_BINARY("mac.binary", ".tgz", "application/x-gzip");

        final String type;
        final String extension;
        final String contentType;

        Kind(String type, String extension, String contentType) {
            this.type = type;
            this.extension = extension;
            this.contentType = contentType;
        }

        static Kind of(String tree) {
            if (tree.startsWith("bin/windows/")) {
                return WIN_BINARY;
            }
            if (tree.startsWith("bin/macosx/")) {
                return MAC_BINARY;
            }
            return SOURCE;
        }
    }

    /** A package file name split: {@code {name}_{version}{extension}}. */
    record PackageFile(String name, String version, String extension) {
        String fileName() {
            return name + "_" + version + "." + extension;
        }
    }

    static boolean isName(String s) {
        return s != null && s.length() <= MAX_NAME && NAME.matcher(s).matches();
    }

    static boolean isVersion(String s) {
        return s != null && s.length() <= MAX_VERSION && VERSION.matcher(s).matches();
    }

    /** {@code file} as a package file name, if it is one. */
    static Optional<PackageFile> parseFile(String file) {
        if (file == null || file.length() > MAX_NAME + MAX_VERSION + 10) {
            return Optional.empty();
        }
        Matcher m = FILE.matcher(file);
        if (!m.matches() || m.group(2).length() > MAX_VERSION || m.group(1).length() > MAX_NAME) {
            return Optional.empty();
        }
        return Optional.of(new PackageFile(m.group(1), m.group(2), m.group(3)));
    }

    /** Where a package file lives: its folder (a tree, or an Archive folder of src/contrib) and name. */
    record Location(String tree, Kind kind, boolean archived, PackageFile file) {
    }

    private static final Pattern TREE_FILE = Pattern.compile("(" + TREE_REGEX + ")/([^/]+)");
    private static final Pattern ARCHIVE_FILE = Pattern.compile("src/contrib/Archive/([^/]+)/([^/]+)");

    /** The package file at {@code path}, when the path names one in a place packages go. */
    static Optional<Location> locate(String path) {
        Matcher a = ARCHIVE_FILE.matcher(path);
        if (a.matches()) {
            return parseFile(a.group(2)).filter(f -> f.name().equals(a.group(1)) && f.extension().equals("tar.gz"))
                    .map(f -> new Location(SRC, Kind.SOURCE, true, f));
        }
        Matcher t = TREE_FILE.matcher(path);
        if (t.matches()) {
            Kind kind = Kind.of(t.group(1));
            return parseFile(t.group(2)).filter(f -> ("." + f.extension()).equals(kind.extension))
                    .map(f -> new Location(t.group(1), kind, false, f));
        }
        return Optional.empty();
    }

    /** Whether {@code tree} names a folder of packages. */
    static boolean isTree(String tree) {
        return tree.matches(TREE_REGEX);
    }

    /** Orders versions as R's {@code package_version} does; both must be {@link #isVersion valid}. */
    static int compareVersions(String a, String b) {
        List<String> x = components(a);
        List<String> y = components(b);
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = compareNumbers(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    }

    private static List<String> components(String v) {
        List<String> out = new ArrayList<>();
        for (String p : v.split("[.-]")) {
            String n = p.replaceFirst("^0+(?=.)", "");
            out.add(n);
        }
        return out;
    }

    /** Decimal numbers without leading zeros compared without limit on their size. */
    private static int compareNumbers(String a, String b) {
        if (a.length() != b.length()) {
            return Integer.compare(a.length(), b.length());
        }
        return a.compareTo(b);
    }
}
