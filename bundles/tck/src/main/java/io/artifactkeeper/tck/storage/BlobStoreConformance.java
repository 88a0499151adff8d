package io.artifactkeeper.tck.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.storage.Blob;
import io.artifactkeeper.api.storage.BlobRef;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.api.storage.BlobTooLargeException;

/**
 * The conformance suite every {@link BlobStore} backend must pass. A backend's test class extends
 * this class and implements {@link #createStore()}; the optional hooks enable the tests that need
 * backend cooperation (an unwritable store, counting temporary objects).
 *
 * <pre>
 * class S3BlobStoreTest extends BlobStoreConformance {
 *     protected BlobStore createStore() { return new S3BlobStore(client, bucketForThisTest()); }
 * }
 * </pre>
 *
 * <p>Each test gets a fresh, empty store. Tests never hold large blobs in memory: big content comes
 * from {@link DeterministicInputStream} and is verified by streaming it back through SHA-256. The
 * large-blob test is tagged {@value #LARGE} so that slow backends can run it separately.
 */
public abstract class BlobStoreConformance {

    /** Tag of tests that move hundreds of megabytes. */
    public static final String LARGE = "large";

    /** Accepted distance between a blob's reported last-modified time and this JVM's clock. */
    protected static final long CLOCK_TOLERANCE_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private static final int MiB = 1024 * 1024;

    /** The store under test: a fresh one per test. */
    protected BlobStore store;

    private boolean unwritable;

    // ---------------------------------------------------------------------------------------------
    // What a backend provides

    /** A new, empty store. Called before every test. */
    protected abstract BlobStore createStore() throws Exception;

    /** Releases a store after its test (after {@link #makeWritable()} when the test needed it). */
    protected void disposeStore(BlobStore store) throws Exception {
        if (store instanceof AutoCloseable c) {
            c.close();
        }
    }

    /**
     * Makes the current store's backing storage refuse writes (a read-only or full volume, a bucket
     * that denies uploads), so that puts and {@link BlobStore#checkHealth()} must fail. Every backend
     * must implement it: returning false fails the read-only test rather than skipping it.
     */
    protected boolean makeUnwritable() throws Exception {
        return false;
    }

    /** Undoes {@link #makeUnwritable()}; the store must recover without being recreated. */
    protected void makeWritable() throws Exception {
    }

    /**
     * How many temporary objects (partial or abandoned uploads) the store holds now, or empty when
     * the backend cannot tell. When present it must be zero whenever no put is in flight.
     */
    protected OptionalLong temporaryObjectCount() throws Exception {
        return OptionalLong.empty();
    }

    /** Size of the blob in the large-blob test (default 200 MiB). */
    protected long largeBlobSize() {
        return 200L * MiB;
    }

