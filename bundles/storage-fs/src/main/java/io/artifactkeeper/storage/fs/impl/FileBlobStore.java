package io.artifactkeeper.storage.fs.impl;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.artifactkeeper.api.storage.Blob;
import io.artifactkeeper.api.storage.BlobRef;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.api.storage.BlobTooLargeException;

/**
 * Content-addressed blobs as files: {@code <root>/sha256/ab/cd/<digest>}.
 *
 * <p>A put streams into {@code <root>/tmp/<random>} while hashing, forces the file to disk, then
 * renames it atomically to its digest path and forces the directory. Readers therefore see a
 * digest either not at all or with all of its bytes, and a crash leaves at most a stray temporary
 * file, which a later activation removes. Both directories live under one root so that the rename
 * never crosses a file system.
 *
 * <p>Thread-safe without locks: concurrent puts of the same content race only on the final rename,
 * and both sides of that race hold identical bytes.
 */
// Immediate: a root that cannot be created shows up in the log at startup, not at the first upload,
// and crash debris is cleaned up even on an instance that only serves reads for a while.
@Component(service = BlobStore.class, immediate = true, configurationPid = FileBlobStore.PID,
        property = BlobStore.TYPE_PROPERTY + "=" + FileBlobStore.TYPE)
@Designate(ocd = FileBlobStore.Config.class)
public final class FileBlobStore implements BlobStore {

    static final String PID = "io.artifactkeeper.storage.fs";
    static final String TYPE = "filesystem";
    /** Framework property with the instance's data directory (set by the launcher). */
    static final String DATA_DIR_PROPERTY = "ak.data.dir";

    static final String BLOBS_DIR = "sha256";
    static final String TMP_DIR = "tmp";
    /**
     * Temporary files untouched for this long belong to a crashed or abandoned put. A live upload
     * writes continuously, which keeps its file's mtime fresh, so it is never mistaken for one.
     */
    static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final String TEMP_SUFFIX = ".tmp";
    /** Windows cannot open a directory to fsync it; NTFS journals renames itself. */
    private static final boolean DIRECTORY_FSYNC =
            !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    /**
     * java.util.logging keeps the bundle's requirements to the SPI and SCR (slf4j-api would also
     * need SPI Fly and a provider to resolve); a JUL-to-SLF4J bridge in the runtime unifies output.
     */
    private static final Logger LOG = Logger.getLogger(FileBlobStore.class.getName());

    @ObjectClassDefinition(id = PID, name = "Artifact Keeper filesystem blob store",
            description = "Stores blobs as files named by their SHA-256 under a local or mounted directory.")
    public @interface Config {

        @AttributeDefinition(name = "Root directory", required = false,
                description = "Directory that holds sha256/ and tmp/; must be one file system. "
                        + "Empty: the blobs directory under the data directory (framework property "
                        + DATA_DIR_PROPERTY + ", else ./data).")
        String root() default "";

        @AttributeDefinition(name = "fsync",
                description = "Force every blob and its directory entry to stable storage before a put returns. "
                        + "Turn off only for data that can be lost (tests, throwaway caches).")
        boolean fsync() default true;
    }

    private final Path root;
    private final Path blobs;
    private final Path tmp;
    private final boolean fsync;

    @Activate
    public FileBlobStore(Config config, BundleContext context) throws IOException {
        this(resolveRoot(config.root(), context.getProperty(DATA_DIR_PROPERTY)), config.fsync());
    }

