package io.artifactkeeper.format.composer.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Composer's version strings: normalized the way Composer's own version parser does it
 * ({@code v1.2} → {@code 1.2.0.0}, {@code 1.0.0-beta1} → {@code 1.0.0.0-beta1}, {@code 2.x-dev} →
 * {@code 2.9999999.9999999.9999999-dev}, {@code master} → {@code dev-master}), told apart as dev or
 * tagged (a repository's {@code p2/{name}.json} holds the tagged versions, {@code ~dev.json} the
 * others), and ordered newest first for the metadata documents.
 */
final class ComposerVersions {
    /**
     * What a version string may hold here (no spaces, no slashes: it is a path segment too). No length
     * limit: a normalized version may be longer than the version it came from and must read back as
     * itself (found by ComposerFuzzTest#version); uploads limit the length ({@link #MAX_LENGTH}).
     */
    private static final Pattern CHARSET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*+");
    /** The longest version an upload may have. */
    static final int MAX_LENGTH = 100;
    private static final String MODIFIER = "[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*+)?)?([.-]?dev)?";
    private static final Pattern CLASSIC = Pattern.compile("^v?(\\d{1,5}+)(\\.\\d++)?(\\.\\d++)?(\\.\\d++)?" + MODIFIER + "$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE = Pattern.compile("^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})" + MODIFIER
            + "$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DEV_SUFFIX = Pattern.compile("^(.*?)[.-]?dev$", Pattern.CASE_INSENSITIVE);
    private static final Pattern BRANCH = Pattern.compile("^v?(\\d++)(\\.(?:\\d++|[xX*]))?(\\.(?:\\d++|[xX*]))?(\\.(?:\\d++|[xX*]))?$");
    private static final Pattern BUILD = Pattern.compile("^([^,\\s+]++)\\+\\S++$");

    private ComposerVersions() {
    }

    /** The normalized form of {@code version}, or empty when Composer would refuse it. */
    static Optional<String> normalize(String version) {
        if (version == null) {
            return Optional.empty();
        }
        String v = version.trim();
        if (!CHARSET.matcher(v).matches()) {
            return Optional.empty();
        }
        if (v.equals("master") || v.equals("trunk") || v.equals("default")) {
            v = "dev-" + v;
        }
        if (v.regionMatches(true, 0, "dev-", 0, 4)) {
            return v.length() > 4 ? Optional.of("dev-" + v.substring(4)) : Optional.empty();
        }
        Matcher b = BUILD.matcher(v);
        if (b.matches()) {
            v = b.group(1);
        }
        Matcher m = CLASSIC.matcher(v);
        int index;
        String out;
        if (m.matches()) {
            out = m.group(1) + part(m.group(2)) + part(m.group(3)) + part(m.group(4));
            index = 5;
        } else {
            m = DATE.matcher(v);
            if (m.matches()) {
                out = m.group(1).replaceAll("\\D", ".");
                index = 2;
            } else {
                m = null;
                out = null;
                index = 0;
            }
        }
        if (m != null) {
            String stability = m.group(index);
            if (stability != null && !stability.isEmpty()) {
                if (stability.equals("stable")) {
                    return Optional.of(out);
                }
                String number = m.group(index + 1);
                out += "-" + expandStability(stability) + (number == null ? "" : number.replaceFirst("^[.-]+", ""));
            }
            String dev = m.group(index + 2);
            if (dev != null && !dev.isEmpty()) {
                out += "-dev";
            }
            return Optional.of(out);
        }
        Matcher d = DEV_SUFFIX.matcher(v);
        if (d.matches()) {
            String branch = normalizeBranch(d.group(1));
            if (!branch.contains("dev-")) {
                return Optional.of(branch);
            }
        }
        return Optional.empty();
    }

    private static String part(String p) {
        return p == null || p.isEmpty() ? ".0" : p;
    }

    private static String expandStability(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "a" -> "alpha";
            case "b" -> "beta";
            case "p", "pl" -> "patch";
            case "rc" -> "RC";
            default -> l;
        };
    }

    private static String normalizeBranch(String name) {
        Matcher m = BRANCH.matcher(name.trim());
        if (m.matches()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < 5; i++) {
                String g = m.group(i);
                sb.append(g == null ? ".x" : g.replace('*', 'x').replace('X', 'x'));
            }
            return sb.toString().replace("x", "9999999") + "-dev";
        }
        return "dev-" + name;
    }

    /** Whether a normalized version is a development version (a branch), listed in {@code ~dev.json}. */
    static boolean isDev(String normalized) {
        return normalized.startsWith("dev-") || normalized.endsWith("-dev");
    }

    /** Newest first: numbers compared numerically, then stability (dev < alpha < beta < RC < stable < patch). */
    static final Comparator<String> NEWEST_FIRST = (a, b) -> compare(b, a);

    static int compare(String a, String b) {
        boolean branchA = a.startsWith("dev-");
        boolean branchB = b.startsWith("dev-");
        if (branchA || branchB) {
            if (branchA && branchB) {
                return a.compareTo(b);
            }
            return branchA ? -1 : 1;
        }
        Key ka = key(a);
        Key kb = key(b);
        for (int i = 0; i < Math.max(ka.numbers().size(), kb.numbers().size()); i++) {
            long x = i < ka.numbers().size() ? ka.numbers().get(i) : 0;
            long y = i < kb.numbers().size() ? kb.numbers().get(i) : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        if (ka.rank() != kb.rank()) {
            return Integer.compare(ka.rank(), kb.rank());
        }
        if (ka.stabilityNumber() != kb.stabilityNumber()) {
            return Long.compare(ka.stabilityNumber(), kb.stabilityNumber());
        }
        if (ka.dev() != kb.dev()) {
            return ka.dev() ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private record Key(List<Long> numbers, int rank, long stabilityNumber, boolean dev) {
    }

    private static final Pattern SUFFIX = Pattern.compile("^(alpha|beta|RC|patch)(\\d*)", Pattern.CASE_INSENSITIVE);

    private static Key key(String v) {
        String[] parts = v.split("-", 2);
        List<Long> numbers = new ArrayList<>();
        for (String n : parts[0].split("\\.")) {
            try {
                numbers.add(Long.parseLong(n.length() > 18 ? n.substring(0, 18) : n));
            } catch (NumberFormatException e) {
                numbers.add(0L);
            }
        }
        int rank = 4;
        long stabilityNumber = 0;
        boolean dev = false;
        if (parts.length > 1) {
            String rest = parts[1];
            dev = rest.endsWith("dev");
            Matcher m = SUFFIX.matcher(rest);
            if (m.find()) {
                rank = switch (m.group(1).toLowerCase(Locale.ROOT)) {
                    case "alpha" -> 1;
                    case "beta" -> 2;
                    case "rc" -> 3;
                    default -> 5;
                };
                String num = m.group(2);
                if (!num.isEmpty()) {
                    stabilityNumber = Long.parseLong(num.length() > 18 ? num.substring(0, 18) : num);
                }
            } else if (dev) {
                rank = 0;
            }
        }
        return new Key(numbers, rank, stabilityNumber, dev);
    }
}
