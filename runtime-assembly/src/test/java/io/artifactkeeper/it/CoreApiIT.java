package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The /api/v1 contract of ../shared/API.md against the running distribution, with the generic format. */
class CoreApiIT {
    @TempDir
    static Path data;
    static Distribution ak;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(data.resolve("data")).start();
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

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void loginRefreshLogoutAndMe() throws Exception {
        JsonNode s = ok(ak.json("POST", "/api/v1/auth/login", null,
                Map.of("username", "admin", "password", Distribution.ADMIN_PASSWORD)), 200);
        assertThat(s.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(s.get("expires_in").asLong()).isPositive();
        assertThat(s.get("must_change_password").asBoolean()).isFalse();
        String bearer = "Bearer " + s.get("access_token").asText();
        assertThat(ok(ak.send("GET", "/api/v1/auth/me", bearer, null, null), 200).get("username").asText()).isEqualTo("admin");

        assertThat(ak.json("POST", "/api/v1/auth/login", null, Map.of("username", "admin", "password", "nope")).statusCode())
                .isEqualTo(401);
        assertThat(ak.send("GET", "/api/v1/auth/me", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", null, null).statusCode())
                .isEqualTo(401);

        JsonNode r = ok(ak.json("POST", "/api/v1/auth/refresh", null, Map.of("refresh_token", s.get("refresh_token").asText())), 200);
        assertThat(r.get("access_token").asText()).isNotEqualTo(s.get("access_token").asText());
        // a refresh token is used once
        assertThat(ak.json("POST", "/api/v1/auth/refresh", null, Map.of("refresh_token", s.get("refresh_token").asText()))
                .statusCode()).isEqualTo(401);
        ok(ak.json("POST", "/api/v1/auth/logout", bearer, Map.of("refresh_token", r.get("refresh_token").asText())), 204);
        assertThat(ak.json("POST", "/api/v1/auth/refresh", null, Map.of("refresh_token", r.get("refresh_token").asText()))
                .statusCode()).isEqualTo(401);
    }

    @Test
    void repositoriesCrudAndValidation() throws Exception {
        JsonNode created = ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "gen-crud", "name", "Gen",
                "format", "generic", "repo_type", "local", "is_public", false)), 201);
        assertThat(created.get("key").asText()).isEqualTo("gen-crud");
        assertThat(created.get("repo_type").asText()).isEqualTo("local");
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "gen-crud", "format", "generic")).statusCode())
                .isEqualTo(409);
        HttpResponse<String> bad = ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "x1", "format", "nosuch"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("generic");
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "Bad Key", "format", "generic")).statusCode())
                .isEqualTo(400);
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "rem", "format", "generic",
                "repo_type", "remote")).statusCode()).isEqualTo(400);

        JsonNode list = ok(ak.send("GET", "/api/v1/repositories?format=generic", admin, null, null), 200);
        assertThat(list.get("total").asInt()).isPositive();
        assertThat(list.get("items").findValuesAsText("key")).contains("gen-crud");

        JsonNode patched = ok(ak.json("PATCH", "/api/v1/repositories/gen-crud", admin, Map.of("description", "d2")), 200);
        assertThat(patched.get("description").asText()).isEqualTo("d2");
        ok(ak.send("DELETE", "/api/v1/repositories/gen-crud", admin, null, null), 204);
        assertThat(ak.send("GET", "/api/v1/repositories/gen-crud", admin, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/api/v1/repositories", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void uploadDownloadRangesConditionalAndSearch() throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "files", "format", "generic")), 201);
        byte[] body = "hello artifact keeper\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        JsonNode up = ok(ak.send("PUT", "/api/v1/repositories/files/artifacts/tools/hello-1.0.txt", admin,
                "application/octet-stream", body), 201);
        assertThat(up.get("checksum_sha256").asText()).isEqualTo(sha256(body));
        assertThat(up.get("size_bytes").asLong()).isEqualTo(body.length);

        HttpResponse<byte[]> dl = ak.getBytes("/api/v1/repositories/files/download/tools/hello-1.0.txt", admin);
        assertThat(dl.statusCode()).isEqualTo(200);
        assertThat(dl.body()).isEqualTo(body);
        String etag = dl.headers().firstValue("ETag").orElseThrow();

        // the same file through the native generic route
        HttpResponse<byte[]> nat = ak.getBytes("/general/files/tools/hello-1.0.txt", admin);
        assertThat(nat.body()).isEqualTo(body);
        assertThat(ak.getBytes("/general/files/tools/hello-1.0.txt", admin, "If-None-Match", etag).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> part = ak.getBytes("/general/files/tools/hello-1.0.txt", admin, "Range", "bytes=6-12");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(new String(part.body(), StandardCharsets.UTF_8)).isEqualTo("artifac");
        assertThat(part.headers().firstValue("Content-Range").orElseThrow()).isEqualTo("bytes 6-12/" + body.length);
        assertThat(ak.getBytes("/general/files/tools/hello-1.0.txt", admin, "Range", "bytes=999999-").statusCode()).isEqualTo(416);

        // native PUT, then listing through the API
        ok(ak.send("PUT", "/general/files/other/b.bin", admin, null, new byte[] {1, 2, 3}), 201);
        JsonNode arts = ok(ak.send("GET", "/api/v1/repositories/files/artifacts", admin, null, null), 200);
        assertThat(arts.get("total").asInt()).isEqualTo(2);
        assertThat(arts.get("items").findValuesAsText("path")).containsExactly("other/b.bin", "tools/hello-1.0.txt");
        JsonNode meta = ok(ak.send("GET", "/api/v1/repositories/files/artifacts/other/b.bin", admin, null, null), 200);
        assertThat(meta.get("size_bytes").asInt()).isEqualTo(3);

        JsonNode quick = ok(ak.send("GET", "/api/v1/search/quick?q=hello", admin, null, null), 200);
        assertThat(quick.get("items").findValuesAsText("path")).contains("tools/hello-1.0.txt");
        JsonNode bySum = ok(ak.send("GET", "/api/v1/search/checksum?sha256=" + sha256(body), admin, null, null), 200);
        assertThat(bySum.get("total").asInt()).isEqualTo(1);

        // wrong declared checksum: refused, nothing recorded
        HttpResponse<String> wrong = ak.send("PUT", "/api/v1/repositories/files/artifacts/bad.bin", admin, null,
                new byte[] {9}, "X-Checksum-Sha256", "0".repeat(64));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(ak.send("GET", "/api/v1/repositories/files/artifacts/bad.bin", admin, null, null).statusCode()).isEqualTo(404);

        ok(ak.send("DELETE", "/api/v1/repositories/files/artifacts/other/b.bin", admin, null, null), 204);
        assertThat(ak.getBytes("/general/files/other/b.bin", admin).statusCode()).isEqualTo(404);
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "trav", "format", "generic")), 201);
        for (String p : List.of("/general/trav/..%2f..%2fetc/passwd", "/general/trav/a/%2e%2e/%2e%2e/x",
                "/general/trav/a/%252e%252e/x", "/api/v1/repositories/trav/artifacts/a/%2e%2e/x")) {
            HttpResponse<String> r = ak.send("PUT", p, admin, null, new byte[] {1});
            assertThat(r.statusCode()).as(p).isIn(400, 404);
        }
        JsonNode arts = ok(ak.send("GET", "/api/v1/repositories/trav/artifacts", admin, null, null), 200);
        assertThat(arts.get("total").asInt()).isZero();
    }

    @Test
    void usersTokensPermissionsAndAnonymousAccess() throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "priv", "format", "generic")), 201);
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "pub", "format", "generic", "is_public", true)), 201);
        ok(ak.send("PUT", "/general/priv/a.txt", admin, null, "p".getBytes()), 201);
        ok(ak.send("PUT", "/general/pub/a.txt", admin, null, "q".getBytes()), 201);

        // anonymous: public readable, private not, writes never
        assertThat(ak.getBytes("/general/pub/a.txt", null).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> anon = ak.getBytes("/general/priv/a.txt", null);
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(anon.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
        assertThat(ak.send("PUT", "/general/pub/b.txt", null, null, "x".getBytes()).statusCode()).isEqualTo(401);

        JsonNode u = ok(ak.json("POST", "/api/v1/users", admin, Map.of("username", "dev1", "password", "dev1-password",
                "email", "dev1@example.com")), 201);
        String dev = Distribution.basic("dev1", "dev1-password");
        // no rights at all: answered like a missing repository (no existence oracle, SECURITY.md)
        assertThat(ak.getBytes("/general/priv/a.txt", dev).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/api/v1/users", dev, null, null).statusCode()).isEqualTo(403);

        // grant read through a group
        JsonNode g = ok(ak.json("POST", "/api/v1/groups", admin, Map.of("name", "readers")), 201);
        ok(ak.json("POST", "/api/v1/groups/" + g.get("id").asText() + "/members", admin,
                Map.of("user_ids", List.of(u.get("id").asText()))), 200);
        JsonNode perm = ok(ak.json("POST", "/api/v1/permissions", admin, Map.of("principal_type", "group",
                "principal_id", g.get("id").asText(), "target_type", "repository", "target_id", "priv",
                "actions", List.of("read"))), 201);
        assertThat(ak.getBytes("/general/priv/a.txt", dev).statusCode()).isEqualTo(200);
        assertThat(ak.send("PUT", "/general/priv/b.txt", dev, null, "x".getBytes()).statusCode()).isEqualTo(403);
        ok(ak.json("PUT", "/api/v1/permissions/" + perm.get("id").asText(), admin, Map.of("actions", List.of("read", "write"))), 200);
        ok(ak.send("PUT", "/general/priv/b.txt", dev, null, "x".getBytes()), 201);

        // API token: every credential form the clients use
        JsonNode t = ok(ak.json("POST", "/api/v1/auth/tokens", dev, Map.of("name", "ci", "scopes", List.of("read:artifacts"),
                "expires_in_days", 30)), 201);
        String token = t.get("token").asText();
        assertThat(ak.getBytes("/general/priv/a.txt", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(ak.getBytes("/general/priv/a.txt", Distribution.basic("anything", token)).statusCode()).isEqualTo(200);
        assertThat(ak.getBytes("/general/priv/a.txt", token).statusCode()).isEqualTo(200);
        String b64 = java.util.Base64.getEncoder().encodeToString("dev1:dev1-password".getBytes());
        assertThat(ak.getBytes("/general/priv/a.txt", "Bearer " + b64).statusCode()).isEqualTo(200);
        // the token's scope is read only
        assertThat(ak.send("PUT", "/general/priv/c.txt", "Bearer " + token, null, "x".getBytes()).statusCode()).isEqualTo(403);
        ok(ak.send("DELETE", "/api/v1/auth/tokens/" + t.get("id").asText(), dev, null, null), 204);
        assertThat(ak.getBytes("/general/priv/a.txt", "Bearer " + token).statusCode()).isEqualTo(401);
        assertThat(ak.getBytes("/general/priv/a.txt", Distribution.basic("dev1", "wrong-password")).statusCode()).isEqualTo(401);
    }

    @Test
    void identicalBytesAreStoredOnceAndGarbageCollectionKeepsWhatIsReferenced() throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "gc-a", "format", "generic")), 201);
        ok(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "gc-b", "format", "generic")), 201);
        byte[] shared = "shared bytes across repositories\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        byte[] lonely = "bytes nobody will reference\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        ok(ak.send("PUT", "/general/gc-a/shared.bin", admin, null, shared), 201);
        ok(ak.send("PUT", "/general/gc-b/copy-of-shared.bin", admin, null, shared), 201);
        ok(ak.send("PUT", "/general/gc-a/lonely.bin", admin, null, lonely), 201);
        java.nio.file.Path sharedBlob = blob(sha256(shared));
        java.nio.file.Path lonelyBlob = blob(sha256(lonely));
        assertThat(sharedBlob).as("one blob for identical bytes in two repositories").exists();
        assertThat(lonelyBlob).exists();

        ok(ak.send("DELETE", "/general/gc-a/lonely.bin", admin, null, null), 204);
        ok(ak.send("DELETE", "/general/gc-a/shared.bin", admin, null, null), 204);
        // the default grace keeps even unreferenced young blobs (their rows may be about to commit)
        ok(ak.send("POST", "/api/v1/admin/gc", admin, null, null), 200);
        assertThat(lonelyBlob).exists();
        JsonNode gc = ok(ak.send("POST", "/api/v1/admin/gc?grace_minutes=0", admin, null, null), 200);
        assertThat(gc.get("blobs_removed").asInt()).isPositive();
        assertThat(lonelyBlob).as("unreferenced blob collected").doesNotExist();
        assertThat(sharedBlob).as("blob still referenced by gc-b kept").exists();
        assertThat(ak.getBytes("/general/gc-b/copy-of-shared.bin", admin).body()).isEqualTo(shared);
        assertThat(ak.send("POST", "/api/v1/admin/gc", Distribution.basic("nobody", "x"), null, null).statusCode())
                .isEqualTo(401);
    }

    static java.nio.file.Path blob(String sha) {
        return ak.dataDir().resolve("blobs/sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha);
    }

    @Test
    void corsPreflightAndRequestIds() throws Exception {
        HttpResponse<String> pre = ak.send("OPTIONS", "/api/v1/repositories", null, null, null, "Origin",
                "https://ui.example.com", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers",
                "authorization,content-type");
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin").orElse("")).isEqualTo("*");
        assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        HttpResponse<String> r = ak.send("GET", "/health", null, null, null, "X-Request-Id", "trace-123");
        assertThat(r.headers().firstValue("X-Request-Id").orElse("")).isEqualTo("trace-123");
        assertThat(ak.send("GET", "/health", null, null, null).headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void formatsListTheActiveHandlers() throws Exception {
        JsonNode f = ok(ak.send("GET", "/api/v1/formats", admin, null, null), 200);
        assertThat(f.get("items").findValuesAsText("key")).contains("generic");
    }
}
