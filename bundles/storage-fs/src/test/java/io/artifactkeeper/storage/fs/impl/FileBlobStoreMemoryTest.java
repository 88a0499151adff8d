package io.artifactkeeper.storage.fs.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.artifactkeeper.api.storage.BlobRef;
import io.artifactkeeper.tck.storage.BlobStoreConformance;
import io.artifactkeeper.tck.storage.DeterministicInputStream;
import io.artifactkeeper.tck.storage.Sha256;

/**
 * A 512 MiB put and read-back must not hold the blob: the heap in use while it runs stays within
 * 64 MiB of where it started, and the putting thread allocates next to nothing. (Surefire also
 * bounds the whole test JVM to 256 MiB of heap.)
 */
class FileBlobStoreMemoryTest {

    private static final long MiB = 1024 * 1024;
    private static final long SIZE = 512 * MiB;
    private static final long SEED = 512;

    @Test
    @Tag(BlobStoreConformance.LARGE)
    void a512MiBPutAndReadKeepTheHeapFlat(@TempDir Path dir) throws Exception {
        FileBlobStore store = new FileBlobStore(dir.resolve("store"), true);
        String expected = Sha256.ofDeterministic(SEED, 0, SIZE);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().name("heap-sampler").start(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        long allocatedBefore = allocatedByThisThread();
        long t0 = System.nanoTime();
        BlobRef ref = store.put(new DeterministicInputStream(SEED, SIZE), -1);
        long putNanos = System.nanoTime() - t0;
        long putAllocated = allocatedByThisThread() - allocatedBefore;

        long t1 = System.nanoTime();
        String readBack;
        try (InputStream in = store.get(ref.sha256()).orElseThrow().open()) {
            readBack = Sha256.of(in);
        }
        long readNanos = System.nanoTime() - t1;

        sampling.set(false);
        sampler.join();
        long heapDelta = peak.get() - baseline;

        System.out.printf(Locale.ROOT, "[storage-fs] 512 MiB put in %d ms (%.0f MB/s, with fsync), read back and hashed in %d ms"
                        + " (%.0f MB/s); peak heap %+.1f MiB over a %.1f MiB baseline (max heap %d MiB); put allocated %s%n",
                TimeUnit.NANOSECONDS.toMillis(putNanos), SIZE / 1e6 / (putNanos / 1e9),
                TimeUnit.NANOSECONDS.toMillis(readNanos), SIZE / 1e6 / (readNanos / 1e9),
                heapDelta / (double) MiB, baseline / (double) MiB, Runtime.getRuntime().maxMemory() / MiB,
                putAllocated < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f KiB", putAllocated / 1024.0));

        assertThat(ref.sha256()).isEqualTo(expected);
        assertThat(ref.size()).isEqualTo(SIZE);
        assertThat(readBack).isEqualTo(expected);
        assertThat(heapDelta).as("heap growth during the put and read (bytes)").isLessThan(64 * MiB);
        if (putAllocated >= 0) {
            assertThat(putAllocated).as("bytes allocated by the put").isLessThan(4 * MiB);
        }
    }

    /** Bytes this thread allocated so far, or -1 where the JVM cannot tell. */
    private static long allocatedByThisThread() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()) {
            return hotspot.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }
}
