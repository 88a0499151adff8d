package io.artifactkeeper.format.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.RepositoryContext;

/**
 * Documents a format generates from what a repository holds (maven-metadata.xml, a packument, a
 * simple index page, index.yaml, an index file), kept until the repository's
 * {@link RepositoryContext#contentStamp content stamp} for the document's prefix changes. For a
 * virtual repository the stamp is made of its members' stamps, so a change in any member shows in
 * the next answer. Bounded: the least recently used entries go first, by count and by bytes.
 *
 * <p>One cache per format component (not static); thread-safe. Two threads building the same
 * document at once both build it: the cache never blocks a request on another one.
 */
public final class DocumentCache {
    private final int maxEntries;
    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<String, Document> entries = new LinkedHashMap<>(64, 0.75f, true);

    /** Builds a document on a miss. */
    @FunctionalInterface
    public interface Builder {
        byte[] build() throws IOException;
    }

    /**
     * A generated document: its bytes, a strong entity tag (quoted) over them, when it was built, and
     * the stamp it was built for.
     */
    public record Document(byte[] bytes, String etag, Instant builtAt, String stamp) {
        public Document {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** 200 with the bytes and their validators; the core answers conditional requests with 304. */
        public FormatResponse response(String contentType) {
            return FormatResponse.ok(contentType, bytes).validators(etag, builtAt);
        }
    }

    public DocumentCache(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** A cache of up to 1,000 documents and 64 MiB. */
    public DocumentCache() {
        this(1000, 64L << 20);
    }

    /**
     * The document {@code name} of {@code repo}, built by {@code builder} unless one was built for the
     * current stamp of {@code stampPrefix} (the path prefix whose changes make the document stale;
     * empty: any change).
     */
    public Document get(RepositoryContext repo, String stampPrefix, String name, Builder builder) throws IOException {
        String stamp = repo.contentStamp(stampPrefix);
        return get(repo.key() + '\0' + name, stamp, builder);
    }

    /** As above, for a document whose freshness the format tracks itself with {@code stamp}. */
    public Document get(String key, String stamp, Builder builder) throws IOException {
        synchronized (this) {
            Document d = entries.get(key);
            if (d != null && d.stamp().equals(stamp)) {
                return d;
            }
        }
        byte[] body = builder.build();
        String etag = etag(body);
        Document d;
        synchronized (this) {
            // Last-Modified has one-second resolution and clients such as apt revalidate by date alone:
            // a document that replaces another with different bytes is dated at least a second later
            Instant built = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            Document prev = entries.get(key);
            if (prev != null && !prev.etag().equals(etag) && !built.isAfter(prev.builtAt())) {
                built = prev.builtAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
            } else if (prev != null && prev.etag().equals(etag)) {
                built = prev.builtAt();
            }
            d = new Document(body, etag, built, stamp);
            Document old = entries.put(key, d);
            if (old != null) {
                bytes -= old.bytes().length;
            }
            bytes += body.length;
            var it = entries.entrySet().iterator();
            while ((entries.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
                Map.Entry<String, Document> e = it.next();
                if (e.getValue() == d) {
                    continue;
                }
                bytes -= e.getValue().bytes().length;
                it.remove();
            }
        }
        return d;
    }

    /** Drops every document of {@code repo}. */
    public synchronized void invalidate(RepositoryContext repo) {
        String prefix = repo.key() + '\0';
        var it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Document> e = it.next();
            if (e.getKey().startsWith(prefix)) {
                bytes -= e.getValue().bytes().length;
                it.remove();
            }
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    /** A strong entity tag over {@code body}: the first 128 bits of its SHA-256, quoted. */
    public static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return '"' + HexFormat.of().formatHex(d, 0, 16) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #etag(byte[])}, over a string's UTF-8. */
    public static String etag(String body) {
        return etag(body.getBytes(StandardCharsets.UTF_8));
    }
}
