package io.artifactkeeper.format.conan.impl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.artifactkeeper.api.format.InvalidArtifactException;

/**
 * A {@code conanmanifest.txt} as Conan writes it: the first line a Unix timestamp, then one line per
 * file, {@code path: md5}, sorted, and an empty last line. Read to refuse what is not one (400) and to
 * check the files it lists against those uploaded beside it.
 *
 * @param time the timestamp of the first line
 * @param files file path to lower-case hex MD5, in the manifest's order
 */
record ConanManifest(long time, Map<String, String> files) {
    static final int MAX_BYTES = 8 << 20;
    static final int MAX_FILES = 200_000;
    private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern TIME = Pattern.compile("[0-9]{1,19}(\\.[0-9]{1,9})?");

    static ConanManifest parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw invalid("is larger than " + MAX_BYTES + " bytes");
        }
        String text = utf8(bytes, "conanmanifest.txt");
        String[] lines = text.split("\n", -1);
        String first = stripCr(lines[0]);
        if (!TIME.matcher(first).matches()) {
            throw invalid("does not start with a timestamp");
        }
        long time;
        try {
            time = Long.parseLong(first.contains(".") ? first.substring(0, first.indexOf('.')) : first);
        } catch (NumberFormatException e) {
            throw invalid("has a timestamp out of range");
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isEmpty()) {
                continue;
            }
            int sep = line.lastIndexOf(": ");
            if (sep <= 0) {
                throw invalid("line " + (i + 1) + " is not 'path: md5'");
            }
            String path = line.substring(0, sep);
            String md5 = line.substring(sep + 2);
            if (!MD5.matcher(md5).matches()) {
                throw invalid("line " + (i + 1) + " has no MD5");
            }
            if (path.indexOf('\0') >= 0 || path.startsWith("/") || path.equals("..") || path.startsWith("../")
                    || path.contains("/../") || path.endsWith("/..") || path.contains("\\")) {
                throw invalid("line " + (i + 1) + " names a path outside the package");
            }
            if (files.put(path, md5.toLowerCase(java.util.Locale.ROOT)) != null) {
                throw invalid("lists " + ConanRef.printable(path) + " twice");
            }
            if (files.size() > MAX_FILES) {
                throw invalid("lists more than " + MAX_FILES + " files");
            }
        }
        return new ConanManifest(time, Collections.unmodifiableMap(files));
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Strict UTF-8 (Conan writes and reads these as UTF-8); anything else is a 400 naming {@code what}. */
    static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidArtifactException(what + " is not UTF-8 text");
        }
    }

    private static InvalidArtifactException invalid(String why) {
        return new InvalidArtifactException("conanmanifest.txt " + why);
    }
}
