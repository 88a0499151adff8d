package io.artifactkeeper.tck.format;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.api.format.UploadSessions;

/**
 * A repository of a {@link MemoryWorld}, honouring the {@link RepositoryContext} contract as the core
 * does: local repositories store; remote ones serve their cache and fetch from a {@link ScriptedUpstream}
 * on a miss (once for concurrent misses), refresh metadata after the world's TTL, serve stale copies
 * while the upstream fails, and never cache a broken-off body; virtual ones ask their members in order,
 * skipping members that fail with 5xx. Writes to remote (405) and virtual (400) repositories are refused
 * and recorded.
 */
public final class MemoryRepository implements RepositoryContext {
    private final MemoryWorld world;
    private final String key;
    private final RepositoryType type;
    private final ScriptedUpstream upstream;
    private final List<String> members;
    private final ConcurrentSkipListMap<String, MemoryAsset> assets = new ConcurrentSkipListMap<>();
    private final Map<String, CompletableFuture<Optional<StoredAsset>>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> sessions = new ConcurrentHashMap<>();
    private final Map<String, Object> settings = new ConcurrentHashMap<>();
    private volatile io.artifactkeeper.api.signing.SigningSettings signing = io.artifactkeeper.api.signing.SigningSettings.NONE;
    private volatile boolean isPublic = true;
    private volatile String formatKey;

    MemoryRepository(MemoryWorld world, String key, RepositoryType type, ScriptedUpstream upstream, List<String> members) {
        this.world = world;
        this.key = key;
        this.type = type;
        this.upstream = upstream;
        this.members = members == null ? List.of() : List.copyOf(members);
        this.formatKey = world.handler().descriptor().key();
    }

    /** Sets a repository setting (as created through the API). */
    public MemoryRepository setting(String name, Object value) {
        settings.put(name, value);
        return this;
    }

    /**
     * Signs this repository's indexes with {@code settings} (a signer from
     * {@code io.artifactkeeper.signing.SigningKeys} in a format's tests).
     */
    public MemoryRepository signing(io.artifactkeeper.api.signing.SigningSettings settings) {
        this.signing = settings;
        return this;
    }

    @Override
    public io.artifactkeeper.api.signing.SigningSettings signing() {
        return signing;
    }

    public MemoryRepository isPublic(boolean p) {
        this.isPublic = p;
        return this;
    }

    /** Creates the repository with an alias of the format's key. */
    public MemoryRepository formatKey(String k) {
        this.formatKey = k;
        return this;
    }

    /** The upstream of a remote repository. */
    public ScriptedUpstream upstream() {
        return upstream;
    }

