package io.artifactkeeper.format.conan.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.artifactkeeper.api.format.InvalidArtifactException;

/**
 * A package's {@code conaninfo.txt}: sections ({@code [settings]}, {@code [options]},
 * {@code [requires]}, ...) of lines; {@code key=value} lines in the settings and options sections.
 * Read to refuse what is not one (400) and to answer package searches with the settings and options.
 *
 * @param sections every section's lines, in order
 */
record ConanInfo(Map<String, List<String>> sections) {
    static final int MAX_BYTES = 1 << 20;
    static final int MAX_LINES = 20_000;
    static final int MAX_LINE = 8192;

    static ConanInfo parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw invalid("is larger than " + MAX_BYTES + " bytes");
        }
        String text = ConanManifest.utf8(bytes, "conaninfo.txt");
        String[] lines = text.split("\n", -1);
        if (lines.length > MAX_LINES) {
            throw invalid("has more than " + MAX_LINES + " lines");
        }
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.length() > MAX_LINE) {
                throw invalid("line " + (i + 1) + " is longer than " + MAX_LINE + " characters");
            }
            for (int c = 0; c < line.length(); c++) {
                char ch = line.charAt(c);
                if (ch < 0x20 && ch != '\t') {
                    throw invalid("line " + (i + 1) + " holds a control character");
                }
            }
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.startsWith("[")) {
                if (!t.endsWith("]") || t.length() < 3) {
                    throw invalid("line " + (i + 1) + " is not a [section]");
                }
                String name = t.substring(1, t.length() - 1).strip();
                if (name.isEmpty() || name.contains("[") || name.contains("]")) {
                    throw invalid("line " + (i + 1) + " is not a [section]");
                }
                if (sections.containsKey(name)) {
                    throw invalid("has section [" + ConanRef.printable(name) + "] twice");
                }
                current = new ArrayList<>();
                sections.put(name, current);
                continue;
            }
            if (current == null) {
                throw invalid("line " + (i + 1) + " is outside any [section]");
            }
            current.add(t);
        }
        for (String keyed : List.of("settings", "options")) {
            List<String> ls = sections.get(keyed);
            if (ls != null) {
                for (String l : ls) {
                    if (l.indexOf('=') <= 0) {
                        throw invalid("[" + keyed + "] holds '" + ConanRef.printable(l) + "', not key=value");
                    }
                }
            }
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        sections.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new ConanInfo(Collections.unmodifiableMap(frozen));
    }

    /** A {@code key=value} section as a map (settings, options); empty when absent. */
    Map<String, String> keyed(String section) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : sections.getOrDefault(section, List.of())) {
            int eq = l.indexOf('=');
            if (eq > 0) {
                out.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        }
        return out;
    }

    List<String> lines(String section) {
        return sections.getOrDefault(section, List.of());
    }

    private static InvalidArtifactException invalid(String why) {
        return new InvalidArtifactException("conaninfo.txt " + why);
    }
}
