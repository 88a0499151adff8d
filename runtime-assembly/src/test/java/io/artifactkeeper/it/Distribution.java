package io.artifactkeeper.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The assembled distribution ({@code target/artifact-keeper}) started as a real process on a free
 * port with its own data directory, as a user would start it. Stopped with SIGTERM.
 */
public final class Distribution implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "admin-Passw0rd!";
    public static final ObjectMapper JSON = new ObjectMapper();

    private final Path dist;
    private final Path dataDir;
    private final int port;
    private final Map<String, String> env = new HashMap<>();
    private Process process;
    private int httpsPort;
    private Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Distribution(Path dataDir) {
        this(dataDir, freePort());
    }

    public Distribution(Path dataDir, int port) {
        this(builtDistribution(), dataDir, port);
    }

    /** A server from another copy of the distribution (e.g. one whose features a test edited). */
    public Distribution(Path dist, Path dataDir, int port) {
        this.dist = dist;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** The distribution the build assembled. */
    public static Path builtDistribution() {
        String d = System.getProperty("ak.dist");
        if (d == null) {
            throw new IllegalStateException("system property ak.dist is not set (run through Maven failsafe)");
        }
        return Path.of(d);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Distribution env(String k, String v) {
        env.put(k, v);
        return this;
    }

    /** Also serves HTTPS on a free port with {@code tls}'s key store (AK_HTTPS_* / AK_TLS_*). */
    public Distribution https(TestTls tls) {
        httpsPort = freePort();
        env.put("AK_HTTPS_ENABLED", "true");
        env.put("AK_HTTPS_PORT", String.valueOf(httpsPort));
        env.put("AK_TLS_KEYSTORE", tls.keyStore().toString());
        env.put("AK_TLS_KEYSTORE_PASSWORD", TestTls.PASSWORD);
        return this;
    }

    /** The HTTPS base URL (after {@link #https}). */
    public String httpsUrl() {
        if (httpsPort == 0) {
            throw new IllegalStateException("HTTPS was not enabled for this server");
        }
        return "https://127.0.0.1:" + httpsPort;
    }

    public Path dist() {
        return dist;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public Process process() {
        return process;
    }

    /** Starts the process (does not wait for readiness). */
    public Distribution start() throws IOException {
        Files.createDirectories(dataDir);
        // kept under target/it-logs so that a failed run can be read afterwards
        Path logs = Path.of(System.getProperty("ak.it.logs", "target/it-logs"));
        Files.createDirectories(logs);
        log = Files.createTempFile(logs, "server-", ".log");
        List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/artifact-keeper").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("AK_DATA_DIR", dataDir.toString());
        pb.environment().put("AK_HTTP_PORT", String.valueOf(port));
        pb.environment().put("AK_HTTP_HOST", "127.0.0.1");
        pb.environment().put("AK_ADMIN_PASSWORD", ADMIN_PASSWORD);
        pb.environment().put("JAVA_HOME", System.getProperty("ak.java.home", System.getProperty("java.home")));
        // the tests' upstreams (other servers, fake registries, Git) listen on 127.0.0.1, which outbound
        // fetches refuse unless allowed; a test of the refusal sets its own value
        pb.environment().put("AK_OUTBOUND_ALLOW", "127.0.0.1/32");
        pb.environment().putAll(env);
        process = pb.start();
        return this;
    }

    /** Waits until /readyz answers 200; returns the milliseconds it took from now. */
    public long awaitReady(Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + ":\n" + logText());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not ready after " + timeout + ": " + last + "\n" + logText());
    }

    public String logText() {
        try {
            return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM, then waits; returns the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return process == null ? 0 : process.exitValue();
        }
        process.destroy(); // SIGTERM
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("server did not stop within " + timeout + "\n" + logText());
        }
        return process.exitValue();
    }

    /** kill -9 of the server (and nothing else: the embedded PostgreSQL is left orphaned, as in a crash). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop(Duration.ofSeconds(60));
        }
    }

    // --- HTTP helpers

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public String adminBasic() {
        return basic("admin", ADMIN_PASSWORD);
    }

    public HttpResponse<String> send(String method, String path, String auth, String contentType, byte[] body,
            String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String path, String auth, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60)).GET();
        if (auth != null) {
            b.header("Authorization", auth);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> json(String method, String path, String auth, Object body) throws Exception {
        return send(method, path, auth, "application/json", body == null ? null : JSON.writeValueAsBytes(body));
    }

    /** A signing key the server generates or imports ({@code POST /api/v1/signing/keys} with {@code body}). */
    public JsonNode createSigningKey(Map<String, Object> body) throws Exception {
        HttpResponse<String> r = json("POST", "/api/v1/signing/keys", adminBasic(), body);
        if (r.statusCode() != 201) {
            throw new AssertionError("creating a signing key answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r);
    }

    /** Makes key {@code keyId} sign {@code repo}'s indexes, with {@code extra} config fields. */
    public void signRepository(String repo, String keyId, Map<String, Object> extra) throws Exception {
        Map<String, Object> body = new java.util.LinkedHashMap<>(extra);
        body.put("signing_key_id", keyId);
        body.putIfAbsent("sign_metadata", true);
        HttpResponse<String> r = json("POST", "/api/v1/signing/repositories/" + repo + "/config", adminBasic(), body);
        if (r.statusCode() != 200) {
            throw new AssertionError("configuring signing of " + repo + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    public static JsonNode parse(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    public HttpClient http() {
        return http;
    }
}
