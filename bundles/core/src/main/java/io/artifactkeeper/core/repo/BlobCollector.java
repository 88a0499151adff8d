package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.storage.BlobRef;
import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.core.store.RepositoryStore;

/**
 * Removes blobs that no artifact row references. A blob younger than the grace period is kept even
 * when unreferenced, because its row may be about to commit; a referenced blob is never removed.
 */
public final class BlobCollector {
    private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);

    private final BlobStore blobs;
    private final RepositoryStore store;
    private final Duration grace;

    public BlobCollector(BlobStore blobs, RepositoryStore store, Duration grace) {
        this.blobs = blobs;
        this.store = store;
        this.grace = grace;
    }

    public synchronized Map<String, Object> collect() throws IOException {
        return collect(grace);
    }

    public synchronized Map<String, Object> collect(Duration graceOverride) throws IOException {
        long cutoff = System.currentTimeMillis() - graceOverride.toMillis();
        List<BlobRef> candidates = new ArrayList<>();
        long[] seen = {0};
        blobs.forEach(ref -> {
            seen[0]++;
            if (ref.lastModified() <= cutoff) {
                candidates.add(ref);
            }
        });
        long removed = 0;
        long freed = 0;
        for (BlobRef ref : candidates) {
            // asked one by one, at deletion time, so that a row committed during the scan is respected
            // an upload of the same bytes since the scan refreshed the blob's time: it is not garbage
            long current = blobs.get(ref.sha256()).map(b -> b.ref().lastModified()).orElse(Long.MAX_VALUE);
            if (current > cutoff) {
                continue;
            }
            if (!store.isReferenced(ref.sha256()) && blobs.delete(ref.sha256())) {
                removed++;
                freed += ref.size();
            }
        }
        LOG.info("blob GC: {} blobs seen, {} removed, {} bytes freed", seen[0], removed, freed);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("blobs_seen", seen[0]);
        m.put("blobs_removed", removed);
        m.put("bytes_freed", freed);
        return m;
    }
}
