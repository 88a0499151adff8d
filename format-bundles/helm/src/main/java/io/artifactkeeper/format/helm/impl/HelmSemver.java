package io.artifactkeeper.format.helm.impl;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chart versions as Helm reads them (Masterminds semver, lenient: an optional {@code v}, minor and
 * patch may be left out), and their order: newest first in an index.
 */
final class HelmSemver {
    private static final Pattern VERSION = Pattern.compile(
            "v?(0|[1-9][0-9]*)(?:\\.(0|[1-9][0-9]*))?(?:\\.(0|[1-9][0-9]*))?"
                    + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");

    /** Newest first; versions that do not parse come last, by text. */
    static final Comparator<String> NEWEST_FIRST = (a, b) -> compare(b, a);

    private HelmSemver() {
    }

    static boolean isValid(String v) {
        return v != null && v.length() <= 128 && VERSION.matcher(v).matches();
    }

    /** Ascending semver order. */
    static int compare(String a, String b) {
        Matcher x = VERSION.matcher(a);
        Matcher y = VERSION.matcher(b);
        boolean xa = x.matches();
        boolean ya = y.matches();
        if (!xa || !ya) {
            return xa ? 1 : ya ? -1 : a.compareTo(b);
        }
        for (int i = 1; i <= 3; i++) {
            int c = compareNumbers(x.group(i), y.group(i));
            if (c != 0) {
                return c;
            }
        }
        String pa = x.group(4);
        String pb = y.group(4);
        if (pa == null || pb == null) {
            return pa == null ? (pb == null ? 0 : 1) : -1;
        }
        String[] ia = pa.split("\\.");
        String[] ib = pb.split("\\.");
        for (int i = 0; i < Math.min(ia.length, ib.length); i++) {
            boolean na = ia[i].chars().allMatch(Character::isDigit);
            boolean nb = ib[i].chars().allMatch(Character::isDigit);
            int c;
            if (na && nb) {
                c = compareNumbers(ia[i], ib[i]);
            } else if (na || nb) {
                c = na ? -1 : 1;
            } else {
                c = ia[i].compareTo(ib[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(ia.length, ib.length);
    }

    private static int compareNumbers(String a, String b) {
        String x = a == null ? "0" : a;
        String y = b == null ? "0" : b;
        x = x.replaceFirst("^0+(?=.)", "");
        y = y.replaceFirst("^0+(?=.)", "");
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }
}
