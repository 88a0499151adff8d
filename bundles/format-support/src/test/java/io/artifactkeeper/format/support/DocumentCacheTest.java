package io.artifactkeeper.format.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class DocumentCacheTest {

    @Test
    void buildsOncePerStampAndKeepsTheDateOfUnchangedBytes() throws Exception {
        DocumentCache c = new DocumentCache();
        AtomicInteger builds = new AtomicInteger();
        DocumentCache.Document a = c.get("k", "s1", () -> {
            builds.incrementAndGet();
            return "one".getBytes(StandardCharsets.UTF_8);
        });
        assertThat(c.get("k", "s1", () -> {
            throw new AssertionError("rebuilt for the same stamp");
        })).isSameAs(a);
        DocumentCache.Document same = c.get("k", "s2", () -> "one".getBytes(StandardCharsets.UTF_8));
        assertThat(same.builtAt()).as("same bytes, same date").isEqualTo(a.builtAt());
        assertThat(builds).hasValue(1);
    }

    /**
     * Found by the Debian end-to-end test: apt revalidates by If-Modified-Since alone, and an index
     * rebuilt within the same second kept its old Last-Modified, so apt was told 304 and kept the old
     * index. A replacement with other bytes is dated at least a second after the one it replaces.
     */
    @Test
    void aChangedDocumentIsDatedAfterTheOneItReplaces() throws Exception {
        DocumentCache c = new DocumentCache();
        DocumentCache.Document prev = c.get("k", "s0", () -> "v0".getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= 5; i++) {
            byte[] body = ("v" + i).getBytes(StandardCharsets.UTF_8);
            DocumentCache.Document next = c.get("k", "s" + i, () -> body);
            assertThat(next.builtAt()).isAfterOrEqualTo(prev.builtAt().plusSeconds(1));
            assertThat(next.builtAt().getNano()).isZero();
            prev = next;
        }
    }
}
