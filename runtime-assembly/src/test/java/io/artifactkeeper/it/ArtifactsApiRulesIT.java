package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every route to the same data obeys the format's rules (issue 13, item 6): an upload through the
 * artifacts API goes through the format's own native route — validation, immutability, ownership —
 * or is refused where the format keeps its layout itself. Also the spellings Artifact Keeper's own
 * clients use (`/generic/`), and the routes each format declares, as `GET /api/v1/formats` lists them.
 */
class ArtifactsApiRulesIT {
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

    static void repo(String key, String format, String type, Map<String, Object> extra) throws Exception {
        var body = new java.util.HashMap<String, Object>(Map.of("key", key, "name", key, "format", format, "repo_type",
                type, "is_public", false));
        body.putAll(extra);
        ok(ak.json("POST", "/api/v1/repositories", admin, body), 201);
    }

    @Test
    void genericAnswersUnderBothSpellings() throws Exception {
        repo("gen-alias", "generic", "local", Map.of());
        byte[] bytes = "under /generic/\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ak.send("PUT", "/generic/gen-alias/a/b.txt", admin, "text/plain", bytes).statusCode()).isEqualTo(201);
        var viaGeneral = ak.getBytes("/general/gen-alias/a/b.txt", admin);
        assertThat(viaGeneral.statusCode()).isEqualTo(200);
        assertThat(viaGeneral.body()).isEqualTo(bytes);
        var viaGeneric = ak.getBytes("/generic/gen-alias/a/b.txt", admin);
        assertThat(viaGeneric.statusCode()).isEqualTo(200);
        assertThat(viaGeneric.body()).isEqualTo(bytes);
        // a repository of another format is not reachable under the alias
        repo("mvn-alias", "maven", "local", Map.of());
        assertThat(ak.getBytes("/generic/mvn-alias/x", admin).statusCode()).isEqualTo(404);
    }

    @Test
    void formatsListTheirRoutesAndMountAliases() throws Exception {
        JsonNode formats = ok(ak.send("GET", "/api/v1/formats", admin, null, null), 200);
        JsonNode items = formats.has("items") ? formats.get("items") : formats;
        JsonNode generic = null;
        for (JsonNode f : items) {
            if (f.get("key").asText().equals("generic")) {
                generic = f;
            }
        }
        assertThat(generic).isNotNull();
        assertThat(generic.get("mount").asText()).isEqualTo("/general");
        assertThat(generic.get("mount_aliases").toString()).contains("/generic");
        assertThat(generic.has("routes")).isTrue();
    }

    @Test
    void theArtifactsApiRefusesWritesToRemoteAndVirtualRepositories() throws Exception {
        repo("gen-remote", "generic", "remote", Map.of("upstream_url", "http://127.0.0.1:9/none"));
        repo("gen-member", "generic", "local", Map.of());
        repo("gen-virtual", "generic", "virtual", Map.of());
        ok(ak.json("POST", "/api/v1/repositories/gen-virtual/members", admin, Map.of("member_key", "gen-member",
                "priority", 1)), 201);
        byte[] b = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(ak.send("PUT", "/api/v1/repositories/gen-remote/artifacts/f.txt", admin, "text/plain", b).statusCode())
                .isEqualTo(405);
        assertThat(ak.send("PUT", "/api/v1/repositories/gen-virtual/artifacts/f.txt", admin, "text/plain", b).statusCode())
                .isEqualTo(400);
        assertThat(ok(ak.send("GET", "/api/v1/repositories/gen-member/artifacts", admin, null, null), 200).get("total")
                .asLong()).isZero();
    }
}
