package io.artifactkeeper.wasm.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TOML that plugin manifests use: {@code [table]} headers (dotted names nest), {@code key =
 * value} with basic and literal strings, integers (with '_'), floats, booleans and single-line
 * arrays of those, comments. Anything else is an error with its line number.
 */
final class Toml {

    static final class TomlException extends Exception {
        private static final long serialVersionUID = 1L;

        TomlException(int line, String message) {
            super("plugin.toml line " + line + ": " + message);
        }
    }

    private Toml() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String text) throws TomlException {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> table = root;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int ln = i + 1;
            String line = stripComment(lines[i], ln).trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                if (line.startsWith("[[")) {
                    throw new TomlException(ln, "arrays of tables are not supported");
                }
                if (!line.endsWith("]")) {
                    throw new TomlException(ln, "unterminated table header");
                }
                String name = line.substring(1, line.length() - 1).trim();
                table = root;
                for (String part : name.split("\\.")) {
                    String k = bareKey(part.trim(), ln);
                    Object o = table.computeIfAbsent(k, x -> new LinkedHashMap<String, Object>());
                    if (!(o instanceof Map)) {
                        throw new TomlException(ln, k + " is not a table");
                    }
                    table = (Map<String, Object>) o;
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new TomlException(ln, "expected key = value");
            }
            String key = line.substring(0, eq).trim();
            if (key.startsWith("\"") && key.endsWith("\"") && key.length() >= 2) {
                key = key.substring(1, key.length() - 1);
            } else {
                key = bareKey(key, ln);
            }
            Cursor c = new Cursor(line.substring(eq + 1).trim(), ln);
            Object v = c.value();
            c.skipSpace();
            if (!c.done()) {
                throw new TomlException(ln, "unexpected text after the value: " + c.rest());
            }
            if (table.containsKey(key)) {
                throw new TomlException(ln, "duplicate key " + key);
            }
            table.put(key, v);
        }
        return root;
    }

    private static String bareKey(String k, int ln) throws TomlException {
        if (k.isEmpty() || !k.matches("[A-Za-z0-9_-]+")) {
            throw new TomlException(ln, "invalid key '" + k + "'");
        }
        return k;
    }

    /** Removes a '#' comment that is not inside a string. */
    private static String stripComment(String line, int ln) {
        boolean inBasic = false;
        boolean inLiteral = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (inBasic) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    inBasic = false;
                }
            } else if (inLiteral) {
                if (ch == '\'') {
                    inLiteral = false;
                }
            } else if (ch == '"') {
                inBasic = true;
            } else if (ch == '\'') {
                inLiteral = true;
            } else if (ch == '#') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static final class Cursor {
        final String s;
        final int ln;
        int p;

        Cursor(String s, int ln) {
            this.s = s;
            this.ln = ln;
        }

        boolean done() {
            return p >= s.length();
        }

        String rest() {
            return s.substring(p);
        }

        void skipSpace() {
            while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
                p++;
            }
        }

        Object value() throws TomlException {
            skipSpace();
            if (done()) {
                throw new TomlException(ln, "missing value");
            }
            char ch = s.charAt(p);
            if (ch == '"') {
                if (s.startsWith("\"\"\"", p)) {
                    throw new TomlException(ln, "multi-line strings are not supported");
                }
                return basicString();
            }
            if (ch == '\'') {
                int end = s.indexOf('\'', p + 1);
                if (end < 0) {
                    throw new TomlException(ln, "unterminated string");
                }
                String v = s.substring(p + 1, end);
                p = end + 1;
                return v;
            }
            if (ch == '[') {
                p++;
                List<Object> out = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (done()) {
                        throw new TomlException(ln, "unterminated array (arrays must be on one line)");
                    }
                    if (s.charAt(p) == ']') {
                        p++;
                        return out;
                    }
                    out.add(value());
                    skipSpace();
                    if (!done() && s.charAt(p) == ',') {
                        p++;
                    } else if (done() || s.charAt(p) != ']') {
                        throw new TomlException(ln, "expected ',' or ']' in array");
                    }
                }
            }
            int start = p;
            while (p < s.length() && ",] \t".indexOf(s.charAt(p)) < 0) {
                p++;
            }
            String tok = s.substring(start, p);
            if (tok.equals("true")) {
                return Boolean.TRUE;
            }
            if (tok.equals("false")) {
                return Boolean.FALSE;
            }
            String num = tok.replace("_", "");
            try {
                if (num.matches("[+-]?\\d+")) {
                    return Long.parseLong(num);
                }
                if (num.matches("0x[0-9a-fA-F]+")) {
                    return Long.parseLong(num.substring(2), 16);
                }
                if (num.matches("[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
                    return Double.parseDouble(num);
                }
            } catch (NumberFormatException e) {
                throw new TomlException(ln, "number out of range: " + tok);
            }
            throw new TomlException(ln, "unsupported value '" + tok + "' (strings need quotes)");
        }

        private String basicString() throws TomlException {
            StringBuilder sb = new StringBuilder();
            p++;
            while (p < s.length()) {
                char ch = s.charAt(p++);
                if (ch == '"') {
                    return sb.toString();
                }
                if (ch == '\\') {
                    if (p >= s.length()) {
                        break;
                    }
                    char e = s.charAt(p++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case 'u' -> {
                            if (p + 4 > s.length()) {
                                throw new TomlException(ln, "bad \\u escape");
                            }
                            int cp = 0;
                            for (int k = 0; k < 4; k++) {
                                // Character.digit, not Integer.parseInt: no sign, and no NumberFormatException
                                int d = Character.digit(s.charAt(p + k), 16);
                                if (d < 0) {
                                    throw new TomlException(ln, "bad \\u escape");
                                }
                                cp = cp * 16 + d;
                            }
                            sb.append((char) cp);
                            p += 4;
                        }
                        default -> throw new TomlException(ln, "unsupported escape \\" + e);
                    }
                } else {
                    sb.append(ch);
                }
            }
            throw new TomlException(ln, "unterminated string");
        }
    }
}
