package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.api.format.UploadSessions;
import io.artifactkeeper.core.store.RepositoryRecord;

/**
 * Upload sessions as append-only temp files under {@code <data dir>/uploads/<repository id>/}. The
 * file's length is the session's size, so a session survives a dropped connection (and a restart);
 * completing streams the file into the blob store through {@link ContentService} (hashed and
 * verified there) and deletes it. Files untouched for longer than the TTL are removed by
 * {@link #expire()}. Sessions are node-local: behind a load balancer, clients need sticky routing
 * for the duration of a chunked upload.
 */
public final class UploadSessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(UploadSessionStore.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final ContentService content;
    private final long maxBytes;
    private final Duration ttl;
    private final ConcurrentHashMap<Path, ReentrantLock> locks = new ConcurrentHashMap<>();

    public UploadSessionStore(Path root, ContentService content, long maxBytes, Duration ttl) {
        this.root = root;
        this.content = content;
        this.maxBytes = maxBytes;
        this.ttl = ttl;
    }

    /** The sessions of one repository, as the SPI sees them. */
    public UploadSessions forRepository(RepositoryRecord repo, FormatHandler handler, UUID createdBy) {
        Path dir = root.resolve(repo.id().toString());
        return new UploadSessions() {
            @Override
            public String start() throws IOException {
                Files.createDirectories(dir);
                String id = UUID.randomUUID().toString();
                Files.createFile(dir.resolve(id));
                return id;
            }

            @Override
            public OptionalLong size(String id) throws IOException {
                Path f = file(dir, id);
                if (f == null) {
                    return OptionalLong.empty();
                }
                try {
                    return OptionalLong.of(Files.size(f));
                } catch (NoSuchFileException e) {
                    return OptionalLong.empty();
                }
            }

            @Override
            public long append(String id, long offset, InputStream body) throws IOException {
                Path f = existing(dir, id);
                return locked(f, () -> appendLocked(f, offset, body));
            }

            @Override
            public StoredAsset complete(String id, String path, PutOptions options) throws IOException {
                Path f = existing(dir, id);
                return locked(f, () -> {
                    if (!Files.exists(f)) {
                        throw unknown(id);
                    }
                    try (InputStream in = Files.newInputStream(f)) {
                        return content.put(repo, path, in, options, handler, createdBy);
                    } finally {
                        Files.deleteIfExists(f);
                        locks.remove(f);
                    }
                });
            }

            @Override
            public boolean cancel(String id) throws IOException {
                Path f = file(dir, id);
                if (f == null) {
                    return false;
                }
                return locked(f, () -> {
                    locks.remove(f);
                    return Files.deleteIfExists(f);
                });
            }
        };
    }

    private long appendLocked(Path f, long offset, InputStream body) throws IOException {
        if (!Files.exists(f)) {
            throw unknown(f.getFileName().toString());
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long size = ch.size();
            if (offset >= 0 && offset != size) {
                throw new FormatException(416, "UPLOAD_OUT_OF_ORDER", "the upload has " + size
                        + " bytes; a chunk must start at " + size + ", not at " + offset);
            }
            OutputStream out = Channels.newOutputStream(ch);
            byte[] buf = new byte[BUFFER];
            long total = size;
            try {
                int n;
                while ((n = body.read(buf)) >= 0) {
                    total += n;
                    if (maxBytes >= 0 && total > maxBytes) {
                        ch.truncate(size);
                        throw new FormatException(413, "TOO_LARGE", "upload larger than the " + maxBytes
                                + " bytes allowed");
                    }
                    out.write(buf, 0, n);
                }
            } finally {
                // what arrived before a broken connection stays: the client resumes from there
                ch.force(false);
                Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis()));
            }
            return ch.size();
        }
    }

    private <T> T locked(Path f, RepositoryIo<T> work) throws IOException {
        ReentrantLock lock = locks.computeIfAbsent(f, k -> new ReentrantLock());
        lock.lock();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    private interface RepositoryIo<T> {
        T run() throws IOException;
    }

    private static Path file(Path dir, String id) {
        return id != null && ID.matcher(id).matches() ? dir.resolve(id) : null;
    }

    private static Path existing(Path dir, String id) {
        Path f = file(dir, id);
        if (f == null || !Files.exists(f)) {
            throw unknown(id);
        }
        return f;
    }

    private static FormatException unknown(String id) {
        return new FormatException(404, "UPLOAD_UNKNOWN", "no upload session " + id);
    }

    /** Removes sessions untouched for longer than the TTL; returns how many. */
    public int expire() throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        long cutoff = System.currentTimeMillis() - ttl.toMillis();
        int removed = 0;
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(root)) {
            for (Path dir : repos) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path f : files) {
                        try {
                            ReentrantLock busy = locks.get(f);
                            if (Files.getLastModifiedTime(f).toMillis() < cutoff && (busy == null || !busy.isLocked())
                                    && Files.deleteIfExists(f)) {
                                locks.remove(f);
                                removed++;
                            }
                        } catch (NoSuchFileException e) {
                            // completed meanwhile
                        }
                    }
                }
            }
        }
        if (removed > 0) {
            LOG.info("removed {} abandoned upload sessions", removed);
        }
        return removed;
    }
}
