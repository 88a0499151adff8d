package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * npm tokens and the audit forward (issue 13, items 10 and 16): logout revokes the caller's own
 * token and nobody else's, tokens never reach the access log, npm-login tokens expire after the
 * configured lifetime (AK_LOGIN_TOKEN_TTL_DAYS, 7 here), and only the npm audit endpoints are
 * forwarded upstream, for callers who may read.
 */
class NpmTokenIT {
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;
    static HttpServer upstream;
    static final List<String> upstreamSaw = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).env("AK_LOGIN_TOKEN_TTL_DAYS", "7").start();
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        upstream.createContext("/", ex -> {
            upstreamSaw.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            ex.getRequestBody().readAllBytes();
            byte[] b = "{}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        upstream.start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "npm-t", "format", "npm")).statusCode())
                .isEqualTo(201);
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "npm-up", "format", "npm", "repo_type",
                "remote", "upstream_url", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/", "settings",
                Map.of("upstream_username", "up", "upstream_password", "up-secret"))).statusCode()).isEqualTo(201);
        for (String u : new String[] {"alice", "bob"}) {
            assertThat(ak.json("POST", "/api/v1/users", admin, Map.of("username", u, "password", password(u), "email",
                    u + "@example.com")).statusCode()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (upstream != null) {
            upstream.stop(0);
        }
        if (ak != null) {
            ak.close();
        }
    }

    static String password(String user) {
        return "Npm-Token-It-" + user + "-2024!";
    }

    /** npm login as npm does it: the password in a PUT body, a token in the answer. */
    static String login(String user) throws Exception {
        HttpResponse<String> r = ak.json("PUT", "/npm/npm-t/-/user/org.couchdb.user:" + user, null,
                Map.of("name", user, "password", password(user)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    static int whoami(String token) throws Exception {
        return ak.send("GET", "/npm/npm-t/-/whoami", "Bearer " + token, null, null).statusCode();
    }

    @Test
    void logoutRevokesTheCallersOwnTokenOnly() throws Exception {
        String alice = login("alice");
        String bob = login("bob");
        String path = "/npm/npm-t/-/user/token/" + alice;

        assertThat(ak.send("DELETE", path, null, null, null).statusCode()).as("anonymous").isEqualTo(401);
        assertThat(whoami(alice)).isEqualTo(200);
        assertThat(ak.send("DELETE", path, "Bearer " + bob, null, null).statusCode()).as("another user").isEqualTo(403);
        assertThat(whoami(alice)).isEqualTo(200);
        assertThat(ak.send("DELETE", path, admin, null, null).statusCode()).as("even an administrator, on this route")
                .isEqualTo(403);
        assertThat(whoami(alice)).isEqualTo(200);

        // npm logout: DELETE with the token itself
        HttpResponse<String> out = ak.send("DELETE", path, "Bearer " + alice, null, null);
        assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
        assertThat(whoami(alice)).as("revoked").isEqualTo(401);
        assertThat(whoami(bob)).as("bob's token is untouched").isEqualTo(200);

        // the token was in the path of every one of those requests: never in the log
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!ak.logText().contains("DELETE /npm/npm-t/-/user/token/[redacted] 200") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        // nor a credential in a query: the line is there, the secret is not
        assertThat(ak.send("GET", "/npm/npm-t/-/whoami?access_token=query-secret-1", "Bearer " + bob, null, null).statusCode())
                .isEqualTo(200);
        deadline = System.nanoTime() + 10_000_000_000L;
        while (!ak.logText().contains("/npm/npm-t/-/whoami?access_token=") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ak.logText()).contains("/npm/npm-t/-/whoami?access_token=[redacted]");
        assertThat(ak.logText()).contains("DELETE /npm/npm-t/-/user/token/[redacted] 200").doesNotContain(alice)
                .doesNotContain(bob).doesNotContain("query-secret-1");
    }

    @Test
    void npmLoginTokensExpire() throws Exception {
        login("bob");
        JsonNode me = Distribution.parse(ak.send("GET", "/api/v1/users", admin, null, null));
        String bobId = null;
        for (JsonNode u : me.get("items")) {
            if (u.get("username").asText().equals("bob")) {
                bobId = u.get("id").asText();
            }
        }
        JsonNode tokens = Distribution.parse(ak.send("GET", "/api/v1/users/" + bobId + "/tokens", admin, null, null));
        assertThat(tokens.get("items")).isNotEmpty();
        for (JsonNode t : tokens.get("items")) {
            assertThat(t.get("expires_at").isNull()).as("npm login token without expiry: " + t).isFalse();
            Instant exp = Instant.parse(t.get("expires_at").asText());
            assertThat(exp).isBetween(Instant.now().plus(Duration.ofDays(7)).minus(Duration.ofHours(1)),
                    Instant.now().plus(Duration.ofDays(7)).plus(Duration.ofHours(1)));
        }
    }

    @Test
    void onlyTheAuditEndpointsAreForwardedAndOnlyForReaders() throws Exception {
        byte[] body = "{\"name\":\"x\",\"version\":\"1.0.0\",\"requires\":{},\"dependencies\":{}}".getBytes(StandardCharsets.UTF_8);
        for (String ep : new String[] {"audits/quick", "audits", "advisories/bulk"}) {
            HttpResponse<String> r = ak.send("POST", "/npm/npm-up/-/npm/v1/security/" + ep, admin, "application/json", body);
            assertThat(r.statusCode()).as(ep + ": " + r.body()).isEqualTo(200);
        }
        assertThat(upstreamSaw).containsExactly("POST /-/npm/v1/security/audits/quick", "POST /-/npm/v1/security/audits",
                "POST /-/npm/v1/security/advisories/bulk");

        for (String other : new String[] {"advisories/../../../-/user/token/x", "anything", "audits/quick/more", "admin/reset"}) {
            HttpResponse<String> r = ak.send("POST", "/npm/npm-up/-/npm/v1/security/" + other, admin, "application/json", body);
            assertThat(r.statusCode()).as(other + ": " + r.body()).isIn(400, 404);
        }
        // the private remote: anonymous callers are not forwarded anything
        HttpResponse<String> anon = ak.send("POST", "/npm/npm-up/-/npm/v1/security/audits/quick", null, "application/json", body);
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(upstreamSaw).hasSize(3);
    }
}
