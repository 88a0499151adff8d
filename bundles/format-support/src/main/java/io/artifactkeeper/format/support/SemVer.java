package io.artifactkeeper.format.support;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Semantic Versioning 2.0.0 version and its precedence, the one version order of npm, Cargo, Helm
 * and Go (Maven and PyPI have orders of their own). {@link #parse} is strict (SemVer 2.0.0 exactly);
 * {@link #parseLenient} also takes what Helm and Go accept: a leading {@code v}, and (Helm) a missing
 * minor or patch number, read as 0.
 */
public final class SemVer implements Comparable<SemVer> {
    private static final Pattern STRICT = Pattern.compile(
            "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
                    + "(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?"
                    + "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");
    private static final Pattern LENIENT = Pattern.compile(
            "v?(0|[1-9][0-9]*)(?:\\.(0|[1-9][0-9]*))?(?:\\.(0|[1-9][0-9]*))?"
                    + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");
    /** Longer strings are not versions (and are not worth a regular expression's time). */
    private static final int MAX_LENGTH = 256;

    /** Ascending precedence over strings; strings that are not versions (lenient) sort first, by text. */
    public static final Comparator<String> ORDER = SemVer::compareStrings;
    /** Newest first. */
    public static final Comparator<String> NEWEST_FIRST = ORDER.reversed();

    private final String text;
    private final BigInteger major;
    private final BigInteger minor;
    private final BigInteger patch;
    private final String prerelease;
    private final String build;

    private SemVer(String text, BigInteger major, BigInteger minor, BigInteger patch, String prerelease, String build) {
        this.text = text;
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.prerelease = prerelease;
        this.build = build;
    }

    /** A SemVer 2.0.0 version exactly ({@code 1.2.3-rc.1+build.5}); empty otherwise. */
    public static Optional<SemVer> parse(String s) {
        return of(s, STRICT);
    }

    /** Also a leading {@code v} and a missing minor or patch ({@code v1.2} is 1.2.0). */
    public static Optional<SemVer> parseLenient(String s) {
        return of(s, LENIENT);
    }

    /** Whether {@code s} is a SemVer 2.0.0 version exactly. */
    public static boolean isValid(String s) {
        return parse(s).isPresent();
    }

    private static Optional<SemVer> of(String s, Pattern p) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        Matcher m = p.matcher(s);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SemVer(s, new BigInteger(m.group(1)), num(m.group(2)), num(m.group(3)), m.group(4),
                m.group(5)));
    }

    private static BigInteger num(String s) {
        return s == null ? BigInteger.ZERO : new BigInteger(s);
    }

    public BigInteger major() {
        return major;
    }

    public BigInteger minor() {
        return minor;
    }

    public BigInteger patch() {
        return patch;
    }

    /** The pre-release part without '-', or null. */
    public String prerelease() {
        return prerelease;
    }

    /** The build metadata without '+', or null. */
    public String build() {
        return build;
    }

    public boolean isPrerelease() {
        return prerelease != null;
    }

    /** As it was written. */
    public String text() {
        return text;
    }

    /** SemVer precedence: build metadata is ignored; a pre-release comes before its release. */
    @Override
    public int compareTo(SemVer o) {
        int c = major.compareTo(o.major);
        if (c == 0) {
            c = minor.compareTo(o.minor);
        }
        if (c == 0) {
            c = patch.compareTo(o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (prerelease == null || o.prerelease == null) {
            return prerelease == null ? (o.prerelease == null ? 0 : 1) : -1;
        }
        return comparePrerelease(prerelease, o.prerelease);
    }

    static int comparePrerelease(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean nx = numeric(x[i]);
            boolean ny = numeric(y[i]);
            int c;
            if (nx && ny) {
                c = new BigInteger(x[i]).compareTo(new BigInteger(y[i]));
            } else if (nx || ny) {
                c = nx ? -1 : 1;
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static boolean numeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Precedence of two strings read leniently; non-versions first, by text; ties broken by text. */
    public static int compareStrings(String a, String b) {
        Optional<SemVer> x = parseLenient(a);
        Optional<SemVer> y = parseLenient(b);
        if (x.isEmpty() || y.isEmpty()) {
            return x.isPresent() ? 1 : y.isPresent() ? -1 : a.compareTo(b);
        }
        int c = x.get().compareTo(y.get());
        return c != 0 ? c : a.compareTo(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemVer v && text.equals(v.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
