package io.artifactkeeper.format.cran.impl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * R's Debian Control File format (DCF), as {@code DESCRIPTION} and {@code PACKAGES} use it: records of
 * {@code Field: value} lines separated by blank lines; a line starting with a space or tab continues
 * the previous field's value (kept with a newline, its leading white space dropped, as
 * {@code read.dcf} keeps it). Bytes are UTF-8, or Latin-1 where they are not UTF-8 (a DESCRIPTION may
 * declare {@code Encoding: latin1}).
 *
 * <p>Every limit is checked as the text is read: bytes in all, records, fields per record, the length
 * of a field name and of a value. Anything else (a line that is no field, a continuation with no field
 * before it, a field given twice in a record) is a {@link DcfException} naming the line.
 */
final class CranDcf {

    /** The text is not DCF or is past a limit (answered with 400). */
    static final class DcfException extends Exception {
        private static final long serialVersionUID = 1L;

        DcfException(String message) {
            super(message);
        }
    }

    /**
     * Limits of one read.
     *
     * @param maxBytes bytes of the whole text
     * @param maxRecords records
     * @param maxFields fields of one record
     * @param maxValue characters of one value (continuation lines included)
     */
    record Limits(int maxBytes, int maxRecords, int maxFields, int maxValue) {
        /** A DESCRIPTION: 256 KiB, one record, 200 fields, 64 KiB a value. */
        static final Limits DESCRIPTION = new Limits(256 * 1024, 1, 200, 64 * 1024);
        /** An upstream PACKAGES index: 64 MiB, 500,000 records, 200 fields, 1 MiB a value. */
        static final Limits PACKAGES = new Limits(64 << 20, 500_000, 200, 1 << 20);
    }

    static final int MAX_FIELD_NAME = 256;

    private CranDcf() {
    }

    /** The records of {@code bytes}, fields in their order. */
    static List<Map<String, String>> parse(byte[] bytes, Limits limits) throws DcfException {
        if (bytes.length > limits.maxBytes()) {
            throw new DcfException("larger than " + limits.maxBytes() + " bytes");
        }
        String text = decode(bytes);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && !(c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n'))
                    || c == 0x7f) {
                throw new DcfException("the text holds a control character (" + (c == 0 ? "NUL" : String.format(
                        java.util.Locale.ROOT, "\\x%02x", (int) c)) + ")");
            }
        }
        List<Map<String, String>> records = new ArrayList<>();
        Map<String, String> current = null;
        String field = null;
        StringBuilder value = null;
        int lineNo = 0;
        int at = 0;
        while (at <= text.length()) {
            int nl = text.indexOf('\n', at);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(at, end);
            at = end + 1;
            lineNo++;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank()) {
                if (current != null) {
                    current.put(field, value.toString());
                    records.add(Collections.unmodifiableMap(current));
                    current = null;
                    field = null;
                }
                if (nl < 0) {
                    break;
                }
                continue;
            }
            char c = line.charAt(0);
            if (c == ' ' || c == '\t') {
                if (current == null) {
                    throw new DcfException("line " + lineNo + " continues a field, but no field comes before it");
                }
                String more = line.strip();
                if (value.length() + 1 + more.length() > limits.maxValue()) {
                    throw new DcfException("field " + printable(field) + " is longer than " + limits.maxValue()
                            + " characters");
                }
                value.append('\n').append(more);
            } else {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new DcfException("line " + lineNo + " is not a 'Field: value' line: " + printable(line));
                }
                String name = line.substring(0, colon);
                if (name.length() > MAX_FIELD_NAME || !validFieldName(name)) {
                    throw new DcfException("line " + lineNo + " has an invalid field name: " + printable(name));
                }
                if (current == null) {
                    if (records.size() >= limits.maxRecords()) {
                        throw new DcfException("more than " + limits.maxRecords() + " record(s)");
                    }
                    current = new LinkedHashMap<>();
                } else {
                    current.put(field, value.toString());
                }
                if (current.containsKey(name)) {
                    throw new DcfException("field " + printable(name) + " appears twice (line " + lineNo + ")");
                }
                if (current.size() >= limits.maxFields()) {
                    throw new DcfException("more than " + limits.maxFields() + " fields in a record");
                }
                String v = line.substring(colon + 1).strip();
                if (v.length() > limits.maxValue()) {
                    throw new DcfException("field " + printable(name) + " is longer than " + limits.maxValue()
                            + " characters");
                }
                field = name;
                value = new StringBuilder(v);
                current.put(name, "");
            }
            if (nl < 0) {
                break;
            }
        }
        if (current != null) {
            current.put(field, value.toString());
            records.add(Collections.unmodifiableMap(current));
        }
        return records;
    }

    /** Printable ASCII without white space or colon, as R's field names are. */
    private static boolean validFieldName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ':') {
                return false;
            }
        }
        return true;
    }

    /** UTF-8 when the bytes are UTF-8, else Latin-1 (every byte is a character). */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Appends one record as {@code write.dcf} writes it: fields with no value left out, continuation
     * lines indented, a blank line after the record.
     */
    static void write(StringBuilder out, List<String> columns, Map<String, String> record) {
        for (String col : columns) {
            String v = record.get(col);
            if (v == null || v.isBlank()) {
                continue;
            }
            out.append(col).append(": ").append(v.replace("\n", "\n        ")).append('\n');
        }
        out.append('\n');
    }

    /** {@code s} with control characters escaped and cut to 100 characters, for messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 100; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return s.length() > 100 ? sb + "..." : sb.toString();
    }
}
