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
 * Cross-site requests into the Felix Web Console (issue 13, item 4): a page of another site that
 * makes the administrator's browser POST to the console (with the Basic credentials the browser
 * keeps) is refused on every page, Felix's own included; the console's pages carry their own CSP.
 */
class ConsoleCsrfIT {
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;
    static final String EVIL = "http://evil.example";

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "files", "format", "generic")).statusCode())
                .isEqualTo(201);
        assertThat(ak.send("PUT", "/general/files/a.txt", admin, null, "a".getBytes()).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
    }

    private static byte[] form(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private long bundleId(String bsn) throws Exception {
        JsonNode all = Distribution.parse(ak.send("GET", "/system/console/bundles.json", admin, null, null));
        for (JsonNode b : all.get("data")) {
            if (bsn.equals(b.get("symbolicName").asText())) {
                return b.get("id").asLong();
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return ak.send("POST", path, admin, "application/x-www-form-urlencoded", form(body), headers);
    }

    private int generic() throws Exception {
        return ak.getBytes("/general/files/a.txt", admin).statusCode();
    }

    @Test
    void crossSitePostsAreRefusedOnFelixsOwnPages() throws Exception {
        long id = bundleId("io.artifactkeeper.format.generic");
        String[][] crossSite = {{"Origin", EVIL}, {"Origin", "null"}, {"Referer", EVIL + "/page.html"},
            {"Origin", "http://127.0.0.1.evil.example:" + ak.port()}, {"Sec-Fetch-Site", "cross-site"},
            {"Sec-Fetch-Site", "same-site"}};
        for (String[] h : crossSite) {
            HttpResponse<String> stop = post("/system/console/bundles/" + id, "action=stop", h);
            assertThat(stop.statusCode()).as(h[0] + ": " + h[1]).isEqualTo(403);
            assertThat(generic()).as("the format bundle still runs after a cross-site stop (" + h[1] + ")").isEqualTo(200);
        }
        // installing a bundle and editing a configuration: the same
        HttpResponse<String> install = ak.send("POST", "/system/console/bundles", admin,
                "multipart/form-data; boundary=x", form("--x\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\n"
                        + "install\r\n--x--\r\n"), "Origin", EVIL);
        assertThat(install.statusCode()).isEqualTo(403);
        HttpResponse<String> config = post("/system/console/configMgr/io.artifactkeeper.http",
                "apply=true&action=ajaxConfigManager&propertylist=demo.mode&demo.mode=true", "Origin", EVIL);
        assertThat(config.statusCode()).isEqualTo(403);
        assertThat(ak.send("PUT", "/general/files/b.txt", admin, null, "b".getBytes()).statusCode())
                .as("demo mode was not switched on").isEqualTo(201);
        // and our own pages
        assertThat(post("/system/console/ak-repositories", "action=delete&key=files", "Origin", EVIL).statusCode())
                .isEqualTo(403);
        assertThat(generic()).isEqualTo(200);
    }

    @Test
    void theConsolesOwnPagesStillWork() throws Exception {
        long id = bundleId("io.artifactkeeper.format.generic");
        String self = ak.url();
        HttpResponse<String> stop = post("/system/console/bundles/" + id, "action=stop", "Origin", self,
                "Sec-Fetch-Site", "same-origin");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (generic() != 503 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(generic()).isEqualTo(503);
        HttpResponse<String> start = post("/system/console/bundles/" + id, "action=start", "Referer",
                self + "/system/console/bundles");
        assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
        deadline = System.nanoTime() + 30_000_000_000L;
        while (generic() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(generic()).isEqualTo(200);
    }

    @Test
    void consolePagesHaveTheirOwnPolicy() throws Exception {
        for (String page : new String[] {"/system/console/bundles", "/system/console/configMgr", "/system/console/ak-repositories"}) {
            HttpResponse<String> r = ak.send("GET", page, admin, null, null);
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(page).contains("frame-ancestors 'self'", "form-action 'self'", "object-src 'none'",
                    "default-src 'self'");
            assertThat(r.headers().firstValue("X-Frame-Options")).contains("SAMEORIGIN");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        // refused before authentication too: no credentials needed to see the refusal, none used
        assertThat(ak.send("POST", "/system/console/bundles", null, "application/x-www-form-urlencoded",
                form("action=refreshPackages"), "Origin", EVIL).statusCode()).isEqualTo(403);
    }
}
