package io.artifactkeeper.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.artifactkeeper.api.net.OutboundPolicy.OutboundRefusedException;

/** Redirect handling against real listeners, all on 127.0.0.1. */
class OutboundClientTest {
    static {
        // as the launcher sets it (before the JDK's HTTP client reads it)
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    private HttpServer a;
    private HttpServer b;
    /** path -> the Authorization header each request carried ("-" for none). */
    private final Map<String, List<String>> seen = new ConcurrentHashMap<>();
    private final List<String> hosts = new CopyOnWriteArrayList<>();
    private final OutboundClient client = new OutboundClient(
            new OutboundFilter(List.of("127.0.0.1/32"), InetAddress::getAllByName), Duration.ofSeconds(2));

    @BeforeEach
    void start() throws IOException {
        a = server();
        b = server();
    }

    @AfterEach
    void stop() {
        a.stop(0);
        b.stop(0);
    }

    private HttpServer server() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        s.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            seen.computeIfAbsent(ex.getLocalAddress().getPort() + path, k -> new CopyOnWriteArrayList<>())
                    .add(auth == null ? "-" : auth);
            String q = ex.getRequestURI().getQuery();
            if (q != null && q.startsWith("to=")) {
                ex.getResponseHeaders().set("Location", java.net.URLDecoder.decode(q.substring(3), StandardCharsets.UTF_8));
                ex.sendResponseHeaders(302, -1);
            } else if (path.startsWith("/loop")) {
                ex.getResponseHeaders().set("Location", "/loop" + (Integer.parseInt(path.substring(5)) + 1));
                ex.sendResponseHeaders(302, -1);
            } else {
                byte[] body = ("ok " + path).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        s.start();
        return s;
    }

    private String url(HttpServer s, String path) {
        return "http://127.0.0.1:" + s.getAddress().getPort() + path;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic c2VjcmV0").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String to(String target) {
        return "?to=" + java.net.URLEncoder.encode(target, StandardCharsets.UTF_8);
    }

    @Test
    void sameOriginRedirectKeepsCredentials() throws Exception {
        HttpResponse<String> r = get(url(a, "/start" + to("/end")));
        assertThat(r.body()).isEqualTo("ok /end");
        assertThat(seen.get(a.getAddress().getPort() + "/end")).containsExactly("Basic c2VjcmV0");
    }

    @Test
    void crossOriginRedirectDropsCredentials() throws Exception {
        HttpResponse<String> r = get(url(a, "/start" + to(url(b, "/elsewhere"))));
        assertThat(r.body()).isEqualTo("ok /elsewhere");
        assertThat(seen.get(a.getAddress().getPort() + "/start")).containsExactly("Basic c2VjcmV0");
        assertThat(seen.get(b.getAddress().getPort() + "/elsewhere")).containsExactly("-");
    }

    @Test
    void redirectToARefusedAddressIsRefusedBeforeConnecting() {
        // 127.0.0.2 is loopback and not in the allow-list; 169.254.169.254 is the metadata service
        for (String target : new String[] {"http://127.0.0.2:" + b.getAddress().getPort() + "/x",
            "http://169.254.169.254/latest/meta-data/", "http://[::1]:" + b.getAddress().getPort() + "/x"}) {
            assertThatThrownBy(() -> get(url(a, "/start" + to(target)))).isInstanceOf(OutboundRefusedException.class)
                    .hasMessageContaining("refused");
        }
        assertThat(seen.keySet()).noneMatch(k -> k.endsWith("/x"));
    }

    @Test
    void redirectToAnotherSchemeIsRefused() {
        assertThatThrownBy(() -> get(url(a, "/start" + to("file:///etc/passwd"))))
                .isInstanceOf(OutboundRefusedException.class).hasMessageContaining("only http and https");
    }

    @Test
    void redirectsAreBounded() throws Exception {
        HttpResponse<String> r = get(url(a, "/loop0"));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(seen.keySet().stream().filter(k -> k.contains("/loop")).count())
                .isEqualTo(OutboundClient.MAX_REDIRECTS + 1);
    }

    @Test
    void aBodyIsNotResentToARedirectTarget() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url(a, "/post" + to(url(b, "/y")))))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(seen.keySet()).noneMatch(k -> k.endsWith("/y"));
    }

    @Test
    void plainHttpGoesToTheCheckedAddressNotToASecondLookup() throws Exception {
        // the test JVM is started as the server is (-Djdk.httpclient.allowRestrictedHeaders=host): no skip
        assertThat(OutboundClient.CAN_PIN).as("the Host header may be set (core's surefire argLine)").isTrue();
        // the name exists only for the filter: a second lookup by the JDK would fail (or, with a
        // rebinding DNS, give another answer); the request arriving proves the checked address was used
        OutboundClient pinned = new OutboundClient(new OutboundFilter(List.of("127.0.0.1/32"), host -> host.equals("upstream.test")
                ? new InetAddress[] {InetAddress.getByName("127.0.0.1")} : InetAddress.getAllByName(host)), Duration.ofSeconds(2));
        int port = a.getAddress().getPort();
        HttpResponse<String> r = pinned.send(HttpRequest.newBuilder(URI.create("http://upstream.test:" + port + "/pinned?q=1%202"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("ok /pinned");
        assertThat(hosts).containsExactly("upstream.test:" + port);
        // a redirect to a relative Location stays on the name (and is pinned again)
        HttpResponse<String> red = pinned.send(HttpRequest.newBuilder(URI.create("http://upstream.test:" + port + "/r" + to("/after")))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(red.body()).isEqualTo("ok /after");
        assertThat(hosts).endsWith("upstream.test:" + port);
    }

    @Test
    void theFirstUrlIsCheckedToo() {
        assertThatThrownBy(() -> get("http://10.1.2.3/")).isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("private");
    }
}
