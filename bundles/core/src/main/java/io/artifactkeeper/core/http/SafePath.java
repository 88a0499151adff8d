package io.artifactkeeper.core.http;

import java.util.Locale;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.PathCodec;

/**
 * Normalizes an artifact path from a client and refuses traversal: ".." or "." segments (plain or
 * percent-encoded, including double encoding), backslashes, NUL and control characters, and empty
 * segments.
 */
public final class SafePath {
    private SafePath() {
    }

    /** Decodes {@code raw} once and checks it; returns the path without leading slash. */
    public static String normalize(String raw) {
        String p;
        try {
            p = PathCodec.decode(raw);
        } catch (IllegalArgumentException e) {
            throw FormatException.badRequest("malformed percent-encoding in path");
        }
        return check(p);
    }

    /** Checks an already decoded path. */
    public static String check(String p) {
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty()) {
            return p;
        }
        if (p.length() > 4096) {
            throw FormatException.badRequest("path too long");
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw FormatException.badRequest("illegal character in path");
            }
        }
        String trimmed = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        for (String seg : trimmed.split("/", -1)) {
            if (seg.isEmpty()) {
                throw FormatException.badRequest("empty segment in path");
            }
            if (seg.equals(".") || seg.equals("..")) {
                throw FormatException.badRequest("path traversal refused");
            }
            // a second layer of encoding ("%2e%2e") would turn into ".." for a client that decodes again
            String lower = asciiDigits(seg).toLowerCase(Locale.ROOT);
            if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
                throw FormatException.badRequest("encoded path separators or dots refused");
            }
        }
        return p;
    }

    /**
     * Other scripts' digits as ASCII ones: decoders built on {@link Character#digit} (java.net.URLDecoder
     * among them) read "%\u06f2e" as "%2e", a dot.
     */
    private static String asciiDigits(String seg) {
        StringBuilder sb = null;
        for (int i = 0; i < seg.length(); i++) {
            char c = seg.charAt(i);
            int d = c > 0x7f ? Character.digit(c, 16) : -1;
            if (d >= 0 && sb == null) {
                sb = new StringBuilder(seg.substring(0, i));
            }
            if (sb != null) {
                sb.append(d >= 0 ? Character.forDigit(d, 16) : c);
            }
        }
        return sb == null ? seg : sb.toString();
    }
}
