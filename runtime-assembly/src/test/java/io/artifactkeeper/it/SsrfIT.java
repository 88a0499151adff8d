package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * Server-side request forgery and an upstream steering the server (issue 13, items 7, 8 and 19).
 * The server allows 127.0.0.1/32 only (AK_OUTBOUND_ALLOW, as every test server); the listeners of this
 * test are all on loopback: 127.0.0.1 (allowed) and 127.0.0.2 (loopback outside the allow-list, which
 * must never see a connection). Addresses outside loopback appear only as URLs the filter refuses
 * before connecting, and only after a loopback refusal was seen to hold (on a server without the
 * filter the test fails before it would send anything there).
 */
class SsrfIT {
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;
    /** Counts TCP connections to 127.0.0.2: there must be none. */
    static ServerSocket forbidden;
    static final AtomicInteger forbiddenConnections = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).start();
        forbidden = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
        Thread.ofPlatform().daemon().start(() -> {
            while (!forbidden.isClosed()) {
                try (Socket s = forbidden.accept()) {
                    forbiddenConnections.incrementAndGet();
                } catch (IOException e) {
                    // closed
                }
            }
        });
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
    }

    @AfterAll
    static void stop() throws Exception {
        if (forbidden != null) {
            forbidden.close();
        }
        if (ak != null) {
            ak.close();
        }
    }

    /** One request as a listener saw it. */
    record Seen(String method, String path, String authorization) {
    }

    /** An HTTP listener on 127.0.0.1 that records requests and answers with {@code answer}. */
    static final class Upstream implements AutoCloseable {
        final HttpServer server;
        final List<Seen> seen = new CopyOnWriteArrayList<>();

        interface Answer {
            void answer(com.sun.net.httpserver.HttpExchange ex) throws IOException;
        }

        Upstream(Answer answer) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.createContext("/", ex -> {
                String q = ex.getRequestURI().getRawQuery();
                seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath() + (q == null ? "" : "?" + q),
                        ex.getRequestHeaders().getFirst("Authorization")));
                ex.getRequestBody().readAllBytes();
                answer.answer(ex);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static void send(com.sun.net.httpserver.HttpExchange ex, int status, String body, String... headers) throws IOException {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            ex.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private void remote(String key, String format, String upstream, Map<String, Object> settings) throws Exception {
        HttpResponse<String> r = ak.json("POST", "/api/v1/repositories", admin, Map.of("key", key, "format", format,
                "repo_type", "remote", "upstream_url", upstream, "settings", settings));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static final Map<String, Object> CREDS = Map.of("upstream_username", "up-user", "upstream_password", "up-secret");
    private static final String UP_BASIC = Distribution.basic("up-user", "up-secret");

    /** A refused fetch: 502 naming the refusal, quickly (nothing was waited for). */
    private void assertRefused(String path) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = ak.send("GET", path, admin, null, null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.body()).contains("refused").contains("AK_OUTBOUND_ALLOW");
        assertThat(ms).as("refused before connecting, not after a timeout").isLessThan(3000);
    }

    @Test
    void upstreamsOnNonPublicAddressesAreRefusedBeforeConnecting() throws Exception {
        int port = forbidden.getLocalPort();
        remote("ssrf-loop2", "generic", "http://127.0.0.2:" + port + "/", Map.of());
        assertRefused("/general/ssrf-loop2/secret.txt");
        assertThat(forbiddenConnections.get()).as("connections to 127.0.0.2").isZero();
        // 0.0.0.0 and ::1 reach this host too
        remote("ssrf-any", "generic", "http://0.0.0.0:" + port + "/", Map.of());
        assertRefused("/general/ssrf-any/x");
        remote("ssrf-v6", "generic", "http://[::1]:" + port + "/", Map.of());
        assertRefused("/general/ssrf-v6/x");
        remote("ssrf-mapped", "generic", "http://[::ffff:127.0.0.2]:" + port + "/", Map.of());
        assertRefused("/general/ssrf-mapped/x");
        assertThat(forbiddenConnections.get()).isZero();
        // only now (the filter is known to be there) the non-loopback ranges: refused without a packet sent
        for (String[] u : new String[][] {{"ssrf-meta", "http://169.254.169.254/latest/meta-data/"},
            {"ssrf-ten", "http://10.255.255.1/"}, {"ssrf-192", "http://192.168.255.1/"}, {"ssrf-172", "http://172.31.255.1/"},
            {"ssrf-cgnat", "http://100.64.0.1/"}, {"ssrf-ula", "http://[fd00::1]/"}, {"ssrf-ll6", "http://[fe80::1]/"}}) {
            remote(u[0], "generic", u[1], Map.of());
            assertRefused("/general/" + u[0] + "/x");
        }
    }

    @Test
    void redirectsPassTheFilterAndLoseCredentialsAcrossOrigins() throws Exception {
        try (Upstream other = new Upstream(ex -> send(ex, 200, "other origin"));
                Upstream up = new Upstream(ex -> {
                    String p = ex.getRequestURI().getPath();
                    switch (p) {
                        case "/to-forbidden" -> send(ex, 302, "", "Location", "http://127.0.0.2:" + forbidden.getLocalPort() + "/x");
                        case "/to-meta" -> send(ex, 302, "", "Location", "http://169.254.169.254/latest/meta-data/");
                        case "/to-file" -> send(ex, 302, "", "Location", "file:///etc/passwd");
                        case "/to-same" -> send(ex, 302, "", "Location", "/same-target");
                        case "/same-target" -> send(ex, 200, "same origin");
                        default -> send(ex, 404, "");
                    }
                })) {
            // the cross-origin target is known only after the upstream exists
            try (Upstream hop = new Upstream(ex -> send(ex, 302, "", "Location", other.url() + "/landed"))) {
                remote("redir", "generic", up.url() + "/", CREDS);
                remote("redir-hop", "generic", hop.url() + "/", CREDS);

                assertRefused("/general/redir/to-forbidden");
                assertThat(forbiddenConnections.get()).isZero();
                assertRefused("/general/redir/to-meta");
                HttpResponse<String> file = ak.send("GET", "/general/redir/to-file", admin, null, null);
                assertThat(file.statusCode()).as(file.body()).isEqualTo(502);
                assertThat(file.body()).contains("only http and https").doesNotContain("root:");

                // same origin: followed with the credentials
                HttpResponse<String> same = ak.send("GET", "/general/redir/to-same", admin, null, null);
                assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
                assertThat(same.body()).isEqualTo("same origin");
                assertThat(up.seen).filteredOn(s -> s.path().equals("/same-target")).extracting(Seen::authorization)
                        .containsOnly(UP_BASIC);

                // another origin (another port of an allowed address): followed, credentials dropped
                HttpResponse<String> cross = ak.send("GET", "/general/redir-hop/start", admin, null, null);
                assertThat(cross.statusCode()).as(cross.body()).isEqualTo(200);
                assertThat(cross.body()).isEqualTo("other origin");
                assertThat(hop.seen).extracting(Seen::authorization).containsOnly(UP_BASIC);
                assertThat(other.seen).hasSize(1);
                assertThat(other.seen.get(0).authorization()).as("credentials sent to another origin").isNull();
            }
        }
    }

    @Test
    void aBearerChallengeNeverSendsTheUpstreamCredentialsToAnotherOrigin() throws Exception {
        try (Upstream realm = new Upstream(ex -> send(ex, 200, "{\"token\":\"tok-1\",\"expires_in\":300}",
                "Content-Type", "application/json"))) {
            String challenge = "Bearer realm=\"" + realm.url() + "/token\",service=\"evil\"";
            try (Upstream up = new Upstream(ex -> {
                if ("Bearer tok-1".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    send(ex, 404, "");
                } else {
                    send(ex, 401, "", "WWW-Authenticate", challenge);
                }
            })) {
                // generic has no token authentication: a 401 naming a realm is a refusal, nothing more
                remote("bearer-generic", "generic", up.url() + "/", CREDS);
                HttpResponse<String> g = ak.send("GET", "/general/bearer-generic/file.bin", admin, null, null);
                assertThat(g.statusCode()).as(g.body()).isEqualTo(502);
                assertThat(realm.seen).as("a generic remote must not do the token dance").isEmpty();

                // OCI has it: the token is fetched from the realm, anonymously (another origin)
                remote("bearer-oci", "oci", up.url() + "/v2/up", CREDS);
                HttpResponse<String> o = ak.send("GET", "/v2/bearer-oci/lib/app/manifests/1.0", admin, null, null,
                        "Accept", "application/vnd.oci.image.manifest.v1+json");
                assertThat(o.statusCode()).as(o.body()).isIn(404, 502);
                assertThat(realm.seen).isNotEmpty();
                assertThat(realm.seen).extracting(Seen::authorization).as("upstream credentials at a foreign realm")
                        .containsOnlyNulls();
                assertThat(up.seen).extracting(Seen::authorization).contains(UP_BASIC, "Bearer tok-1");
            }
        }
    }

    @Test
    void changingAnUpstreamNeedsAGlobalAdministrator() throws Exception {
        try (Upstream up = new Upstream(ex -> send(ex, 404, ""))) {
            remote("owned-remote", "generic", up.url() + "/", Map.of());
            String pw = "Passw0rd-repo-admin-1";
            JsonNode u = Distribution.parse(ak.json("POST", "/api/v1/users", admin, Map.of("username", "repoadmin",
                    "password", pw, "email", "repoadmin@example.com")));
            String id = Distribution.parse(ak.send("GET", "/api/v1/repositories/owned-remote", admin, null, null)).get("id")
                    .asText();
            assertThat(ak.json("POST", "/api/v1/permissions", admin, Map.of("principal_type", "user", "principal_id",
                    u.get("id").asText(), "target_type", "repository", "target_id", id, "actions",
                    List.of("read", "write", "delete", "admin"))).statusCode()).isEqualTo(201);
            String repoAdmin = Distribution.basic("repoadmin", pw);

            HttpResponse<String> denied = ak.json("PATCH", "/api/v1/repositories/owned-remote", repoAdmin,
                    Map.of("upstream_url", "http://169.254.169.254/latest/"));
            assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
            // what a repository administrator may still change
            HttpResponse<String> described = ak.json("PATCH", "/api/v1/repositories/owned-remote", repoAdmin,
                    Map.of("description", "mine", "upstream_url", up.url() + "/"));
            assertThat(described.statusCode()).as(described.body()).isEqualTo(200);
            assertThat(Distribution.parse(ak.send("GET", "/api/v1/repositories/owned-remote", admin, null, null))
                    .get("upstream_url").asText()).isEqualTo(up.url() + "/");
            HttpResponse<String> byAdmin = ak.json("PATCH", "/api/v1/repositories/owned-remote", admin,
                    Map.of("upstream_url", up.url() + "/v2/"));
            assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(200);
        }
    }

    @Test
    void gitPluginsComeFromHttpUrlsThroughTheFilterOnly() throws Exception {
        for (String url : new String[] {"file:///etc", "/etc", tmp.toUri().toString(), "ssh://git@127.0.0.1/x.git",
            "git://127.0.0.1/x.git"}) {
            HttpResponse<String> r = ak.json("POST", "/api/v1/plugins/install/git", admin, Map.of("url", url));
            assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("only http(s) Git URLs");
        }
        HttpResponse<String> loop2 = ak.json("POST", "/api/v1/plugins/install/git", admin,
                Map.of("url", "http://127.0.0.2:" + forbidden.getLocalPort() + "/x.git"));
        assertThat(loop2.statusCode()).as(loop2.body()).isEqualTo(400);
        assertThat(loop2.body()).contains("refused");
        assertThat(forbiddenConnections.get()).isZero();
        // an allowed address that is no Git server: what it answered is not echoed
        try (Upstream page = new Upstream(ex -> send(ex, 200, "<html>internal-dashboard-secret</html>",
                "Content-Type", "text/html"))) {
            HttpResponse<String> r = ak.json("POST", "/api/v1/plugins/install/git", admin, Map.of("url", page.url() + "/x.git"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).doesNotContain("internal-dashboard-secret").doesNotContain("text/html");
        }
    }

    @Test
    void onlyBundlesThatProvideAFormatHandlerServiceAreInstalledAsFormats() throws Exception {
        // the interface's name appears in the manifest, but no FormatHandler service is provided
        for (Map<String, String> headers : List.of(
                Map.of("Bundle-Description", "not a io.artifactkeeper.api.format.FormatHandler at all"),
                Map.of("Provide-Capability", "x.io.artifactkeeper.api.format.FormatHandler;x=1"),
                Map.of("Provide-Capability", "osgi.service;objectClass:List<String>=\"io.artifactkeeper.api.format.FormatHandlerX\""),
                Map.of("Provide-Capability", "osgi.service;uses:=\"io.artifactkeeper.api.format.FormatHandler\";"
                        + "objectClass:List<String>=\"java.lang.Runnable\""))) {
            HttpResponse<String> r = ak.send("POST", "/api/v1/formats/install", admin, "application/java-archive",
                    jar("io.artifactkeeper.it.notaformat", headers));
            assertThat(r.statusCode()).as(headers + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("only format bundles");
        }
    }

    static byte[] jar(String bsn, Map<String, String> headers) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        headers.forEach(a::putValue);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream j = new JarOutputStream(out, mf)) {
            // an empty bundle is enough: it must be refused before it is installed
        }
        return out.toByteArray();
    }
}
