package io.artifactkeeper.format.go.impl;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.SemVer;

/**
 * Module versions as the go command writes them: canonical ({@code vMAJOR.MINOR.PATCH[-pre][+incompatible]}),
 * pseudo-versions recognised, and the major-version rules that tie a version to its module path ("Major
 * version suffixes", "+incompatible"). What is go's own lives here; the order is SemVer precedence, the
 * support layer's {@link SemVer} (build metadata, {@code +incompatible} included, does not count).
 */
record GoVersion(SemVer semver, boolean incompatible, String text) {

    private static final String NUM = "(?:0|[1-9][0-9]*)";
    private static final String PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
    /** Stricter than SemVer: a leading v, all three numbers, and +incompatible as the only build suffix. */
    private static final Pattern CANONICAL = Pattern.compile(
            "v" + NUM + "\\." + NUM + "\\." + NUM + "(?:-" + PRE_ID + "(?:\\." + PRE_ID + ")*)?(\\+incompatible)?");
    /** vX.0.0-yyyymmddhhmmss-abcdef123456, vX.Y.Z-pre.0.yyyymmddhhmmss-..., vX.Y.(Z+1)-0.yyyymmddhhmmss-... */
    private static final Pattern PSEUDO = Pattern.compile("(?:^|[.-])(?:0\\.)?[0-9]{14}-[0-9a-f]{12}$");
    private static final BigInteger TWO = BigInteger.valueOf(2);

    /** SemVer precedence (go's semver.Compare): +incompatible does not count. */
    static final Comparator<GoVersion> ORDER = Comparator.comparing(GoVersion::semver);

    /** Parses a canonical version; empty for anything else (v1, v1.2, v01.0.0, v1.0.0+meta, ...). */
    static Optional<GoVersion> parseCanonical(String v) {
        if (v == null || v.length() > 256) {
            return Optional.empty();
        }
        Matcher m = CANONICAL.matcher(v);
        if (!m.matches()) {
            return Optional.empty();
        }
        return SemVer.parse(v.substring(1)).map(s -> new GoVersion(s, m.group(1) != null, v));
    }

    BigInteger major() {
        return semver.major();
    }

    boolean isPrerelease() {
        return semver.isPrerelease();
    }

    boolean isPseudo() {
        return isPrerelease() && PSEUDO.matcher(semver.prerelease()).find();
    }

    /**
     * module.CheckPathMajor: what is wrong with this version for a module path whose major suffix is
     * {@code pathMajor} ("", "/vN" or gopkg.in's ".vN"), or empty.
     */
    Optional<String> checkPathMajor(String modulePath, String pathMajor) {
        BigInteger major = major();
        if (pathMajor.isEmpty()) {
            if (major.compareTo(TWO) >= 0 && !incompatible) {
                return Optional.of("invalid version: should be v0 or v1, not v" + major
                        + " (a module without a /v" + major + " suffix takes v" + major + " only as " + text
                        + "+incompatible)");
            }
            if (major.compareTo(TWO) < 0 && incompatible) {
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
        if (!want.equals(major.toString())) {
            return Optional.of("invalid version: should be v" + want + ", not v" + major
                    + " (module path " + modulePath + ")");
        }
        return Optional.empty();
    }

    static int compare(GoVersion a, GoVersion b) {
        return ORDER.compare(a, b);
    }

    @Override
    public String toString() {
        return text;
    }
}
