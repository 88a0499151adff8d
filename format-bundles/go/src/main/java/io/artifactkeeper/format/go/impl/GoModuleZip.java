package io.artifactkeeper.format.go.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.artifactkeeper.format.support.SafeArchive;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * Checks a module zip against the rules of the Go Modules Reference ("Module zip files", as
 * golang.org/x/mod/zip enforces them) before it becomes visible: the stored bytes are read in place
 * through the zip's central directory ({@link SafeArchive#zip}, as the go command reads it; nothing is
 * copied to a temporary file), and every file is inflated once to prove its declared size (a zip bomb
 * stops one byte past what its header declares). The rules, in the order they are checked:
 * <ul>
 * <li>the zip is at most 500 MiB and readable; entry names are safe to unpack (SafeArchive: no
 * absolute, backslashed or {@code ..} names);</li>
 * <li>every name starts with {@code module@version/} and the rest is a clean, valid file path;</li>
 * <li>no two names are equal under case folding (nor a file and a directory);</li>
 * <li>go.mod only in the module root, spelled "go.mod": a go.mod elsewhere marks a nested module,
 * whose files never belong to this one;</li>
 * <li>no files of vendored packages (in a subdirectory of a vendor directory);</li>
 * <li>go.mod and LICENSE at most 16 MiB, all files together at most 500 MiB uncompressed, each
 * file exactly as large as its header says.</li>
 * </ul>
 * A zip that breaks a rule is an {@link ArchiveException} whose message names the rule (a 400).
 */
final class GoModuleZip {

    static final long MAX_ZIP = 500L << 20;
    static final long MAX_GO_MOD = 16L << 20;
    static final long MAX_LICENSE = 16L << 20;

    /**
     * Go's limits are the 500 MiB in all and the 16 MiB of go.mod and LICENSE (checked here per file);
     * no ratio limit, as go has none (a module of generated text compresses far beyond 200:1).
     */
    private static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxEntries(1_000_000)
            .withMaxEntryBytes(MAX_ZIP).withMaxTotalBytes(MAX_ZIP).withMaxRatio(0);

    /** What a valid zip holds: its go.mod (empty when it has none), file count and unpacked size. */
    record Contents(Optional<byte[]> goMod, int files, long unpackedBytes) {
    }

    private GoModuleZip() {
    }

