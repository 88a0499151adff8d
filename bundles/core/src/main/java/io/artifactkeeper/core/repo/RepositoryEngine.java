package io.artifactkeeper.core.repo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.core.security.IdentityService;
import io.artifactkeeper.api.format.UploadSessions;
import io.artifactkeeper.core.store.ArtifactRecord;
import io.artifactkeeper.core.store.RepositoryRecord;
import io.artifactkeeper.core.store.RepositoryStore;

/**
 * Builds the {@link RepositoryContext} for a repository: the type decides how reads resolve
 * (stored, proxied, or through members) while formats call the same methods everywhere.
 */
public final class RepositoryEngine {
    /** Virtual repositories nest; this bounds a misconfigured cycle. */
    private static final int MAX_DEPTH = 8;

    private final ContentService content;
    private final ProxyCache proxy;
    private final IdentityService identity;
    private final UploadSessionStore uploads;
    private final Locks locks = new Locks();
    private final int loginTokenDays;
    private volatile io.artifactkeeper.core.signing.SigningService signing;

    /**
     * @param loginTokenDays lifetime of the API tokens that format logins (npm login) issue
     */
    public RepositoryEngine(ContentService content, ProxyCache proxy, IdentityService identity, UploadSessionStore uploads,
            int loginTokenDays) {
        this.loginTokenDays = loginTokenDays;
        this.content = content;
        this.proxy = proxy;
        this.identity = identity;
        this.uploads = uploads;
    }

    /** Where repositories' signing configuration comes from (set once by the platform). */
    public void signing(io.artifactkeeper.core.signing.SigningService s) {
        this.signing = s;
    }

    public RepositoryStore store() {
        return content.store();
    }

    public ContentService content() {
        return content;
    }

    public RepositoryContext open(RepositoryRecord repo, FormatHandler handler, String serverUrl, String mount,
            UUID callerId) {
        return open(repo, handler, serverUrl, mount, callerId, r -> false);
    }

    /**
     * As above; {@code mayRead} says which other repositories the caller may read (for
     * {@link RepositoryContext#readableRepository}).
     */
    public RepositoryContext open(RepositoryRecord repo, FormatHandler handler, String serverUrl, String mount,
            UUID callerId, Predicate<RepositoryRecord> mayRead) {
        return new Context(repo, handler, serverUrl, mount, callerId, mayRead, 0);
    }

    private final class Context implements RepositoryContext {
        private final RepositoryRecord repo;
        private final FormatHandler handler;
        private final String serverUrl;
        private final String mount;
        private final UUID callerId;
        private final Predicate<RepositoryRecord> mayRead;
        private final int depth;

        Context(RepositoryRecord repo, FormatHandler handler, String serverUrl, String mount, UUID callerId,
                Predicate<RepositoryRecord> mayRead, int depth) {
            this.repo = repo;
            this.handler = handler;
            this.serverUrl = serverUrl;
            this.mount = mount;
            this.callerId = callerId;
            this.mayRead = mayRead;
            this.depth = depth;
        }

        @Override
        public String key() {
            return repo.key();
        }

        @Override
        public RepositoryType type() {
            return repo.type();
        }

        @Override
        public String formatKey() {
            return repo.format();
        }

        @Override
        public String baseUrl() {
            return serverUrl + "/" + mount + "/" + repo.key();
        }

        @Override
        public Optional<URI> upstreamUrl() {
            return repo.upstreamUrl() == null ? Optional.empty() : Optional.of(URI.create(repo.upstreamUrl()));
        }

        @Override
        public boolean isPublic() {
            return repo.isPublic();
        }

        @Override
        public io.artifactkeeper.api.signing.SigningSettings signing() {
            io.artifactkeeper.core.signing.SigningService s = signing;
            return s == null ? io.artifactkeeper.api.signing.SigningSettings.NONE : s.settings(repo.id());
        }

        @Override
        public Map<String, Object> settings() {
            return repo.settings() == null ? Map.of() : repo.settings();
        }

        private Optional<StoredAsset> stored(String path) {
            return store().artifact(repo.id(), path).map(r -> new StoredAssetImpl(r, repo.key(), content.blobs()));
        }

