package io.artifactkeeper.format.nuget.impl;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NuGet version: {@code Major.Minor[.Patch[.Revision]][-label][+metadata]} (SemVer 2 plus NuGet's
 * fourth part). Normalized as NuGet normalizes it: leading zeros dropped, at least three parts, a
 * zero fourth part dropped, build metadata left out. Ordered as NuGet orders versions: numbers, then a
 * release above any prerelease, then the labels part by part (numeric below alphanumeric, numbers by
 * value, text case-insensitively).
 */
record NugetVersion(BigInteger[] parts, String release, String metadata, String original)
        implements Comparable<NugetVersion> {
    private static final Pattern VERSION = Pattern.compile(
            "(\\d{1,18})\\.(\\d{1,18})(?:\\.(\\d{1,18}))?(?:\\.(\\d{1,18}))?"
                    + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");
    static final int MAX_LENGTH = 128;

    static final Comparator<String> ORDER = (a, b) -> parse(a).map(x -> parse(b).map(x::compareTo).orElse(1))
            .orElseGet(() -> parse(b).isPresent() ? -1 : a.compareTo(b));

    static Optional<NugetVersion> parse(String s) {
        if (s == null || s.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        Matcher m = VERSION.matcher(s.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        BigInteger[] p = new BigInteger[4];
        for (int i = 0; i < 4; i++) {
            p[i] = m.group(i + 1) == null ? BigInteger.ZERO : new BigInteger(m.group(i + 1));
        }
        String rel = m.group(5);
        if (rel != null) {
            for (String label : rel.split("\\.")) {
                if (label.length() > 1 && label.chars().allMatch(Character::isDigit) && label.startsWith("0")) {
                    // SemVer: numeric labels carry no leading zero (NuGet refuses them too)
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new NugetVersion(p, rel == null ? "" : rel, m.group(6) == null ? "" : m.group(6), s.strip()));
    }

    /** The normalized string, original case kept (registration and v2 show it so). */
    String normalized() {
        StringBuilder b = new StringBuilder().append(parts[0]).append('.').append(parts[1]).append('.').append(parts[2]);
        if (parts[3].signum() != 0) {
            b.append('.').append(parts[3]);
        }
        if (!release.isEmpty()) {
            b.append('-').append(release);
        }
        return b.toString();
    }

    /** The normalized string with its build metadata, as the v3 registration's full version shows it. */
    String full() {
        return metadata.isEmpty() ? normalized() : normalized() + "+" + metadata;
    }

    /** The lower-case normalized form the flat container uses in paths. */
    String lower() {
        return normalized().toLowerCase(Locale.ROOT);
    }

    boolean isPrerelease() {
        return !release.isEmpty();
    }

    /** Whether only SemVer 2 clients see it: a dotted label or build metadata. */
    boolean isSemVer2() {
        return release.contains(".") || !metadata.isEmpty();
    }

    @Override
    public int compareTo(NugetVersion o) {
        for (int i = 0; i < 4; i++) {
            int c = parts[i].compareTo(o.parts[i]);
            if (c != 0) {
                return c;
            }
        }
        if (release.isEmpty() || o.release.isEmpty()) {
            return release.isEmpty() ? (o.release.isEmpty() ? 0 : 1) : -1;
        }
        String[] a = release.split("\\.");
        String[] b = o.release.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = a[i].chars().allMatch(Character::isDigit);
            boolean bn = b[i].chars().allMatch(Character::isDigit);
            int c;
            if (an && bn) {
                c = new BigInteger(a[i]).compareTo(new BigInteger(b[i]));
            } else if (an != bn) {
                c = an ? -1 : 1;
            } else {
                c = a[i].compareToIgnoreCase(b[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NugetVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return lower().hashCode();
    }

    @Override
    public String toString() {
        return normalized();
    }
}
