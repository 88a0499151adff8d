package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Issue 13, items 11, 14, 15, 17, 18 and 20: break-glass console login only with current
 * credentials of current admins; no secret among the framework properties the console shows;
 * no JSON as text/plain and no cross-site writes; the password policy and must_change_password;
 * a NUL in a query is a 400; no existence oracle for private repositories, groups visible only to
 * their members and administrators.
 */
class IdentityHardeningIT {
    static final String PW = "Hardening-Test-Pw-1";
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        // with HTTPS on, so that the key store password is among the secrets that must not show
        ak = new Distribution(tmp.resolve("data")).https(TestTls.create(tmp.resolve("tls"))).start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
    }

    static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : Distribution.parse(r);
    }

    static String user(Distribution d, String auth, String name, String password, boolean isAdmin) throws Exception {
        return ok(d.json("POST", "/api/v1/users", auth, Map.of("username", name, "password", password,
                "is_admin", isAdmin)), 201).get("id").asText();
    }

    static int console(Distribution d, String auth) throws Exception {
        return d.send("GET", "/system/console/bundles.json", auth, null, null).statusCode();
    }

    @Test
    void breakGlassAcceptsOnlyCurrentCredentialsOfCurrentAdmins() throws Exception {
        Path pgData = tmp.resolve("pg");
        Files.createDirectories(pgData);
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setPort(Distribution.freePort()).start();
        try (Distribution d = new Distribution(tmp.resolve("data-bg"))) {
            d.env("AK_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres").start();
            d.awaitReady(Duration.ofSeconds(120));
            String original = d.adminBasic();
            String adminId = ok(d.send("GET", "/api/v1/auth/me", original, null, null), 200).get("id").asText();
            String secondId = user(d, original, "second-admin", PW, true);
            String second = Distribution.basic("second-admin", PW);
            assertThat(console(d, original)).isEqualTo(200);
            assertThat(console(d, second)).isEqualTo(200);

            // the second admin is demoted, the admin's password rotated
            ok(d.json("PATCH", "/api/v1/users/" + secondId, original, Map.of("is_admin", false)), 200);
            String rotated = "Rotated-Admin-Pw-77";
            ok(d.json("POST", "/api/v1/users/" + adminId + "/password", original, Map.of("new_password", rotated)), 204);
            String current = Distribution.basic("admin", rotated);
            assertThat(console(d, current)).isEqualTo(200);

            pg.close();
            pg = null;
            // the database is down: only the current credentials of a current admin open the console
            assertThat(console(d, current)).isEqualTo(200);
            assertThat(console(d, original)).as("the rotated AK_ADMIN_PASSWORD").isEqualTo(401);
            assertThat(console(d, second)).as("the demoted admin").isEqualTo(401);
            assertThat(console(d, Distribution.basic("admin", "anything-else-1"))).isEqualTo(401);
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    @Test
    void noSecretIsAFrameworkPropertyOnTheConsole() throws Exception {
        HttpResponse<String> props = ak.send("GET", "/system/console/status-Framework%20Properties.txt", admin, null, null);
        assertThat(props.statusCode()).isEqualTo(200);
        assertThat(props.body()).contains("ak.data.dir").doesNotContain(Distribution.ADMIN_PASSWORD)
                .doesNotContain("ak.admin.password")
                .doesNotContain("keystore.password").doesNotContain(TestTls.PASSWORD);
        HttpResponse<String> configs = ak.send("GET", "/system/console/status-Configurations.txt", admin, null, null);
        if (configs.statusCode() == 200) {
            assertThat(configs.body()).doesNotContain(Distribution.ADMIN_PASSWORD);
        }
        assertThat(ak.logText()).doesNotContain(Distribution.ADMIN_PASSWORD);
        // the secrets reach the bundles through an owner-only file, gone when the server stops
        Path secrets = ak.dataDir().resolve(".launch-secrets.properties");
        assertThat(Files.getPosixFilePermissions(secrets)).isEqualTo(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void jsonOnlyAsJsonAndNoCrossSiteWrites() throws Exception {
        byte[] body = "{\"key\":\"csrf-1\",\"format\":\"generic\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> plain = ak.send("POST", "/api/v1/repositories", admin, "text/plain", body);
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(415);
        HttpResponse<String> form = ak.send("POST", "/api/v1/repositories", admin, "application/x-www-form-urlencoded", body);
        assertThat(form.statusCode()).isEqualTo(415);
        HttpResponse<String> cross = ak.send("POST", "/api/v1/repositories", admin, "application/json", body,
                "Origin", "https://evil.example");
        assertThat(cross.statusCode()).as(cross.body()).isEqualTo(403);
        assertThat(cross.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(ak.send("GET", "/api/v1/repositories/csrf-1", admin, null, null).statusCode()).isEqualTo(404);
        // cross-site reads stay possible, without credentials
        HttpResponse<String> read = ak.send("GET", "/api/v1/repositories", null, null, null, "Origin", "https://evil.example");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(read.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        // the same page from the server's own origin, and plain clients, work
        ok(ak.send("POST", "/api/v1/repositories", admin, "application/json", body, "Origin", ak.url()), 201);
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "csrf-2", "format", "generic")), 201);
    }

    @Test
    void passwordPolicyAndMustChangePassword() throws Exception {
        assertThat(ak.json("POST", "/api/v1/users", admin, Map.of("username", "weak1", "password", "password123"))
                .statusCode()).isEqualTo(400);
        assertThat(ak.json("POST", "/api/v1/users", admin, Map.of("username", "weak2", "password", "Summer2024!!"))
                .statusCode()).isEqualTo(400);
        // 11 characters: enough for a user, not for an administrator
        assertThat(ak.json("POST", "/api/v1/users", admin, Map.of("username", "adm-short", "password", "Xk3!vq9#Lm2",
                "is_admin", true)).statusCode()).isEqualTo(400);
        user(ak, admin, "adm-long", "Xk3!vq9#Lm2$", true);
        user(ak, admin, "usr-short", "Xk3!vq9#Lm2", false);

        String id = ok(ak.json("POST", "/api/v1/users", admin, Map.of("username", "newbie", "password", PW,
                "must_change_password", true)), 201).get("id").asText();
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "mcp-files", "format", "generic",
                "is_public", true)), 201);
        String newbie = Distribution.basic("newbie", PW);
        HttpResponse<String> blocked = ak.send("GET", "/api/v1/repositories", newbie, null, null);
        assertThat(blocked.statusCode()).isEqualTo(403);
        assertThat(blocked.body()).contains("PASSWORD_CHANGE_REQUIRED");
        assertThat(ak.getBytes("/general/mcp-files/x.txt", newbie).statusCode()).isEqualTo(403);
        assertThat(ak.json("POST", "/api/v1/auth/tokens", newbie, Map.of("name", "escape")).statusCode()).isEqualTo(403);
        // what stays open: login, me, the password change, health
        JsonNode login = ok(ak.json("POST", "/api/v1/auth/login", null, Map.of("username", "newbie", "password", PW)), 200);
        assertThat(login.get("must_change_password").asBoolean()).isTrue();
        String bearer = "Bearer " + login.get("access_token").asText();
        assertThat(ak.send("GET", "/api/v1/repositories", bearer, null, null).statusCode()).isEqualTo(403);
        ok(ak.send("GET", "/api/v1/auth/me", bearer, null, null), 200);
        ok(ak.send("GET", "/health", newbie, null, null), 200);
        assertThat(ak.json("POST", "/api/v1/users/" + id + "/password", bearer, Map.of("current_password", PW,
                "new_password", "password1")).statusCode()).isEqualTo(400);
        String fresh = "Fresh-Newbie-Pw-2";
        ok(ak.json("POST", "/api/v1/users/" + id + "/password", bearer, Map.of("current_password", PW,
                "new_password", fresh)), 204);
        ok(ak.send("GET", "/api/v1/repositories", Distribution.basic("newbie", fresh), null, null), 200);
        ok(ak.send("GET", "/api/v1/repositories", bearer, null, null), 200);
    }

    @Test
    void aNulInAQueryIsABadRequest() throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "nul-files", "format", "generic")), 201);
        for (String path : List.of("/api/v1/search/quick?q=a%00b", "/api/v1/repositories?format=%00",
                "/api/v1/repositories/nul-files/artifacts?q=x%00", "/general/nul-files/?x=%00")) {
            HttpResponse<String> r = ak.send("GET", path, admin, null, null);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).doesNotContain("Exception");
        }
        HttpResponse<String> body = ak.send("PATCH", "/api/v1/repositories/nul-files", admin, "application/json",
                "{\"description\":\"a\\u0000b\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(body.statusCode()).as(body.body()).isEqualTo(400);
    }

    @Test
    void privateRepositoriesAnswerLikeMissingOnesAndGroupsAreNotForEveryone() throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "hidden", "format", "generic")), 201);
        ok(ak.send("PUT", "/general/hidden/h.txt", admin, null, "h".getBytes(StandardCharsets.UTF_8)), 201);
        String outsiderId = user(ak, admin, "outsider", PW, false);
        String outsider = Distribution.basic("outsider", PW);
        for (String auth : new String[] {null, outsider}) {
            HttpResponse<String> hidden = ak.send("GET", "/api/v1/repositories/hidden", auth, null, null);
            HttpResponse<String> missing = ak.send("GET", "/api/v1/repositories/no-such-repo", auth, null, null);
            assertThat(hidden.statusCode()).isEqualTo(404).isEqualTo(missing.statusCode());
            assertThat(Distribution.parse(hidden).get("code")).isEqualTo(Distribution.parse(missing).get("code"));
            assertThat(ak.send("GET", "/api/v1/repositories/hidden/artifacts", auth, null, null).statusCode()).isEqualTo(404);
            int hiddenPut = ak.send("PUT", "/api/v1/repositories/hidden/artifacts/x.txt", auth, "application/octet-stream",
                    "x".getBytes()).statusCode();
            int missingPut = ak.send("PUT", "/api/v1/repositories/no-such-repo/artifacts/x.txt", auth,
                    "application/octet-stream", "x".getBytes()).statusCode();
            assertThat(hiddenPut).isEqualTo(missingPut);
        }
        // native routes: a signed-in caller without rights sees 404 like for a missing repository;
        // anonymous callers get the 401 challenge package clients need (documented in SECURITY.md)
        assertThat(ak.getBytes("/general/hidden/h.txt", outsider).statusCode()).isEqualTo(404);
        assertThat(ak.getBytes("/general/hidden/h.txt", null).statusCode()).isEqualTo(401);

        // groups: members and administrators only, and members see no one else
        String insiderId = user(ak, admin, "insider", PW, false);
        JsonNode g = ok(ak.json("POST", "/api/v1/groups", admin, Map.of("name", "release-team")), 201);
        String gid = g.get("id").asText();
        ok(ak.json("POST", "/api/v1/groups/" + gid + "/members", admin, Map.of("user_ids", List.of(insiderId,
                ak.send("GET", "/api/v1/auth/me", admin, null, null).body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")))), 200);
        JsonNode outsiderList = ok(ak.send("GET", "/api/v1/groups", outsider, null, null), 200);
        assertThat(outsiderList.get("items").findValuesAsText("name")).doesNotContain("release-team");
        assertThat(ak.send("GET", "/api/v1/groups/" + gid, outsider, null, null).statusCode()).isEqualTo(404);
        JsonNode insiderView = ok(ak.send("GET", "/api/v1/groups/" + gid, Distribution.basic("insider", PW), null, null), 200);
        assertThat(insiderView.get("members").size()).isEqualTo(1);
        assertThat(insiderView.get("members").get(0).asText()).isEqualTo(insiderId);
        JsonNode adminView = ok(ak.send("GET", "/api/v1/groups/" + gid, admin, null, null), 200);
        assertThat(adminView.get("members").size()).isEqualTo(2);
        assertThat(outsiderId).isNotBlank();
    }
}
