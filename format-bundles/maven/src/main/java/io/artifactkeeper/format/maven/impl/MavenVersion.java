package io.artifactkeeper.format.maven.impl;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maven's version order, enough of it for metadata: numbers compare numerically, qualifiers in the
 * order alpha &lt; beta &lt; milestone &lt; rc &lt; snapshot &lt; (release) &lt; sp &lt; others (lexically),
 * so {@code 1.0-SNAPSHOT < 1.0-rc1 ... < 1.0 < 1.0.1}. A number beats a qualifier at the same position.
 */
public final class MavenVersion implements Comparator<String> {

    public static final MavenVersion ORDER = new MavenVersion();

    private static final Map<String, Integer> QUALIFIERS = Map.ofEntries(Map.entry("alpha", 0), Map.entry("a", 0),
            Map.entry("beta", 1), Map.entry("b", 1), Map.entry("milestone", 2), Map.entry("m", 2), Map.entry("rc", 3),
            Map.entry("cr", 3), Map.entry("snapshot", 4), Map.entry("", 5), Map.entry("ga", 5), Map.entry("final", 5),
            Map.entry("release", 5), Map.entry("sp", 6));
    private static final int RELEASE = 5;

    private MavenVersion() {
    }

    @Override
    public int compare(String a, String b) {
        List<Object> x = tokens(a);
        List<Object> y = tokens(b);
        int n = Math.max(x.size(), y.size());
        for (int i = 0; i < n; i++) {
            int c = compareItem(i < x.size() ? x.get(i) : null, i < y.size() ? y.get(i) : null);
            if (c != 0) {
                return c;
            }
        }
        return a.compareTo(b);
    }

    private static int compareItem(Object a, Object b) {
        if (a == null && b == null) {
            return 0;
        }
        if (a == null) {
            return -compareItem(b, null);
        }
        if (a instanceof BigInteger ia) {
            if (b == null) {
                return ia.signum();
            }
            return b instanceof BigInteger ib ? ia.compareTo(ib) : 1;
        }
        String sa = (String) a;
        if (b == null) {
            return Integer.compare(rank(sa), RELEASE);
        }
        if (b instanceof BigInteger) {
            return -1;
        }
        String sb = (String) b;
        int c = Integer.compare(rank(sa), rank(sb));
        return c != 0 ? c : sa.compareTo(sb);
    }

    private static int rank(String q) {
        return QUALIFIERS.getOrDefault(q, 7);
    }

    /** Splits at '.', '-' and digit/letter changes; trailing zeros and release qualifiers are kept (padding handles them). */
    static List<Object> tokens(String v) {
        List<Object> out = new ArrayList<>();
        String s = v.toLowerCase(Locale.ROOT);
        StringBuilder cur = new StringBuilder();
        Boolean digits = null;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.' || c == '-' || c == '_') {
                add(out, cur, digits);
                digits = null;
                continue;
            }
            boolean d = Character.isDigit(c);
            if (digits != null && digits != d) {
                add(out, cur, digits);
            }
            digits = d;
            cur.append(c);
        }
        return out;
    }

    private static void add(List<Object> out, StringBuilder cur, Boolean digits) {
        if (cur.isEmpty()) {
            return;
        }
        out.add(Boolean.TRUE.equals(digits) ? new BigInteger(cur.toString()) : cur.toString());
        cur.setLength(0);
    }
}
