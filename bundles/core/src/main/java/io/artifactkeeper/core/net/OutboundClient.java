package io.artifactkeeper.core.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
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

    /**
     * Whether a request may carry its own {@code Host} header (the launcher allows it with
     * {@code jdk.httpclient.allowRestrictedHeaders=host}); without it plain-HTTP requests cannot be
     * pinned to the checked address.
     */
    static final boolean CAN_PIN = canSetHost();

    private static boolean canSetHost() {
        try {
            HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Host", "example.org");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Sends {@code request} (after checking its URL); redirects are returned, not followed.
     *
     * <p>A plain-HTTP request goes to the address the filter checked (the URL's host replaced by that
     * address, the name kept in {@code Host}): the JDK client would otherwise resolve the name again,
     * and a name whose DNS answer changes in between (rebinding) would reach an address nobody
     * checked. An https request keeps its name for TLS, and there the certificate check refuses an
     * answer that changed to a host without a certificate for the name.
     */
    public <T> HttpResponse<T> sendOnce(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        List<InetAddress> checked = policy.check(request.uri());
        return http.send(pinned(request, checked), body);
    }

    static HttpRequest pinned(HttpRequest request, List<InetAddress> checked) throws OutboundPolicy.OutboundRefusedException {
        URI u = request.uri();
        if (!CAN_PIN || checked.isEmpty() || !"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            return request;
        }
        InetAddress a = checked.get(0);
        String literal = a instanceof Inet6Address ? "[" + a.getHostAddress().replaceAll("%.*$", "") + "]" : a.getHostAddress();
        if (literal.equalsIgnoreCase(u.getHost())) {
            return request;
        }
        try {
            // spelled out, not URI.resolve: a path starting with // would name another host there
            URI target = URI.create(u.getScheme() + "://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@")
                    + literal + (u.getPort() < 0 ? "" : ":" + u.getPort()) + rawPathAndQuery(u));
            if (!literal.equalsIgnoreCase(target.getHost())) {
                throw new IllegalArgumentException("host changed");
            }
            String host = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
            return HttpRequest.newBuilder(request, (n, v) -> !n.equalsIgnoreCase("Host")).uri(target).header("Host", host)
                    .build();
        } catch (IllegalArgumentException e) {
            // fail closed: sending it unpinned would reopen the rebinding window
            throw new OutboundPolicy.OutboundRefusedException("outbound request to " + u + " refused: cannot address it by "
                    + literal + " (" + e.getMessage() + ")");
        }
    }

    private static String rawPathAndQuery(URI u) {
        String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
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
