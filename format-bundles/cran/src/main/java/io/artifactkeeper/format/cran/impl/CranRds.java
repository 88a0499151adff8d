package io.artifactkeeper.format.cran.impl;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes {@code PACKAGES.rds} as R's {@code tools::write_PACKAGES} does: {@code saveRDS} of a character
 * matrix, one row per package, one column per field ({@code NA} where a package has no value), with
 * the package names as row names and the field names as column names.
 *
 * <p>The bytes are R's serialization format ("R Internals", section 1.8) in its XDR (big-endian)
 * flavour, version 2 or 3, compressed with gzip ({@code readRDS} recognizes gzip by its magic bytes).
 * Only what such a matrix needs is written: a character vector with attributes, its strings, the
 * {@code dim} integer vector and the {@code dimnames} list, held in a tagged pairlist.
 */
final class CranRds {
    // SEXP types and flags of R's serialization
    private static final int SYMSXP = 1;
    private static final int LISTSXP = 2;
    private static final int CHARSXP = 9;
    private static final int INTSXP = 13;
    private static final int STRSXP = 16;
    private static final int VECSXP = 19;
    private static final int NILVALUE_SXP = 254;
    private static final int HAS_ATTR = 1 << 9;
    private static final int HAS_TAG = 1 << 10;
    /** The encoding levels of a CHARSXP (gp bits, shifted into the flags by 12). */
    private static final int UTF8_MASK = 1 << 3;
    private static final int ASCII_MASK = 1 << 6;
    /** The writer and the oldest reader the stream declares: R 4.0.0; version 2 streams need R 2.3.0. */
    private static final int WRITER_VERSION = (4 << 16) | (0 << 8) | 0;
    private static final int MIN_READER_V2 = (2 << 16) | (3 << 8) | 0;
    private static final int MIN_READER_V3 = (3 << 16) | (5 << 8) | 0;

    private CranRds() {
    }

    /**
     * The gzip-compressed serialization of a character matrix.
     *
     * @param columns the column names
     * @param rows each row's values by column (null: {@code NA})
     * @param rowNames the row names (one per row)
     * @param version 2 or 3
     */
    static byte[] matrix(List<String> columns, List<String[]> rows, List<String> rowNames, int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("serialization version 2 or 3, not " + version);
        }
        if (rowNames.size() != rows.size()) {
            throw new IllegalArgumentException("one row name per row");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 65536); DataOutputStream out = new DataOutputStream(gz)) {
            out.writeBytes("X\n");
            out.writeInt(version);
            out.writeInt(WRITER_VERSION);
            out.writeInt(version == 2 ? MIN_READER_V2 : MIN_READER_V3);
            if (version == 3) {
                byte[] enc = "UTF-8".getBytes(StandardCharsets.US_ASCII);
                out.writeInt(enc.length);
                out.write(enc);
            }
            // the values, column by column (R stores matrices column-major)
            int nrow = rows.size();
            int ncol = columns.size();
            out.writeInt(STRSXP | HAS_ATTR);
            out.writeInt(Math.multiplyExact(nrow, ncol));
            for (int c = 0; c < ncol; c++) {
                for (String[] row : rows) {
                    charsxp(out, c < row.length ? row[c] : null);
                }
            }
            // attributes: pairlist(dim = c(nrow, ncol), dimnames = list(rowNames, columns))
            out.writeInt(LISTSXP | HAS_TAG);
            symbol(out, "dim");
            out.writeInt(INTSXP);
            out.writeInt(2);
            out.writeInt(nrow);
            out.writeInt(ncol);
            out.writeInt(LISTSXP | HAS_TAG);
            symbol(out, "dimnames");
            out.writeInt(VECSXP);
            out.writeInt(2);
            strings(out, rowNames);
            strings(out, columns);
            out.writeInt(NILVALUE_SXP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void symbol(DataOutputStream out, String name) throws IOException {
        out.writeInt(SYMSXP);
        charsxp(out, name);
    }

    private static void strings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(STRSXP);
        out.writeInt(values.size());
        for (String v : values) {
            charsxp(out, v);
        }
    }

    /** A string: NA as length -1; ASCII marked as such, anything else as UTF-8. */
    private static void charsxp(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(CHARSXP);
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        boolean ascii = b.length == s.length();
        out.writeInt(CHARSXP | ((ascii ? ASCII_MASK : UTF8_MASK) << 12));
        out.writeInt(b.length);
        out.write(b);
    }
}
