package io.artifactkeeper.format.npm.impl;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic Versioning 2.0 precedence, for choosing {@code latest} when a version goes away.
 * Strings that are not semver sort before every semver version (by text among themselves).
 */
final class NpmSemver {
    private static final Pattern SEMVER = Pattern.compile(
            "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    static final Comparator<String> ORDER = NpmSemver::compare;

    private NpmSemver() {
    }

    static boolean isSemver(String v) {
        return v != null && SEMVER.matcher(v).matches();
    }

    static boolean isPrerelease(String v) {
        Matcher m = v == null ? null : SEMVER.matcher(v);
        return m != null && m.matches() && m.group(4) != null;
    }

    static int compare(String a, String b) {
        Matcher ma = SEMVER.matcher(a);
        Matcher mb = SEMVER.matcher(b);
        boolean sa = ma.matches();
        boolean sb = mb.matches();
        if (!sa || !sb) {
            return sa == sb ? a.compareTo(b) : (sa ? 1 : -1);
        }
        for (int i = 1; i <= 3; i++) {
            int c = new BigInteger(ma.group(i)).compareTo(new BigInteger(mb.group(i)));
            if (c != 0) {
                return c;
            }
        }
        String pa = ma.group(4);
        String pb = mb.group(4);
        if (pa == null || pb == null) {
            return pa == null ? (pb == null ? 0 : 1) : -1;
        }
        String[] xa = pa.split("\\.");
        String[] xb = pb.split("\\.");
        for (int i = 0; i < Math.min(xa.length, xb.length); i++) {
            boolean na = xa[i].matches("\\d+");
            boolean nb = xb[i].matches("\\d+");
            int c;
            if (na && nb) {
                c = new BigInteger(xa[i]).compareTo(new BigInteger(xb[i]));
            } else if (na != nb) {
                c = na ? -1 : 1;
            } else {
                c = xa[i].compareTo(xb[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(xa.length, xb.length);
    }
}
