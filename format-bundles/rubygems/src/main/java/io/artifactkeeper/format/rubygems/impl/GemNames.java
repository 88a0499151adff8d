package io.artifactkeeper.format.rubygems.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Gem names, versions and platforms as RubyGems checks them, the file names built from them
 * ({@code name-version[-platform]}), and {@code Gem::Version}'s order.
 */
final class GemNames {
    static final String RUBY = "ruby";
    static final String GEMS_DIR = "gems/";
    static final String QUICK_DIR = "quick/Marshal.4.8/";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern VERSION = Pattern.compile(
            "[0-9]+(\\.[0-9A-Za-z]+)*(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");
    private static final Pattern PLATFORM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private GemNames() {
    }

    static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches() && s.chars().anyMatch(Character::isLetterOrDigit)
                && !s.startsWith(".") && !s.startsWith("-");
    }

    static boolean isVersion(String s) {
        return s != null && s.length() <= 128 && VERSION.matcher(s).matches();
    }

    static boolean isPlatform(String s) {
        return s != null && PLATFORM.matcher(s).matches();
    }

    /** A version with a letter is a pre-release ({@code Gem::Version#prerelease?}). */
    static boolean isPrerelease(String version) {
        return version.chars().anyMatch(Character::isLetter);
    }

    /** {@code name-version}, with {@code -platform} unless the platform is {@code ruby}. */
    static String fullName(String name, String version, String platform) {
        return name + "-" + version + (platform == null || platform.equals(RUBY) ? "" : "-" + platform);
    }

    static String gemPath(String fullName) {
        return GEMS_DIR + fullName + ".gem";
    }

    static String quickPath(String fullName) {
        return QUICK_DIR + fullName + ".gemspec.rz";
    }

    /** The version as the compact index writes it: {@code version[-platform]}. */
    static String versionAndPlatform(String version, String platform) {
        return platform == null || platform.equals(RUBY) ? version : version + "-" + platform;
    }

    /** {@code Gem::Version#<=>}: segments split at dots and where digits meet letters; letters sort first. */
    static int compare(String a, String b) {
        List<Object> x = segments(a);
        List<Object> y = segments(b);
        int n = Math.max(x.size(), y.size());
        for (int i = 0; i < n; i++) {
            Object p = i < x.size() ? x.get(i) : 0L;
            Object q = i < y.size() ? y.get(i) : 0L;
            if (p.equals(q)) {
                continue;
            }
            if (p instanceof String && q instanceof Long) {
                return -1;
            }
            if (p instanceof Long && q instanceof String) {
                return 1;
            }
            if (p instanceof Long l && q instanceof Long m) {
                return Long.compare(l, m);
            }
            return ((String) p).compareTo((String) q);
        }
        return 0;
    }

    static final Comparator<String> ORDER = GemNames::compare;

    /** The segments with trailing zeros dropped (so that 1.0 equals 1), as {@code Gem::Version#canonical_segments} roughly. */
    private static List<Object> segments(String v) {
        List<Object> out = new ArrayList<>();
        // RubyGems treats "-" in a version as ".pre."
        String s = v.replace("-", ".pre.");
        StringBuilder cur = new StringBuilder();
        Boolean digits = null;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            boolean d = Character.isDigit(c);
            if (c == '.' || (digits != null && d != digits && cur.length() > 0)) {
                if (cur.length() > 0) {
                    String t = cur.toString();
                    out.add(digits ? (Object) parse(t) : t);
                    cur.setLength(0);
                }
                digits = null;
                if (c == '.') {
                    continue;
                }
            }
            cur.append(c);
            digits = d;
        }
        while (!out.isEmpty() && Long.valueOf(0).equals(out.get(out.size() - 1))) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static long parse(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
