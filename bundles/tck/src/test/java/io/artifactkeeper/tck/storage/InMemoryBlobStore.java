package io.artifactkeeper.tck.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.artifactkeeper.api.storage.Blob;
import io.artifactkeeper.api.storage.BlobRef;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.api.storage.BlobTooLargeException;

/**
 * A reference store for testing the kit itself (it buffers whole blobs, so it is for small tests
 * only). Each {@link Defect} switches on one bug that the kit must catch.
 */
final class InMemoryBlobStore implements BlobStore {

    enum Defect {
        /** keeps the bytes received so far when the stream fails */
        KEEPS_PARTIAL_UPLOADS,
        /** treats the end of a range as exclusive */
        RANGE_END_EXCLUSIVE,
        /** accepts upper-case digests as if they were lower-case */
        CASE_INSENSITIVE_DIGESTS,
        /** forgets to clean up its temporary object when the limit is exceeded */
        LEAKS_TEMPORARY_WHEN_TOO_LARGE,
        /** closes the caller's stream */
        CLOSES_THE_STREAM,
        /** reads the whole body before checking the limit */
        DRAINS_BEFORE_CHECKING_THE_LIMIT,
        /** stores a second copy of identical content under a different key */
        STORES_DUPLICATES,
    }

    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Long> modified = new ConcurrentHashMap<>();
    private final AtomicInteger temporaries = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final Set<Defect> defects;
    volatile boolean unwritable;

    InMemoryBlobStore(Defect... defects) {
        this.defects = defects.length == 0 ? EnumSet.noneOf(Defect.class) : EnumSet.of(defects[0], defects);
    }

    int temporaries() {
        return temporaries.get();
    }

    @Override
    public BlobRef put(InputStream in, long maxBytes) throws IOException {
        if (unwritable) {
            throw new IOException("read-only");
        }
        MessageDigest md = sha256();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        temporaries.incrementAndGet();
        boolean cleanUp = true;
        try {
            byte[] chunk = new byte[8192];
            for (int n; (n = in.read(chunk)) != -1;) {
                md.update(chunk, 0, n);
                buf.write(chunk, 0, n);
                if (maxBytes >= 0 && buf.size() > maxBytes && !defects.contains(Defect.DRAINS_BEFORE_CHECKING_THE_LIMIT)) {
                    cleanUp = !defects.contains(Defect.LEAKS_TEMPORARY_WHEN_TOO_LARGE);
                    throw new BlobTooLargeException(maxBytes);
                }
            }
            if (maxBytes >= 0 && buf.size() > maxBytes) {
                throw new BlobTooLargeException(maxBytes);
            }
        } catch (IOException | RuntimeException e) {
            if (defects.contains(Defect.KEEPS_PARTIAL_UPLOADS)) {
                store(HexFormat.of().formatHex(md.digest()), buf.toByteArray());
            }
            throw e;
        } finally {
            if (cleanUp) {
                temporaries.decrementAndGet();
            }
            if (defects.contains(Defect.CLOSES_THE_STREAM)) {
                in.close();
            }
        }
        String digest = HexFormat.of().formatHex(md.digest());
        store(digest, buf.toByteArray());
        return new BlobRef(digest, buf.size(), modified.get(digest));
    }

    private void store(String digest, byte[] bytes) {
        if (blobs.putIfAbsent(digest, bytes) != null && defects.contains(Defect.STORES_DUPLICATES)) {
            blobs.put(digest.substring(0, 63) + (char) ('a' + duplicates.getAndIncrement() % 6), bytes);
        }
        modified.put(digest, System.currentTimeMillis());
    }

    private String check(String sha256) {
        if (defects.contains(Defect.CASE_INSENSITIVE_DIGESTS) && sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
        }
        if (!BlobRef.isDigest(sha256)) {
            throw new IllegalArgumentException("not a digest");
        }
        return sha256;
    }

    @Override
    public Optional<Blob> get(String sha256) {
        String d = check(sha256);
        byte[] bytes = blobs.get(d);
        if (bytes == null) {
            return Optional.empty();
        }
        BlobRef ref = new BlobRef(d, bytes.length, modified.getOrDefault(d, 0L));
        return Optional.of(new Blob() {
            @Override
            public BlobRef ref() {
                return ref;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public InputStream open(long from, long toInclusive) {
                if (from < 0 || toInclusive < from || toInclusive >= bytes.length) {
                    throw new IllegalArgumentException("range outside the blob");
                }
                int length = (int) (toInclusive - from + 1);
                if (defects.contains(Defect.RANGE_END_EXCLUSIVE)) {
                    length--;
                }
                return new ByteArrayInputStream(bytes, (int) from, length);
            }
        });
    }

    @Override
    public boolean exists(String sha256) {
        return blobs.containsKey(check(sha256));
    }

    @Override
    public boolean delete(String sha256) {
        String d = check(sha256);
        modified.remove(d);
        return blobs.remove(d) != null;
    }

    @Override
    public void forEach(Consumer<BlobRef> visitor) {
        blobs.forEach((d, b) -> visitor.accept(new BlobRef(d, b.length, modified.getOrDefault(d, System.currentTimeMillis()))));
    }

    @Override
    public void checkHealth() throws IOException {
        if (unwritable) {
            throw new IOException("store is read-only");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
