package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 13, items 2 and 3: a repository-level admin of a virtual repository cannot read a private
 * repository by making it a member, nor publish the virtual; reads through a virtual apply the
 * caller's read permission on each member (anonymous callers of a public virtual included); a
 * token mints only tokens within its own scopes and only an unrestricted credential opens the
 * Web Console.
 */
class EscalationIT {
    static final String PW = "Escalation-Test-Pw-1";
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        String aliceId = user("alice");
        String bobId = user("bob");
        alice = Distribution.basic("alice", PW);
        bob = Distribution.basic("bob", PW);

        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "secret-local", "format", "generic")));
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "open-local", "format", "generic",
                "is_public", true)));
        created(ak.send("PUT", "/general/secret-local/s.txt", admin, null, "private bytes".getBytes(StandardCharsets.UTF_8)));
        created(ak.send("PUT", "/general/open-local/o.txt", admin, null, "public bytes".getBytes(StandardCharsets.UTF_8)));
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "alice-virt", "format", "generic",
                "repo_type", "virtual")));
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "alice-own", "format", "generic")));
        permission(aliceId, "alice-virt", List.of("admin"));
        permission(aliceId, "alice-own", List.of("admin"));
        permission(bobId, "secret-local", List.of("read"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
    }

    static JsonNode created(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        return r.body().isEmpty() ? null : Distribution.parse(r);
    }

    static String user(String name) throws Exception {
        return created(ak.json("POST", "/api/v1/users", admin, Map.of("username", name, "password", PW)))
                .get("id").asText();
    }

    static void permission(String userId, String repo, List<String> actions) throws Exception {
        created(ak.json("POST", "/api/v1/permissions", admin, Map.of("principal_type", "user", "principal_id", userId,
                "target_type", "repository", "target_id", repo, "actions", actions)));
    }

    static String token(String auth, List<String> scopes) throws Exception {
        return created(ak.json("POST", "/api/v1/auth/tokens", auth, Map.of("name", "t-" + scopes, "scopes", scopes)))
                .get("token").asText();
    }

    @Test
    void aVirtualAdminCannotAddAPrivateRepositoryOrPublishTheVirtual() throws Exception {
        // the escalation: alice administers only alice-virt and cannot read secret-local
        assertThat(ak.send("GET", "/general/secret-local/s.txt", alice, null, null).statusCode()).isIn(403, 404);
        HttpResponse<String> add = ak.json("POST", "/api/v1/repositories/alice-virt/members", alice,
                Map.of("member_key", "secret-local"));
        assertThat(add.statusCode()).as(add.body()).isIn(403, 404);
        HttpResponse<String> put = ak.json("PUT", "/api/v1/repositories/alice-virt/members", alice,
                Map.of("members", List.of(Map.of("member_key", "secret-local", "priority", 1))));
        assertThat(put.statusCode()).as(put.body()).isIn(403, 404);
        assertThat(Distribution.parse(ak.send("GET", "/api/v1/repositories/alice-virt/members", admin, null, null))
                .get("items").findValuesAsText("member_key")).doesNotContain("secret-local");

        // members she can read are fine
        created(ak.json("POST", "/api/v1/repositories/alice-virt/members", alice, Map.of("member_key", "open-local")));

        // publishing needs a global admin (or admin on every member); a repository admin cannot
        HttpResponse<String> pub = ak.json("PATCH", "/api/v1/repositories/alice-own", alice, Map.of("is_public", true));
        assertThat(pub.statusCode()).as(pub.body()).isEqualTo(403);
        assertThat(Distribution.parse(ak.send("GET", "/api/v1/repositories/alice-own", admin, null, null))
                .get("is_public").asBoolean()).isFalse();
        // other edits of her repository still work
        assertThat(ak.json("PATCH", "/api/v1/repositories/alice-own", alice, Map.of("description", "mine")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void readsThroughAVirtualApplyTheCallersPermissionOnEachMember() throws Exception {
        created(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "mixed-virt", "format", "generic",
                "repo_type", "virtual", "is_public", true)));
        created(ak.json("PUT", "/api/v1/repositories/mixed-virt/members", admin, Map.of("members", List.of(
                Map.of("member_key", "secret-local", "priority", 1), Map.of("member_key", "open-local", "priority", 2)))));

        // the admin reads both members through it
        assertThat(ak.getBytes("/general/mixed-virt/s.txt", admin).statusCode()).isEqualTo(200);
        assertThat(ak.getBytes("/general/mixed-virt/o.txt", admin).statusCode()).isEqualTo(200);
        // an anonymous caller of the public virtual: only the public member
        assertThat(ak.getBytes("/general/mixed-virt/s.txt", null).statusCode()).isEqualTo(404);
        assertThat(ak.getBytes("/general/mixed-virt/o.txt", null).statusCode()).isEqualTo(200);
        assertThat(ak.send("GET", "/api/v1/repositories/mixed-virt/download/s.txt", null, null, null).statusCode())
                .isEqualTo(404);
        // alice (no read on secret-local) likewise, on the native route and the API
        assertThat(ak.getBytes("/general/mixed-virt/s.txt", alice).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/api/v1/repositories/mixed-virt/artifacts/s.txt", alice, null, null).statusCode())
                .isEqualTo(404);
        // bob may read secret-local, so he reads it through the virtual too
        HttpResponse<byte[]> b = ak.getBytes("/general/mixed-virt/s.txt", bob);
        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(new String(b.body(), StandardCharsets.UTF_8)).isEqualTo("private bytes");
        assertThat(ak.send("GET", "/api/v1/repositories/mixed-virt/download/s.txt", bob, null, null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aTokenMintsOnlyWithinItsOwnScopes() throws Exception {
        String readOnly = "Bearer " + token(admin, List.of("read:artifacts"));
        HttpResponse<String> star = ak.json("POST", "/api/v1/auth/tokens", readOnly, Map.of("name", "x", "scopes", List.of("*")));
        assertThat(star.statusCode()).as(star.body()).isEqualTo(403);
        assertThat(ak.json("POST", "/api/v1/auth/tokens", readOnly, Map.of("name", "x", "scopes", List.of("admin")))
                .statusCode()).isEqualTo(403);
        String me = Distribution.parse(ak.send("GET", "/api/v1/auth/me", readOnly, null, null)).get("id").asText();
        assertThat(ak.json("POST", "/api/v1/users/" + me + "/tokens", readOnly, Map.of("name", "x", "scopes", List.of("*")))
                .statusCode()).isEqualTo(403);
        // no scopes asked: the caller's own, not "*"
        JsonNode dflt = created(ak.json("POST", "/api/v1/auth/tokens", readOnly, Map.of("name", "dflt")));
        assertThat(dflt.toString()).doesNotContain("\"*\"");
        HttpResponse<String> meAgain = ak.send("GET", "/api/v1/auth/me", "Bearer " + dflt.get("token").asText(), null, null);
        assertThat(meAgain.body()).contains("read:artifacts").doesNotContain("\"*\"");
        // a subset is fine
        assertThat(token(readOnly, List.of("read:artifacts"))).startsWith("ak_");
        // unbounded names are refused (item 20)
        assertThat(ak.json("POST", "/api/v1/auth/tokens", admin, Map.of("name", "n".repeat(10_000))).statusCode())
                .isEqualTo(400);
    }

    @Test
    void onlyAnUnrestrictedCredentialOpensTheConsole() throws Exception {
        String adminScoped = token(admin, List.of("admin"));
        String readOnly = token(admin, List.of("read:artifacts"));
        String full = token(admin, List.of("*"));
        for (String t : List.of(adminScoped, readOnly)) {
            assertThat(ak.send("GET", "/system/console/bundles.json", "Bearer " + t, null, null).statusCode())
                    .isIn(401, 403);
            assertThat(ak.send("GET", "/system/console/bundles.json", Distribution.basic("admin", t), null, null)
                    .statusCode()).isIn(401, 403);
        }
        assertThat(ak.send("GET", "/system/console/bundles.json", "Bearer " + full, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("GET", "/system/console/bundles.json", admin, null, null).statusCode()).isEqualTo(200);
    }
}