    /** Number of threads in the concurrency tests (default 16). */
    protected int concurrency() {
        return 16;
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle

    @BeforeEach
    protected final void createStoreForTest() throws Exception {
        store = createStore();
        assertThat(store).as("createStore()").isNotNull();
        assertThat(snapshot()).as("a new store is empty").isEmpty();
    }

    @AfterEach
    protected final void disposeStoreAfterTest() throws Exception {
        try {
            if (unwritable) {
                unwritable = false;
                makeWritable();
            }
            // Invariant of every test: once no put is running, no partial upload is left over.
            assertNoTemporaries();
        } finally {
            disposeStore(store);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // put / get

    @Test
    public void putReturnsTheSha256AndSizeOfTheBytes() throws Exception {
        BlobRef abc = put("abc".getBytes(StandardCharsets.US_ASCII));
        // FIPS 180-2 test vector.
        assertThat(abc.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(abc.size()).isEqualTo(3);

        byte[] content = DeterministicInputStream.bytes(1, 3 * MiB + 17);
        BlobRef ref = put(content);
        assertThat(ref.sha256()).isEqualTo(Sha256.of(content));
        assertThat(ref.size()).isEqualTo(content.length);
    }

    @Test
    public void getReturnsTheStoredBytes() throws Exception {
        byte[] content = DeterministicInputStream.bytes(2, 300_001);
        BlobRef ref = put(content);

        Blob blob = store.get(ref.sha256()).orElseThrow(() -> new AssertionError("stored blob not found"));
        assertThat(blob.ref().sha256()).isEqualTo(ref.sha256());
        assertThat(blob.ref().size()).isEqualTo(content.length);
        assertThat(blob.ref().lastModified()).isGreaterThanOrEqualTo(0);
        assertThat(readAll(blob)).isEqualTo(content);
        assertThat(store.exists(ref.sha256())).isTrue();
    }

    @Test
    public void putReadsTheStreamToItsEndAndDoesNotCloseIt() throws Exception {
        TrackingInputStream in = new TrackingInputStream(new DeterministicInputStream(3, 200_000));
        BlobRef ref = store.put(in, -1);

        assertThat(ref.size()).isEqualTo(200_000);
        assertThat(in.read()).as("stream read to its end").isEqualTo(-1);
        assertThat(in.closed).as("stream closed by put").isFalse();
    }

    @Test
    public void identicalBytesAreStoredOnce() throws Exception {
        byte[] content = DeterministicInputStream.bytes(4, 100_000);
        BlobRef first = put(content);
        BlobRef second = put(content.clone());

        // lastModified may differ: a backend may refresh it on a repeated put to protect the blob
        // from a garbage collector that judged the earlier copy unreferenced.
        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(second.size()).isEqualTo(first.size());
        assertThat(snapshot()).containsOnlyKeys(first.sha256());
        assertThat(readAll(store.get(first.sha256()).orElseThrow())).isEqualTo(content);
    }

    @Test
    public void emptyBlob() throws Exception {
        BlobRef ref = put(new byte[0]);
        assertThat(ref.sha256()).isEqualTo(Sha256.EMPTY);
        assertThat(ref.size()).isZero();

        Blob blob = store.get(Sha256.EMPTY).orElseThrow(() -> new AssertionError("empty blob not found"));
        assertThat(blob.ref().size()).isZero();
        assertThat(readAll(blob)).isEmpty();
        assertThat(store.exists(Sha256.EMPTY)).isTrue();
        assertThat(snapshot()).containsExactly(Map.entry(Sha256.EMPTY, 0L));
    }

    @Test
    public void unknownDigestIsAbsent() throws Exception {
        put(DeterministicInputStream.bytes(5, 1000));
        String unknown = Sha256.of(DeterministicInputStream.bytes(6, 1000));

        assertThat(store.get(unknown)).isEmpty();
        assertThat(store.exists(unknown)).isFalse();
        assertThat(store.delete(unknown)).isFalse();
    }

    // ---------------------------------------------------------------------------------------------
    // exists / delete

    @Test
    public void deleteRemovesTheBlobOnce() throws Exception {
        byte[] content = DeterministicInputStream.bytes(7, 5000);
        BlobRef ref = put(content);
        BlobRef other = put(DeterministicInputStream.bytes(8, 5000));

        assertThat(store.exists(ref.sha256())).isTrue();
        assertThat(store.delete(ref.sha256())).isTrue();
        assertThat(store.exists(ref.sha256())).isFalse();
        assertThat(store.get(ref.sha256())).isEmpty();
        assertThat(store.delete(ref.sha256())).as("second delete").isFalse();
        assertThat(snapshot()).containsOnlyKeys(other.sha256());
        assertThat(readAll(store.get(other.sha256()).orElseThrow())).hasSize(5000);

        // A deleted digest can be stored again.
        assertThat(put(content).sha256()).isEqualTo(ref.sha256());
        assertThat(readAll(store.get(ref.sha256()).orElseThrow())).isEqualTo(content);
    }

    // ---------------------------------------------------------------------------------------------
    // ranges

    @Test
    public void rangesReturnExactlyTheRequestedBytes() throws Exception {
        byte[] content = DeterministicInputStream.bytes(9, MiB + 123);
        int n = content.length;
        Blob blob = store.get(put(content).sha256()).orElseThrow();

        long[][] ranges = {
            {0, 0},                 // first byte
            {n - 1, n - 1},         // last byte
            {0, n - 1},             // whole
            {1, n - 2},             // all but the ends
            {n / 2, n / 2 + 9},     // middle
            {65_535, 65_536},       // across a 64 KiB boundary
            {100_000, 700_000},     // a large window
            {n - 10, n - 1},        // the tail
        };
        for (long[] r : ranges) {
            byte[] expected = Arrays.copyOfRange(content, (int) r[0], (int) r[1] + 1);
            try (InputStream in = blob.open(r[0], r[1])) {
                assertThat(in.readAllBytes()).as("bytes %d-%d", r[0], r[1]).isEqualTo(expected);
                assertThat(in.read()).as("end of range %d-%d", r[0], r[1]).isEqualTo(-1);
            }
        }
    }

    @Test
    public void rangeStreamsSupportSingleByteReadsAndSkips() throws Exception {
        byte[] content = DeterministicInputStream.bytes(10, 10_000);
        Blob blob = store.get(put(content).sha256()).orElseThrow();

        try (InputStream in = blob.open(5000, 5009)) {
            for (int i = 5000; i <= 5004; i++) {
                assertThat(in.read()).as("byte %d", i).isEqualTo(content[i] & 0xFF);
            }
            long skipped = in.skip(2);
            assertThat(skipped).isBetween(0L, 2L);
            byte[] rest = in.readAllBytes();
            assertThat(rest).isEqualTo(Arrays.copyOfRange(content, 5005 + (int) skipped, 5010));
            assertThat(in.read()).isEqualTo(-1);
        }
        try (InputStream in = blob.open(9999, 9999)) {
            assertThat(in.read()).isEqualTo(content[9999] & 0xFF);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    public void rangesOutsideTheBlobAreRefused() throws Exception {
        Blob blob = store.get(put(DeterministicInputStream.bytes(11, 100)).sha256()).orElseThrow();
        assertThatThrownBy(() -> blob.open(-1, 10).close()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blob.open(10, 9).close()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blob.open(0, 100).close()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blob.open(100, 100).close()).isInstanceOf(IllegalArgumentException.class);

        Blob empty = store.get(put(new byte[0]).sha256()).orElseThrow();
        assertThatThrownBy(() -> empty.open(0, 0).close()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void aBlobCanBeReadByInterleavedStreams() throws Exception {
        byte[] content = DeterministicInputStream.bytes(12, 256 * 1024);
        Blob blob = store.get(put(content).sha256()).orElseThrow();

        try (InputStream a = blob.open(); InputStream b = blob.open(1000, content.length - 1)) {
            byte[] fromA = new byte[content.length];
            byte[] fromB = new byte[content.length - 1000];
            int offA = 0;
            int offB = 0;
            while (offA < fromA.length || offB < fromB.length) {
                if (offA < fromA.length) {
                    offA += Math.max(0, a.read(fromA, offA, Math.min(4096, fromA.length - offA)));
                }
                if (offB < fromB.length) {
                    offB += Math.max(0, b.read(fromB, offB, Math.min(3000, fromB.length - offB)));
                }
            }
            assertThat(fromA).isEqualTo(content);
            assertThat(fromB).isEqualTo(Arrays.copyOfRange(content, 1000, content.length));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // limits and failures: nothing is kept

    @Test
    public void tooLargeIsRefusedAndNothingIsKept() throws Exception {
        BlobRef existing = put(DeterministicInputStream.bytes(13, 500));
        Map<String, Long> before = snapshot();
        byte[] content = DeterministicInputStream.bytes(14, 1001);

        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), 1000))
                .isInstanceOfSatisfying(BlobTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(1000));

        assertThat(snapshot()).isEqualTo(before);
        assertThat(store.exists(Sha256.of(content))).isFalse();
        assertThat(store.exists(Sha256.of(Arrays.copyOf(content, 1000)))).as("truncated prefix").isFalse();
        assertThat(store.exists(existing.sha256())).isTrue();
        assertNoTemporaries();
    }

    @Test
    public void tooLargeStopsReadingSoonAfterTheLimit() throws Exception {
        DeterministicInputStream in = new DeterministicInputStream(15, 128L * MiB);
        assertThatThrownBy(() -> store.put(in, MiB)).isInstanceOf(BlobTooLargeException.class);

        long consumed = 128L * MiB - in.remaining();
        // A client sending an endless body must not keep the server busy; allow a backend's buffer.
        assertThat(consumed).as("bytes read after a 1 MiB limit").isLessThanOrEqualTo(17L * MiB);
        assertThat(snapshot()).isEmpty();
        assertNoTemporaries();
    }

    @Test
    public void limitsAreInclusive() throws Exception {
        byte[] content = DeterministicInputStream.bytes(16, 1000);
        assertThat(store.put(new ByteArrayInputStream(content), 1000).size()).isEqualTo(1000);
        assertThat(store.put(new ByteArrayInputStream(new byte[0]), 0).sha256()).isEqualTo(Sha256.EMPTY);
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(new byte[1]), 0))
                .isInstanceOf(BlobTooLargeException.class);
        assertThat(store.put(new DeterministicInputStream(17, 5 * MiB), -1).size()).as("-1: no limit")
                .isEqualTo(5 * MiB);
        assertThat(snapshot()).hasSize(3);
    }

    @Test
    public void failingStreamFailsThePutAndNothingIsKept() throws Exception {
        BlobRef existing = put(DeterministicInputStream.bytes(18, 500));
        Map<String, Long> before = snapshot();
        IOException cause = new IOException("connection reset by test");
        InputStream in = new FailingInputStream(new DeterministicInputStream(19, 10L * MiB), 3 * MiB + 7, cause);

        assertThatThrownBy(() -> store.put(in, -1))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(BlobTooLargeException.class);

        assertThat(snapshot()).isEqualTo(before);
        assertThat(store.exists(Sha256.ofDeterministic(19, 0, 3 * MiB + 7))).as("partial content").isFalse();
        assertThat(store.exists(existing.sha256())).isTrue();
        assertNoTemporaries();
    }

    @Test
    public void uncheckedFailureOfTheStreamLeavesNothing() throws Exception {
        InputStream in = new FailingInputStream(new DeterministicInputStream(20, 4L * MiB), 100_000,
                new IllegalStateException("bug in the caller's stream"));

        assertThatThrownBy(() -> store.put(in, -1)).isNotNull();

        assertThat(snapshot()).isEmpty();
        assertNoTemporaries();
    }

    // ---------------------------------------------------------------------------------------------
    // concurrency

    @Test
    public void concurrentPutsOfTheSameContentStoreOneBlob() throws Exception {
        long size = 4L * MiB + 3;
        String digest = Sha256.ofDeterministic(21, 0, size);

        List<BlobRef> refs = concurrently(concurrency(),
                i -> () -> store.put(new DeterministicInputStream(21, size), -1));

        assertThat(refs).allSatisfy(r -> {
            assertThat(r.sha256()).isEqualTo(digest);
            assertThat(r.size()).isEqualTo(size);
        });
        assertThat(snapshot()).containsExactly(Map.entry(digest, size));
        try (InputStream in = store.get(digest).orElseThrow().open()) {
            assertThat(Sha256.of(in)).isEqualTo(digest);
        }
        assertNoTemporaries();
    }

    @Test
    public void concurrentPutsOfDifferentContent() throws Exception {
        int perThread = 4;
        List<List<BlobRef>> results = concurrently(concurrency(), t -> () -> {
            List<BlobRef> mine = new ArrayList<>();
            for (int k = 0; k < perThread; k++) {
                long seed = 1000L + t * perThread + k;
                mine.add(store.put(new DeterministicInputStream(seed, sizeFor(seed)), -1));
            }
            return mine;
        });

        Map<String, Long> expected = new HashMap<>();
        for (int t = 0; t < concurrency(); t++) {
            for (int k = 0; k < perThread; k++) {
                long seed = 1000L + t * perThread + k;
                BlobRef ref = results.get(t).get(k);
                assertThat(ref.sha256()).isEqualTo(Sha256.ofDeterministic(seed, 0, sizeFor(seed)));
                expected.put(ref.sha256(), ref.size());
            }
        }
        assertThat(snapshot()).isEqualTo(expected);
        for (String digest : expected.keySet()) {
            try (InputStream in = store.get(digest).orElseThrow().open()) {
                assertThat(Sha256.of(in)).isEqualTo(digest);
            }
        }
    }

    private static long sizeFor(long seed) {
        // Spread sizes from a few bytes to about 1 MiB so that small and multi-buffer writes race.
        return (seed * 7919) % (MiB + 1);
    }

    @Test
    public void aVisibleBlobIsAlwaysComplete() throws Exception {
        long size = 4L * MiB;
        String digest = Sha256.ofDeterministic(22, 0, size);
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger seen = new AtomicInteger();

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> reader = pool.submit(() -> {
                while (writing.get()) {
                    try {
                        Optional<Blob> blob = store.get(digest);
                        if (blob.isEmpty()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        if (blob.get().ref().size() != size) {
                            violations.add("visible with size " + blob.get().ref().size());
                        }
                        try (InputStream in = blob.get().open()) {
                            String read = Sha256.of(in);
                            if (!read.equals(digest)) {
                                violations.add("visible with content " + read);
                            }
                            seen.incrementAndGet();
                        }
                    } catch (IOException deletedMeanwhile) {
                        // the writer deleted it between get and read: allowed
                    }
                }
                return null;
            });
            for (int round = 0; round < 10; round++) {
                store.put(new DeterministicInputStream(22, size), -1);
                store.delete(digest);
            }
            store.put(new DeterministicInputStream(22, size), -1);
            // Give the reader the chance to see the final blob at least once.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (seen.get() == 0 && System.nanoTime() < deadline && !reader.isDone()) {
                Thread.sleep(10);
            }
            writing.set(false);
            reader.get(1, TimeUnit.MINUTES);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        assertThat(violations).isEmpty();
        assertThat(seen.get()).as("complete reads observed").isPositive();
    }

    // ---------------------------------------------------------------------------------------------
    // large blobs

    @Test
    @Tag(LARGE)
    public void largeBlobStreamsInAndOut() throws Exception {
        long size = largeBlobSize();
        long seed = 23;
        String expected = Sha256.ofDeterministic(seed, 0, size);

        long t0 = System.nanoTime();
        BlobRef ref = store.put(new DeterministicInputStream(seed, size), -1);
        long putNanos = System.nanoTime() - t0;
        assertThat(ref.sha256()).isEqualTo(expected);
        assertThat(ref.size()).isEqualTo(size);

        Blob blob = store.get(expected).orElseThrow();
        assertThat(blob.ref().size()).isEqualTo(size);
        long t1 = System.nanoTime();
        try (InputStream in = blob.open()) {
            assertThat(Sha256.of(in)).as("digest of the bytes read back").isEqualTo(expected);
        }
        long getNanos = System.nanoTime() - t1;

        long tailLength = MiB + 1;
        try (InputStream in = blob.open(size - tailLength, size - 1)) {
            assertThat(Sha256.of(in)).as("tail range").isEqualTo(Sha256.ofDeterministic(seed, size - tailLength, tailLength));
        }
        long middle = size / 2 - 12_345;
        try (InputStream in = blob.open(middle, middle + MiB - 1)) {
            assertThat(Sha256.of(in)).as("middle range").isEqualTo(Sha256.ofDeterministic(seed, middle, MiB));
        }
        System.out.printf(Locale.ROOT, "[tck] %s: %d MiB put in %d ms (%.0f MB/s), read back in %d ms (%.0f MB/s)%n",
                getClass().getSimpleName(), size / MiB, TimeUnit.NANOSECONDS.toMillis(putNanos),
                mbPerSecond(size, putNanos), TimeUnit.NANOSECONDS.toMillis(getNanos), mbPerSecond(size, getNanos));
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / Math.max(nanos, 1) * 1e9;
    }

    // ---------------------------------------------------------------------------------------------
    // forEach

    @Test
    public void forEachVisitsEveryBlobWithSizeAndLastModified() throws Exception {
        long start = System.currentTimeMillis();
        Map<String, Long> expected = new HashMap<>();
        for (int size : new int[] {0, 1, 100, 64 * 1024, 200_000}) {
            BlobRef ref = put(DeterministicInputStream.bytes(100 + size, size));
            expected.put(ref.sha256(), (long) size);
        }

        List<BlobRef> visited = new ArrayList<>();
        store.forEach(visited::add);
        long end = System.currentTimeMillis();

        Set<String> digests = new HashSet<>();
        for (BlobRef ref : visited) {
            assertThat(digests.add(ref.sha256())).as("visited once: %s", ref.sha256()).isTrue();
            assertThat(ref.size()).as("size of %s", ref.sha256()).isEqualTo(expected.get(ref.sha256()));
            assertThat(ref.lastModified()).as("lastModified of %s", ref.sha256())
                    .isBetween(start - CLOCK_TOLERANCE_MILLIS, end + CLOCK_TOLERANCE_MILLIS);
        }
        assertThat(digests).isEqualTo(expected.keySet());
    }

    // ---------------------------------------------------------------------------------------------
    // digests from outside

    @Test
    public void invalidDigestsAreRefusedAndTouchNothing() throws Exception {
        byte[] content = DeterministicInputStream.bytes(24, 1000);
        String valid = put(content).sha256();
        List<String> invalid = List.of(
                "../../etc/passwd", "..", ".", "", " ", "/etc/passwd", "sha256/../../../etc/passwd",
                valid.toUpperCase(Locale.ROOT),                       // same name on case-insensitive disks
                "sha256:" + valid,                                      // callers normalize first
                valid.substring(1), valid + "0", valid + "\n", " " + valid,
                "g" + valid.substring(1),
                valid.substring(0, 2) + "/" + valid.substring(3),
                "../" + valid.substring(3),
                valid.substring(0, 61) + "/..",
                "%2e%2e%2f" + valid.substring(9),
                "\u0000" + valid.substring(1),
                "\u0660".repeat(64));                                   // Arabic-Indic zeros: digits, not hex

        for (String s : invalid) {
            refusedOrAbsent("get(" + printable(s) + ")", () -> store.get(s), Optional.empty());
            refusedOrAbsent("exists(" + printable(s) + ")", () -> store.exists(s), false);
            refusedOrAbsent("delete(" + printable(s) + ")", () -> store.delete(s), false);
        }
        // null is a programming error: a NullPointerException is as good as a refusal.
        try {
            refusedOrAbsent("get(null)", () -> store.get(null), Optional.empty());
        } catch (NullPointerException acceptable) {
        }
        try {
            refusedOrAbsent("delete(null)", () -> store.delete(null), false);
        } catch (NullPointerException acceptable) {
        }

        assertThat(snapshot()).containsOnlyKeys(valid);
        assertThat(readAll(store.get(valid).orElseThrow())).isEqualTo(content);
    }

    private static <T> void refusedOrAbsent(String call, IoCall<T> c, T absent) throws IOException {
        T result;
        try {
            result = c.call();
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(result).as(call).isEqualTo(absent);
    }

    private static String printable(String s) {
        return s.replace("\n", "\\n").replace("\u0000", "\\0");
    }

    // ---------------------------------------------------------------------------------------------
    // health

    @Test
    public void checkHealthPassesOnAHealthyStoreAndLeavesNothing() throws Exception {
        store.checkHealth();
        BlobRef ref = put(DeterministicInputStream.bytes(25, 1000));
        store.checkHealth();
        store.checkHealth();
        assertThat(snapshot()).containsOnlyKeys(ref.sha256());
        assertNoTemporaries();
    }

    @Test
    public void unwritableStoreFailsWritesAndHealthKeepsReadsAndRecovers() throws Exception {
        byte[] existing = DeterministicInputStream.bytes(26, 10_000);
        BlobRef ref = put(existing);
        Map<String, Long> before = snapshot();
        unwritable = makeUnwritable();
        assertThat(unwritable).as("every backend must simulate an unwritable store: override makeUnwritable()").isTrue();

        byte[] fresh = DeterministicInputStream.bytes(27, 10_000);
        assertThatThrownBy(() -> store.put(new ByteArrayInputStream(fresh), -1)).isInstanceOf(IOException.class);
        assertThatThrownBy(store::checkHealth).isInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("message").isNotBlank());
        assertThat(store.exists(Sha256.of(fresh))).isFalse();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(readAll(store.get(ref.sha256()).orElseThrow())).as("reads keep working").isEqualTo(existing);

        unwritable = false;
        makeWritable();
        store.checkHealth();
        BlobRef stored = put(fresh);
        assertThat(stored.sha256()).isEqualTo(Sha256.of(fresh));
        assertThat(readAll(store.get(stored.sha256()).orElseThrow())).isEqualTo(fresh);
        assertThat(snapshot()).containsOnlyKeys(ref.sha256(), stored.sha256());
    }

    // ---------------------------------------------------------------------------------------------
    // helpers for subclasses

    /** Stores {@code content} without a limit. */
    protected final BlobRef put(byte[] content) throws IOException {
        return store.put(new ByteArrayInputStream(content), -1);
    }

    /** Reads a (small) blob whole. */
    protected static byte[] readAll(Blob blob) throws IOException {
        try (InputStream in = blob.open()) {
            return in.readAllBytes();
        }
    }

    /** Digest to size of every stored blob, as {@link BlobStore#forEach} reports them. */
    protected final Map<String, Long> snapshot() throws IOException {
        Map<String, Long> all = new HashMap<>();
        store.forEach(ref -> {
            Long previous = all.put(ref.sha256(), ref.size());
            if (previous != null) {
                fail("forEach visited " + ref.sha256() + " twice");
            }
        });
        return all;
    }

    /** Fails when the backend reports temporary objects (it is asked only when it can tell). */
    protected final void assertNoTemporaries() throws Exception {
        OptionalLong count = temporaryObjectCount();
        if (count.isPresent()) {
            assertThat(count.getAsLong()).as("temporary objects left in the store").isZero();
        }
    }

    /**
     * Runs {@code n} tasks at once (released together) on platform threads and returns their
     * results in order; rethrows the first failure.
     */
    protected static <T> List<T> concurrently(int n, IntFunction<Callable<T>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<T> c = task.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return c.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get(5, TimeUnit.MINUTES));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception ex) {
                        throw ex;
                    }
                    throw e;
                } catch (TimeoutException e) {
                    throw new AssertionError("concurrent task did not finish within 5 minutes", e);
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    /** Records whether the store closed the caller's stream. */
    private static final class TrackingInputStream extends FilterInputStream {
        boolean closed;

        TrackingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }

    /** Delivers {@code failAfter} bytes, then throws {@code failure} (like a dropped upload). */
    private static final class FailingInputStream extends FilterInputStream {
        private final Throwable failure;
        private long left;

        FailingInputStream(InputStream in, long failAfter, Throwable failure) {
            super(in);
            this.left = failAfter;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                if (failure instanceof IOException e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
