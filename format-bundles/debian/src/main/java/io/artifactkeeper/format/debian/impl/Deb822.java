package io.artifactkeeper.format.debian.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.artifactkeeper.api.format.InvalidArtifactException;

/**
 * Debian control data (deb822, Debian Policy 5.1): paragraphs of {@code Field: value} lines, values
 * continued on lines that start with a space or tab, paragraphs separated by blank lines. Used for a
 * package's {@code control}, {@code Packages}, {@code Release} and {@code .changes}. Bounded: a
 * document, a field and the number of fields have limits, beyond which it is refused (400).
 */
final class Deb822 {
    /** The most a control document may hold, in characters. */
    static final int MAX_DOCUMENT = 1 << 20;
    /** The most one field's value may hold (a Description of a real package is a few KiB). */
    static final int MAX_FIELD = 64 * 1024;
    /** The most fields one paragraph may have. */
    static final int MAX_FIELDS = 256;

    private Deb822() {
    }

    /** One paragraph: fields in order, looked up without regard to case (field names are case-insensitive). */
    static final class Paragraph {
        private final Map<String, String> names = new LinkedHashMap<>();
        private final Map<String, String> values = new LinkedHashMap<>();

        String get(String field) {
            return values.get(field.toLowerCase(Locale.ROOT));
        }

        /** The value's first line, trimmed; null when absent. */
        String simple(String field) {
            String v = get(field);
            if (v == null) {
                return null;
            }
            int nl = v.indexOf('\n');
            return (nl < 0 ? v : v.substring(0, nl)).trim();
        }

        Paragraph set(String field, String value) {
            String k = field.toLowerCase(Locale.ROOT);
            names.putIfAbsent(k, field);
            values.put(k, value);
            return this;
        }

        Paragraph remove(String field) {
            String k = field.toLowerCase(Locale.ROOT);
            names.remove(k);
            values.remove(k);
            return this;
        }

        List<String> fields() {
            return Collections.unmodifiableList(new ArrayList<>(names.values()));
        }

        boolean isEmpty() {
            return values.isEmpty();
        }

        /** The paragraph as text, each field on its line(s), ending with a newline. */
        String text() {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<String, String> e : names.entrySet()) {
                b.append(e.getValue()).append(':');
                String v = values.get(e.getKey());
                if (!v.isEmpty() && !v.startsWith("\n")) {
                    b.append(' ');
                }
                b.append(v).append('\n');
            }
            return b.toString();
        }
    }

    /** Parses {@code text}; refuses (400) what is not deb822 or exceeds the limits. */
    static List<Paragraph> parse(String text) {
        return parse(text, MAX_DOCUMENT);
    }

    /** As {@link #parse(String)}, for a document of up to {@code maxDocument} characters (an index). */
    static List<Paragraph> parse(String text, int maxDocument) {
        if (text.length() > maxDocument) {
            throw bad("control data larger than " + maxDocument + " characters");
        }
        List<Paragraph> out = new ArrayList<>();
        Paragraph cur = null;
        String field = null;
        StringBuilder value = null;
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.indexOf('\0') >= 0) {
                throw bad("control data contains a NUL byte (line " + lineNo + ")");
            }
            if (line.isBlank()) {
                if (cur != null) {
                    finish(cur, field, value);
                    out.add(cur);
                }
                cur = null;
                field = null;
                value = null;
                continue;
            }
            if (line.startsWith("#") && field == null) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (field == null) {
                    throw bad("continuation line without a field (line " + lineNo + ")");
                }
                value.append('\n').append(line);
                if (value.length() > MAX_FIELD) {
                    throw bad("field " + field + " is longer than " + MAX_FIELD + " characters");
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw bad("not a field: line " + lineNo);
            }
            if (cur == null) {
                cur = new Paragraph();
            }
            finish(cur, field, value);
            field = line.substring(0, colon);
            if (!validFieldName(field)) {
                throw bad("invalid field name on line " + lineNo);
            }
            if (cur.get(field) != null) {
                throw bad("field " + field + " appears twice in a paragraph");
            }
            if (cur.values.size() >= MAX_FIELDS) {
                throw bad("more than " + MAX_FIELDS + " fields in a paragraph");
            }
            value = new StringBuilder(line.substring(colon + 1).strip());
            if (value.length() > MAX_FIELD) {
                throw bad("field " + field + " is longer than " + MAX_FIELD + " characters");
            }
            cur.set(field, "");
        }
        if (cur != null) {
            finish(cur, field, value);
            out.add(cur);
        }
        return out;
    }

    /** Exactly one paragraph (a package's control file). */
    static Paragraph single(String text) {
        List<Paragraph> ps = parse(text);
        if (ps.size() != 1) {
            throw bad("control file must hold one paragraph, not " + ps.size());
        }
        return ps.get(0);
    }

    private static void finish(Paragraph p, String field, StringBuilder value) {
        if (field != null) {
            p.set(field, value.toString());
        }
    }

    /** Field names: US-ASCII printable, not starting with '#' or '-', no colon or space (Policy 5.1). */
    static boolean validFieldName(String f) {
        if (f.isEmpty() || f.length() > 100 || f.charAt(0) == '#' || f.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c <= 32 || c >= 127 || c == ':') {
                return false;
            }
        }
        return true;
    }

    static InvalidArtifactException bad(String message) {
        return new InvalidArtifactException(message);
    }
}
