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

    /** The artifact's SHA-256 as the artifacts API lists it, or null when there is none at {@code path}. */
    static String sha256(String repo, String path) throws Exception {
        HttpResponse<String> r = ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts/" + path, admin, null, null);
        return r.statusCode() == 200 ? Distribution.parse(r).get("checksum_sha256").asText() : null;
    }

    /** An upload through the artifacts API over what the native client published: refused, nothing changed. */
    static void refusedAndUnchanged(String repo, String path) throws Exception {
        String before = sha256(repo, path);
        assertThat(before).as("%s holds %s", repo, path).isNotNull();
        HttpResponse<String> r = ak.send("PUT", "/api/v1/repositories/" + repo + "/artifacts/" + path, admin,
                "application/octet-stream", ("tampered " + path).getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as("PUT %s/%s through the artifacts API: %s", repo, path, r.body()).isBetween(400, 409);
        assertThat(sha256(repo, path)).as("%s unchanged", path).isEqualTo(before);
    }

    @Test
    void aMavenReleaseIsNotReplacedThroughTheArtifactsApi() throws Exception {
        repo("rules-maven", "maven", "local", Map.of());
        String jar = "org/example/rules/lib/1.0/lib-1.0.jar";
        assertThat(ak.send("PUT", "/maven/rules-maven/" + jar, admin, "application/java-archive",
                "release bytes".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
        refusedAndUnchanged("rules-maven", jar);
    }

    @Test
    void aGoModuleVersionIsNotReplacedThroughTheArtifactsApi() throws Exception {
        repo("rules-go", "go", "local", Map.of());
        String m = "example.com/rules/mod";
        byte[] zip = GoZips.module(m, "v1.0.0", Map.of("go.mod", "module " + m + "\n\ngo 1.19\n", "a.go", "package mod\n"));
        HttpResponse<String> r = ak.send("PUT", "/go/rules-go/" + m + "/@v/v1.0.0.zip", admin, "application/zip", zip);
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        refusedAndUnchanged("rules-go", m + "/@v/v1.0.0.zip");
    }

    @Test
    void aHelmChartIsNotReplacedThroughTheArtifactsApi() throws Exception {
        repo("rules-helm", "helm", "local", Map.of());
        HttpResponse<String> r = ak.send("POST", "/helm/rules-helm/api/charts", admin, "application/gzip",
                HelmCharts.chart("rules", "0.1.0", "release"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        refusedAndUnchanged("rules-helm", "charts/rules-0.1.0.tgz");
    }

    @Test
    void cargoCratesIndexAndOwnersAreTheFormatsOwn() throws Exception {
        repo("rules-cargo", "cargo", "local", Map.of());
        HttpResponse<String> r = ak.send("PUT", "/cargo/rules-cargo/api/v1/crates/new", admin, "application/octet-stream",
                CargoIT.publishBody(CargoIT.metadata("rules", "1.0.0"), CargoIT.crate("rules", "1.0.0", "release")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode listed = ok(ak.send("GET", "/api/v1/repositories/rules-cargo/artifacts", admin, null, null), 200);
        int checked = 0;
        for (JsonNode item : listed.get("items")) {
            refusedAndUnchanged("rules-cargo", item.get("path").asText());
            checked++;
        }
        assertThat(checked).as("the crate and its index file").isGreaterThanOrEqualTo(2);
        JsonNode owners = ok(ak.send("GET", "/cargo/rules-cargo/api/v1/crates/rules/owners", admin, null, null), 200);
        assertThat(owners.toString()).as("the publisher still owns the crate").contains("admin");
    }

    @Test
    void npmTarballsAndPackumentsAreTheFormatsOwn() throws Exception {
        repo("rules-npm", "npm", "local", Map.of());
        byte[] tgz = NpmClients.tgz("rules-pkg", "1.0.0", "release");
        HttpResponse<String> r = ak.json("PUT", "/npm/rules-npm/rules-pkg", admin,
                NpmClients.publishDocument("rules-pkg", "1.0.0", tgz, ak.url() + "/npm/rules-npm"));
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        JsonNode listed = ok(ak.send("GET", "/api/v1/repositories/rules-npm/artifacts", admin, null, null), 200);
        assertThat(listed.get("total").asLong()).isPositive();
        for (JsonNode item : listed.get("items")) {
            refusedAndUnchanged("rules-npm", item.get("path").asText());
        }
    }

    @Test
    void pypiDistributionsAreTheFormatsOwn() throws Exception {
        repo("rules-pypi", "pypi", "local", Map.of());
        byte[] wheel = PypiIT.wheel("rules_dist", "1.0", PypiIT.metadata("rules-dist", "1.0"),
                Map.of("rules_dist/__init__.py", "X = 1\n"));
        HttpResponse<String> r = PypiIT.upload(ak, "rules-pypi", PypiIT.fields("rules-dist", "1.0", wheel),
                "rules_dist-1.0-py3-none-any.whl", wheel);
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        JsonNode listed = ok(ak.send("GET", "/api/v1/repositories/rules-pypi/artifacts", admin, null, null), 200);
        assertThat(listed.get("total").asLong()).isPositive();
        for (JsonNode item : listed.get("items")) {
            refusedAndUnchanged("rules-pypi", item.get("path").asText());
        }
    }
}
