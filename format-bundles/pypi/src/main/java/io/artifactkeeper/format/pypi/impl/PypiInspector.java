package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.format.support.SafeArchive;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * Checks an uploaded distribution against its file name and reads its core metadata: a wheel must
 * be a zip holding {@code {name}-{version}.dist-info/METADATA} that agrees with the file name; an
 * sdist must be a readable tar.gz (or zip) and its PKG-INFO, when it has one, must agree too. The
 * archives are read by {@link SafeArchive} (zips in place through the stored bytes' channel, tar.gz as
 * a stream): every entry name is checked (no "zip slip"), sizes and ratios are bounded, and a damaged
 * archive is refused. Every refusal is an {@link ArchiveException} (a 400).
 */
final class PypiInspector {
    /** Attribute keys recorded with a distribution file. */
    static final String ATTR_FILETYPE = "pypi_filetype";
    static final String ATTR_REQUIRES_PYTHON = "requires_python";
    static final String ATTR_METADATA_SHA256 = "core_metadata_sha256";
    static final String ATTR_SUMMARY = "summary";

    /** Largest METADATA/PKG-INFO accepted (long READMEs live in it). */
    static final int MAX_METADATA_BYTES = 4 * 1024 * 1024;

    /**
     * What a distribution may unpack to: large enough for the largest wheels on PyPI (CUDA builds of
     * several GiB with single libraries above 1 GiB), bounded so that a bomb stops early.
     */
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxEntries(1_000_000)
            .withMaxEntryBytes(4L << 30).withMaxTotalBytes(16L << 30);

    /**
     * What was found.
     *
     * @param metadata parsed core metadata, or null (an sdist without PKG-INFO)
     * @param metadataBytes the raw METADATA/PKG-INFO, or null
     * @param servesMetadata whether the bytes may be served as the PEP 658 metadata file
     */
    record Inspection(PypiNames.DistFile dist, PypiCoreMetadata metadata, byte[] metadataBytes,
            boolean servesMetadata) {

        /** Project name to record: the metadata's spelling, else the file name's. */
        String displayName() {
            return metadata != null && metadata.name() != null ? metadata.name() : dist.project();
        }

        String version() {
            return metadata != null && metadata.version() != null ? metadata.version() : dist.version();
        }

        Map<String, Object> attributes() {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put(ATTR_FILETYPE, dist.distType().filetype);
            if (metadata != null) {
                if (metadata.requiresPython() != null) {
                    a.put(ATTR_REQUIRES_PYTHON, metadata.requiresPython());
                }
                String s = metadata.summary();
                if (s != null && !s.isBlank()) {
                    a.put(ATTR_SUMMARY, s.length() > 512 ? s.substring(0, 512) : s);
                }
            }
            if (servesMetadata) {
                a.put(ATTR_METADATA_SHA256, sha256(metadataBytes));
            }
            return a;
        }
    }

    private PypiInspector() {
    }

    static Inspection inspect(PypiNames.DistFile dist, AssetContent content) throws IOException {
        byte[] raw;
        boolean serves;
        switch (dist.distType()) {
            case WHEEL -> {
                raw = wheelMetadata(content, dist);
                serves = true;
            }
            case SDIST_TAR_GZ -> {
                try (InputStream in = content.open()) {
                    raw = tarGzPkgInfo(in);
                }
                serves = false;
            }
            case SDIST_ZIP -> {
                raw = zipPkgInfo(content);
                serves = false;
            }
            default -> throw new IllegalStateException(dist.distType().name());
        }
        PypiCoreMetadata md = raw == null ? null : PypiCoreMetadata.parse(raw);
        if (md != null) {
            String what = dist.distType() == PypiNames.DistType.WHEEL ? "METADATA" : "PKG-INFO";
            if (md.name() == null || md.version() == null) {
                throw new ArchiveException(what + " has no Name or no Version");
            }
            if (!PypiNames.normalize(md.name()).equals(dist.normalizedProject())) {
                throw new ArchiveException(what + " names project " + SafeArchive.printable(md.name())
                        + " but the file name says " + dist.project());
            }
            if (!PypiNames.sameVersion(dist.version(), md.version())) {
                throw new ArchiveException(what + " says version " + SafeArchive.printable(md.version())
                        + " but the file name says " + dist.version());
            }
            if (dist.distType() != PypiNames.DistType.WHEEL) {
                serves = md.reliableForSdist();
            }
        }
        return new Inspection(dist, md, raw, serves && raw != null);
    }

    /**
     * A wheel's {@code {name}-{version}.dist-info/METADATA}: the one of the file name's project and
     * version when there are several .dist-info directories, else the only one.
     */
    static byte[] wheelMetadata(AssetContent wheel, PypiNames.DistFile dist) throws IOException {
        String expected = (dist.project() + "-" + dist.version() + ".dist-info/").toLowerCase(Locale.ROOT);
        byte[][] chosen = {null};
        byte[][] first = {null};
        int[] found = {0};
        try (SeekableByteChannel ch = wheel.channel()) {
            SafeArchive.zip(ch, LIMITS, (entry, in) -> {
                String n = entry.name();
                int slash = n.indexOf('/');
                if (!entry.isFile() || slash <= 0 || n.indexOf('/', slash + 1) >= 0 || !n.endsWith(".dist-info/METADATA")) {
                    return true;
                }
                found[0]++;
                boolean mine = n.toLowerCase(Locale.ROOT).startsWith(expected);
                if (mine || first[0] == null) {
                    byte[] b = readMetadata(in, n);
                    if (mine) {
                        chosen[0] = b;
                    } else {
                        first[0] = b;
                    }
                }
                return true;
            });
        }
        if (chosen[0] != null) {
            return chosen[0];
        }
        if (found[0] == 0) {
            throw new ArchiveException("the wheel has no .dist-info/METADATA");
        }
        if (found[0] > 1) {
            throw new ArchiveException("the wheel has several .dist-info directories and none is " + dist.project() + "-"
                    + dist.version() + ".dist-info");
        }
        return first[0];
    }

    /** An sdist zip's top-level {@code PKG-INFO}, or null when it has none. */
    static byte[] zipPkgInfo(AssetContent zip) throws IOException {
        byte[][] found = {null};
        try (SeekableByteChannel ch = zip.channel()) {
            SafeArchive.zip(ch, LIMITS, (entry, in) -> {
                if (found[0] == null && entry.isFile() && isTopLevelPkgInfo(entry.name())) {
                    found[0] = readMetadata(in, entry.name());
                }
                return true;
            });
        }
        return found[0];
    }

    /** An sdist tar.gz's top-level {@code PKG-INFO}, or null when it has none; every entry is checked. */
    static byte[] tarGzPkgInfo(InputStream raw) throws IOException {
        byte[][] found = {null};
        SafeArchive.tarGz(raw, LIMITS, (entry, in) -> {
            if (found[0] == null && entry.isFile() && isTopLevelPkgInfo(entry.name())) {
                found[0] = readMetadata(in, entry.name());
            }
            return true;
        });
        return found[0];
    }

    private static boolean isTopLevelPkgInfo(String name) {
        int slash = name.indexOf('/');
        return slash > 0 && name.substring(slash + 1).equals("PKG-INFO");
    }

    private static byte[] readMetadata(InputStream in, String name) throws IOException {
        byte[] b = in.readNBytes(MAX_METADATA_BYTES + 1);
        if (b.length > MAX_METADATA_BYTES) {
            throw new ArchiveException(SafeArchive.printable(name) + " unpacks to more than " + MAX_METADATA_BYTES
                    + " bytes; at most " + MAX_METADATA_BYTES + " are accepted");
        }
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
