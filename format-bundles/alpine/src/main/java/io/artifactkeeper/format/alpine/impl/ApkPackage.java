package io.artifactkeeper.format.alpine.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import io.artifactkeeper.format.support.SafeArchive;

/**
 * What the index needs from an {@code .apk} (apk-tools v2 package: gzip members for an optional
 * signature, the control section with {@code .PKGINFO}, and the data): the {@code .PKGINFO} fields,
 * and the SHA-1 of the control member's compressed bytes, by which apk identifies the package
 * ({@code C:Q1...} in APKINDEX). Everything is bounded; a package that is not one is refused with a
 * message for the uploader.
 */
final class ApkPackage {
    static final class BadPackageException extends IOException {
        private static final long serialVersionUID = 1L;

        BadPackageException(String m) {
            super(m);
        }
    }

    static final int MAX_PKGINFO = 64 * 1024;
    static final long MAX_INFLATED = 4L << 30;
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._-]{0,127}");
    static final Pattern VERSION = Pattern.compile("[0-9][0-9A-Za-z._+~]{0,63}(-r[0-9]{1,9})?");
    static final Pattern ARCH = Pattern.compile("[a-z0-9_]{1,32}");

    private ApkPackage() {
    }

    /**
     * Reads a package. {@code bytes} opens the stored package from its start, as often as needed (the
     * members are found in one pass, {@code .PKGINFO} read in another).
     */
    static ApkIndex.Entry read(Supplier<InputStream> bytes, long size) throws IOException {
        List<GzipMembers.Member> members;
        try (InputStream in = bytes.get()) {
            members = GzipMembers.scan(in, 3, MAX_INFLATED);
        } catch (GzipMembers.BadGzipException e) {
            throw new BadPackageException("not an apk package: " + e.getMessage());
        }
        int control = -1;
        for (int i = 0; i < members.size() && control < 0; i++) {
            String first = firstEntry(members.get(i).head());
            if (first == null) {
                throw new BadPackageException("not an apk package: section " + (i + 1) + " is not a tar archive");
            }
            if (first.equals(".PKGINFO")) {
                control = i;
            } else if (!first.startsWith(".SIGN.")) {
                break;
            }
        }
        if (control < 0) {
            throw new BadPackageException("not an apk package: no control section starting with .PKGINFO");
        }
        if (control == members.size() - 1) {
            throw new BadPackageException("not an apk package: no data section after the control section");
        }
        GzipMembers.Member c = members.get(control);
        String checksum;
        try (InputStream in = bytes.get()) {
            in.skipNBytes(c.start());
            checksum = "Q1" + Base64.getEncoder().encodeToString(sha1(in, c.end() - c.start()));
        }
        byte[][] pkginfo = new byte[1][];
        try (InputStream in = bytes.get()) {
            // the whole package through the safe reader: every entry name and size is checked
            SafeArchive.tarGz(in, SafeArchive.Limits.defaults().withMaxTotalBytes(MAX_INFLATED), (e, content) -> {
                if (e.name().equals(".PKGINFO") && pkginfo[0] == null) {
                    byte[] b = content.readNBytes(MAX_PKGINFO + 1);
                    if (b.length > MAX_PKGINFO) {
                        throw new BadPackageException(".PKGINFO is larger than " + MAX_PKGINFO + " bytes");
                    }
                    pkginfo[0] = b;
                }
                return true;
            });
        } catch (SafeArchive.ArchiveException e) {
            throw new BadPackageException("refused package: " + e.getMessage());
        }
        if (pkginfo[0] == null) {
            throw new BadPackageException("not an apk package: no .PKGINFO");
        }
        return entry(parsePkgInfo(pkginfo[0]), checksum, size);
    }

    /** {@code .PKGINFO}: {@code key = value} lines, {@code #} comments; repeated keys collect. */
    static Map<String, List<String>> parsePkgInfo(byte[] text) throws BadPackageException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf(" = ");
            if (eq <= 0) {
                throw new BadPackageException(".PKGINFO line is not 'key = value': " + SafeArchive.printable(cut(line)));
            }
            String key = line.substring(0, eq).strip();
            if (!key.matches("[a-z_]{1,32}")) {
                throw new BadPackageException(".PKGINFO has an invalid key: " + SafeArchive.printable(cut(key)));
            }
            String value = line.substring(eq + 3).strip();
            if (value.chars().anyMatch(ch -> ch < 0x20 && ch != '\t')) {
                throw new BadPackageException(".PKGINFO value of " + key + " has control characters");
            }
            List<String> vs = out.computeIfAbsent(key, k -> new ArrayList<>());
            if (vs.size() >= 1000) {
                throw new BadPackageException(".PKGINFO repeats " + key + " more than 1000 times");
            }
            vs.add(value);
        }
        return out;
    }

    static ApkIndex.Entry entry(Map<String, List<String>> info, String checksum, long size) throws BadPackageException {
        String name = one(info, "pkgname");
        String version = one(info, "pkgver");
        String arch = one(info, "arch");
        if (!NAME.matcher(name).matches()) {
            throw new BadPackageException("invalid package name: " + SafeArchive.printable(cut(name)));
        }
        if (!VERSION.matcher(version).matches()) {
            throw new BadPackageException("invalid package version: " + SafeArchive.printable(cut(version)));
        }
        if (!ARCH.matcher(arch).matches()) {
            throw new BadPackageException("invalid architecture: " + SafeArchive.printable(cut(arch)));
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("C", checksum);
        f.put("P", name);
        f.put("V", version);
        f.put("A", arch);
        f.put("S", Long.toString(size));
        put(f, "I", first(info, "size"));
        put(f, "T", first(info, "pkgdesc"));
        put(f, "U", first(info, "url"));
        put(f, "L", first(info, "license"));
        put(f, "o", first(info, "origin"));
        put(f, "m", first(info, "maintainer"));
        put(f, "t", first(info, "builddate"));
        put(f, "c", first(info, "commit"));
        put(f, "D", joined(info, "depend"));
        put(f, "p", joined(info, "provides"));
        put(f, "i", joined(info, "install_if"));
        put(f, "r", joined(info, "replaces"));
        put(f, "k", first(info, "provider_priority"));
        for (Map.Entry<String, String> e : f.entrySet()) {
            if (e.getValue().length() > 16 * 1024) {
                throw new BadPackageException(".PKGINFO field " + e.getKey() + " is longer than 16 KiB");
            }
        }
        return new ApkIndex.Entry(f);
    }

    private static String one(Map<String, List<String>> info, String key) throws BadPackageException {
        List<String> v = info.get(key);
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) {
            throw new BadPackageException(".PKGINFO has no " + key);
        }
        if (v.size() > 1) {
            throw new BadPackageException(".PKGINFO has " + key + " more than once");
        }
        return v.get(0);
    }

    private static String first(Map<String, List<String>> info, String key) {
        List<String> v = info.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String joined(Map<String, List<String>> info, String key) {
        List<String> v = info.get(key);
        return v == null || v.isEmpty() ? null : String.join(" ", v);
    }

    private static void put(Map<String, String> f, String k, String v) {
        if (v != null && !v.isEmpty()) {
            f.put(k, v);
        }
    }

    private static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /**
     * The name of the first tar entry in a member's first bytes (a pax header before it is read as the
     * tar reader reads it), or null when they are no tar archive.
     */
    static String firstEntry(byte[] head) {
        if (head.length < 512) {
            return null;
        }
        try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(head))) {
            TarArchiveEntry e = t.getNextEntry();
            String n = e == null ? null : e.getName();
            return n == null || n.isEmpty() ? null : n;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static byte[] sha1(InputStream in, long n) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[65536];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new BadPackageException("package changed while read");
            }
            md.update(buf, 0, r);
            left -= r;
        }
        return md.digest();
    }

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
