package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Issue 13, item 1: a remote repository's upstream password is write-only on the API (never
 * returned, to anyone; {@code upstream_password_set} instead), sealed in the database under a key
 * that is not in the database, never logged, and still sent upstream; rows stored in plain text
 * before this keep working and are sealed on the next start.
 */
class SecretsIT {
    static final String UP_USER = "up-user";
    static final String UP_PASSWORD = "up-Secret-4242";
    static final String LEGACY_PASSWORD = "legacy-Plain-7777";

    @TempDir
    static Path tmp;
    static EmbeddedPostgres pg;
    static HttpServer upstream;
    static final List<String> upstreamAuth = new CopyOnWriteArrayList<>();
    static Distribution ak;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        Path pgData = tmp.resolve("pg");
        Files.createDirectories(pgData);
        pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setPort(Distribution.freePort()).start();
        // an upstream that serves only to its own credentials (either of the two accounts)
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", x -> {
            String auth = x.getRequestHeaders().getFirst("Authorization");
            upstreamAuth.add(String.valueOf(auth));
            boolean ok = Distribution.basic(UP_USER, UP_PASSWORD).equals(auth)
                    || Distribution.basic(UP_USER, LEGACY_PASSWORD).equals(auth);
            byte[] body = (ok ? "content of " + x.getRequestURI().getPath() : "no").getBytes(StandardCharsets.UTF_8);
            if (!ok) {
                x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"up\"");
            }
            x.sendResponseHeaders(ok ? 200 : 401, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        upstream.start();
        ak = server();
        admin = ak.adminBasic();
    }

    static Distribution server() throws Exception {
        Distribution d = new Distribution(tmp.resolve("data"))
                .env("AK_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres").start();
        d.awaitReady(Duration.ofSeconds(120));
        return d;
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (pg != null) {
            pg.close();
        }
    }

    static String upstreamUrl() {
        return "http://127.0.0.1:" + upstream.getAddress().getPort() + "/";
    }

    static String storedSettings(String key) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                var st = c.prepareStatement("SELECT settings::text FROM repositories WHERE key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    static void assertNoPassword(HttpResponse<String> r) {
        assertThat(r.body()).doesNotContain(UP_PASSWORD).doesNotContain(LEGACY_PASSWORD).doesNotContain("akenc:");
    }

    /** Polls until the path is served through the remote (the server caches repository rows briefly). */
    static HttpResponse<byte[]> awaitServed(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<byte[]> r;
        do {
            r = ak.getBytes(path, null);
            if (r.statusCode() == 200) {
                return r;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return r;
    }

    @Test
    void passwordIsWriteOnlySealedAtRestAndStillSentUpstream() throws Exception {
        HttpResponse<String> created = ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "rem-secret",
                "format", "generic", "repo_type", "remote", "is_public", true, "upstream_url", upstreamUrl(),
                "settings", Map.of("upstream_username", UP_USER, "upstream_password", UP_PASSWORD)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertNoPassword(created);
        JsonNode settings = Distribution.parse(created).get("settings");
        assertThat(settings.get("upstream_password_set").asBoolean()).isTrue();
        assertThat(settings.get("upstream_username").asText()).isEqualTo(UP_USER);

        // never returned: to the admin, to anonymous callers of the public remote, in lists
        for (String auth : new String[] {admin, null}) {
            HttpResponse<String> one = ak.send("GET", "/api/v1/repositories/rem-secret", auth, null, null);
            assertThat(one.statusCode()).isEqualTo(200);
            assertNoPassword(one);
            assertThat(Distribution.parse(one).get("settings").get("upstream_password_set").asBoolean()).isTrue();
            HttpResponse<String> all = ak.send("GET", "/api/v1/repositories", auth, null, null);
            assertThat(all.body()).contains("rem-secret");
            assertNoPassword(all);
        }

        // sealed in the database, under a key kept outside it (owner-only key file in the data dir)
        String row = storedSettings("rem-secret");
        assertThat(row).doesNotContain(UP_PASSWORD).contains("akenc:v1:");
        Path keyFile = ak.dataDir().resolve("secrets.key");
        assertThat(keyFile).exists();
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        // the upstream still gets the real credentials
        HttpResponse<byte[]> got = ak.getBytes("/general/rem-secret/a/one.txt", null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("content of /a/one.txt");
        assertThat(upstreamAuth).contains(Distribution.basic(UP_USER, UP_PASSWORD));

        // a client that never saw the password updates the settings without it: the password stays
        HttpResponse<String> patched = ak.json("PATCH", "/api/v1/repositories/rem-secret", admin,
                Map.of("description", "changed", "settings", Map.of("upstream_username", UP_USER,
                        "upstream_password_set", true)));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertNoPassword(patched);
        assertThat(Distribution.parse(patched).get("settings").get("upstream_password_set").asBoolean()).isTrue();
        assertThat(awaitServed("/general/rem-secret/a/two.txt").statusCode()).isEqualTo(200);

        // never logged
        assertThat(ak.logText()).doesNotContain(UP_PASSWORD);
    }

    @Test
    void plainTextRowsFromBeforeKeepWorkingAndAreSealedOnStart() throws Exception {
        HttpResponse<String> created = ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "rem-legacy",
                "format", "generic", "repo_type", "remote", "is_public", true, "upstream_url", upstreamUrl()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // what an older version stored: the password in plain text in the settings
        try (Connection c = pg.getPostgresDatabase().getConnection();
                var st = c.prepareStatement("UPDATE repositories SET settings = CAST(? AS jsonb) WHERE key = 'rem-legacy'")) {
            st.setString(1, "{\"upstream_username\":\"" + UP_USER + "\",\"upstream_password\":\"" + LEGACY_PASSWORD + "\"}");
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        // read as it is while it is plain
        HttpResponse<byte[]> got = awaitServed("/general/rem-legacy/old.txt");
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(upstreamAuth).contains(Distribution.basic(UP_USER, LEGACY_PASSWORD));
        HttpResponse<String> shown = ak.send("GET", "/api/v1/repositories/rem-legacy", null, null, null);
        assertNoPassword(shown);
        assertThat(Distribution.parse(shown).get("settings").get("upstream_password_set").asBoolean()).isTrue();

        // a restart seals it, and it still works
        assertThat(ak.stop(Duration.ofSeconds(60))).isZero();
        ak = server();
        assertThat(storedSettings("rem-legacy")).doesNotContain(LEGACY_PASSWORD).contains("akenc:v1:");
        upstreamAuth.clear();
        assertThat(ak.getBytes("/general/rem-legacy/after-restart.txt", null).statusCode()).isEqualTo(200);
        assertThat(upstreamAuth).containsOnly(Distribution.basic(UP_USER, LEGACY_PASSWORD));
        assertThat(ak.logText()).doesNotContain(LEGACY_PASSWORD);
    }
}
