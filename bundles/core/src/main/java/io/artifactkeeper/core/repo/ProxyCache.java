package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.core.store.ArtifactRecord;
import io.artifactkeeper.core.store.RepositoryRecord;

/**
 * The remote-repository cache. Content, once fetched, is kept; metadata is revalidated after its
 * TTL (conditionally, with the upstream's ETag/Last-Modified). Concurrent misses for one upstream
 * URL share one fetch. When the upstream fails or times out, what is cached is served stale.
 */
public final class ProxyCache {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyCache.class);

    private final ContentService content;
    private final HttpClient http;
    private final Duration metadataTtl;
    private final Duration requestTimeout;
    private final ConcurrentHashMap<String, CompletableFuture<Optional<StoredAsset>>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong upstreamRequests = new AtomicLong();

    public ProxyCache(ContentService content, Duration metadataTtl, Duration connectTimeout, Duration requestTimeout) {
        this.content = content;
        this.metadataTtl = metadataTtl;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** How many requests went upstream (for tests and metrics). */
    public long upstreamRequests() {
        return upstreamRequests.get();
    }

    public Optional<StoredAsset> get(RepositoryRecord repo, String path, URI upstream, AssetKind kind,
            Map<String, String> headers) throws IOException {
        Optional<ArtifactRecord> cached = content.store().artifact(repo.id(), path);
        if (cached.isPresent() && isFresh(repo, cached.get(), kind)) {
            return Optional.of(new StoredAssetImpl(cached.get(), repo.key(), content.blobs()));
        }
        String key = repo.id() + "\n" + path;
        CompletableFuture<Optional<StoredAsset>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<StoredAsset>> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return await(running);
        }
        try {
            // a fetch that finished between our cache read and taking the lead already stored it
            Optional<ArtifactRecord> again = content.store().artifact(repo.id(), path);
            if (again.isPresent() && isFresh(repo, again.get(), kind)) {
                Optional<StoredAsset> hit = Optional.of(new StoredAssetImpl(again.get(), repo.key(), content.blobs()));
                mine.complete(hit);
                return hit;
            }
            Optional<StoredAsset> result = fetch(repo, path, upstream, kind, headers, again.orElse(null));
            mine.complete(result);
            return result;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private static Optional<StoredAsset> await(CompletableFuture<Optional<StoredAsset>> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for upstream", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    private boolean isFresh(RepositoryRecord repo, ArtifactRecord row, AssetKind kind) {
        if (kind == AssetKind.CONTENT) {
            return true;
        }
        Duration ttl = metadataTtl;
        Object t = repo.settings().get("metadata_ttl_seconds");
        if (t instanceof Number n) {
            ttl = Duration.ofSeconds(n.longValue());
        }
        return row.updatedAt().plus(ttl).isAfter(Instant.now());
    }

    /**
     * Sends one request upstream as it is (no cache, no single-flight) and answers with the
     * upstream's status, content type and streamed body; 502 when the upstream cannot be reached.
     */
    public FormatResponse forward(RepositoryRecord repo, String method, URI upstream, Map<String, String> headers,
            InputStream body) throws IOException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(upstream).timeout(requestTimeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofInputStream(() -> body));
        headers.forEach(rb::header);
        authorize(repo, upstream, rb);
        upstreamRequests.incrementAndGet();
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new FormatException(502, "UPSTREAM_UNAVAILABLE", "upstream " + upstream + " is unavailable (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        InputStream in = resp.body();
        FormatResponse out = FormatResponse.status(resp.statusCode()).stream(
                resp.headers().firstValue("Content-Type").orElse("application/octet-stream"), o -> {
                    try (in) {
                        in.transferTo(o);
                    }
                });
        resp.headers().firstValue("Content-Encoding").ifPresent(v -> out.header("Content-Encoding", v));
        return out;
    }

    private static void authorize(RepositoryRecord repo, URI upstream, HttpRequest.Builder rb) {
        String user = (String) repo.settings().get("upstream_username");
        String pass = (String) repo.settings().get("upstream_password");
        // the upstream's credentials go to the upstream's own origin only, never to a file host it links to
        if (user != null && pass != null && sameOrigin(upstream, repo.upstreamUrl())) {
            rb.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private Optional<StoredAsset> fetch(RepositoryRecord repo, String path, URI upstream, AssetKind kind,
            Map<String, String> headers, ArtifactRecord stale) throws IOException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(upstream).timeout(requestTimeout).GET();
        headers.forEach(rb::header);
        authorize(repo, upstream, rb);
        if (stale != null) {
            Object etag = stale.attributes().get("upstream_etag");
            Object lm = stale.attributes().get("upstream_last_modified");
            if (etag instanceof String e) {
                rb.header("If-None-Match", e);
            }
            if (lm instanceof String l) {
                rb.header("If-Modified-Since", l);
            }
        }
        upstreamRequests.incrementAndGet();
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            return serveStale(repo, stale, upstream, "timed out");
        } catch (IOException e) {
            return serveStale(repo, stale, upstream, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = resp.body()) {
            int status = resp.statusCode();
            if (status == 304 && stale != null) {
                content.store().touchArtifact(stale.id());
                return Optional.of(new StoredAssetImpl(stale, repo.key(), content.blobs()));
            }
            if (status == 404 || status == 410) {
                return Optional.empty();
            }
            if (status == 401 || status == 403) {
                throw new FormatException(502, "UPSTREAM_AUTH", "upstream " + upstream.getHost()
                        + " refused our credentials (" + status + ")");
            }
            if (status != 200) {
                return serveStale(repo, stale, upstream, "status " + status);
            }
            Map<String, Object> attrs = new HashMap<>();
            if (stale != null) {
                attrs.putAll(stale.attributes());
            }
            resp.headers().firstValue("ETag").ifPresent(v -> attrs.put("upstream_etag", v));
            resp.headers().firstValue("Last-Modified").ifPresent(v -> attrs.put("upstream_last_modified", v));
            attrs.put("upstream_url", upstream.toString());
            String ct = resp.headers().firstValue("Content-Type").orElse(null);
            ArtifactDescription d = new ArtifactDescription(stale == null ? ArtifactDescription.fromPath(path).name()
                    : stale.name(), stale == null ? null : stale.version(), ct, attrs);
            try {
                return Optional.of(content.put(repo, path, body, PutOptions.defaults().withKind(kind).withDescription(d),
                        null, null));
            } catch (IOException e) {
                // the upstream dropped the connection mid-body: nothing was recorded
                return serveStale(repo, stale, upstream, "body truncated: " + e.getMessage());
            }
        }
    }

    static boolean sameOrigin(URI target, String upstreamBase) {
        if (upstreamBase == null) {
            return false;
        }
        URI base = URI.create(upstreamBase);
        return target.getScheme() != null && target.getScheme().equalsIgnoreCase(base.getScheme())
                && target.getHost() != null && target.getHost().equalsIgnoreCase(base.getHost())
                && effectivePort(target) == effectivePort(base);
    }

    private static int effectivePort(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private Optional<StoredAsset> serveStale(RepositoryRecord repo, ArtifactRecord stale, URI upstream, String why) {
        if (stale != null) {
            LOG.warn("upstream {} unavailable ({}); serving cached copy of {}", upstream, why, stale.path());
            return Optional.of(new StoredAssetImpl(stale, repo.key(), content.blobs()));
        }
        throw new FormatException(502, "UPSTREAM_UNAVAILABLE", "upstream " + upstream + " is unavailable (" + why
                + ") and nothing is cached");
    }
}