    /** Opens (creating if needed) a store at {@code root}; for tests and tools outside OSGi. */
    FileBlobStore(Path root, boolean fsync) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.blobs = this.root.resolve(BLOBS_DIR);
        this.tmp = this.root.resolve(TMP_DIR);
        this.fsync = fsync;
        try {
            Files.createDirectories(blobs, dirAttributes());
            Files.createDirectories(tmp, dirAttributes());
            // also on a store created before blobs were private: the root closed is all closed
            for (Path d : new Path[] {this.root, blobs, tmp}) {
                makePrivate(d, DIR_PERMISSIONS);
            }
        } catch (IOException e) {
            throw new IOException("cannot create the blob store at " + this.root + ": " + e, e);
        }
        if (!Files.getFileStore(tmp).equals(Files.getFileStore(blobs))) {
            throw new IOException("blob store " + this.root + ": " + tmp + " and " + blobs
                    + " are on different file systems, so a finished upload cannot be moved into place atomically");
        }
        removeStaleTemporaries();
        if (fsync) {
            LOG.log(Level.INFO, "Filesystem blob store at {0}", this.root);
        } else {
            LOG.log(Level.WARNING, "Filesystem blob store at {0} with fsync off: a power loss can lose or corrupt recent blobs", this.root);
        }
    }

    /** The configured root, else {@code <data dir>/blobs}, with {@code ./data} when there is no data dir. */
    static Path resolveRoot(String configured, String dataDir) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip()).toAbsolutePath().normalize();
        }
        Path base = dataDir == null || dataDir.isBlank() ? Path.of("data") : Path.of(dataDir.strip());
        return base.resolve("blobs").toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    // ---------------------------------------------------------------------------------------------
    // writes

    @Override
    public BlobRef put(InputStream in, long maxBytes) throws IOException {
        Objects.requireNonNull(in, "in");
        if (maxBytes < -1) {
            throw new IllegalArgumentException("maxBytes must be -1 (no limit) or at least 0: " + maxBytes);
        }
        Path temp = createTemporary();
        boolean keepTemp = false;
        try {
            MessageDigest sha256 = newSha256();
            long size = 0;
            try (FileChannel out = FileChannel.open(temp, WRITE)) {
                byte[] buf = new byte[BUFFER_SIZE];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                for (int n; (n = in.read(buf, 0, buf.length)) != -1;) {
                    size += n;
                    // Stop at the first buffer past the limit: an endless body is neither read nor written further.
                    if (maxBytes >= 0 && size > maxBytes) {
                        throw new BlobTooLargeException(maxBytes);
                    }
                    sha256.update(buf, 0, n);
                    bb.clear().limit(n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                }
                if (fsync) {
                    out.force(true);
                }
            }
            String digest = HexFormat.of().formatHex(sha256.digest());
            Path target = blobPath(digest);

            BlobRef existing = refreshExisting(digest, size, target);
            if (existing != null) {
                return existing;
            }
            // rename(2) keeps the mtime, so read it from the temp file, which surely exists.
            long modified = Files.getLastModifiedTime(temp).toMillis();
            ensureDirectory(target.getParent());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // Platforms whose atomic rename does not replace: another put of the same bytes won.
                existing = refreshExisting(digest, size, target);
                if (existing != null) {
                    return existing;
                }
                throw e;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("blob store " + root + " cannot rename atomically from " + tmp
                        + " to " + blobs + "; both must be one file system", e);
            }
            keepTemp = true; // it is the blob now
            if (fsync) {
                fsyncDirectory(target.getParent());
            }
            return new BlobRef(digest, size, modified);
        } finally {
            if (!keepTemp) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * When the digest is already stored (with the expected size), keeps that copy and refreshes
     * its mtime: a garbage collector that found the old copy unreferenced and old must not delete
     * it under a writer who is about to reference it. Returns null when the caller must move its
     * own copy into place.
     */
    private BlobRef refreshExisting(String digest, long size, Path target) throws IOException {
        BasicFileAttributes attrs = attributesOrNull(target);
        if (attrs == null) {
            return null;
        }
        if (!attrs.isRegularFile() || attrs.size() != size) {
            // Same SHA-256, different length: the stored copy is damaged. Replace it.
            LOG.log(Level.WARNING, "Blob {0} on disk has {1} bytes, expected {2}; replacing it",
                    new Object[] {target, attrs.size(), size});
            return null;
        }
        FileTime now = FileTime.from(Instant.now());
        try {
            Files.setLastModifiedTime(target, now);
        } catch (NoSuchFileException deletedMeanwhile) {
            return null;
        }
        return new BlobRef(digest, size, now.toMillis());
    }

    // Blobs are readable by the server's user only (0600, folders 0700): other local users must
    // neither read private artifacts nor plant bytes that would be served as them.
    private static final Set<PosixFilePermission> DIR_PERMISSIONS =
            PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_PERMISSIONS =
            PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private static FileAttribute<?>[] dirAttributes() {
        return POSIX ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS)} : new FileAttribute<?>[0];
    }

    private static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS)} : new FileAttribute<?>[0];
    }

    /** Best effort: a root the server does not own (a mount) keeps its mode, with a warning. */
    private static void makePrivate(Path p, Set<PosixFilePermission> perms) {
        try {
            if (POSIX && Files.exists(p) && !Files.getPosixFilePermissions(p).equals(perms)) {
                Files.setPosixFilePermissions(p, perms);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "cannot make {0} private to the server''s user: {1}", new Object[] {p, e.toString()});
        }
    }

    /** A new empty file in tmp/, recreating tmp/ (but never the root) if someone removed it. */
    private Path createTemporary() throws IOException {
        for (int attempt = 0;; attempt++) {
            Path temp = tmp.resolve(UUID.randomUUID() + TEMP_SUFFIX);
            try {
                return Files.createFile(temp, fileAttributes());
            } catch (NoSuchFileException e) {
                if (attempt > 0) {
                    throw e;
                }
                ensureTmp();
            } catch (FileAlreadyExistsException e) {
                if (attempt > 2) {
                    throw e; // a random UUID collided three times: something else is wrong
                }
            }
        }
    }

    private void ensureTmp() throws IOException {
        if (Files.isDirectory(tmp)) {
            return;
        }
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "blob store root is missing (volume not mounted?)");
        }
        try {
            Files.createDirectory(tmp, dirAttributes());
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(tmp)) {
                throw new IOException("blob store " + root + ": " + tmp + " exists but is not a directory", e);
            }
        }
    }

    /**
     * Creates {@code dir} and any missing parents below the root, and makes each new entry durable
     * by syncing its parent: the file's own directory sync does not cover directories above it.
     */
    private void ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.equals(root) || !dir.startsWith(root)) {
            throw new NoSuchFileException(dir.toString(), null, "blob store root is missing (unmounted?)");
        }
        ensureDirectory(dir.getParent());
        try {
            Files.createDirectory(dir, dirAttributes());
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            // Created by a concurrent put, which may not have synced its parent yet: sync anyway.
        }
        if (fsync) {
            fsyncDirectory(dir.getParent());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // reads

    @Override
    public Optional<Blob> get(String sha256) throws IOException {
        Path path = blobPath(requireDigest(sha256));
        BasicFileAttributes attrs = attributesOrNull(path);
        if (attrs == null || !attrs.isRegularFile()) {
            return Optional.empty();
        }
        return Optional.of(new FileBlob(new BlobRef(sha256, attrs.size(), attrs.lastModifiedTime().toMillis()), path));
    }

    @Override
    public boolean exists(String sha256) {
        return Files.isRegularFile(blobPath(requireDigest(sha256)));
    }

    /**
     * Removes the file. Neither the directory entry's removal is synced (a blob that comes back
     * after a crash is only an orphan for the next GC) nor empty shard directories removed (a put
     * may be about to rename into one).
     */
    @Override
    public boolean delete(String sha256) throws IOException {
        return Files.deleteIfExists(blobPath(requireDigest(sha256)));
    }

    @Override
    public void forEach(Consumer<BlobRef> visitor) throws IOException {
        Objects.requireNonNull(visitor, "visitor");
        try (DirectoryStream<Path> level1 = Files.newDirectoryStream(blobs)) {
            for (Path d1 : level1) {
                String s1 = d1.getFileName().toString();
                if (!isShard(s1) || !Files.isDirectory(d1, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> level2 = Files.newDirectoryStream(d1)) {
                    for (Path d2 : level2) {
                        String s2 = d2.getFileName().toString();
                        if (isShard(s2) && Files.isDirectory(d2, LinkOption.NOFOLLOW_LINKS)) {
                            visitShard(d2, s1 + s2, visitor);
                        }
                    }
                } catch (NoSuchFileException removedMeanwhile) {
                    // an operator cleaning up; nothing to visit
                }
            }
        }
    }

    private static void visitShard(Path dir, String prefix, Consumer<BlobRef> visitor) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                // Only files whose name is a digest and matches its shard are blobs; leave the rest alone.
                if (!BlobRef.isDigest(name) || !name.startsWith(prefix)) {
                    continue;
                }
                BasicFileAttributes attrs = attributesOrNull(f);
                if (attrs != null && attrs.isRegularFile()) {
                    visitor.accept(new BlobRef(name, attrs.size(), attrs.lastModifiedTime().toMillis()));
                }
            }
        } catch (NoSuchFileException removedMeanwhile) {
            // nothing to visit
        }
    }

    private static boolean isShard(String s) {
        return s.length() == 2 && isLowerHex(s.charAt(0)) && isLowerHex(s.charAt(1));
    }

    private static boolean isLowerHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    // ---------------------------------------------------------------------------------------------
    // health and housekeeping

    /**
     * Proves that a put could succeed now: the root and its directories exist, and a file can be
     * created, written, forced to disk and deleted in tmp/.
     */
    @Override
    public void checkHealth() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("blob store root " + root + " is missing or not a directory (volume not mounted?)");
        }
        if (!Files.isDirectory(blobs)) {
            throw new IOException("blob store " + root + " has no " + BLOBS_DIR + "/ directory");
        }
        try {
            ensureTmp();
        } catch (IOException e) {
            throw new IOException("blob store " + root + " cannot create its temporary directory: " + e.getMessage(), e);
        }
        Path probe = tmp.resolve("health-" + UUID.randomUUID() + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(probe, CREATE_NEW, WRITE)) {
            ByteBuffer bytes = StandardCharsets.US_ASCII.encode("artifact-keeper health probe\n");
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new IOException("blob store " + root + " is not writable (read-only or full file system?): "
                    + "cannot write " + probe + ": " + e, e);
        } finally {
            deleteQuietly(probe);
        }
        if (Files.exists(probe)) {
            throw new IOException("blob store " + root + " cannot delete files in " + tmp);
        }
    }

    /**
     * Deletes temporary files that no put has touched for {@link #STALE_TEMP_AGE}: debris of a crash.
     * Younger ones may belong to a put still running (another node on a shared volume, or this
     * component's previous instance during a configuration change), so they stay.
     */
    void removeStaleTemporaries() {
        Instant cutoff = Instant.now().minus(STALE_TEMP_AGE);
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path f : files) {
                try {
                    BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (attrs.isRegularFile() && attrs.lastModifiedTime().toInstant().isBefore(cutoff)
                            && Files.deleteIfExists(f)) {
                        removed++;
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "Cannot remove stale temporary file {0}: {1}", new Object[] {f, e});
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot clean up temporary files in {0}: {1}", new Object[] {tmp, e});
        }
        if (removed > 0) {
            LOG.log(Level.INFO, "Removed {0} temporary file(s) older than {1} from {2}", new Object[] {removed, STALE_TEMP_AGE, tmp});
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** {@code sha256/ab/cd/abcd...}: 65536 shards keep directories small. */
    Path blobPath(String digest) {
        return blobs.resolve(digest.substring(0, 2)).resolve(digest.substring(2, 4)).resolve(digest);
    }

    /** Only a lowercase 64-hex string ever reaches a path, so no input can name a file outside the store. */
    private static String requireDigest(String sha256) {
        if (!BlobRef.isDigest(sha256)) {
            throw new IllegalArgumentException("not a lowercase hex SHA-256 digest: "
                    + (sha256 == null ? "null" : '"' + abbreviate(sha256) + '"'));
        }
        return sha256;
    }

    private static String abbreviate(String s) {
        String clean = s.codePoints().limit(80)
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return s.length() > 80 ? clean + "..." : clean;
    }

    private static BasicFileAttributes attributesOrNull(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        if (DIRECTORY_FSYNC) {
            try (FileChannel ch = FileChannel.open(dir, READ)) {
                ch.force(true);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // Left for the stale-file cleanup at the next activation.
            LOG.log(Level.WARNING, "Cannot delete temporary file {0}: {1}", new Object[] {p, e});
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "FileBlobStore[" + root + (fsync ? "" : ", fsync off") + "]";
    }
}
