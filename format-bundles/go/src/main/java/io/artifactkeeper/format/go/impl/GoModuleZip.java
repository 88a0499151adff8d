package io.artifactkeeper.format.go.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks a module zip against the rules of the Go Modules Reference ("Module zip files", as
 * golang.org/x/mod/zip enforces them) before it is stored: the file is read from disk through its
 * central directory, as the go command reads it, and every file is inflated once to prove its
 * declared size (a zip bomb stops at the limit). The rules, in the order they are checked:
 * <ul>
 * <li>the zip is at most 500 MiB and readable;</li>
 * <li>every name starts with {@code module@version/} and the rest is a clean, valid file path;</li>
 * <li>no two names are equal under case folding (nor a file and a directory);</li>
 * <li>go.mod only in the module root, spelled "go.mod": a go.mod elsewhere marks a nested module,
 * whose files never belong to this one;</li>
 * <li>no files of vendored packages (in a subdirectory of a vendor directory);</li>
 * <li>go.mod and LICENSE at most 16 MiB, all files together at most 500 MiB uncompressed, each
 * file exactly as large as its header says.</li>
 * </ul>
 */
final class GoModuleZip {

    static final long MAX_ZIP = 500L << 20;
    static final long MAX_GO_MOD = 16L << 20;
    static final long MAX_LICENSE = 16L << 20;

