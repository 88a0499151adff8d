package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.api.net.OutboundPolicy.OutboundRefusedException;
import io.artifactkeeper.core.net.OutboundClient;
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
    /** Formats whose protocol has registry token authentication (a 401 naming a token realm). */
    private static final Set<String> TOKEN_AUTH_FORMATS = Set.of("oci");

    private final OutboundClient http;
    private final Set<String> tokenHosts;
    private final Duration metadataTtl;
    private final Duration requestTimeout;
    private final ConcurrentHashMap<String, CompletableFuture<Optional<StoredAsset>>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong upstreamRequests = new AtomicLong();
    private final UpstreamTokens tokens;

    /**
     * @param http every upstream request goes through it (address filter, redirects)
     * @param tokenHosts hosts besides the upstream's own that may receive its credentials as a token realm
     */
    public ProxyCache(ContentService content, OutboundClient http, Set<String> tokenHosts, Duration metadataTtl,
            Duration requestTimeout) {
        this.content = content;
        this.metadataTtl = metadataTtl;
        this.requestTimeout = requestTimeout;
        this.http = http;
        this.tokenHosts = tokenHosts;
        this.tokens = new UpstreamTokens(http, requestTimeout);
    }

    /** How many requests went upstream (for tests and metrics). */
    public long upstreamRequests() {
        return upstreamRequests.get();
    }

    public Optional<StoredAsset> get(RepositoryRecord repo, String path, URI upstream, AssetKind kind,
            Map<String, String> headers) throws IOException {
        return get(repo, path, upstream, kind, headers, null);
    }

    /** As above; {@code handler} (may be null) describes what was fetched (name, version, attributes). */
    public Optional<StoredAsset> get(RepositoryRecord repo, String path, URI upstream, AssetKind kind,
            Map<String, String> headers, FormatHandler handler) throws IOException {
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
            Optional<StoredAsset> result = fetch(repo, path, upstream, kind, headers, again.orElse(null), handler);
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
        } catch (OutboundRefusedException e) {
            throw refused(e);
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
        String basic = upstreamBasic(repo);
        if (basic != null && sameOrigin(upstream, repo.upstreamUrl())) {
            rb.header("Authorization", basic);
        }
    }

    private Optional<StoredAsset> fetch(RepositoryRecord repo, String path, URI upstream, AssetKind kind,
            Map<String, String> headers, ArtifactRecord stale, FormatHandler handler) throws IOException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(upstream).timeout(requestTimeout).GET();
        headers.forEach(rb::header);
        // the upstream's credentials go to its own origin only (and, for registry token auth, to the
        // token realm it names); never to a file host its metadata links to
        String basic = upstreamBasic(repo);
        if (basic != null && sameOrigin(upstream, repo.upstreamUrl())) {
            rb.header("Authorization", basic);
        }
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
        HttpResponse<InputStream> resp;
        try {
            resp = sendWithBearerRetry(repo, rb, basic, handler);
        } catch (OutboundRefusedException e) {
            throw refused(e);
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
            ContentService.Describer describer = (p, c) -> {
                ArtifactDescription fd = null;
                if (handler != null) {
                    try {
                        fd = handler.describe(p, c);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("format could not describe {} fetched from {}: {}", p, upstream, e.toString());
                    }
                }
                if (fd == null) {
                    fd = stale == null ? ArtifactDescription.fromPath(p)
                            : new ArtifactDescription(stale.name(), stale.version(), null, Map.of());
                }
                Map<String, Object> all = new HashMap<>(fd.attributes());
                all.putAll(attrs);
                return new ArtifactDescription(fd.name(), fd.version(), ct != null ? ct : fd.contentType(), all);
            };
            try {
                return Optional.of(content.put(repo, path, body, PutOptions.defaults().withKind(kind), describer, null));
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

    private static String upstreamBasic(RepositoryRecord repo) {
        Object user = repo.settings().get("upstream_username");
        Object pass = repo.settings().get("upstream_password");
        if (user instanceof String u && pass instanceof String p) {
            return "Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    /**
     * Sends the request; when the upstream answers 401 with a Bearer challenge (registry token
     * authentication), gets a token from the challenge's realm (with the repository's upstream
     * credentials, if any) and sends the request once more with it. Tokens are reused until they
     * expire.
     */
    private HttpResponse<InputStream> sendWithBearerRetry(RepositoryRecord repo, HttpRequest.Builder rb, String basic,
            FormatHandler handler) throws IOException, InterruptedException {
        upstreamRequests.incrementAndGet();
        HttpResponse<InputStream> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        // only a protocol with token auth does the token dance: elsewhere a 401 naming a realm is
        // just a refusal, not an instruction to send credentials somewhere else
        String format = handler != null ? handler.descriptor().key() : repo.format();
        if (resp.statusCode() != 401 || !TOKEN_AUTH_FORMATS.contains(format)) {
            return resp;
        }
        Optional<Map<String, String>> challenge = resp.headers().allValues("WWW-Authenticate").stream()
                .map(UpstreamTokens::parseBearer).flatMap(Optional::stream).findFirst();
        if (challenge.isEmpty()) {
            return resp;
        }
        resp.body().close();
        // the upstream's credentials go to a realm on its own origin or on a host named in
        // upstream_token_hosts; any other realm is asked for an anonymous token
        String realmBasic = basic != null && realmMayHaveCredentials(challenge.get().get("realm"), repo) ? basic : null;
        String token = tokens.token(repo.id() + "", challenge.get(), realmBasic);
        rb.setHeader("Authorization", "Bearer " + token);
        upstreamRequests.incrementAndGet();
        HttpResponse<InputStream> again = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (again.statusCode() == 401) {
            tokens.forget(repo.id() + "", challenge.get());
        }
        return again;
    }

    private boolean realmMayHaveCredentials(String realm, RepositoryRecord repo) {
        try {
            URI r = URI.create(realm);
            return sameOrigin(r, repo.upstreamUrl())
                    || ("https".equalsIgnoreCase(r.getScheme()) && r.getHost() != null
                            && tokenHosts.contains(r.getHost().toLowerCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    private static FormatException refused(OutboundRefusedException e) {
        LOG.warn("{}", e.getMessage());
        return new FormatException(502, "UPSTREAM_REFUSED", e.getMessage());
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
