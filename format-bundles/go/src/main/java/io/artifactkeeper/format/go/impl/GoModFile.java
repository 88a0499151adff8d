package io.artifactkeeper.format.go.impl;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The one thing a proxy needs from a go.mod file: the path its {@code module} directive declares.
 * go.mod is line-oriented with {@code //} comments; the directive is {@code module path},
 * {@code module "path"} (a Go string) or the block form {@code module ( path )}.
 */
final class GoModFile {

    /** What the go command itself writes for a module whose zip has no go.mod. */
    static byte[] synthesize(String modulePath) {
        return ("module " + modulePath + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private GoModFile() {
    }

    /** The declared module path; empty when there is no module directive. Throws on bad UTF-8. */
    static Optional<String> modulePath(byte[] goMod) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(goMod)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("go.mod is not valid UTF-8");
        }
        boolean inBlock = false;
        for (String raw : text.split("\n")) {
            String line = stripComment(raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            if (inBlock) {
                if (line.equals(")")) {
                    inBlock = false;
                    continue;
                }
                return Optional.of(unquote(line));
            }
            if (line.equals("module") || !line.startsWith("module")
                    || !(Character.isWhitespace(line.charAt(6)) || line.charAt(6) == '(' || line.charAt(6) == '"')) {
                continue;
            }
            String arg = line.substring(6).trim();
            if (arg.equals("(")) {
                inBlock = true;
                continue;
            }
            return Optional.of(unquote(arg));
        }
        return Optional.empty();
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("`") && s.endsWith("`"))) {
            return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return s;
    }
}
