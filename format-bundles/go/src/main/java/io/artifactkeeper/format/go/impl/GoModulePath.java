package io.artifactkeeper.format.go.impl;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Module paths, file paths inside module zips, and their case-encoding, after the Go Modules
 * Reference ("Module paths", "Case-encoding of module paths", "Module zip files"). Pure functions;
 * each check answers the rule that failed, or empty when the input is valid.
 */
final class GoModulePath {

    private static final Set<String> WINDOWS_RESERVED = Set.of("CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3",
            "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7",
            "LPT8", "LPT9");

    private GoModulePath() {
    }

    /** Case-encoding: every upper-case letter becomes '!' and its lower case. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                b.append('!').append((char) (c + ('a' - 'A')));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Decodes a case-encoded path or version; empty when it is not a valid encoding (an upper-case
     * letter, or '!' not followed by a lower-case letter).
     */
    static Optional<String> unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return Optional.empty();
            }
            if (c == '!') {
                if (i + 1 >= s.length()) {
                    return Optional.empty();
                }
                char n = s.charAt(++i);
                if (n < 'a' || n > 'z') {
                    return Optional.empty();
                }
                b.append((char) (n - ('a' - 'A')));
            } else {
                b.append(c);
            }
        }
        return Optional.of(b.toString());
    }

    /** module.CheckPath: what is wrong with a module path, or empty. */
    static Optional<String> checkModulePath(String path) {
        Optional<String> p = checkPath(path, true);
        if (p.isPresent()) {
            return p;
        }
        int slash = path.indexOf('/');
        String first = slash < 0 ? path : path.substring(0, slash);
        if (!first.contains(".")) {
            return Optional.of("malformed module path \"" + path + "\": missing dot in first path element");
        }
        if (first.startsWith("-")) {
            return Optional.of("malformed module path \"" + path + "\": leading dash in first path element");
        }
        for (int i = 0; i < first.length(); i++) {
            char c = first.charAt(i);
            if (!(c == '-' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
                return Optional.of("malformed module path \"" + path + "\": invalid char '" + c
                        + "' in first path element");
            }
        }
        if (splitMajor(path).isEmpty()) {
            return Optional.of("malformed module path \"" + path + "\": invalid major version suffix");
        }
        return Optional.empty();
    }

    /** module.CheckFilePath: what is wrong with a file path inside a module, or empty. */
    static Optional<String> checkFilePath(String path) {
        return checkPath(path, false).map(m -> "malformed file path \"" + path + "\": " + m);
    }

    private static Optional<String> checkPath(String path, boolean module) {
        if (path.isEmpty()) {
            return Optional.of("empty path");
        }
        if (path.startsWith("/")) {
            return Optional.of("leading slash");
        }
        if (path.endsWith("/")) {
            return Optional.of("trailing slash");
        }
        if (path.contains("//")) {
            return Optional.of("double slash");
        }
        if (module && path.startsWith("-")) {
            return Optional.of("leading dash");
        }
        for (String elem : path.split("/")) {
            Optional<String> e = checkElement(elem, module);
            if (e.isPresent()) {
                return module ? Optional.of("malformed module path \"" + path + "\": " + e.get()) : e;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkElement(String elem, boolean module) {
        if (elem.equals(".") || elem.equals("..")) {
            return Optional.of("invalid path element \"" + elem + "\"");
        }
        if (elem.endsWith(".")) {
            return Optional.of("trailing dot in path element");
        }
        if (module && elem.startsWith(".")) {
            return Optional.of("leading dot in path element");
        }
        for (int i = 0; i < elem.length();) {
            int cp = elem.codePointAt(i);
            i += Character.charCount(cp);
            boolean ok = module ? modulePathChar(cp) : fileNameChar(cp);
            if (!ok) {
                return Optional.of("invalid char " + describe(cp));
            }
        }
        int dot = elem.indexOf('.');
        String shortName = dot < 0 ? elem : elem.substring(0, dot);
        if (WINDOWS_RESERVED.contains(shortName.toUpperCase(Locale.ROOT))) {
            return Optional.of("\"" + shortName + "\" disallowed as path element component on Windows");
        }
        if (module) {
            int tilde = shortName.lastIndexOf('~');
            if (tilde >= 0 && tilde < shortName.length() - 1 && shortName.substring(tilde + 1).chars()
                    .allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.of("trailing tilde and digits in path element");
            }
        }
        return Optional.empty();
    }

    private static String describe(int cp) {
        return cp < 0x20 || cp == 0x7f ? String.format("U+%04X", cp) : "'" + new String(Character.toChars(cp)) + "'";
    }

    private static boolean modulePathChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    private static boolean fileNameChar(int c) {
        if (c < 0x80) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&()+,-.=@[]^_{}~ ".indexOf(c) >= 0;
        }
        return Character.isLetter(c);
    }

    /**
     * module.SplitPathVersion: the major version suffix ("" or "/vN" with N ≥ 2, or gopkg.in's
     * ".vN"), or empty when the path ends in an invalid one such as /v0, /v1 or /v02.
     */
    static Optional<String> splitMajor(String path) {
        if (path.startsWith("gopkg.in/")) {
            int dot = path.lastIndexOf(".v");
            if (dot < 0 || dot < path.lastIndexOf('/')) {
                return Optional.empty();
            }
            String m = path.substring(dot + 2);
            if (m.endsWith("-unstable")) {
                m = m.substring(0, m.length() - "-unstable".length());
            }
            if (m.isEmpty() || !m.chars().allMatch(c -> c >= '0' && c <= '9') || (m.length() > 1 && m.charAt(0) == '0')) {
                return Optional.empty();
            }
            return Optional.of(path.substring(dot));
        }
        int i = path.length();
        boolean dot = false;
        while (i > 0 && ((path.charAt(i - 1) >= '0' && path.charAt(i - 1) <= '9') || path.charAt(i - 1) == '.')) {
            if (path.charAt(i - 1) == '.') {
                dot = true;
            }
            i--;
        }
        if (i <= 1 || i == path.length() || path.charAt(i - 1) != 'v' || path.charAt(i - 2) != '/') {
            return Optional.of("");
        }
        String major = path.substring(i - 2);
        if (dot || major.length() <= 2 || major.charAt(2) == '0' || major.equals("/v1")) {
            return Optional.empty();
        }
        return Optional.of(major);
    }
}