    /** Checks the zip of {@code size} bytes read through {@code zip}; the caller closes the channel. */
    static Contents check(SeekableByteChannel zip, String modulePath, String version) throws IOException {
        long size = zip.size();
        if (size > MAX_ZIP) {
            throw new ArchiveException("module zip is " + size + " bytes; at most " + MAX_ZIP + " (500 MiB) allowed");
        }
        String prefix = modulePath + "@" + version + "/";
        Map<String, String> files = new HashMap<>();
        Map<String, String> dirs = new HashMap<>();
        byte[][] goMod = {null};
        long[] total = {0};
        int[] count = {0};
        SafeArchive.zip(zip, LIMITS, (entry, content) -> {
            String full = entry.name();
            if (!full.startsWith(prefix)) {
                throw new ArchiveException("file \"" + full + "\" is outside the module: every file must start with \""
                        + prefix + "\"");
            }
            String name = full.substring(prefix.length());
            if (name.isEmpty()) {
                return true;
            }
            boolean isDir = entry.isDirectory() || name.endsWith("/");
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            Optional<String> bad = GoModulePath.checkFilePath(name);
            if (bad.isPresent()) {
                throw new ArchiveException(bad.get());
            }
            String folded = fold(name);
            if (isDir) {
                String clash = files.get(folded);
                if (clash != null) {
                    throw new ArchiveException("directory \"" + name + "\" collides with file \"" + clash
                            + "\" (paths equal under case folding)");
                }
                dirs.putIfAbsent(folded, name);
                return true;
            }
            String clash = files.containsKey(folded) ? files.get(folded) : dirs.get(folded);
            if (clash != null) {
                throw new ArchiveException("duplicate file \"" + name + "\""
                        + (clash.equals(name) ? "" : " (equal to \"" + clash + "\" under case folding)"));
            }
            files.put(folded, name);
            for (int s = name.indexOf('/'); s >= 0; s = name.indexOf('/', s + 1)) {
                String dir = name.substring(0, s);
                String f = files.get(fold(dir));
                if (f != null) {
                    throw new ArchiveException("directory \"" + dir + "\" collides with file \"" + f
                            + "\" (paths equal under case folding)");
                }
                dirs.putIfAbsent(fold(dir), dir);
            }
            String base = name.substring(name.lastIndexOf('/') + 1);
            if (base.equalsIgnoreCase("go.mod") && !name.equals("go.mod")) {
                throw new ArchiveException(name.contains("/")
                        ? "file \"" + name + "\" marks a nested module: go.mod is allowed only in the module root, "
                                + "and files of nested modules do not belong in this zip"
                        : "go.mod must be spelled \"go.mod\", not \"" + name + "\"");
            }
            if (isVendoredPackageFile(name)) {
                throw new ArchiveException("file \"" + name + "\" is in a vendored package: "
                        + "files in subdirectories of vendor/ are not part of a module zip");
            }
            long declared = entry.size();
            long limit = name.equals("go.mod") ? MAX_GO_MOD : name.equals("LICENSE") ? MAX_LICENSE : MAX_ZIP;
            if (declared > limit) {
                throw new ArchiveException(name + " is " + declared + " bytes; at most " + limit + " allowed");
            }
            if (declared < 0) {
                throw new ArchiveException("file \"" + name + "\" does not declare its size");
            }
            if (total[0] + declared > MAX_ZIP) {
                throw new ArchiveException("files unpack to more than " + MAX_ZIP + " bytes (500 MiB), the limit for a module");
            }
            ByteArrayOutputStream keep = name.equals("go.mod") ? new ByteArrayOutputStream() : null;
            total[0] += inflate(content, declared, keep, name);
            count[0]++;
            if (keep != null) {
                goMod[0] = keep.toByteArray();
            }
            return true;
        });
        return new Contents(Optional.ofNullable(goMod[0]), count[0], total[0]);
    }

    /**
     * The go.mod of a zip that {@link #check} accepted (read again from the stored bytes: only the
     * directory and that one entry), or empty when it has none.
     */
    static Optional<byte[]> goMod(SeekableByteChannel zip, String modulePath, String version) throws IOException {
        String want = modulePath + "@" + version + "/go.mod";
        byte[][] found = {null};
        SafeArchive.zip(zip, LIMITS, (entry, content) -> {
            if (!entry.name().equals(want)) {
                return true;
            }
            found[0] = content.readNBytes((int) MAX_GO_MOD + 1);
            return false;
        });
        if (found[0] != null && found[0].length > MAX_GO_MOD) {
            throw new ArchiveException("go.mod is larger than " + MAX_GO_MOD + " bytes");
        }
        return Optional.ofNullable(found[0]);
    }

    /** Reads one entry, at most {@code declared} + 1 bytes, and answers how many there were. */
    private static long inflate(InputStream in, long declared, ByteArrayOutputStream keep, String name)
            throws IOException {
        long n = 0;
        byte[] buf = new byte[64 * 1024];
        int r;
        while ((r = in.read(buf, 0, (int) Math.min(buf.length, declared - n + 1))) > 0) {
            n += r;
            if (n > declared) {
                throw new ArchiveException("file \"" + name + "\" unpacks to more than the " + declared
                        + " bytes its header declares");
            }
            if (keep != null) {
                keep.write(buf, 0, r);
            }
        }
        if (n != declared) {
            throw new ArchiveException("file \"" + name + "\" unpacks to " + n + " bytes but its header declares " + declared);
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
