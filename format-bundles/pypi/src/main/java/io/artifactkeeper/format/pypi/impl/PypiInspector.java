package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.artifactkeeper.format.pypi.impl.PypiArchives.InvalidArchiveException;

/**
 * Checks an uploaded distribution against its file name and reads its core metadata: a wheel must
 * be a zip holding {@code {name}-{version}.dist-info/METADATA} that agrees with the file name; an
 * sdist must be a readable tar.gz (or zip) and its PKG-INFO, when it has one, must agree too.
 */
final class PypiInspector {
    /** Attribute keys recorded with a distribution file. */
    static final String ATTR_FILETYPE = "pypi_filetype";
    static final String ATTR_REQUIRES_PYTHON = "requires_python";
    static final String ATTR_METADATA_SHA256 = "core_metadata_sha256";
    static final String ATTR_SUMMARY = "summary";

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
            a.put(ATTR_FILETYPE, dist.type().filetype);
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

    static Inspection inspect(PypiNames.DistFile dist, PypiByteSource src) throws InvalidArchiveException, IOException {
        byte[] raw;
        boolean serves;
        switch (dist.type()) {
            case WHEEL -> {
                raw = PypiArchives.wheelMetadata(src, dist);
                serves = true;
            }
            case SDIST_TAR_GZ -> {
                Optional<byte[]> p;
                try (InputStream in = src.openAt(0)) {
                    p = PypiArchives.tarGzPkgInfo(in);
                }
                raw = p.orElse(null);
                serves = false;
            }
            case SDIST_ZIP -> {
                raw = PypiArchives.zipPkgInfo(src).orElse(null);
                serves = false;
            }
            default -> throw new IllegalStateException(dist.type().name());
        }
        PypiCoreMetadata md = raw == null ? null : PypiCoreMetadata.parse(raw);
        if (md != null) {
            String what = dist.type() == PypiNames.DistType.WHEEL ? "METADATA" : "PKG-INFO";
            if (md.name() == null || md.version() == null) {
                throw new InvalidArchiveException(what + " has no Name or no Version");
            }
            if (!PypiNames.normalize(md.name()).equals(dist.normalizedProject())) {
                throw new InvalidArchiveException(what + " names project " + md.name() + " but the file name says "
                        + dist.project());
            }
            if (!PypiNames.sameVersion(dist.version(), md.version())) {
                throw new InvalidArchiveException(what + " says version " + md.version() + " but the file name says "
                        + dist.version());
            }
            if (dist.type() != PypiNames.DistType.WHEEL) {
                serves = md.reliableForSdist();
            }
        }
        return new Inspection(dist, md, raw, serves && raw != null);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
