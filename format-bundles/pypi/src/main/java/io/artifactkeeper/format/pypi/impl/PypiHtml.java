package io.artifactkeeper.format.pypi.impl;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough HTML for simple index pages: finds {@code <a>} (with its attributes and text) and
 * {@code <base>} elements, decodes character references, skips comments; and escapes text for
 * output. Simple pages are flat lists of anchors, so no tree is built.
 */
final class PypiHtml {

    /** Receives each anchor ("a", with its text) and base element ("base", no text). */
    @FunctionalInterface
    interface ElementVisitor {
        void element(String tag, Map<String, String> attributes, String text);
    }

    private PypiHtml() {
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#x27;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static void scan(String html, ElementVisitor visitor) {
        int i = 0;
        int n = html.length();
        while (i < n) {
            int lt = html.indexOf('<', i);
            if (lt < 0 || lt + 1 >= n) {
                return;
            }
            if (html.startsWith("<!--", lt)) {
                int close = html.indexOf("-->", lt + 4);
                i = close < 0 ? n : close + 3;
                continue;
            }
            int nameEnd = lt + 1;
            while (nameEnd < n && Character.isLetterOrDigit(html.charAt(nameEnd))) {
                nameEnd++;
            }
            String tag = html.substring(lt + 1, nameEnd).toLowerCase(Locale.ROOT);
            if (!tag.equals("a") && !tag.equals("base")) {
                i = lt + 1;
                continue;
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            int end = attributes(html, nameEnd, attrs);
            if (end < 0) {
                return;
            }
            if (tag.equals("base")) {
                visitor.element(tag, attrs, "");
                i = end;
                continue;
            }
            int close = indexOfIgnoreCase(html, "</a", end);
            String text = close < 0 ? html.substring(end) : html.substring(end, close);
            visitor.element(tag, attrs, decode(stripTags(text)));
            if (close < 0) {
                return;
            }
            int gt = html.indexOf('>', close);
            i = gt < 0 ? n : gt + 1;
        }
    }

    /** Parses attributes from {@code i} up to the tag's '>'; returns the index after it, or -1. */
    private static int attributes(String s, int i, Map<String, String> attrs) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '>') {
                return i + 1;
            }
            if (Character.isWhitespace(c) || c == '/') {
                i++;
                continue;
            }
            int ns = i;
            while (i < n && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '=' && s.charAt(i) != '>'
                    && s.charAt(i) != '/') {
                i++;
            }
            String name = s.substring(ns, i).toLowerCase(Locale.ROOT);
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String value = "";
            if (i < n && s.charAt(i) == '=') {
                i++;
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i < n && (s.charAt(i) == '"' || s.charAt(i) == '\'')) {
                    char q = s.charAt(i);
                    int close = s.indexOf(q, i + 1);
                    if (close < 0) {
                        return -1;
                    }
                    value = s.substring(i + 1, close);
                    i = close + 1;
                } else {
                    int vs = i;
                    while (i < n && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '>') {
                        i++;
                    }
                    value = s.substring(vs, i);
                }
            }
            if (!name.isEmpty()) {
                attrs.putIfAbsent(name, decode(value));
            }
        }
        return -1;
    }

    private static String stripTags(String s) {
        if (s.indexOf('<') < 0) {
            return s;
        }
        return s.replaceAll("<[^>]*>", "");
    }

    private static int indexOfIgnoreCase(String s, String what, int from) {
        int n = s.length() - what.length();
        for (int i = from; i <= n; i++) {
            if (s.regionMatches(true, i, what, 0, what.length())) {
                return i;
            }
        }
        return -1;
    }

    /** Decodes character references: the XML five, decimal and hexadecimal. */
    static String decode(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int semi = c == '&' ? s.indexOf(';', i) : -1;
            if (semi < 0 || semi - i > 10) {
                sb.append(c);
                i++;
                continue;
            }
            String ref = s.substring(i + 1, semi);
            String rep = switch (ref.toLowerCase(Locale.ROOT)) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> numeric(ref);
            };
            if (rep == null) {
                sb.append(c);
                i++;
            } else {
                sb.append(rep);
                i = semi + 1;
            }
        }
        return sb.toString();
    }

    private static String numeric(String ref) {
        if (!ref.startsWith("#") || ref.length() < 2) {
            return null;
        }
        try {
            int cp = ref.charAt(1) == 'x' || ref.charAt(1) == 'X' ? Integer.parseInt(ref.substring(2), 16)
                    : Integer.parseInt(ref.substring(1));
            return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