    /** What this repository itself holds (stored or cached), by path. */
    public Map<String, StoredAsset> contents() {
        return new LinkedHashMap<>(assets);
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public RepositoryType type() {
        return type;
    }

    @Override
    public String formatKey() {
        return formatKey;
    }

    @Override
    public String baseUrl() {
        return world.baseUrl(key);
    }

    @Override
    public Optional<URI> upstreamUrl() {
        return upstream == null ? Optional.empty() : Optional.of(upstream.base());
    }

    @Override
    public boolean isPublic() {
        return isPublic;
    }

    @Override
    public Map<String, Object> settings() {
        return Map.copyOf(settings);
    }

    @Override
    public Optional<StoredAsset> get(String path) throws IOException {
        world.logAccess(key + " get " + path);
        return switch (type) {
            case LOCAL, STAGING -> Optional.ofNullable(assets.get(path));
            case REMOTE -> {
                ProxyPolicy policy = world.handler().proxyPolicy();
                AssetKind kind = policy.kindOf(path);
                URI uri = null;
                if (kind == AssetKind.CONTENT) {
                    MemoryAsset cached = assets.get(path);
                    if (cached != null) {
                        yield Optional.of(cached);
                    }
                    uri = policy.contentUri(this, path).orElse(null);
                }
                if (uri == null) {
                    uri = policy.upstreamUri(upstream.base(), path);
                }
                yield proxied(path, uri, kind, policy.upstreamHeaders(path));
            }
            case VIRTUAL -> {
                for (RepositoryContext m : members()) {
                    Optional<StoredAsset> a;
                    try {
                        a = m.get(path);
                    } catch (FormatException e) {
                        if (e.status() >= 500) {
                            continue;
                        }
                        throw e;
                    } catch (IOException e) {
                        continue;
                    }
                    if (a.isPresent()) {
                        yield a;
                    }
                }
                yield Optional.empty();
            }
        };
    }

    @Override
    public Optional<StoredAsset> peek(String path) throws IOException {
        world.logAccess(key + " peek " + path);
        if (type != RepositoryType.VIRTUAL) {
            return Optional.ofNullable(assets.get(path));
        }
        for (RepositoryContext m : members()) {
            Optional<StoredAsset> a = m.peek(path);
            if (a.isPresent()) {
                return a;
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<StoredAsset> fetch(String path, URI upstreamUri, AssetKind kind) throws IOException {
        if (type != RepositoryType.REMOTE) {
            return get(path);
        }
        world.logAccess(key + " fetch " + path);
        return proxied(path, upstreamUri, kind, world.handler().proxyPolicy().upstreamHeaders(path));
    }

    private boolean fresh(MemoryAsset a, AssetKind kind) {
        if (kind == AssetKind.CONTENT) {
            return true;
        }
        long ttl = world.metadataTtl().getSeconds();
        if (settings.get("metadata_ttl_seconds") instanceof Number n) {
            ttl = n.longValue();
        }
        return a.updatedAt().plusSeconds(ttl).isAfter(world.now());
    }

    private Optional<StoredAsset> proxied(String path, URI uri, AssetKind kind, Map<String, String> headers)
            throws IOException {
        MemoryAsset cached = assets.get(path);
        if (cached != null && fresh(cached, kind)) {
            return Optional.of(cached);
        }
        CompletableFuture<Optional<StoredAsset>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<StoredAsset>> running = inFlight.putIfAbsent(path, mine);
        if (running != null) {
            try {
                return running.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) e.getCause();
            }
        }
        try {
            MemoryAsset again = assets.get(path);
            Optional<StoredAsset> r = again != null && fresh(again, kind) ? Optional.of(again)
                    : fetchFromUpstream(path, uri, headers, again);
            mine.complete(r);
            return r;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(path, mine);
        }
    }

    private Optional<StoredAsset> fetchFromUpstream(String path, URI uri, Map<String, String> headers, MemoryAsset stale)
            throws IOException {
        ScriptedUpstream.Reply reply;
        try {
            reply = upstream.request("GET", uri, headers);
        } catch (IOException e) {
            return stale(stale, uri, e.toString());
        }
        if (reply.status() == 404 || reply.status() == 410) {
            return Optional.empty();
        }
        if (reply.status() != 200) {
            return stale(stale, uri, "status " + reply.status());
        }
        if (reply.truncated()) {
            return stale(stale, uri, "body truncated");
        }
        byte[] body = reply.body();
        ArtifactDescription d;
        try {
            d = world.handler().describe(path, new MemoryAsset(path, body, null, null, null, null, key, world.now(),
                    world.now()));
        } catch (IOException | RuntimeException e) {
            d = ArtifactDescription.fromPath(path);
        }
        Map<String, Object> attrs = new LinkedHashMap<>(d.attributes());
        attrs.put("upstream_url", uri.toString());
        Instant created = stale != null ? stale.createdAt() : world.now();
        MemoryAsset a = new MemoryAsset(path, body, d.name(), d.version(),
                reply.contentType() != null ? reply.contentType() : d.contentType(), attrs, key, created, world.now());
        assets.put(path, a);
        return Optional.of(a);
    }

    private Optional<StoredAsset> stale(MemoryAsset stale, URI uri, String why) {
        if (stale != null) {
            return Optional.of(stale);
        }
        throw new FormatException(502, "UPSTREAM_UNAVAILABLE", "upstream " + uri + " is unavailable (" + why + ")");
    }

    private void checkWritable(String path) {
        if (type == RepositoryType.REMOTE) {
            world.logWriteAttempt(key + " " + path);
            throw FormatException.methodNotAllowed("repository " + key + " is a remote (proxy) repository; "
                    + "it cannot be written to");
        }
        if (type == RepositoryType.VIRTUAL) {
            world.logWriteAttempt(key + " " + path);
            throw FormatException.badRequest("repository " + key + " is virtual; write to one of its members");
        }
    }

    @Override
    public StoredAsset put(String path, InputStream body, PutOptions options) throws IOException {
        checkWritable(path);
        return store(path, body.readAllBytes(), options);
    }

    @Override
    public StoredAsset putBytes(String path, byte[] bytes, PutOptions options) throws IOException {
        checkWritable(path);
        return store(path, bytes, options);
    }

    private synchronized StoredAsset store(String path, byte[] bytes, PutOptions options) throws IOException {
        MemoryAsset existing = assets.get(path);
        if (existing != null && options.overwrite() == PutOptions.Overwrite.DENY) {
            throw FormatException.conflict(path + " already exists in " + key + " and cannot be replaced");
        }
        MemoryAsset probe = new MemoryAsset(path, bytes, null, null, null, null, key, world.now(), world.now());
        verify("SHA-256", options.expectedSha256(), probe.sha256());
        verify("SHA-1", options.expectedSha1(), probe.sha1());
        verify("MD5", options.expectedMd5(), probe.md5());
        if (existing != null && options.overwrite() == PutOptions.Overwrite.IF_IDENTICAL) {
            if (existing.sha256().equals(probe.sha256())) {
                return existing;
            }
            throw FormatException.conflict(path + " already exists in " + key + " with different content");
        }
        ArtifactDescription d = options.description() != null ? options.description()
                : world.handler().describe(path, probe);
        MemoryAsset a = new MemoryAsset(path, bytes, d.name(), d.version(),
                d.contentType() != null ? d.contentType() : "application/octet-stream", d.attributes(), key,
                existing != null ? existing.createdAt() : world.now(), world.now());
        assets.put(path, a);
        return a;
    }

    private static void verify(String alg, String expected, String actual) {
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            throw new FormatException(400, "CHECKSUM_MISMATCH", alg + " of the upload is " + actual + ", not "
                    + expected.toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public boolean delete(String path) {
        checkWritable(path);
        return assets.remove(path) != null;
    }

    @Override
    public List<StoredAsset> list(String prefix) {
        world.logAccess(key + " list " + prefix);
        List<StoredAsset> out = new ArrayList<>();
        if (type == RepositoryType.VIRTUAL) {
            for (RepositoryContext m : members()) {
                try {
                    out.addAll(m.list(prefix));
                } catch (IOException e) {
                    // an unreadable member is skipped, as the core does
                }
            }
            return out;
        }
        out.addAll(assets.tailMap(prefix, true).headMap(prefix + Character.MAX_VALUE).values());
        return out;
    }

    @Override
    public String contentStamp(String prefix) throws IOException {
        if (type != RepositoryType.VIRTUAL) {
            return RepositoryContext.super.contentStamp(prefix);
        }
        StringBuilder sb = new StringBuilder("v");
        for (RepositoryContext m : members()) {
            sb.append('|').append(m.key()).append('=').append(m.contentStamp(prefix));
        }
        return sb.toString();
    }

    @Override
    public List<StoredAsset> findByName(String name) throws IOException {
        world.logAccess(key + " find " + name);
        List<StoredAsset> out = new ArrayList<>();
        if (type == RepositoryType.VIRTUAL) {
            for (RepositoryContext m : members()) {
                out.addAll(m.findByName(name));
            }
            return out;
        }
        for (MemoryAsset a : assets.values()) {
            if (name.equals(a.name())) {
                out.add(a);
            }
        }
        out.sort(Comparator.comparing(StoredAsset::createdAt).reversed());
        return out;
    }

    @Override
    public List<RepositoryContext> members() {
        List<RepositoryContext> out = new ArrayList<>();
        for (String m : members) {
            out.add(world.repository(m));
        }
        return out;
    }

    @Override
    public Optional<RepositoryContext> readableRepository(String k) {
        return world.find(k).map(r -> r);
    }

    @Override
    public <T> T withLock(String name, IOSupplier<T> work) throws IOException {
        ReentrantLock l = locks.computeIfAbsent(name, n -> new ReentrantLock());
        l.lock();
        try {
            return work.get();
        } finally {
            l.unlock();
        }
    }

    @Override
    public Optional<String> issueApiToken(String username, String password, String tokenName) {
        return world.issueToken(username, password);
    }

    @Override
    public Optional<FormatResponse> forwardUpstream(String method, URI upstreamUri, Map<String, String> headers,
            InputStream body) throws IOException {
        if (type != RepositoryType.REMOTE) {
            return Optional.empty();
        }
        try {
            ScriptedUpstream.Reply r = upstream.request(method, upstreamUri, headers);
            return Optional.of(FormatResponse.status(r.status()).body(r.contentType(), r.body()));
        } catch (IOException e) {
            throw new FormatException(502, "UPSTREAM_UNAVAILABLE", "upstream " + upstreamUri + " is unavailable");
        }
    }

    @Override
    public UploadSessions uploads() {
        checkWritable("(upload session)");
        return new UploadSessions() {
            @Override
            public String start() {
                String id = UUID.randomUUID().toString();
                sessions.put(id, new ByteArrayOutputStream());
                return id;
            }

            @Override
            public OptionalLong size(String id) {
                ByteArrayOutputStream b = sessions.get(id);
                return b == null ? OptionalLong.empty() : OptionalLong.of(b.size());
            }

            @Override
            public long append(String id, long offset, InputStream body) throws IOException {
                ByteArrayOutputStream b = sessions.get(id);
                if (b == null) {
                    throw new FormatException(404, "UPLOAD_UNKNOWN", "no upload session " + id);
                }
                synchronized (b) {
                    if (offset >= 0 && offset != b.size()) {
                        throw new FormatException(416, "UPLOAD_OUT_OF_ORDER", "the session holds " + b.size()
                                + " bytes, not " + offset);
                    }
                    body.transferTo(b);
                    return b.size();
                }
            }

            @Override
            public StoredAsset complete(String id, String path, PutOptions options) throws IOException {
                ByteArrayOutputStream b = sessions.remove(id);
                if (b == null) {
                    throw new FormatException(404, "UPLOAD_UNKNOWN", "no upload session " + id);
                }
                return store(path, b.toByteArray(), options);
            }

            @Override
            public boolean cancel(String id) {
                return sessions.remove(id) != null;
            }
        };
    }

    /** Stores bytes directly (test set-up), as if uploaded. */
    public StoredAsset seed(String path, byte[] bytes) throws IOException {
        return store(path, bytes, PutOptions.defaults());
    }

    static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    @Override
    public String toString() {
        return type.wireName() + " " + key;
    }
}
