package io.artifactkeeper.format.opkg.impl;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;

import io.artifactkeeper.format.support.SafeArchive;

/**
 * Reads what the index needs from an {@code .ipk}: its control stanza. Two layouts exist, with the
 * same three members ({@code debian-binary}, {@code control.tar.gz}, {@code data.tar.gz}): an ar
 * archive (opkg-build's classic layout, as a .deb) or a gzip-compressed tar (OpenWrt's ipkg-build).
 * Every layer goes through a bounded reader (Commons Compress for ar, {@link SafeArchive} for the tars:
 * traversal, links out of the tree, bombs refused); the package must have all three members, a
 * {@code 2.x} format version and a {@code ./control} with Package, Version and Architecture.
 */
final class IpkPackage {
    static final class BadPackageException extends IOException {
        private static final long serialVersionUID = 1L;

        BadPackageException(String m) {
            super(m);
        }
    }

    static final long MAX_INFLATED = 4L << 30;
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._-]{0,127}");
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+~:_-]{0,127}");
    static final Pattern ARCH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final byte[] AR_MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);

    private IpkPackage() {
    }

    /** Reads a package from its first byte; the stream is read to the end of the archive, not closed. */
    static Control.Stanza read(InputStream raw) throws BadPackageException {
        try {
            BufferedInputStream in = new BufferedInputStream(raw, 65536);
            in.mark(16);
            byte[] head = in.readNBytes(8);
            in.reset();
            Members found = new Members();
            if (java.util.Arrays.equals(head, AR_MAGIC)) {
                try (ArArchiveInputStream ar = new ArArchiveInputStream(shield(in))) {
                    ArArchiveEntry e;
                    while ((e = ar.getNextEntry()) != null) {
                        found.member(e.getName(), ar);
                    }
                }
            } else if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                SafeArchive.tarGz(shield(in), limits().withMaxEntries(16), (e, content) -> {
                    if (!e.isDirectory()) {
                        found.member(e.name(), content);
                    }
                    return true;
                });
            } else {
                throw new BadPackageException("not an ipk package: neither an ar archive nor a gzip-compressed tar");
            }
            return found.result();
        } catch (BadPackageException e) {
            throw e;
        } catch (SafeArchive.ArchiveException e) {
            throw new BadPackageException("refused package: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            // Commons Compress reports a malformed ar header with runtime exceptions; truncation as EOF
            throw new BadPackageException("not a readable ipk package: " + SafeArchive.printable(Control.cut(String.valueOf(e.getMessage()))));
        }
    }

    private static SafeArchive.Limits limits() {
        return SafeArchive.Limits.defaults().withMaxTotalBytes(MAX_INFLATED).withoutLinks();
    }

    /** The three members, each once. */
    private static final class Members {
        final Set<String> seen = new HashSet<>();
        Control.Stanza control;

        void member(String rawName, InputStream content) throws IOException {
            String name = rawName.startsWith("./") ? rawName.substring(2) : rawName;
            name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            if (!seen.add(name)) {
                throw new BadPackageException("the package has " + SafeArchive.printable(Control.cut(name)) + " twice");
            }
            switch (name) {
                case "debian-binary" -> {
                    String v = new String(content.readNBytes(16), StandardCharsets.US_ASCII).strip();
                    if (!v.startsWith("2.")) {
                        throw new BadPackageException("unsupported package format version " + SafeArchive.printable(v));
                    }
                }
                case "control.tar.gz" -> control = control(content);
                case "data.tar.gz" -> SafeArchive.tarGz(shield(content), limits(), (e, c) -> true);
                default -> throw new BadPackageException("not an ipk package: unexpected member "
                        + SafeArchive.printable(Control.cut(name)));
            }
        }

        Control.Stanza result() throws BadPackageException {
            for (String m : new String[] {"debian-binary", "control.tar.gz", "data.tar.gz"}) {
                if (!seen.contains(m)) {
                    throw new BadPackageException("not an ipk package: no " + m);
                }
            }
            return control;
        }
    }

    private static Control.Stanza control(InputStream content) throws IOException {
        byte[][] control = new byte[1][];
        SafeArchive.tarGz(shield(content), limits().withMaxEntries(1000).withMaxTotalBytes(64L << 20), (e, c) -> {
            String n = e.name().startsWith("./") ? e.name().substring(2) : e.name();
            if (n.equals("control") && e.isFile()) {
                if (control[0] != null) {
                    throw new BadPackageException("control.tar.gz has ./control twice");
                }
                byte[] b = c.readNBytes(Control.MAX_STANZA + 1);
                if (b.length > Control.MAX_STANZA) {
                    throw new BadPackageException("./control is larger than " + Control.MAX_STANZA + " bytes");
                }
                control[0] = b;
            }
            return true;
        });
        if (control[0] == null) {
            throw new BadPackageException("not an ipk package: control.tar.gz has no ./control");
        }
        Control.Stanza s;
        try {
            s = Control.parseOne(control[0]);
        } catch (Control.BadControlException e) {
            throw new BadPackageException("./control: " + e.getMessage());
        }
        check(s, "Package", NAME);
        check(s, "Version", VERSION);
        check(s, "Architecture", ARCH);
        return s;
    }

    private static void check(Control.Stanza s, String field, Pattern p) throws BadPackageException {
        String v = s.get(field);
        if (v == null || v.isEmpty()) {
            throw new BadPackageException("./control has no " + field);
        }
        if (!p.matcher(v).matches()) {
            throw new BadPackageException("./control has an invalid " + field + ": " + SafeArchive.printable(Control.cut(v)));
        }
    }

    /** A stream whose close does not close what it reads (the layer below is read on). */
    private static InputStream shield(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
    }
}
