package io.artifactkeeper.format.alpine.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * APKINDEX: one record per package ({@code X:value} lines, a blank line between records), in a
 * gzip-compressed tar with a {@code DESCRIPTION}; signed by a first gzip member holding a tar with
 * {@code .SIGN.RSA.<key file name>}: an RSA PKCS#1 v1.5 SHA-1 signature of the index member's
 * compressed bytes, as apk-tools v2 verifies against {@code /etc/apk/keys/<key file name>}. The
 * signature tar has no end-of-archive blocks, so the two members read as one tar stream.
 */
final class ApkIndex {
    static final String FILE = "APKINDEX.tar.gz";
    static final int MAX_INDEX = 256 * 1024 * 1024;

    /** The order apk-tools writes a record's fields in; others follow in the order given. */
    static final String ORDER = "CPVASITULomtcDpirk";

    /**
     * One package's record, fields in the order apk writes them (whatever order they were kept in: a
     * JSON store does not keep it).
     */
    record Entry(Map<String, String> fields) {
        Entry {
            Map<String, String> ordered = new LinkedHashMap<>();
            for (char c : ORDER.toCharArray()) {
                String v = fields.get(String.valueOf(c));
                if (v != null) {
                    ordered.put(String.valueOf(c), v);
                }
            }
            fields.forEach(ordered::putIfAbsent);
            fields = java.util.Collections.unmodifiableMap(ordered);
        }

        String name() {
            return fields.get("P");
        }

        String version() {
            return fields.get("V");
        }

        String arch() {
            return fields.get("A");
        }
    }

    private ApkIndex() {
    }

    /** The APKINDEX text of {@code entries}: one record per name and version (the first wins), sorted. */
    static byte[] text(Collection<Entry> entries) {
        Map<String, Entry> unique = new LinkedHashMap<>();
        for (Entry e : entries) {
            unique.putIfAbsent(e.name() + "\0" + e.version(), e);
        }
        List<Entry> sorted = new ArrayList<>(unique.values());
        sorted.sort(Comparator.comparing(Entry::name).thenComparing(Entry::version));
        StringBuilder b = new StringBuilder();
        for (Entry e : sorted) {
            e.fields().forEach((k, v) -> b.append(k).append(':').append(v).append('\n'));
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Records of an APKINDEX text; unknown fields are kept, malformed lines refused. */
    static List<Entry> parse(byte[] text) throws IOException {
        List<Entry> out = new ArrayList<>();
        Map<String, String> cur = new LinkedHashMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n", -1)) {
            if (line.isEmpty()) {
                if (!cur.isEmpty()) {
                    add(out, cur);
                    cur = new LinkedHashMap<>();
                }
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != ':') {
                throw new IOException("APKINDEX line is not 'X:value': " + SafeArchive.printable(line.substring(0, Math.min(60, line.length()))));
            }
            cur.put(line.substring(0, 1), line.substring(2));
        }
        if (!cur.isEmpty()) {
            add(out, cur);
        }
        return out;
    }

    private static void add(List<Entry> out, Map<String, String> rec) throws IOException {
        if (rec.get("P") == null || rec.get("V") == null) {
            throw new IOException("APKINDEX record without P: or V:");
        }
        out.add(new Entry(rec));
    }

    /** The APKINDEX text inside an {@code APKINDEX.tar.gz} (signed or not). */
    static byte[] textOf(InputStream tarGz) throws IOException {
        byte[][] found = new byte[1][];
        SafeArchive.tarGz(tarGz, SafeArchive.Limits.defaults().withMaxTotalBytes(MAX_INDEX).withMaxEntries(16).withoutLinks(),
                (e, content) -> {
                    if (e.name().equals("APKINDEX")) {
                        found[0] = content.readAllBytes();
                        return false;
                    }
                    return true;
                });
        if (found[0] == null) {
            throw new IOException("no APKINDEX in " + FILE);
        }
        return found[0];
    }

    /** {@code APKINDEX.tar.gz}, signed when {@code signer} is present. */
    static byte[] archive(byte[] text, String description, Optional<RepositorySigner> signer, String keyFileName)
            throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar, 512)) {
            entry(t, "DESCRIPTION", description.getBytes(StandardCharsets.UTF_8));
            entry(t, "APKINDEX", text);
        }
        byte[] index = gzip(tar.toByteArray());
        if (signer.isEmpty()) {
            return index;
        }
        byte[] signature = signer.get().sign(index, "SHA1withRSA");
        ByteArrayOutputStream sigTar = new ByteArrayOutputStream();
        TarArchiveOutputStream t = new TarArchiveOutputStream(sigTar, 512);
        entry(t, ".SIGN.RSA." + keyFileName, signature);
        t.flush();
        // no end-of-archive blocks (t is not finished): apk reads the signature and the index as one tar
        byte[] sig = gzip(sigTar.toByteArray());
        byte[] out = Arrays.copyOf(sig, sig.length + index.length);
        System.arraycopy(index, 0, out, sig.length, index.length);
        return out;
    }

    private static void entry(TarArchiveOutputStream t, String name, byte[] body) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(body.length);
        e.setMode(0644);
        e.setModTime(0);
        t.putArchiveEntry(e);
        t.write(body);
        t.closeArchiveEntry();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }
}
