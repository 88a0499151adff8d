package io.artifactkeeper.format.cran.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * The package index of one folder ({@code src/contrib}, a binary tree): for each package its latest
 * version's fields, as {@code tools::write_PACKAGES} writes them into {@code PACKAGES},
 * {@code PACKAGES.gz} and {@code PACKAGES.rds}. The columns are R's standard repository fields for the
 * folder's type, then any other field an upstream index carried, in the order first seen.
 */
final class CranIndex {
    /** {@code tools:::.get_standard_repository_db_fields()} of R 4.x: binary trees have no NeedsCompilation. */
    static final List<String> BINARY_FIELDS = List.of("Package", "Version", "Priority", "Depends", "Imports",
            "LinkingTo", "Suggests", "Enhances", "License", "License_is_FOSS", "License_restricts_use", "OS_type",
            "Archs", "MD5sum");
    static final List<String> SOURCE_FIELDS;
    /** Fields beyond the standard ones that an index keeps (the first ones seen). */
    static final int MAX_EXTRA_COLUMNS = 64;

    static {
        List<String> s = new ArrayList<>(BINARY_FIELDS);
        s.add("NeedsCompilation");
        SOURCE_FIELDS = List.copyOf(s);
    }

    /** One package's row. */
    record Entry(String name, String version, Map<String, String> fields) {
    }

    private final List<String> columns;
    /** By package name, in C-locale order as R's {@code list.files} sorts the files. */
    private final TreeMap<String, Entry> entries;

    private CranIndex(List<String> columns, TreeMap<String, Entry> entries) {
        this.columns = columns;
        this.entries = entries;
    }

    static List<String> standardFields(CranNames.Kind kind) {
        return kind == CranNames.Kind.SOURCE ? SOURCE_FIELDS : BINARY_FIELDS;
    }

    /** The DESCRIPTION fields an index needs (MD5sum is the file's, added when the index is built). */
    static Map<String, String> kept(Map<String, String> description) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : SOURCE_FIELDS) {
            String v = description.get(f);
            if (v != null && !f.equals("MD5sum")) {
                out.put(f, v);
            }
        }
        return out;
    }

    /**
     * The index of {@code records} (each with a valid Package and Version; others are left out): the
     * highest version of each package, the first record among equal ones.
     */
    static CranIndex of(CranNames.Kind kind, Collection<Map<String, String>> records) {
        TreeMap<String, Entry> entries = new TreeMap<>();
        LinkedHashSet<String> columns = new LinkedHashSet<>(standardFields(kind));
        for (Map<String, String> r : records) {
            String name = r.get("Package");
            String version = r.get("Version");
            if (!CranNames.isName(name) || !CranNames.isVersion(version)) {
                continue;
            }
            Entry e = new Entry(name, version, r);
            Entry old = entries.get(name);
            if (old == null || CranNames.compareVersions(version, old.version()) > 0) {
                entries.put(name, e);
            }
        }
        int standard = columns.size();
        for (Entry e : entries.values()) {
            for (String f : e.fields().keySet()) {
                // an upstream's index may carry fields of its own; a bounded number of them (rows times
                // columns is the size of PACKAGES.rds)
                if (columns.size() < standard + MAX_EXTRA_COLUMNS || columns.contains(f)) {
                    columns.add(f);
                }
            }
        }
        return new CranIndex(List.copyOf(columns), entries);
    }

    /** The indexes of several repositories as one: per package the highest version, the first on a tie. */
    static CranIndex merge(CranNames.Kind kind, List<CranIndex> indexes) {
        List<Map<String, String>> all = new ArrayList<>();
        for (CranIndex i : indexes) {
            for (Entry e : i.entries.values()) {
                all.add(e.fields());
            }
        }
        return of(kind, all);
    }

    /** An index as a repository serves it ({@code PACKAGES}). */
    static CranIndex parse(CranNames.Kind kind, byte[] packages) throws CranDcf.DcfException {
        return of(kind, CranDcf.parse(packages, CranDcf.Limits.PACKAGES));
    }

    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    List<String> columns() {
        return columns;
    }

    /** {@code PACKAGES}: one DCF record per package, empty fields left out. */
    byte[] packages() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries.values()) {
            CranDcf.write(sb, columns, e.fields());
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code PACKAGES.gz}. */
    byte[] packagesGz() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(packages());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code PACKAGES.rds}: the character matrix, {@code NA} where a package has no value. */
    byte[] rds(int version) {
        List<String[]> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Entry e : entries.values()) {
            String[] row = new String[columns.size()];
            for (int c = 0; c < row.length; c++) {
                String v = e.fields().get(columns.get(c));
                row[c] = v == null || v.isBlank() ? null : v;
            }
            rows.add(row);
            names.add(e.name());
        }
        return CranRds.matrix(columns, rows, names, version);
    }
}
