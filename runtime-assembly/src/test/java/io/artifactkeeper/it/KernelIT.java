package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The kernel as a user meets it: the distribution starts, becomes ready, guards its data directory,
 * protects the Web Console, reports what is missing, and stops cleanly on SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelIT {
    @TempDir
    static Path data;
    static Distribution ak;

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(data.resolve("data")).start();
        long first = ak.awaitReady(Duration.ofSeconds(120));
        System.out.printf("[measure] first start (fresh data dir, embedded PostgreSQL initdb) to /readyz 200: %d ms%n", first);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
    }

    @Test
    @Order(1)
    void healthAndReadiness() throws Exception {
        for (String p : new String[] {"/health", "/healthz", "/livez"}) {
            HttpResponse<String> r = ak.send("GET", p, null, null, null);
            assertThat(r.statusCode()).as(p).isEqualTo(200);
            assertThat(Distribution.parse(r).get("status").asText()).isEqualTo("ok");
        }
        HttpResponse<String> r = ak.send("GET", "/readyz", null, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Distribution.parse(r);
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(body.get("checks").get("database").asText()).isEqualTo("ok");
        assertThat(body.get("checks").get("storage").asText()).isEqualTo("ok");
        assertThat(ak.send("GET", "/ready", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void webConsoleNeedsAdminCredentials() throws Exception {
        assertThat(ak.send("GET", "/system/console/bundles", null, null, null).statusCode()).isEqualTo(401);
        assertThat(ak.send("GET", "/system/console/bundles", Distribution.basic("admin", "admin"), null, null).statusCode())
                .isEqualTo(401);
        HttpResponse<String> ok = ak.send("GET", "/system/console/bundles.json", ak.adminBasic(), null, null);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode bundles = Distribution.parse(ok);
        assertThat(bundles.get("s").get(3).asInt()).as("resolved-but-not-active bundles").isZero();
    }

    @Test
    @Order(3)
    void readinessNamesTheMissingDatabaseAndRecovers() throws Exception {
        long id = bundleId("io.artifactkeeper.db");
        HttpResponse<String> stop = ak.send("POST", "/system/console/bundles/" + id, ak.adminBasic(),
                "application/x-www-form-urlencoded", "action=stop".getBytes());
        assertThat(stop.statusCode()).isEqualTo(200);
        HttpResponse<String> r = ak.send("GET", "/readyz", null, null, null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("database");
        // the API answers 503 too, never 500 or a hang
        assertThat(ak.send("GET", "/api/v1/repositories", ak.adminBasic(), null, null).statusCode()).isEqualTo(503);
        ak.send("POST", "/system/console/bundles/" + id, ak.adminBasic(), "application/x-www-form-urlencoded",
                "action=start".getBytes());
        ak.awaitReady(Duration.ofSeconds(60));
    }

    @Test
    @Order(4)
    void secondInstanceOnTheSameDataDirectoryRefusesToStart() throws Exception {
        Distribution second = new Distribution(ak.dataDir()).start();
        try {
            assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.process().exitValue()).isNotZero();
            assertThat(second.logText()).contains("already running").contains(ak.dataDir().toString());
        } finally {
            second.close();
        }
        // the first one is unaffected
        assertThat(ak.send("GET", "/readyz", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void sigtermStopsCleanlyAndAWarmStartIsFast() throws Exception {
        int code = ak.stop(Duration.ofSeconds(60));
        assertThat(code).as("exit code after SIGTERM\n" + ak.logText()).isZero();
        assertThat(ak.logText()).contains("[launcher] stopped");

        long best = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            ak = new Distribution(ak.dataDir()).start();
            long ms = ak.awaitReady(Duration.ofSeconds(60));
            System.out.printf("[measure] cold start with an initialized data dir to /readyz 200: %d ms%n", ms);
            best = Math.min(best, ms);
            assertThat(ak.stop(Duration.ofSeconds(60))).isZero();
        }
        assertThat(best).as("cold start to ready (ms)").isLessThan(15_000);
        ak = new Distribution(ak.dataDir()).start();
        ak.awaitReady(Duration.ofSeconds(60));
    }

    @Test
    @Order(6)
    void unknownRoutesAnswer404AndMetricsAreExposed() throws Exception {
        assertThat(ak.send("GET", "/nope", null, null, null).statusCode()).isEqualTo(404);
        assertThat(ak.send("GET", "/api/v1/nope", ak.adminBasic(), null, null).statusCode()).isEqualTo(404);
        HttpResponse<String> m = ak.send("GET", "/metrics", null, null, null);
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.body()).contains("ak_http_requests_total").contains("ak_formats_active");
    }

    static long bundleId(String bsn) throws Exception {
        JsonNode all = Distribution.parse(ak.send("GET", "/system/console/bundles.json", ak.adminBasic(), null, null));
        for (JsonNode b : all.get("data")) {
            if (bsn.equals(b.get("symbolicName").asText())) {
                return b.get("id").asLong();
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }
}
