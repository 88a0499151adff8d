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

/**
 * Documents the formats generate from the stored files (maven-metadata.xml, PyPI project pages) are
 * kept between requests and rebuilt as soon as the files under them change, whichever way the change
 * arrived: the native route, the artifacts API, a delete, or a member of a virtual repository.
 */
class GeneratedMetadataIT {
    @TempDir
    static Path data;
    static Distribution ak;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(data.resolve("data")).start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        for (Map<String, Object> repo : List.<Map<String, Object>>of(
                Map.of("key", "gm-maven", "format", "maven"),
                Map.of("key", "gm-maven-2", "format", "maven"),
                Map.of("key", "gm-maven-virtual", "format", "maven", "repo_type", "virtual"),
                Map.of("key", "gm-pypi", "format", "pypi"))) {
            HttpResponse<String> r = ak.json("POST", "/api/v1/repositories", admin, repo);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        HttpResponse<String> r = ak.json("PUT", "/api/v1/repositories/gm-maven-virtual/members", admin, Map.of("members",
                List.of(Map.of("member_key", "gm-maven", "priority", 1), Map.of("member_key", "gm-maven-2", "priority", 2))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
    }

    private static final String META = "/io/example/gm/lib/maven-metadata.xml";

    private static String get(String path) throws Exception {
        HttpResponse<String> r = ak.send("GET", path, admin, null, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static void put(String path, String body) throws Exception {
        HttpResponse<String> r = ak.send("PUT", path, admin, "application/octet-stream", body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(200, 201);
    }

    @Test
    void mavenMetadataFollowsEveryChange() throws Exception {
        put("/maven/gm-maven/io/example/gm/lib/1.0/lib-1.0.jar", "jar 1.0");
        assertThat(get("/maven/gm-maven" + META)).contains("<version>1.0</version>").doesNotContain("<version>1.1</version>");
        // served again from what was kept: the same document
        String kept = get("/maven/gm-maven" + META);
        assertThat(get("/maven/gm-maven" + META)).isEqualTo(kept);

        // a version that arrives through the artifacts API, not the Maven route, is in the next answer
        put("/api/v1/repositories/gm-maven/artifacts/io/example/gm/lib/1.1/lib-1.1.jar", "jar 1.1");
        assertThat(get("/maven/gm-maven" + META)).contains("<version>1.0</version>", "<version>1.1</version>",
                "<latest>1.1</latest>");

        // through the Maven route, in quick succession with reads in between
        for (int i = 2; i <= 6; i++) {
            put("/maven/gm-maven/io/example/gm/lib/1." + i + "/lib-1." + i + ".jar", "jar 1." + i);
            assertThat(get("/maven/gm-maven" + META)).contains("<version>1." + i + "</version>", "<latest>1." + i + "</latest>");
        }

        // a delete on the Maven route removes the version from the document
        HttpResponse<String> d = ak.send("DELETE", "/maven/gm-maven/io/example/gm/lib/1.6/lib-1.6.jar", admin, null, null);
        assertThat(d.statusCode()).as(d.body()).isIn(200, 204);
        assertThat(get("/maven/gm-maven" + META)).doesNotContain("<version>1.6</version>").contains("<latest>1.5</latest>");

        // virtual: the merge follows a member's change
        assertThat(get("/maven/gm-maven-virtual" + META)).contains("<version>1.5</version>").doesNotContain("<version>2.0</version>");
        put("/maven/gm-maven-2/io/example/gm/lib/2.0/lib-2.0.jar", "jar 2.0");
        assertThat(get("/maven/gm-maven-virtual" + META)).contains("<version>1.5</version>", "<version>2.0</version>");
    }

    @Test
    void pypiProjectPageFollowsEveryChange() throws Exception {
        upload("1.0");
        String page = get("/pypi/gm-pypi/simple/gm-demo/");
        assertThat(page).contains("gm_demo-1.0-py3-none-any.whl").doesNotContain("gm_demo-1.1");
        assertThat(get("/pypi/gm-pypi/simple/gm-demo/")).isEqualTo(page);

        upload("1.1");
        assertThat(get("/pypi/gm-pypi/simple/gm-demo/")).contains("gm_demo-1.0-py3-none-any.whl", "gm_demo-1.1-py3-none-any.whl");

        HttpResponse<String> d = ak.send("DELETE", "/api/v1/repositories/gm-pypi/artifacts/packages/gm-demo/1.0/gm_demo-1.0-py3-none-any.whl",
                admin, null, null);
        assertThat(d.statusCode()).as(d.body()).isIn(200, 204);
        assertThat(get("/pypi/gm-pypi/simple/gm-demo/")).contains("gm_demo-1.1-py3-none-any.whl")
                .doesNotContain("gm_demo-1.0-py3-none-any.whl");
    }

    private static void upload(String version) throws Exception {
        byte[] wheel = PypiIT.wheel("gm_demo", version, PypiIT.metadata("gm-demo", version),
                Map.of("gm_demo/__init__.py", "V = '" + version + "'\n"));
        HttpResponse<String> r = PypiIT.upload(ak, "gm-pypi", PypiIT.fields("gm-demo", version, wheel),
                "gm_demo-" + version + "-py3-none-any.whl", wheel);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
