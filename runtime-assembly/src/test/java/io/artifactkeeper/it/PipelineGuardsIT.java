package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request pipeline's guards, configured through AK_* variables: rate limits and demo mode. */
class PipelineGuardsIT {
    @TempDir
    Path tmp;

    @Test
    void rateLimitAnswers429WithRetryAfter() throws Exception {
        try (Distribution ak = new Distribution(tmp.resolve("rl")).env("AK_RATE_LIMIT_API", "5").start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            int limited = 0;
            String retryAfter = null;
            // all at once, so that the burst is spent however slow the machine is
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(40);
            java.util.List<java.util.concurrent.Future<HttpResponse<String>>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                fs.add(pool.submit(() -> ak.send("GET", "/api/v1/formats", ak.adminBasic(), null, null)));
            }
            for (var f : fs) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 429) {
                    limited++;
                    retryAfter = r.headers().firstValue("Retry-After").orElse(null);
                } else {
                    assertThat(r.statusCode()).isEqualTo(200);
                }
            }
            pool.shutdown();
            assertThat(limited).as("requests refused past the burst").isPositive();
            assertThat(retryAfter).isNotNull();
            // health checks are never limited
            assertThat(ak.send("GET", "/health", null, null, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void demoModeRefusesWritesButServesReadsAndLogin() throws Exception {
        try (Distribution ak = new Distribution(tmp.resolve("demo")).env("AK_DEMO_MODE", "true").start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            HttpResponse<String> create = ak.json("POST", "/api/v1/repositories", ak.adminBasic(),
                    Map.of("key", "nope", "format", "generic"));
            assertThat(create.statusCode()).isEqualTo(403);
            assertThat(create.body()).contains("DEMO_MODE");
            assertThat(ak.json("POST", "/api/v1/auth/login", null, Map.of("username", "admin", "password",
                    Distribution.ADMIN_PASSWORD)).statusCode()).isEqualTo(200);
            assertThat(ak.send("GET", "/api/v1/repositories", ak.adminBasic(), null, null).statusCode()).isEqualTo(200);
        }
    }
}
