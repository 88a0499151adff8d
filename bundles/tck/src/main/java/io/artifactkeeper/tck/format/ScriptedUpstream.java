package io.artifactkeeper.tck.format;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstream of a remote {@link MemoryRepository}: answers requests by URI through a {@link Server}
 * (typically {@link FormatHarness#asUpstream()}: another in-memory registry of the same format, the
 * way a remote proxies a second instance) and can be made to fail: down (connection refused), slow,
 * answering an error status, or breaking bodies off. Every request is recorded.
 */
public final class ScriptedUpstream {
    /** What the upstream answered. {@code declaredLength} beyond the body's length is a truncated body. */
    public record Reply(int status, String contentType, byte[] body, long declaredLength) {
        public static Reply of(int status, String contentType, byte[] body) {
            return new Reply(status, contentType, body, body.length);
        }

        public boolean truncated() {
            return declaredLength > body.length;
        }
    }

    /** Serves one request. */
    @FunctionalInterface
    public interface Server {
        Reply serve(String method, URI uri, Map<String, String> headers) throws IOException;
    }

    private final URI base;
    private final Server server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean down;
    private volatile long delayMs;
    private volatile int failStatus;
    private volatile boolean truncate;

    public ScriptedUpstream(URI base, Server server) {
        this.base = base;
        this.server = server;
    }

    /** The URL a remote repository names as its upstream. */
    public URI base() {
        return base;
    }

    /** Refuses connections from now on (true) or serves again (false). */
    public ScriptedUpstream down(boolean d) {
        this.down = d;
        return this;
    }

    /** Answers every request after {@code ms}. */
    public ScriptedUpstream slow(long ms) {
        this.delayMs = ms;
        return this;
    }

    /** Answers every request with this status (0: serve normally). */
    public ScriptedUpstream failWith(int status) {
        this.failStatus = status;
        return this;
    }

    /** Breaks every body off halfway (declares the whole length, sends half). */
    public ScriptedUpstream truncate(boolean t) {
        this.truncate = t;
        return this;
    }

    public Reply request(String method, URI uri, Map<String, String> headers) throws IOException {
        requests.add(method + " " + uri);
        inFlight.incrementAndGet();
        try {
            if (down) {
                throw new ConnectException("upstream " + base + " is down (scripted)");
            }
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (failStatus > 0) {
                return Reply.of(failStatus, "text/plain", ("scripted " + failStatus).getBytes());
            }
            Reply r = server.serve(method, uri, headers);
            if (truncate && r.status() == 200 && r.body().length > 1) {
                return new Reply(200, r.contentType(), Arrays.copyOf(r.body(), r.body().length / 2), r.body().length);
            }
            return r;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Every request so far, as {@code "GET http://..."}. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** How many requests were sent for URIs whose path ends with {@code pathSuffix}. */
    public int requestsFor(String pathSuffix) {
        int n = 0;
        for (String r : requests()) {
            String uri = r.substring(r.indexOf(' ') + 1);
            String path = URI.create(uri).getRawPath();
            if (path != null && path.endsWith(pathSuffix)) {
                n++;
            }
        }
        return n;
    }

    public void clearRequests() {
        requests.clear();
    }
}
