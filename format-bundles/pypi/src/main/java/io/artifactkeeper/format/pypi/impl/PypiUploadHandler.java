package io.artifactkeeper.format.pypi.impl;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.MultipartReader;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * The legacy upload API that twine and poetry use: {@code POST} of multipart/form-data with
 * {@code :action=file_upload}, the release's metadata fields, and the file as the {@code content}
 * part. The body is read as a stream: the file part goes straight into storage while its BLAKE2b
 * is computed (SHA-256 and MD5 are checked by the core). The fields naming the project and
 * version must come before the file, as both clients send them.
 *
 * <p>Like PyPI: an existing file name with identical bytes is accepted again (idempotent); with
 * other bytes it is refused with 409 and "File already exists", which twine and poetry
 * {@code --skip-existing} recognize.
 */
final class PypiUploadHandler {
    private static final int MAX_FIELD_BYTES = 64 * 1024;
    private static final Set<String> KEPT_FIELDS = Set.of(":action", "name", "version", "filetype", "pyversion",
            "metadata_version", "md5_digest", "sha256_digest", "blake2_256_digest", "requires_python");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

    /** A declared digest that the received bytes do not match. */
    static final class DigestMismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        DigestMismatchException(String message) {
            super(message);
        }
    }

    FormatResponse upload(FormatRequest req, RepositoryContext repo) throws IOException {
        String boundary = MultipartReader.boundary(req.header("Content-Type").orElse(null))
                .orElseThrow(() -> FormatException.badRequest("an upload must be multipart/form-data with a boundary"));
        MultipartReader body = new MultipartReader(req.body(), boundary);
        Map<String, String> fields = new HashMap<>();
        Stored stored = null;
        try {
            for (MultipartReader.Part part; (part = body.next()) != null;) {
                if (part.name().equals("content") && part.filename() != null) {
                    if (stored != null) {
                        throw FormatException.badRequest("an upload carries one file");
                    }
                    stored = store(repo, fields, part);
                } else if (KEPT_FIELDS.contains(part.name())) {
                    String v = part.text(MAX_FIELD_BYTES);
                    fields.putIfAbsent(part.name(), v);
                }
                // other fields (description, classifiers, ...) are skipped: the file's own metadata is the truth
            }
        } catch (MultipartReader.MalformedException e) {
            discard(repo, stored);
            throw FormatException.badRequest("malformed multipart body: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            discard(repo, stored);
            throw e;
        }
        if (stored == null) {
            String action = fields.get(":action");
            if (action != null && !action.equals("file_upload")) {
                throw FormatException.badRequest(":action " + action + " is not supported; only file_upload is");
            }
            throw FormatException.badRequest("the upload has no file (a 'content' file part is required)");
        }
        if (stored.created) {
            writeMetadataFile(repo, stored);
        }
        return FormatResponse.text(200, "OK\n");
    }

    private record Stored(StoredAsset asset, PypiNames.DistFile dist, boolean created) {
    }

    private static Stored store(RepositoryContext repo, Map<String, String> fields, MultipartReader.Part part)
            throws IOException {
        String action = fields.get(":action");
        if (action == null || !action.equals("file_upload")) {
            throw FormatException.badRequest(":action=file_upload must come before the file");
        }
        String name = fields.get("name");
        String version = fields.get("version");
        if (name == null || version == null) {
            throw FormatException.badRequest("the name and version fields must come before the file");
        }
        name = name.strip();
        version = version.strip();
        if (!PypiNames.isValidName(name)) {
            throw FormatException.badRequest("invalid project name: " + abbreviate(name));
        }
        if (!PypiNames.isSafeSegment(version)) {
            throw FormatException.badRequest("invalid version: " + abbreviate(version));
        }
        String filename = part.filename();
        if (!PypiNames.isSafeSegment(filename)) {
            throw FormatException.badRequest("invalid file name: " + abbreviate(filename)
                    + " (a plain wheel or sdist file name is required)");
        }
        PypiNames.DistFile dist = PypiNames.parse(filename, name).orElseThrow(() -> FormatException.badRequest(
                "unsupported distribution file name " + filename + ": expected a wheel (.whl) or an sdist (.tar.gz, .zip)"));
        String project = PypiNames.normalize(name);
        if (!dist.normalizedProject().equals(project)) {
            throw FormatException.badRequest("file " + filename + " does not belong to project " + name);
        }
        if (!PypiNames.sameVersion(dist.version(), version)) {
            throw FormatException.badRequest("file " + filename + " does not belong to version " + version);
        }
        String filetype = fields.get("filetype");
        if (filetype != null && !filetype.isBlank() && !filetype.strip().equals(dist.distType().filetype)) {
            throw FormatException.badRequest("filetype " + filetype + " does not match " + filename);
        }
        String sha256 = digest(fields, "sha256_digest", SHA256);
        String md5 = md5(fields.get("md5_digest"));
        String blake2 = digest(fields, "blake2_256_digest", SHA256);

        String path = PypiNames.filePath(project, version, filename);
        Optional<StoredAsset> before = repo.get(path);
        InputStream in = blake2 == null ? part.body() : new Blake2Check(part.body(), blake2);
        StoredAsset a;
        try {
            a = repo.put(path, in, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.IF_IDENTICAL)
                    .withExpectedChecksums(sha256, null, md5));
        } catch (DigestMismatchException e) {
            throw new FormatException(400, "CHECKSUM_MISMATCH", e.getMessage());
        } catch (FormatException e) {
            if (e.status() == 409) {
                throw new FormatException(409, "FILE_EXISTS", "File already exists: " + filename + " was uploaded "
                        + "before with other content, and a published file is never replaced");
            }
            throw e;
        }
        return new Stored(a, dist, before.isEmpty() || !before.get().sha256().equals(a.sha256()));
    }

    /** Stores the wheel's METADATA next to it, as {@code {file}.metadata} (PEP 658). */
    private static void writeMetadataFile(RepositoryContext repo, Stored s) throws IOException {
        PypiInspector.Inspection i;
        try {
            i = PypiInspector.inspect(s.dist(), s.asset());
        } catch (ArchiveException e) {
            // describe() accepted these bytes a moment ago
            throw new IllegalStateException("stored distribution no longer readable: " + e.getMessage(), e);
        }
        if (!i.servesMetadata()) {
            return;
        }
        repo.putBytes(s.asset().path() + PypiIndexBuilder.METADATA_SUFFIX, i.metadataBytes(), PutOptions.defaults()
                .withDescription(i.displayName(), i.version(), PypiDownloads.METADATA_CONTENT_TYPE,
                        Map.of(PypiInspector.ATTR_FILETYPE, "core-metadata")));
    }

    /** Takes back a file this request created, when the rest of the request turns out bad. */
    private static void discard(RepositoryContext repo, Stored s) throws IOException {
        if (s != null && s.created()) {
            repo.delete(s.asset().path());
        }
    }

    private static String digest(Map<String, String> fields, String field, Pattern hex) {
        String v = fields.get(field);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.strip();
        if (!hex.matcher(v).matches()) {
            throw FormatException.badRequest(field + " is not a hex digest");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    /** twine sends hex; old distutils sent URL-safe base64 without padding. */
    private static String md5(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.strip();
        if (MD5.matcher(v).matches()) {
            return v.toLowerCase(Locale.ROOT);
        }
        try {
            byte[] b = Base64.getUrlDecoder().decode(v);
            if (b.length == 16) {
                return HexFormat.of().formatHex(b);
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw FormatException.badRequest("md5_digest is not an MD5 digest");
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** Computes BLAKE2b-256 while the file streams and fails at its end if it differs from the declared one. */
    private static final class Blake2Check extends FilterInputStream {
        private final PypiBlake2b digest = PypiBlake2b.blake2b256();
        private final String expected;
        private boolean checked;

        Blake2Check(InputStream in, String expected) {
            super(in);
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
            } else if (n < 0 && !checked) {
                checked = true;
                String actual = digest.hexDigest();
                if (!actual.equals(expected)) {
                    throw new DigestMismatchException("BLAKE2b-256 of the upload is " + actual
                            + " but the client declared " + expected);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // skipping would leave bytes out of the digest
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }
    }
}
