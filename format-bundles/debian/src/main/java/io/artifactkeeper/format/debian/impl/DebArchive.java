package io.artifactkeeper.format.debian.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;

import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * Reads a binary package ({@code .deb}, deb(5)): an ar archive of {@code debian-binary} ("2.0"),
 * {@code control.tar[.gz|.xz|.zst]} and {@code data.tar.*}. The control member is unpacked through
 * {@link SafeArchive} (names, sizes and links checked) and its {@code control} file parsed as deb822.
 * Everything it refuses is a 400 ({@link InvalidArtifactException}), never another exception.
 */
final class DebArchive {
    /** The compressed control member may be this large; real ones are a few KiB. */
    static final long MAX_CONTROL_MEMBER = 4L << 20;
    /** Unpacked control tar (maintainer scripts, md5sums of every file of the package). */
    static final long MAX_CONTROL_TAR = 16L << 20;
    static final int MAX_CONTROL_FILE = Deb822.MAX_DOCUMENT;
    /** Memory XZ for Java may use to decode one stream, in KiB. */
    private static final int XZ_MEMORY_KIB = 64 * 1024;

    private DebArchive() {
    }

    /** Whether XZ for Java is deployed (it is an optional import of this bundle). */
    static boolean xzAvailable() {
        try {
            Class.forName("org.tukaani.xz.XZInputStream", false, DebArchive.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether zstd-jni is deployed and its native library loads (an optional import of this bundle). */
    static boolean zstdAvailable() {
        try {
            Class.forName("com.github.luben.zstd.ZstdInputStream", true, DebArchive.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The package's control paragraph, read from the first two members of {@code in} (which is left
     * positioned after the control member).
     */
    static DebPackage readControl(InputStream in) throws IOException {
        try {
            ArArchiveInputStream ar = new ArArchiveInputStream(in);
            ArArchiveEntry first = ar.getNextEntry();
            if (first == null || !first.getName().equals("debian-binary")) {
                throw bad("not a Debian package: the first member of the ar archive must be debian-binary");
            }
            byte[] magic = ar.readNBytes(16);
            if (magic.length < 4 || magic[0] != '2' || magic[1] != '.') {
                throw bad("unsupported .deb format version (debian-binary must say 2.x)");
            }
            ArArchiveEntry control = ar.getNextEntry();
            if (control == null || !control.getName().startsWith("control.tar")) {
                throw bad("not a Debian package: the second member must be control.tar[.gz|.xz]");
            }
            if (control.getLength() > MAX_CONTROL_MEMBER) {
                throw bad("the control member is larger than " + MAX_CONTROL_MEMBER + " bytes");
            }
            String text = controlFile(control.getName(), ar);
            return DebPackage.of(Deb822.single(text));
        } catch (InvalidArtifactException e) {
            throw e;
        } catch (SafeArchive.ArchiveException e) {
            throw bad("the control member is refused: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            // Commons Compress and the decompressors say "damaged" in several ways (IOException,
            // IllegalArgumentException on a bad header number...): all of them are the client's bad bytes
            throw bad("not a readable Debian package: " + describe(e));
        }
    }

    private static String controlFile(String member, InputStream raw) throws IOException {
        SafeArchive.Limits limits = SafeArchive.Limits.defaults().withMaxEntries(1000).withMaxEntryBytes(MAX_CONTROL_TAR)
                .withMaxTotalBytes(MAX_CONTROL_TAR).withoutLinks();
        String[] found = new String[1];
        SafeArchive.Visitor v = (entry, content) -> {
            String n = entry.name();
            if (n.equals("./control") || n.equals("control")) {
                if (!entry.isFile()) {
                    throw bad("control is not a regular file in the control member");
                }
                byte[] b = content.readNBytes(MAX_CONTROL_FILE + 1);
                if (b.length > MAX_CONTROL_FILE) {
                    throw bad("the control file is larger than " + MAX_CONTROL_FILE + " bytes");
                }
                found[0] = utf8(b);
            }
            return true;
        };
        switch (member) {
            case "control.tar.gz" -> SafeArchive.tarGz(raw, limits.withMaxRatio(200), v);
            case "control.tar" -> SafeArchive.tar(raw, limits, v);
            case "control.tar.xz" -> {
                if (!xzAvailable()) {
                    throw bad("control.tar.xz cannot be read on this server (no XZ decoder deployed): build the package with "
                            + "dpkg-deb -Zgzip");
                }
                SafeArchive.tar(Xz.decoder(raw, XZ_MEMORY_KIB), limits, v);
            }
            case "control.tar.zst" -> {
                if (!zstdAvailable()) {
                    throw bad("control.tar.zst cannot be read on this server (no zstd decoder deployed): build the package with "
                            + "dpkg-deb -Zxz or -Zgzip");
                }
                SafeArchive.tar(Zstd.decoder(raw), limits, v);
            }
            default -> throw bad("unknown control member " + SafeArchive.printable(member));
        }
        if (found[0] == null) {
            throw bad("the control member holds no control file");
        }
        return found[0];
    }

    /**
     * Reads the rest of the archive after {@link #readControl} (or a whole one from the start when
     * {@code fromStart}): every member complete, a {@code data.tar.*} member present. A truncated or
     * padded-out package is refused.
     */
    static void checkComplete(InputStream in) throws IOException {
        try {
            ArArchiveInputStream ar = new ArArchiveInputStream(in);
            int index = 0;
            boolean data = false;
            byte[] buf = new byte[65536];
            for (ArArchiveEntry e; (e = ar.getNextEntry()) != null; index++) {
                long n = 0;
                for (int r; (r = ar.read(buf)) > 0;) {
                    n += r;
                }
                if (n != e.getLength()) {
                    throw bad("the package is truncated: member " + SafeArchive.printable(e.getName()) + " has " + n + " of "
                            + e.getLength() + " bytes");
                }
                if (index == 2 && e.getName().startsWith("data.tar")) {
                    data = true;
                }
            }
            if (!data) {
                throw bad("not a Debian package: the third member must be data.tar.*");
            }
        } catch (InvalidArtifactException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw bad("not a readable Debian package: " + describe(e));
        }
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw bad("the control file is not UTF-8");
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : SafeArchive.printable(m.length() > 200 ? m.substring(0, 200) : m);
    }

    private static InvalidArtifactException bad(String message) {
        return new InvalidArtifactException(message);
    }

    /** zstd-jni kept behind one class, so that nothing else loads it when it is absent. */
    static final class Zstd {
        /** Window sizes a frame may ask for: 16 MiB (control members are small; a hostile frame asks for more). */
        private static final int WINDOW_LOG_MAX = 24;

        private Zstd() {
        }

        static InputStream decoder(InputStream in) throws IOException {
            com.github.luben.zstd.ZstdInputStream z = new com.github.luben.zstd.ZstdInputStream(in);
            z.setLongMax(WINDOW_LOG_MAX);
            return z;
        }
    }

    /** XZ for Java kept behind one class, so that nothing else loads it when it is absent. */
    static final class Xz {
        private Xz() {
        }

        static InputStream decoder(InputStream in, int memoryKib) throws IOException {
            return new org.tukaani.xz.XZInputStream(in, memoryKib);
        }

        /** Preset 1: several times faster than the default 6 on index text, and still far smaller than gzip. */
        static byte[] encode(byte[] data) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
            try (org.tukaani.xz.XZOutputStream xz = new org.tukaani.xz.XZOutputStream(out, new org.tukaani.xz.LZMA2Options(1))) {
                xz.write(data);
            }
            return out.toByteArray();
        }
    }
}
