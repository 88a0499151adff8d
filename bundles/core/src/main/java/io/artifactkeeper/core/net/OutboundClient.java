package io.artifactkeeper.core.net;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import io.artifactkeeper.api.net.OutboundPolicy;

/**
 * The HTTP client of every outbound fetch of the core: each URL, the first and every redirect
 * target, passes the {@link OutboundPolicy} before anything is sent. Redirects are followed here,
 * not by the JDK client (which would follow them to any address): at most {@value #MAX_REDIRECTS},
 * only for GET and HEAD, never from https to http, and credentials ({@code Authorization}) are
 * dropped when a redirect leaves the origin they were meant for.
 */
public final class OutboundClient {
    static final int MAX_REDIRECTS = 5;

    private final HttpClient http;
    private final OutboundPolicy policy;

    public OutboundClient(OutboundPolicy policy, Duration connectTimeout) {
        this.policy = policy;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public OutboundPolicy policy() {
        return policy;
    }

    /** Sends {@code request} (after checking its URL); redirects are returned, not followed. */
    public <T> HttpResponse<T> sendOnce(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        policy.check(request.uri());
        return http.send(request, body);
    }

    /** Sends {@code request}, following redirects as described above; each hop is checked first. */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        HttpRequest current = request;
        URI origin = request.uri();
        for (int hop = 0;; hop++) {
            HttpResponse<T> resp = sendOnce(current, body);
            Optional<URI> next = redirectTarget(current, resp);
            if (next.isEmpty() || hop >= MAX_REDIRECTS) {
                return resp;
            }
            discard(resp);
            URI target = next.get();
            policy.check(target); // before the JDK sees it: it refuses other schemes with an unchecked exception
            boolean keepCredentials = sameOrigin(origin, target);
            current = HttpRequest.newBuilder(current, (name, value) -> keepCredentials
                    || !name.equalsIgnoreCase("Authorization")).uri(target).build();
        }
    }

    private static <T> Optional<URI> redirectTarget(HttpRequest req, HttpResponse<T> resp) {
        int s = resp.statusCode();
        if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
            return Optional.empty();
        }
        String method = req.method().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Optional.empty(); // a body cannot be sent twice; the caller sees the redirect
        }
        Optional<String> location = resp.headers().firstValue("Location");
        if (location.isEmpty()) {
            return Optional.empty();
        }
        URI target;
        try {
            target = req.uri().resolve(location.get().trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if ("https".equalsIgnoreCase(req.uri().getScheme()) && !"https".equalsIgnoreCase(target.getScheme())) {
            return Optional.empty(); // no downgrade
        }
        return Optional.of(target);
    }

    private static void discard(HttpResponse<?> resp) {
        if (resp.body() instanceof java.io.InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is dropped instead of reused
            }
        }
    }

    /** Same scheme, host and port (the default port of the scheme when none is given). */
    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
