package io.artifactkeeper.tck.format;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.artifactkeeper.api.format.FormatHandler;

/**
 * An in-memory registry of one format: repositories of every type that behave as the core's do
 * (stored, proxied with TTLs, single-flight and stale serving, or resolved through members), a clock
 * the test moves, and a {@link FormatHarness} that dispatches requests as the core does. It records
 * what conformance tests check: which repository was asked for which path in which order, and every
 * write that reached a remote or virtual repository.
 */
public final class MemoryWorld {
    private final FormatHandler handler;
    private final String serverUrl;
    private final Map<String, MemoryRepository> repositories = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> accessLog = Collections.synchronizedList(new ArrayList<>());
    private final List<String> writeAttempts = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> users = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicLong clockMillis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    private final AtomicLong tokens = new AtomicLong();
    private volatile Duration metadataTtl = Duration.ofMinutes(5);

    /** A world serving {@code handler} at {@code serverUrl} (e.g. {@code http://tck.test}). */
    public MemoryWorld(FormatHandler handler, String serverUrl) {
        this.handler = handler;
        this.serverUrl = serverUrl;
    }

    public FormatHandler handler() {
        return handler;
    }

    public String serverUrl() {
        return serverUrl;
    }

    /** {@code serverUrl/mount/key}: where the harness serves a repository. */
    public String baseUrl(String key) {
        return serverUrl + "/" + mountPath() + "/" + key;
    }

    String mountPath() {
        var d = handler.descriptor();
        return d.mount().equals("ext") ? "ext/" + d.key() : d.mount();
    }

    public MemoryRepository local(String key) {
        return add(new MemoryRepository(this, key, io.artifactkeeper.api.format.RepositoryType.LOCAL, null, null));
    }

    /** A remote repository proxying {@code upstream} (its URL: {@link ScriptedUpstream#base()}). */
    public MemoryRepository remote(String key, ScriptedUpstream upstream) {
        return add(new MemoryRepository(this, key, io.artifactkeeper.api.format.RepositoryType.REMOTE, upstream, null));
    }

    /** A virtual repository over the repositories {@code members}, in that priority order. */
    public MemoryRepository virtual(String key, String... members) {
        return add(new MemoryRepository(this, key, io.artifactkeeper.api.format.RepositoryType.VIRTUAL, null,
                List.of(members)));
    }

    private MemoryRepository add(MemoryRepository r) {
        if (repositories.putIfAbsent(r.key(), r) != null) {
            throw new IllegalArgumentException("repository " + r.key() + " exists");
        }
        return r;
    }

    public MemoryRepository repository(String key) {
        MemoryRepository r = repositories.get(key);
        if (r == null) {
            throw new IllegalArgumentException("no repository " + key);
        }
        return r;
    }

    Optional<MemoryRepository> find(String key) {
        return Optional.ofNullable(repositories.get(key));
    }

    /** The harness that sends requests to this world's repositories. */
    public FormatHarness harness() {
        return new FormatHarness(this);
    }

    public Instant now() {
        return Instant.ofEpochMilli(clockMillis.get());
    }

    /** Moves the clock (metadata TTLs are measured on it). */
    public void advance(Duration d) {
        clockMillis.addAndGet(d.toMillis());
    }

    public Duration metadataTtl() {
        return metadataTtl;
    }

    public void metadataTtl(Duration ttl) {
        this.metadataTtl = ttl;
    }

    /** A user whose password {@code issueApiToken} accepts. */
    public void user(String name, String password) {
        users.put(name, password);
    }

    Optional<String> issueToken(String user, String password) {
        return password != null && password.equals(users.get(user)) ? Optional.of("tck-token-" + tokens.incrementAndGet())
                : Optional.empty();
    }

    void logAccess(String entry) {
        accessLog.add(entry);
    }

    void logWriteAttempt(String entry) {
        writeAttempts.add(entry);
    }

    /**
     * Lookups so far, as {@code "key op path"} ({@code op}: get, peek, fetch, list, find), in order:
     * a virtual repository's member order shows here.
     */
    public List<String> accessLog() {
        synchronized (accessLog) {
            return List.copyOf(accessLog);
        }
    }

    public void clearAccessLog() {
        accessLog.clear();
    }

    /** Writes that reached a remote or virtual repository (the core refuses them; a format must not try). */
    public List<String> writeAttempts() {
        synchronized (writeAttempts) {
            return List.copyOf(writeAttempts);
        }
    }

    /** A URI for {@code base} + {@code path}, as a remote's upstream URL. */
    public static URI uri(String s) {
        return URI.create(s);
    }
}
