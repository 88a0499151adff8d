package io.artifactkeeper.format.conda.impl;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * Reads {@code info/index.json} from a conda package: a {@code .conda} (a zip with {@code metadata.json},
 * {@code info-*.tar.zst} and {@code pkg-*.tar.zst}) or a {@code .tar.bz2} (a bzip2 tar). Every archive is
 * read through {@link SafeArchive} with limits; the whole archive is read, so a damaged one is refused
 * even where {@code index.json} comes first.
 */
final class CondaPackage {
    static final Pattern NAME = Pattern.compile("[a-z0-9_][a-z0-9_.+-]{0,127}");
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_.+!*]{1,64}");
    static final Pattern BUILD = Pattern.compile("[A-Za-z0-9_.+]{1,64}");
    static final Pattern SUBDIR = Pattern.compile("noarch|[a-z0-9]{1,16}-[a-z0-9_]{1,16}");
    static final int MAX_INDEX_JSON = 64 * 1024;
    static final int MAX_FIELD = 4096;
    static final long MAX_UNPACKED = 4L << 30;

    /** The package is not a readable conda package; the message says why (a 400). */
    static final class BadPackageException extends IOException {
        private static final long serialVersionUID = 1L;

        BadPackageException(String message) {
            super(message);
        }
    }

    private CondaPackage() {
    }

    /** The {@code index.json} of a {@code .conda} read from {@code zip}. */
    static ObjectNode readConda(SeekableByteChannel zip) throws IOException {
        ObjectNode[] index = new ObjectNode[1];
        boolean[] seen = new boolean[3];
        SafeArchive.Limits limits = SafeArchive.Limits.defaults().withMaxEntries(64).withoutLinks()
                .withMaxTotalBytes(MAX_UNPACKED);
        try {
            SafeArchive.zip(zip, limits, (e, content) -> {
                if (!e.isFile() || e.name().contains("/")) {
                    throw new BadPackageException("a .conda holds metadata.json and two .tar.zst at its top, not "
                            + SafeArchive.printable(e.name()));
                }
                if (e.name().equals("metadata.json")) {
                    JsonNode m;
                    try {
                        m = Json.readClient(new java.io.ByteArrayInputStream(content.readNBytes(MAX_INDEX_JSON + 1)),
                            MAX_INDEX_JSON, "metadata.json");
                    } catch (IOException | RuntimeException bad) {
                        throw new BadPackageException("metadata.json is not JSON of at most " + MAX_INDEX_JSON + " bytes");
                    }
                    if (!m.path("conda_pkg_format_version").isNumber()) {
                        throw new BadPackageException("metadata.json has no conda_pkg_format_version");
                    }
                    seen[0] = true;
                } else if (e.name().startsWith("info-") && e.name().endsWith(".tar.zst")) {
                    index[0] = indexOfTar(zstd(content), "info-*.tar.zst");
                    seen[1] = true;
                } else if (e.name().startsWith("pkg-") && e.name().endsWith(".tar.zst")) {
                    SafeArchive.tar(zstd(content), limits, (pe, pc) -> true);
                    seen[2] = true;
                }
                return true;
            });
        } catch (SafeArchive.ArchiveException e) {
            throw new BadPackageException("not a readable .conda: " + e.getMessage());
        }
        if (!seen[0] || !seen[1] || !seen[2]) {
            throw new BadPackageException("a .conda holds metadata.json, info-*.tar.zst and pkg-*.tar.zst");
        }
        return index[0];
    }

    /** The {@code index.json} of a {@code .tar.bz2} read from {@code in}. */
    static ObjectNode readTarBz2(InputStream in) throws IOException {
        InputStream bz;
        try {
            bz = new BZip2CompressorInputStream(new BufferedInputStream(in, 65536));
        } catch (IOException | RuntimeException e) {
            throw new BadPackageException("not bzip2-compressed");
        }
        try (bz) {
            return indexOfTar(bz, ".tar.bz2");
        } catch (SafeArchive.ArchiveException e) {
            throw new BadPackageException("not a readable .tar.bz2: " + e.getMessage());
        } catch (BadPackageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadPackageException("damaged .tar.bz2 (" + SafeArchive.printable(String.valueOf(e.getMessage())) + ")");
        }
    }

    private static InputStream zstd(InputStream in) throws IOException {
        try {
            return new ZstdCompressorInputStream(in);
        } catch (IOException | RuntimeException e) {
            throw new BadPackageException("not zstd-compressed");
        }
    }

    private static ObjectNode indexOfTar(InputStream tar, String what) throws IOException {
        ObjectNode[] index = new ObjectNode[1];
        try {
            SafeArchive.tar(tar, SafeArchive.Limits.defaults().withMaxTotalBytes(MAX_UNPACKED), (e, content) -> {
                if (e.name().equals("info/index.json")) {
                    if (index[0] != null) {
                        throw new BadPackageException("two info/index.json in " + what);
                    }
                    if (!e.isFile() || e.size() > MAX_INDEX_JSON) {
                        throw new BadPackageException("info/index.json is not a file of at most " + MAX_INDEX_JSON + " bytes");
                    }
                    index[0] = index(content);
                }
                return true;
            });
        } catch (SafeArchive.ArchiveException e) {
            throw new BadPackageException(what + ": " + e.getMessage());
        } catch (BadPackageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // a damaged compressed stream under the tar reader
            throw new BadPackageException("damaged " + what + " (" + SafeArchive.printable(String.valueOf(e.getMessage())) + ")");
        }
        if (index[0] == null) {
            throw new BadPackageException("no info/index.json in " + what);
        }
        return index[0];
    }

    /** A checked {@code index.json}: an object with a valid name, version, build and subdir, bounded fields. */
    static ObjectNode index(InputStream in) throws IOException {
        JsonNode n;
        try {
            // read here: the JSON reader closes its stream, and the archive reader goes on after it
            n = Json.readClient(new java.io.ByteArrayInputStream(in.readNBytes(MAX_INDEX_JSON + 1)), MAX_INDEX_JSON,
                    "info/index.json");
        } catch (IOException | RuntimeException e) {
            throw new BadPackageException("info/index.json is not JSON of at most " + MAX_INDEX_JSON + " bytes");
        }
        if (!(n instanceof ObjectNode o)) {
            throw new BadPackageException("info/index.json is not an object");
        }
        check(o, "name", NAME);
        check(o, "version", VERSION);
        check(o, "build", BUILD);
        check(o, "subdir", SUBDIR);
        if (o.has("build_number") && !o.get("build_number").canConvertToLong()) {
            throw new BadPackageException("build_number is not an integer");
        }
        for (String list : new String[] {"depends", "constrains", "track_features"}) {
            JsonNode d = o.get(list);
            if (d != null && !d.isArray() && !(list.equals("track_features") && d.isTextual())) {
                throw new BadPackageException(list + " is not a list");
            }
            if (d != null && d.isArray()) {
                for (JsonNode s : d) {
                    if (!s.isTextual() || s.asText().length() > MAX_FIELD) {
                        throw new BadPackageException(list + " holds a non-string or a string over " + MAX_FIELD + " characters");
                    }
                }
            }
        }
        for (Map.Entry<String, JsonNode> f : o.properties()) {
            if (f.getValue().isTextual() && f.getValue().asText().length() > MAX_FIELD) {
                throw new BadPackageException("field " + SafeArchive.printable(f.getKey()) + " is longer than " + MAX_FIELD);
            }
        }
        return o;
    }

    private static void check(ObjectNode o, String field, Pattern p) throws BadPackageException {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || !p.matcher(v.asText()).matches()) {
            throw new BadPackageException("info/index.json: " + field + " is missing or invalid"
                    + (v == null ? "" : " (" + SafeArchive.printable(v.toString().substring(0, Math.min(60, v.toString().length()))) + ")"));
        }
    }

    /** {@code index.json} as a plain map (what the store keeps). */
    static Map<String, Object> asMap(ObjectNode o) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.mapper().convertValue(o, LinkedHashMap.class);
        return m;
    }
}
