package io.artifactkeeper.format.go.impl;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Module versions: canonical semantic versions ({@code vMAJOR.MINOR.PATCH[-pre][+incompatible]})
 * as the go command writes them, ordered by semver precedence, with the major-version rules that
 * tie a version to its module path ("Major version suffixes", "+incompatible").
 */
record GoVersion(long major, long minor, long patch, String prerelease, boolean incompatible, String text) {

    private static final String NUM = "(0|[1-9][0-9]*)";
    private static final String PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
    private static final Pattern CANONICAL = Pattern.compile(
            "v" + NUM + "\\." + NUM + "\\." + NUM + "(?:-(" + PRE_ID + "(?:\\." + PRE_ID + ")*))?(\\+incompatible)?");
    /** vX.0.0-yyyymmddhhmmss-abcdef123456, vX.Y.Z-pre.0.yyyymmddhhmmss-..., vX.Y.(Z+1)-0.yyyymmddhhmmss-... */
    private static final Pattern PSEUDO = Pattern.compile("(?:^|[.-])(?:0\\.)?[0-9]{14}-[0-9a-f]{12}$");

    static final Comparator<GoVersion> ORDER = GoVersion::compare;

    /** Parses a canonical version; empty for anything else (v1, v1.2, v01.0.0, v1.0.0+meta, ...). */
    static Optional<GoVersion> parseCanonical(String v) {
        Matcher m = CANONICAL.matcher(v);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new GoVersion(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), m.group(4) == null ? "" : m.group(4), m.group(5) != null, v));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean isPrerelease() {
        return !prerelease.isEmpty();
    }

    boolean isPseudo() {
        return isPrerelease() && PSEUDO.matcher(prerelease).find();
    }

    /**
     * module.CheckPathMajor: what is wrong with this version for a module path whose major suffix is
     * {@code pathMajor} ("", "/vN" or gopkg.in's ".vN"), or empty.
     */
    Optional<String> checkPathMajor(String modulePath, String pathMajor) {
        if (pathMajor.isEmpty()) {
            if (major >= 2 && !incompatible) {
                return Optional.of("invalid version: should be v0 or v1, not v" + major
                        + " (a module without a /v" + major + " suffix takes v" + major + " only as " + text
                        + "+incompatible)");
            }
            if (major < 2 && incompatible) {
                return Optional.of("invalid version: +incompatible suffix not allowed: major version v" + major
                        + " is compatible");
            }
            return Optional.empty();
        }
        if (incompatible) {
            return Optional.of("invalid version: +incompatible suffix not allowed: module path "
                    + modulePath + " has a major version suffix");
        }
        String want = pathMajor.substring(2);
        if (want.endsWith("-unstable")) {
            want = want.substring(0, want.length() - "-unstable".length());
        }
        if (!want.equals(Long.toString(major))) {
            return Optional.of("invalid version: should be v" + want + ", not v" + major
                    + " (module path " + modulePath + ")");
        }
        return Optional.empty();
    }

    static int compare(GoVersion a, GoVersion b) {
        int c = Long.compare(a.major, b.major);
        if (c == 0) {
            c = Long.compare(a.minor, b.minor);
        }
        if (c == 0) {
            c = Long.compare(a.patch, b.patch);
        }
        if (c == 0) {
            c = comparePrerelease(a.prerelease, b.prerelease);
        }
        return c;
    }

    private static int comparePrerelease(String x, String y) {
        if (x.equals(y)) {
            return 0;
        }
        if (x.isEmpty()) {
            return 1;
        }
        if (y.isEmpty()) {
            return -1;
        }
        String[] a = x.split("\\.");
        String[] b = y.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = a[i].chars().allMatch(Character::isDigit);
            boolean bn = b[i].chars().allMatch(Character::isDigit);
            int c;
            if (an && bn) {
                c = a[i].length() != b[i].length() ? Integer.compare(a[i].length(), b[i].length()) : a[i].compareTo(b[i]);
            } else if (an) {
                c = -1;
            } else if (bn) {
                c = 1;
            } else {
                c = a[i].compareTo(b[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Override
    public String toString() {
        return text;
    }
}
