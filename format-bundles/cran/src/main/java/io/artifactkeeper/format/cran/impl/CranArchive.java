package io.artifactkeeper.format.cran.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Map;

import io.artifactkeeper.format.support.SafeArchive;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * Checks that an uploaded file is the R package its file name says: a gzip-compressed tar (a source
 * package from {@code R CMD build}, a macOS binary) or a zip (a Windows binary), read by
 * {@link SafeArchive} within its limits, whose every entry lies under {@code {package}/}, holding one
 * {@code {package}/DESCRIPTION} whose {@code Package} and {@code Version} are the file name's. Only the
 * DESCRIPTION is kept; the rest is read through to check the archive whole (gzip's trailer included).
 */
final class CranArchive {
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults();

    /** The file is not that package (answered with 400); the message says why. */
    static final class BadPackageException extends Exception {
        private static final long serialVersionUID = 1L;

        BadPackageException(String message) {
            super(message);
        }
    }

    private CranArchive() {
    }

    /** The DESCRIPTION of a gzip-compressed tar holding package {@code expected}. */
    static Map<String, String> fromTarGz(InputStream in, CranNames.PackageFile expected) throws BadPackageException {
        Finder f = new Finder(expected.name());
        try {
            SafeArchive.tarGz(in, LIMITS, f);
        } catch (ArchiveException e) {
            throw new BadPackageException("not a usable package archive (" + expected.fileName() + "): " + e.getMessage());
        } catch (IOException e) {
            throw new BadPackageException("unreadable package archive: " + e.getMessage());
        }
        return f.description(expected);
    }

    /** The DESCRIPTION of a zip holding package {@code expected}. */
    static Map<String, String> fromZip(SeekableByteChannel in, CranNames.PackageFile expected) throws BadPackageException {
        Finder f = new Finder(expected.name());
        try {
            SafeArchive.zip(in, LIMITS, f);
        } catch (ArchiveException e) {
            throw new BadPackageException("not a usable package archive (" + expected.fileName() + "): " + e.getMessage());
        } catch (IOException e) {
            throw new BadPackageException("unreadable package archive: " + e.getMessage());
        }
        return f.description(expected);
    }

    /** Sees every entry: all under the package's folder, one DESCRIPTION read. */
    private static final class Finder implements SafeArchive.Visitor {
        private final String root;
        private byte[] description;
        private String outside;

        Finder(String name) {
            this.root = name;
        }

        @Override
        public boolean visit(SafeArchive.Entry entry, InputStream content) throws IOException {
            String name = entry.name();
            while (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            if (!name.equals(root) && !name.startsWith(root + "/")) {
                outside = entry.name();
                return false;
            }
            if (name.equals(root + "/DESCRIPTION")) {
                if (!entry.isFile()) {
                    throw new ArchiveException(root + "/DESCRIPTION is not a regular file");
                }
                if (description != null) {
                    throw new ArchiveException("the archive holds " + root + "/DESCRIPTION twice");
                }
                byte[] b = content.readNBytes(CranDcf.Limits.DESCRIPTION.maxBytes() + 1);
                if (b.length > CranDcf.Limits.DESCRIPTION.maxBytes()) {
                    throw new ArchiveException(root + "/DESCRIPTION is larger than "
                            + CranDcf.Limits.DESCRIPTION.maxBytes() + " bytes");
                }
                description = b;
            }
            return true;
        }

        Map<String, String> description(CranNames.PackageFile expected) throws BadPackageException {
            if (outside != null) {
                throw new BadPackageException("the archive holds " + SafeArchive.printable(outside)
                        + ", outside the package folder " + root + "/");
            }
            if (description == null) {
                throw new BadPackageException("the archive has no " + root + "/DESCRIPTION: it is not the R package "
                        + root);
            }
            Map<String, String> d = parseDescription(description);
            String pkg = d.get("Package");
            String ver = d.get("Version");
            if (!expected.name().equals(pkg) || !expected.version().equals(ver)) {
                throw new BadPackageException("the DESCRIPTION says package " + SafeArchive.printable(String.valueOf(pkg))
                        + " version " + SafeArchive.printable(String.valueOf(ver)) + "; the file must then be named "
                        + SafeArchive.printable(pkg + "_" + ver) + ", not " + expected.fileName());
            }
            return d;
        }
    }

    /** A DESCRIPTION file: one DCF record with a valid {@code Package} and {@code Version}. */
    static Map<String, String> parseDescription(byte[] bytes) throws BadPackageException {
        List<Map<String, String>> records;
        try {
            records = CranDcf.parse(bytes, CranDcf.Limits.DESCRIPTION);
        } catch (CranDcf.DcfException e) {
            throw new BadPackageException("DESCRIPTION is not valid: " + e.getMessage());
        }
        if (records.size() != 1) {
            throw new BadPackageException("DESCRIPTION must hold exactly one record, not " + records.size());
        }
        Map<String, String> d = records.get(0);
        if (!CranNames.isName(d.get("Package"))) {
            throw new BadPackageException("DESCRIPTION has no valid Package field");
        }
        if (!CranNames.isVersion(d.get("Version"))) {
            throw new BadPackageException("DESCRIPTION has no valid Version field");
        }
        return d;
    }
}
