package io.artifactkeeper.format.conan.impl;

import java.util.ArrayList;
import java.util.List;

import io.artifactkeeper.api.format.FormatException;

/**
 * Conan's recipe search pattern: a glob ({@code *}, {@code ?}, {@code [abc]}, {@code [!abc]}) that
 * matches a reference when it matches the whole of one of its leading parts ({@code zlib},
 * {@code zlib/}, {@code zlib/1.3}, {@code zlib/1.3@}, ... up to the whole reference), so that
 * {@code zlib} and {@code zlib/*} both find {@code zlib/1.3}. Matched without regular expressions, in
 * time bounded by the product of the two lengths.
 */
final class ConanSearch {
    static final int MAX_PATTERN = 400;

    private final String pattern;
    private final boolean ignoreCase;

    ConanSearch(String pattern, boolean ignoreCase) {
        if (pattern != null && pattern.length() > MAX_PATTERN) {
            throw FormatException.badRequest("a search pattern is at most " + MAX_PATTERN + " characters");
        }
        String p = pattern == null || pattern.isEmpty() ? "*" : pattern;
        this.ignoreCase = ignoreCase;
        this.pattern = ignoreCase ? ConanRef.lower(p) : p;
    }

    boolean matches(ConanRef ref) {
        String r = ignoreCase ? ConanRef.lower(ref.display()) : ref.display();
        for (String partial : partials(r)) {
            if (glob(pattern, partial)) {
                return true;
            }
        }
        return false;
    }

    /** The leading parts of a reference, cut before and after each separator. */
    static List<String> partials(String ref) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            if ((c == '/' || c == '@' || c == '#') && i > 0) {
                out.add(ref.substring(0, i));
                out.add(ref.substring(0, i + 1));
            }
        }
        out.add(ref);
        return out;
    }

    /** Whether {@code p} (fnmatch syntax) matches all of {@code s}: dynamic programming over both. */
    static boolean glob(String p, String s) {
        int n = s.length();
        boolean[] cur = new boolean[n + 1];
        cur[0] = true;
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            boolean[] next = new boolean[n + 1];
            if (c == '*') {
                boolean any = false;
                for (int j = 0; j <= n; j++) {
                    any |= cur[j];
                    next[j] = any;
                }
                i++;
            } else if (c == '[' && p.indexOf(']', i + 2) > 0) {
                int end = p.indexOf(']', i + 2);
                String set = p.substring(i + 1, end);
                boolean negate = set.startsWith("!");
                if (negate) {
                    set = set.substring(1);
                }
                for (int j = 0; j < n; j++) {
                    if (cur[j] && inSet(set, s.charAt(j)) != negate) {
                        next[j + 1] = true;
                    }
                }
                i = end + 1;
            } else {
                for (int j = 0; j < n; j++) {
                    if (cur[j] && (c == '?' || c == s.charAt(j))) {
                        next[j + 1] = true;
                    }
                }
                i++;
            }
            cur = next;
        }
        return cur[n];
    }

    private static boolean inSet(String set, char c) {
        for (int k = 0; k < set.length(); k++) {
            if (k + 2 < set.length() && set.charAt(k + 1) == '-') {
                if (c >= set.charAt(k) && c <= set.charAt(k + 2)) {
                    return true;
                }
                k += 2;
            } else if (set.charAt(k) == c) {
                return true;
            }
        }
        return false;
    }
}