        @Override
        public Optional<StoredAsset> get(String path) throws IOException {
            return switch (repo.type()) {
                case LOCAL, STAGING -> stored(path);
                case REMOTE -> {
                    URI base = upstreamUrl().orElseThrow(() -> new FormatException(503, "NO_UPSTREAM",
                            "remote repository " + repo.key() + " has no upstream_url"));
                    ProxyPolicy policy = handler.proxyPolicy();
                    AssetKind kind = policy.kindOf(path);
                    URI uri = null;
                    if (kind == AssetKind.CONTENT) {
                        // content never changes once cached: serve it without asking upstream metadata
                        Optional<StoredAsset> cached = stored(path);
                        if (cached.isPresent()) {
                            yield cached;
                        }
                        uri = policy.contentUri(this, path).orElse(null);
                    }
                    if (uri == null) {
                        uri = policy.upstreamUri(base, path);
                    }
                    yield proxy.get(repo, path, uri, kind, policy.upstreamHeaders(path), handler);
                }
                case VIRTUAL -> {
                    for (RepositoryContext m : members()) {
                        Optional<StoredAsset> a;
                        try {
                            a = m.get(path);
                        } catch (FormatException e) {
                            // one member's broken upstream must not hide the others
                            if (e.status() >= 500) {
                                continue;
                            }
                            throw e;
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
            if (repo.type() != RepositoryType.VIRTUAL) {
                return stored(path);
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
            if (repo.type() != RepositoryType.REMOTE) {
                return get(path);
            }
            return proxy.get(repo, path, upstreamUri, kind, handler.proxyPolicy().upstreamHeaders(path), handler);
        }

        private void checkWritable() {
            if (repo.type() == RepositoryType.REMOTE) {
                throw FormatException.methodNotAllowed("repository " + repo.key() + " is a remote (proxy) repository; "
                        + "it cannot be written to");
            }
            if (repo.type() == RepositoryType.VIRTUAL) {
                throw FormatException.badRequest("repository " + repo.key() + " is virtual; write to one of its members");
            }
        }

        @Override
        public StoredAsset put(String path, InputStream body, PutOptions options) throws IOException {
            checkWritable();
            return content.put(repo, path, body, options, handler, callerId);
        }

        @Override
        public StoredAsset putBytes(String path, byte[] bytes, PutOptions options) throws IOException {
            checkWritable();
            return content.put(repo, path, new ByteArrayInputStream(bytes), options, handler, callerId);
        }

        @Override
        public StoredAsset putCopy(String path, StoredAsset source, PutOptions options) throws IOException {
            checkWritable();
            if (source instanceof StoredAssetImpl) {
                return content.link(repo, path, source, options, handler, callerId);
            }
            return RepositoryContext.super.putCopy(path, source, options);
        }

        @Override
        public UploadSessions uploads() {
            checkWritable();
            return uploads.forRepository(repo, handler, callerId);
        }

        @Override
        public Optional<RepositoryContext> readableRepository(String key) {
            return store().find(key).filter(r -> handler.descriptor().answersTo(r.format())).filter(mayRead)
                    .map(r -> new Context(r, handler, serverUrl, mount, callerId, mayRead, 0));
        }

        @Override
        public boolean delete(String path) throws IOException {
            checkWritable();
            return store().deleteArtifact(repo.id(), path);
        }

        @Override
        public String contentStamp(String prefix) throws IOException {
            if (repo.type() != RepositoryType.VIRTUAL) {
                return store().contentStamp(repo.id(), prefix);
            }
            StringBuilder sb = new StringBuilder("v");
            for (RepositoryContext m : members()) {
                String member;
                try {
                    member = m.contentStamp(prefix);
                } catch (IOException e) {
                    member = "unreadable";
                }
                sb.append('|').append(m.key()).append('=').append(member);
            }
            return sb.toString();
        }

        @Override
        public List<StoredAsset> list(String prefix) {
            List<StoredAsset> out = new ArrayList<>();
            if (repo.type() == RepositoryType.VIRTUAL) {
                for (RepositoryContext m : members()) {
                    try {
                        out.addAll(m.list(prefix));
                    } catch (IOException e) {
                        // skip an unreadable member
                    }
                }
                return out;
            }
            for (ArtifactRecord r : store().listArtifacts(repo.id(), prefix, null, 0, Integer.MAX_VALUE)) {
                out.add(new StoredAssetImpl(r, repo.key(), content.blobs()));
            }
            return out;
        }

        @Override
        public List<StoredAsset> findByName(String name) {
            List<StoredAsset> out = new ArrayList<>();
            if (repo.type() == RepositoryType.VIRTUAL) {
                for (RepositoryContext m : members()) {
                    try {
                        out.addAll(m.findByName(name));
                    } catch (IOException e) {
                        // skip an unreadable member
                    }
                }
                return out;
            }
            for (ArtifactRecord r : store().findByName(repo.id(), name)) {
                out.add(new StoredAssetImpl(r, repo.key(), content.blobs()));
            }
            return out;
        }

        @Override
        public List<RepositoryContext> members() {
            if (repo.type() != RepositoryType.VIRTUAL || depth >= MAX_DEPTH) {
                return List.of();
            }
            List<RepositoryContext> out = new ArrayList<>();
            for (RepositoryStore.Member m : store().members(repo.id())) {
                // the caller's own read permission on each member: a virtual must not widen access
                if (mayRead.test(m.repository())) {
                    out.add(new Context(m.repository(), handler, serverUrl, mount, callerId, mayRead, depth + 1));
                }
            }
            return out;
        }

        @Override
        public Optional<String> issueApiToken(String username, String password, String tokenName) {
            if (username == null || password == null || identity == null) {
                return Optional.empty();
            }
            return identity.checkPassword(username, password).map(u -> (String) identity
                    .createToken(u.id(), tokenName, List.of("*"), loginTokenDays).get("token"));
        }

        @Override
        public boolean revokeOwnApiToken(String token) {
            return callerId != null && identity != null && identity.revokeOwnApiToken(callerId, token);
        }

        @Override
        public Optional<FormatResponse> forwardUpstream(String method, URI upstreamUri, Map<String, String> headers,
                InputStream body) throws IOException {
            if (repo.type() != RepositoryType.REMOTE) {
                return Optional.empty();
            }
            return Optional.of(proxy.forward(repo, method, upstreamUri, headers, body));
        }

        @Override
        public <T> T withLock(String name, IOSupplier<T> work) throws IOException {
            return locks.withLock(store().jdbi(), repo.id() + ":" + name, work);
        }
    }
}
