package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who may do what, for every format the server has ({@code GET /api/v1/formats}, so new formats
 * are covered as they arrive) × private/public × kind of principal × read (native route),
 * list, write and delete (API). Allowed means "not refused" (a format may still reject a path as
 * invalid); refused means 401 (no or bad credentials), 403, or 404 for a repository the caller may
 * not know about. Where the admin reads the seeded file natively with 200, an allowed principal
 * must get 200 and a refused one must not.
 */
class AuthorizationMatrixIT {
    static final String PW = "Matrix-Test-Password-1";
    @TempDir
    static Path tmp;
    static Distribution ak;
    static final Map<String, String> principals = new LinkedHashMap<>();

    /** What each kind of principal may do: read, list, write, delete; on private and on public repositories. */
    record Rights(boolean readPrivate, boolean readPublic, boolean write, boolean delete) {
    }

    static final Map<String, Rights> expected = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).start();
        ak.awaitReady(Duration.ofSeconds(120));
        String admin = ak.adminBasic();
        principals.put("anonymous", null);
        expected.put("anonymous", new Rights(false, true, false, false));
        principals.put("admin-password", admin);
        expected.put("admin-password", new Rights(true, true, true, true));
        principals.put("admin-jwt", "Bearer " + Distribution.parse(ak.json("POST", "/api/v1/auth/login", null,
                Map.of("username", "admin", "password", Distribution.ADMIN_PASSWORD))).get("access_token").asText());
        expected.put("admin-jwt", new Rights(true, true, true, true));
        principals.put("admin-read-token", "Bearer " + token(admin, List.of("read:artifacts")));
        expected.put("admin-read-token", new Rights(true, true, false, false));
        principals.put("admin-token-as-basic", Distribution.basic("admin", token(admin, List.of("*"))));
        expected.put("admin-token-as-basic", new Rights(true, true, true, true));
        for (String u : List.of("reader", "writer", "deleter", "outsider")) {
            HttpResponse<String> r = ak.json("POST", "/api/v1/users", admin, Map.of("username", u, "password", PW));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            principals.put(u, Distribution.basic(u, PW));
        }
        expected.put("reader", new Rights(true, true, false, false));
        expected.put("writer", new Rights(true, true, true, false));
        expected.put("deleter", new Rights(true, true, false, true));
        expected.put("outsider", new Rights(false, true, false, false));
        // a guessed password: each attempt is counted by the password throttle, which the test lifts
        // after every one (with a token) so that it measures authorization, not the lockout
        principals.put("wrong-password", Distribution.basic("matrix-nobody", "not-the-password-1"));
        expected.put("wrong-password", null);
        principals.put("forged-jwt", "Bearer " + forgedJwt());
        expected.put("forged-jwt", null);
        principals.put("unknown-token", "Bearer ak_" + "x".repeat(40));
        expected.put("unknown-token", null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
    }

    static String liftToken;

    static void liftLockouts() throws Exception {
        if (liftToken == null) {
            liftToken = "Bearer " + token(ak.adminBasic(), List.of("*"));
        }
        assertThat(ak.send("DELETE", "/api/v1/admin/lockouts", liftToken, null, null).statusCode()).isEqualTo(200);
    }

    static String token(String auth, List<String> scopes) throws Exception {
        HttpResponse<String> r = ak.json("POST", "/api/v1/auth/tokens", auth, Map.of("name", "m" + scopes, "scopes", scopes));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    /** An admin claim signed with a key the server does not have. */
    static String forgedJwt() {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        String h = e.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String p = e.encodeToString(("{\"sub\":\"00000000-0000-0000-0000-000000000001\",\"adm\":true,\"typ\":\"access\","
                + "\"exp\":9999999999}").getBytes(StandardCharsets.UTF_8));
        return h + "." + p + "." + e.encodeToString(new byte[32]);
    }

    static void permission(String user, String repo, String action) throws Exception {
        String id = null;
        for (JsonNode u : Distribution.parse(ak.send("GET", "/api/v1/users", ak.adminBasic(), null, null)).get("items")) {
            if (u.get("username").asText().equals(user)) {
                id = u.get("id").asText();
            }
        }
        HttpResponse<String> r = ak.json("POST", "/api/v1/permissions", ak.adminBasic(), Map.of("principal_type", "user",
                "principal_id", id, "target_type", "repository", "target_id", repo, "actions", List.of(action)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    static boolean refused(int status) {
        return status == 401 || status == 403 || status == 404;
    }

    @Test
    void everyMountEveryVisibilityEveryPrincipal() throws Exception {
        String admin = ak.adminBasic();
        JsonNode formats = Distribution.parse(ak.send("GET", "/api/v1/formats", null, null, null)).get("items");
        assertThat(formats.size()).isPositive();
        List<String> failures = new ArrayList<>();
        int cells = 0;
        for (JsonNode f : formats) {
            String format = f.get("key").asText();
            String mount = f.get("mount").asText();
            for (boolean pub : new boolean[] {false, true}) {
                String key = ("mx-" + format + (pub ? "-pub" : "-priv")).replaceAll("[^a-z0-9._-]", "-");
                HttpResponse<String> c = ak.json("POST", "/api/v1/repositories", admin, Map.of("key", key, "format",
                        format, "is_public", pub));
                assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
                for (String u : List.of("reader", "writer", "deleter")) {
                    permission(u, key, u.equals("reader") ? "read" : u.equals("writer") ? "write" : "delete");
                }
                String seeded = "matrix/seed-1.0.0.txt";
                int seed = ak.send("PUT", "/api/v1/repositories/" + key + "/artifacts/" + seeded, admin,
                        "application/octet-stream", "seed".getBytes(StandardCharsets.UTF_8)).statusCode();
                String nativePath = mount + "/" + key + "/" + seeded;
                boolean nativeReadable = seed == 201 && ak.getBytes(nativePath, admin).statusCode() == 200;
                int n = 0;
                for (Map.Entry<String, String> p : principals.entrySet()) {
                    Rights r = expected.get(p.getKey());
                    String auth = p.getValue();
                    boolean badCredentials = r == null;
                    boolean mayRead = !badCredentials && (pub ? r.readPublic() : r.readPrivate());
                    String cell = format + (pub ? " public " : " private ") + p.getKey();
                    cells++;

                    int read = ak.getBytes(nativePath, auth).statusCode();
                    check(failures, cell + " native read", read, badCredentials, mayRead,
                            nativeReadable ? 200 : -1);
                    int list = ak.send("GET", "/api/v1/repositories/" + key + "/artifacts", auth, null, null).statusCode();
                    check(failures, cell + " list", list, badCredentials, mayRead, 200);
                    int write = ak.send("PUT", "/api/v1/repositories/" + key + "/artifacts/matrix/w-" + n++ + "-1.0.0.txt",
                            auth, "application/octet-stream", "w".getBytes(StandardCharsets.UTF_8)).statusCode();
                    check(failures, cell + " write", write, badCredentials, !badCredentials && r.write(), -1);
                    HttpResponse<String> del = ak.send("DELETE", "/api/v1/repositories/" + key
                            + "/artifacts/matrix/none-1.0.0.txt", auth, null, null);
                    // allowed: the artifact is missing (404 "no artifact"); refused: 401, 403 or 404 "no repository"
                    boolean delAllowed = !badCredentials && r.delete();
                    boolean delRefused = del.statusCode() == 401 || del.statusCode() == 403
                            || (del.statusCode() == 404 && del.body().contains("no repository"));
                    if (delAllowed == delRefused || (badCredentials && del.statusCode() != 401)) {
                        failures.add(cell + " delete: " + del.statusCode() + " " + del.body());
                    }
                    if (p.getKey().equals("wrong-password")) {
                        liftLockouts();
                    }
                }
            }
        }
        System.out.printf("[measure] authorization matrix: %d formats x 2 visibilities x %d principals = %d cells, "
                + "4 operations each%n", formats.size(), principals.size(), cells);
        assertThat(failures).isEmpty();
    }

    static void check(List<String> failures, String what, int status, boolean badCredentials, boolean allowed,
            int allowedStatus) {
        if (badCredentials) {
            if (status != 401) {
                failures.add(what + ": " + status + ", expected 401 for bad credentials");
            }
        } else if (allowed) {
            if (status == 401 || status == 403 || (allowedStatus > 0 && status != allowedStatus)) {
                failures.add(what + ": " + status + ", expected it allowed");
            }
        } else if (!refused(status)) {
            failures.add(what + ": " + status + ", expected it refused");
        }
    }
}
