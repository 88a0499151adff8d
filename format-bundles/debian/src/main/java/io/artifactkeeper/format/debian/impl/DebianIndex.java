package io.artifactkeeper.format.debian.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * What apt reads of one distribution ("suite"): the {@code Packages} of each component and
 * architecture, the same compressed, and the {@code Release} file that lists them with their sizes
 * and hashes (Debian wiki "DebianRepository/Format"). Pure: built from package paragraphs, no
 * repository access.
 */
final class DebianIndex {
    static final String ALL = "all";
    private static final DateTimeFormatter RFC2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private DebianIndex() {
    }

    /**
     * A distribution as one repository (or several merged) offers it: package paragraphs (full
     * Packages stanzas, Filename and checksums included) by {@code component/arch}.
     */
    record View(String dist, SortedSet<String> components, SortedSet<String> architectures,
            SortedMap<String, List<String>> packages) {

        static View empty(String dist) {
            return new View(dist, new TreeSet<>(), new TreeSet<>(), new TreeMap<>());
        }

        void add(String component, String arch, String stanza) {
            packages.computeIfAbsent(component + "/" + arch, k -> new ArrayList<>()).add(stanza);
        }

        /** Packages text of one component and architecture. */
        byte[] packagesOf(String component, String arch) {
            StringBuilder b = new StringBuilder();
            for (String s : packages.getOrDefault(component + "/" + arch, List.of())) {
                b.append(s.endsWith("\n") ? s : s + "\n").append('\n');
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }

        /**
         * Members' views merged, in priority order: components and architectures joined; a package
         * (name, version, architecture) that two members hold is taken from the first.
         */
        static View merge(String dist, List<View> views) {
            View out = empty(dist);
            Map<String, Set<String>> seen = new LinkedHashMap<>();
            for (View v : views) {
                out.components.addAll(v.components);
                out.architectures.addAll(v.architectures);
                for (Map.Entry<String, List<String>> e : v.packages.entrySet()) {
                    Set<String> keys = seen.computeIfAbsent(e.getKey(), k -> new HashSet<>());
                    for (String stanza : e.getValue()) {
                        if (keys.add(identity(stanza))) {
                            out.packages.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(stanza);
                        }
                    }
                }
            }
            return out;
        }
    }

    /** Package, Version and Architecture of a stanza, read from its own lines. */
    static String identity(String stanza) {
        String p = null;
        String v = null;
        String a = null;
        for (String line : stanza.split("\n")) {
            if (line.regionMatches(true, 0, "Package:", 0, 8)) {
                p = line.substring(8).trim();
            } else if (line.regionMatches(true, 0, "Version:", 0, 8)) {
                v = line.substring(8).trim();
            } else if (line.regionMatches(true, 0, "Architecture:", 0, 13)) {
                a = line.substring(13).trim();
            }
        }
        return p + " " + v + " " + a;
    }

    /** The Packages stanza of a stored package: its control fields, then where and what the file is. */
    static String stanza(String control, String filename, long size, String md5, String sha1, String sha256) {
        StringBuilder b = new StringBuilder(control);
        if (!control.endsWith("\n")) {
            b.append('\n');
        }
        b.append("Filename: ").append(filename).append('\n');
        b.append("Size: ").append(size).append('\n');
        if (md5 != null) {
            b.append("MD5sum: ").append(md5).append('\n');
        }
        if (sha1 != null) {
            b.append("SHA1: ").append(sha1).append('\n');
        }
        b.append("SHA256: ").append(sha256).append('\n');
        return b.toString();
    }

    /** The index files of a view, by path relative to {@code dists/{dist}/}: Packages, .gz, .xz. */
    static SortedMap<String, byte[]> files(View view, boolean xz) throws IOException {
        return files(view, xz, new Compressed());
    }

    /**
     * As above; {@code compressed} keeps the compressed forms of Packages files by their content, so
     * that a change recompresses only the files it changed (compression is most of the cost of an
     * index of thousands of packages).
     */
    static SortedMap<String, byte[]> files(View view, boolean xz, Compressed compressed) throws IOException {
        SortedMap<String, byte[]> out = new TreeMap<>();
        for (String c : view.components()) {
            for (String a : view.architectures()) {
                String dir = c + "/binary-" + a + "/";
                byte[] plain = view.packagesOf(c, a);
                byte[][] packed = compressed.of(plain, xz);
                out.put(dir + "Packages", plain);
                out.put(dir + "Packages.gz", packed[0]);
                if (xz) {
                    out.put(dir + "Packages.xz", packed[1]);
                }
            }
        }
        return out;
    }

    /** Compressed forms (gzip, xz) of Packages files by the SHA-256 of their content; bounded, least recently used out. */
    static final class Compressed {
        private final Map<String, byte[][]> byHash = new LinkedHashMap<>(64, 0.75f, true);
        private long bytes;

        byte[][] of(byte[] plain, boolean xz) throws IOException {
            String key = hex("SHA-256", plain) + (xz ? ":xz" : "");
            synchronized (this) {
                byte[][] hit = byHash.get(key);
                if (hit != null) {
                    return hit;
                }
            }
            byte[][] packed = {gzip(plain), xz ? DebArchive.Xz.encode(plain) : null};
            synchronized (this) {
                byHash.put(key, packed);
                bytes += size(packed);
                var it = byHash.values().iterator();
                while ((bytes > (64L << 20) || byHash.size() > 512) && it.hasNext()) {
                    byte[][] old = it.next();
                    if (old == packed) {
                        break;
                    }
                    bytes -= size(old);
                    it.remove();
                }
            }
            return packed;
        }

        private static long size(byte[][] p) {
            return p[0].length + (p[1] == null ? 0 : p[1].length);
        }
    }

    /** The Release file over {@code files}, as apt reads it. */
    static byte[] release(String origin, View view, SortedMap<String, byte[]> files, Instant date) {
        StringBuilder b = new StringBuilder();
        b.append("Origin: ").append(origin).append('\n');
        b.append("Label: ").append(origin).append('\n');
        b.append("Suite: ").append(view.dist()).append('\n');
        b.append("Codename: ").append(view.dist()).append('\n');
        b.append("Date: ").append(RFC2822.format(date)).append('\n');
        b.append("Architectures: ").append(String.join(" ", view.architectures())).append('\n');
        b.append("Components: ").append(String.join(" ", view.components())).append('\n');
        b.append("Acquire-By-Hash: yes\n");
        b.append("No-Support-for-Architecture-all: Packages\n");
        b.append("MD5Sum:\n");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            b.append(' ').append(hex("MD5", f.getValue())).append(' ').append(f.getValue().length).append(' ').append(f.getKey()).append('\n');
        }
        b.append("SHA256:\n");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            b.append(' ').append(hex("SHA-256", f.getValue())).append(' ').append(f.getValue().length).append(' ').append(f.getKey()).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One line of a Release file's checksum list. */
    record Listed(String hash, long size, String path) {
    }

    /** The SHA256 list of a Release paragraph, by path. */
    static Map<String, Listed> sha256List(Deb822.Paragraph release) {
        Map<String, Listed> out = new LinkedHashMap<>();
        String v = release.get("SHA256");
        if (v == null) {
            return out;
        }
        for (String line : v.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].matches("[0-9a-fA-F]{64}") && f[1].matches("[0-9]{1,15}")) {
                out.put(f[2], new Listed(f[0].toLowerCase(Locale.ROOT), Long.parseLong(f[1]), f[2]));
            }
        }
        return out;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
