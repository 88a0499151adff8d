package io.artifactkeeper.format.opkg.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.SafeArchive;

/**
 * Control data as opkg (and dpkg) write it: RFC 822 style stanzas of {@code Field: value} lines, a
 * line starting with a space or tab continuing the previous field, stanzas separated by blank lines.
 * Bounded in total size, field count, field name and value length; a malformed text is refused with
 * a {@link BadControlException} naming the problem (the uploader's 400, the upstream's 502).
 */
final class Control {
    static final class BadControlException extends IOException {
        private static final long serialVersionUID = 1L;

        BadControlException(String m) {
            super(m);
        }
    }

    static final int MAX_STANZA = 64 * 1024;
    static final int MAX_FIELDS = 100;
    static final int MAX_VALUE = 32 * 1024;
    static final Pattern FIELD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    /** One stanza: field names in the order read, values with continuation lines joined by newlines. */
    record Stanza(Map<String, String> fields) {
        Stanza {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** A field by name, ignoring case as opkg does. */
        String get(String name) {
            for (Map.Entry<String, String> e : fields.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }

        /** The stanza's text, each field a line (continuations indented by one space), no blank line. */
        String text() {
            StringBuilder b = new StringBuilder();
            fields.forEach((k, v) -> b.append(k).append(": ").append(v.replace("\n", "\n ")).append('\n'));
            return b.toString();
        }
    }

    private Control() {
    }

    /** A package's control file: exactly one stanza. */
    static Stanza parseOne(byte[] text) throws BadControlException {
        if (text.length > MAX_STANZA) {
            throw new BadControlException("the control file is larger than " + MAX_STANZA + " bytes");
        }
        List<Stanza> all = parseAll(text, 2);
        if (all.isEmpty()) {
            throw new BadControlException("the control file is empty");
        }
        if (all.size() > 1) {
            throw new BadControlException("the control file has more than one stanza");
        }
        return all.get(0);
    }

    /** Stanzas separated by blank lines (an index such as {@code Packages}); at most {@code max}. */
    static List<Stanza> parseAll(byte[] bytes, int max) throws BadControlException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<Stanza> out = new ArrayList<>();
        Map<String, String> cur = new LinkedHashMap<>();
        String last = null;
        int size = 0;
        for (String raw : text.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) {
                if (!cur.isEmpty()) {
                    if (out.size() >= max) {
                        throw new BadControlException("more than " + max + " stanzas");
                    }
                    out.add(new Stanza(cur));
                    cur = new LinkedHashMap<>();
                    last = null;
                    size = 0;
                }
                continue;
            }
            // counted as the stanza is written back ("Field: value" lines), so what is read writes within bounds
            size += line.strip().length() + 3;
            if (size > MAX_STANZA) {
                throw new BadControlException("a stanza is larger than " + MAX_STANZA + " bytes");
            }
            if (line.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                throw new BadControlException("control characters in a line");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (last == null) {
                    throw new BadControlException("a continuation line before any field");
                }
                String v = cur.get(last) + "\n" + line.substring(1);
                if (v.length() > MAX_VALUE) {
                    throw new BadControlException("field " + last + " is longer than " + MAX_VALUE + " characters");
                }
                cur.put(last, v);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadControlException("a line is not 'Field: value': " + SafeArchive.printable(cut(line)));
            }
            String name = line.substring(0, colon);
            if (!FIELD.matcher(name).matches()) {
                throw new BadControlException("invalid field name: " + SafeArchive.printable(cut(name)));
            }
            for (String k : cur.keySet()) {
                if (k.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    throw new BadControlException("field " + name + " appears twice in a stanza");
                }
            }
            if (cur.size() >= MAX_FIELDS) {
                throw new BadControlException("a stanza has more than " + MAX_FIELDS + " fields");
            }
            String value = line.substring(colon + 1).strip();
            if (value.length() > MAX_VALUE) {
                throw new BadControlException("field " + name + " is longer than " + MAX_VALUE + " characters");
            }
            cur.put(name, value);
            last = name;
        }
        if (!cur.isEmpty()) {
            if (out.size() >= max) {
                throw new BadControlException("more than " + max + " stanzas");
            }
            out.add(new Stanza(cur));
        }
        return out;
    }

    static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