    /** A module zip that breaks a rule; the message names it. */
    static final class InvalidModuleZipException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidModuleZipException(String message) {
            super(message);
        }
    }

    /** What a valid zip holds: its go.mod (empty when it has none), file count and unpacked size. */
    record Contents(Optional<byte[]> goMod, int files, long unpackedBytes) {
    }

    private GoModuleZip() {
    }

    static Contents check(Path zip, String modulePath, String version) throws IOException, InvalidModuleZipException {
        long size = Files.size(zip);
        if (size > MAX_ZIP) {
            throw new InvalidModuleZipException("module zip is " + size + " bytes; at most " + MAX_ZIP + " (500 MiB) allowed");
        }
        String prefix = modulePath + "@" + version + "/";
        ZipFile zf;
        try {
            zf = new ZipFile(zip.toFile());
        } catch (IOException | IllegalArgumentException e) {
            // not only ZipException: a file shorter than an end record is an EOFException
            throw new InvalidModuleZipException("not a readable zip file: " + e.getMessage());
        }
        try (zf) {
            Map<String, String> files = new HashMap<>();
            Map<String, String> dirs = new HashMap<>();
            byte[] goMod = null;
            long total = 0;
            int count = 0;
            Enumeration<? extends ZipEntry> en;
            try {
                en = zf.entries();
            } catch (IllegalArgumentException e) {
                throw new InvalidModuleZipException("zip entry names are not valid UTF-8");
            }
            while (true) {
                ZipEntry e;
                try {
                    if (!en.hasMoreElements()) {
                        break;
                    }
                    e = en.nextElement();
                } catch (IllegalArgumentException ex) {
                    throw new InvalidModuleZipException("zip entry names are not valid UTF-8");
                }
                String full = e.getName();
                if (!full.startsWith(prefix)) {
                    throw new InvalidModuleZipException("file \"" + full + "\" is outside the module: every file must start with \""
                            + prefix + "\"");
                }
                String name = full.substring(prefix.length());
                if (name.isEmpty()) {
                    continue;
                }
                boolean isDir = name.endsWith("/");
                if (isDir) {
                    name = name.substring(0, name.length() - 1);
                }
                Optional<String> bad = GoModulePath.checkFilePath(name);
                if (bad.isPresent()) {
                    throw new InvalidModuleZipException(bad.get());
                }
                String folded = fold(name);
                if (isDir) {
                    String clash = files.get(folded);
                    if (clash != null) {
                        throw new InvalidModuleZipException("directory \"" + name + "\" collides with file \"" + clash
                                + "\" (paths equal under case folding)");
                    }
                    dirs.putIfAbsent(folded, name);
                    continue;
                }
                String clash = files.containsKey(folded) ? files.get(folded) : dirs.get(folded);
                if (clash != null) {
                    throw new InvalidModuleZipException("duplicate file \"" + name + "\""
                            + (clash.equals(name) ? "" : " (equal to \"" + clash + "\" under case folding)"));
                }
                files.put(folded, name);
                for (int s = name.indexOf('/'); s >= 0; s = name.indexOf('/', s + 1)) {
                    String dir = name.substring(0, s);
                    String f = files.get(fold(dir));
                    if (f != null) {
                        throw new InvalidModuleZipException("directory \"" + dir + "\" collides with file \"" + f
                                + "\" (paths equal under case folding)");
                    }
                    dirs.putIfAbsent(fold(dir), dir);
                }
                String base = name.substring(name.lastIndexOf('/') + 1);
                if (base.equalsIgnoreCase("go.mod")) {
                    if (!name.equals("go.mod")) {
                        throw new InvalidModuleZipException(name.contains("/")
                                ? "file \"" + name + "\" marks a nested module: go.mod is allowed only in the module root, "
                                        + "and files of nested modules do not belong in this zip"
                                : "go.mod must be spelled \"go.mod\", not \"" + name + "\"");
                    }
                }
                if (isVendoredPackageFile(name)) {
                    throw new InvalidModuleZipException("file \"" + name + "\" is in a vendored package: "
                            + "files in subdirectories of vendor/ are not part of a module zip");
                }
                long declared = e.getSize();
                long limit = name.equals("go.mod") ? MAX_GO_MOD : name.equals("LICENSE") ? MAX_LICENSE : MAX_ZIP;
                if (declared > limit) {
                    throw new InvalidModuleZipException(name + " is " + declared + " bytes; at most " + limit + " allowed");
                }
                if (declared < 0) {
                    throw new InvalidModuleZipException("file \"" + name + "\" does not declare its size");
                }
                if (total + declared > MAX_ZIP) {
                    throw new InvalidModuleZipException("files unpack to more than " + MAX_ZIP
                            + " bytes (500 MiB), the limit for a module");
                }
                ByteArrayOutputStream keep = name.equals("go.mod") ? new ByteArrayOutputStream() : null;
                long actual = inflate(zf, e, declared, keep, name);
                total += actual;
                count++;
                if (keep != null) {
                    goMod = keep.toByteArray();
                }
            }
            return new Contents(Optional.ofNullable(goMod), count, total);
        }
    }

    /** Inflates one entry, at most {@code declared} + 1 bytes, and answers how many there were. */
    private static long inflate(ZipFile zf, ZipEntry e, long declared, ByteArrayOutputStream keep, String name)
            throws InvalidModuleZipException {
        long n = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = zf.getInputStream(e)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
                if (n > declared) {
                    throw new InvalidModuleZipException("file \"" + name + "\" unpacks to more than the " + declared
                            + " bytes its header declares");
                }
                if (keep != null) {
                    keep.write(buf, 0, r);
                }
            }
        } catch (IOException | RuntimeException ex) {
            throw new InvalidModuleZipException("file \"" + name + "\" cannot be unpacked: " + ex.getMessage());
        }
        if (n != declared) {
            throw new InvalidModuleZipException("file \"" + name + "\" unpacks to " + n + " bytes but its header declares "
                    + declared);
        }
        return n;
    }

    /**
     * Files of vendored packages, as the go command leaves them out of the module zips it makes:
     * anything in a subdirectory of a top-level vendor/ (vendor/modules.txt and other files directly
     * in vendor/ stay). For a nested vendor directory the go command measures from a fixed offset
     * (Go issue 31562, kept because fixing it would change module checksums); the same offset is
     * used here, so that what is refused is exactly what a go-made zip never holds.
     */
    static boolean isVendoredPackageFile(String name) {
        int i;
        if (name.startsWith("vendor/")) {
            i = "vendor/".length();
        } else if (name.contains("/vendor/")) {
            i = "/vendor/".length();
        } else {
            return false;
        }
        return name.substring(i).contains("/");
    }

    private static String fold(String s) {
        return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }
}
