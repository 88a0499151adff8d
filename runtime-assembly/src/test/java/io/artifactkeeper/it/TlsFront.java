package io.artifactkeeper.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * An HTTPS front for a test server, the way a registry is deployed behind TLS termination: a
 * self-signed certificate for 127.0.0.1 (made with the JDK's keytool; {@link #certificatePem()}
 * is what clients trust), requests streamed through to the plain-HTTP server with the headers a
 * package client sends. Clients that send credentials only over HTTPS (the go command reads .netrc
 * for https URLs only) need it.
 */
final class TlsFront implements AutoCloseable {
    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Accept", "Content-Type", "If-None-Match",
            "If-Modified-Since", "Range", "User-Agent");
    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "ETag", "Last-Modified", "Content-Range",
            "Accept-Ranges", "WWW-Authenticate", "Location", "Cache-Control");

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String target;
    private final Path certificatePem;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong withBasicAuth = new AtomicLong();

    private TlsFront(String target, Path dir) throws Exception {
        this.target = target;
        Files.createDirectories(dir);
        Path ks = dir.resolve("front.p12");
        certificatePem = dir.resolve("front.pem");
        Files.deleteIfExists(ks);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "front", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "7", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "front", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", certificatePem.toString()));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    static TlsFront start(String target, Path dir) throws Exception {
        return new TlsFront(target, dir);
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    Path certificatePem() {
        return certificatePem;
    }

    long requests() {
        return requests.get();
    }

    long requestsWithBasicAuth() {
        return withBasicAuth.get();
    }

    private void forward(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.startsWith("Basic ")) {
            withBasicAuth.incrementAndGet();
        }
        try (ex) {
            String method = ex.getRequestMethod();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(120));
            boolean hasBody = method.equals("PUT") || method.equals("POST") || method.equals("PATCH");
            b.method(method, hasBody ? HttpRequest.BodyPublishers.ofInputStream(ex::getRequestBody)
                    : HttpRequest.BodyPublishers.noBody());
            for (String h : REQUEST_HEADERS) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    b.header(h, v);
                }
            }
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            for (String h : RESPONSE_HEADERS) {
                r.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().set(h, v));
            }
            long length = r.headers().firstValueAsLong("Content-Length").orElse(0);
            boolean noBody = method.equals("HEAD") || r.statusCode() == 204 || r.statusCode() == 304;
            ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : length == 0 ? 0 : length);
            try (InputStream in = r.body(); OutputStream out = ex.getResponseBody()) {
                if (!noBody) {
                    in.transferTo(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(502, -1);
        }
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
