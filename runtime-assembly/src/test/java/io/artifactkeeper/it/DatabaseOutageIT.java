package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * With an external database (AK_DATABASE_URL) that goes away: requests answer 503 quickly (never
 * 500, never a hang), readiness names the database, and service returns by itself when the
 * database is back on the same address.
 */
class DatabaseOutageIT {
    @TempDir
    Path tmp;

    @Test
    void requestsGet503WhileTheDatabaseIsDownAndServiceReturns() throws Exception {
        Path pgData = tmp.resolve("pg");
        Files.createDirectories(pgData);
        int pgPort = Distribution.freePort();
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                .setPort(pgPort).start();
        try (Distribution ak = new Distribution(tmp.resolve("data"))) {
            ak.env("AK_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres?user=postgres").start();
            ak.awaitReady(Duration.ofSeconds(120));
            String admin = ak.adminBasic();
            assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "o1", "format", "generic")).statusCode())
                    .isEqualTo(201);
            assertThat(ak.send("PUT", "/general/o1/a.txt", admin, null, "x".getBytes()).statusCode()).isEqualTo(201);

            // load during the outage: every answer is 2xx or 503, never a 500, never a hang
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.atomic.AtomicLong> statuses =
                    new java.util.concurrent.ConcurrentHashMap<>();
            // every upload the server answered 201, with the bytes it was sent (each upload's bytes differ)
            java.util.Map<String, String> created = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.List<Thread> load = new java.util.ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int id = w;
                load.add(Thread.ofPlatform().start(() -> {
                    int i = 0;
                    while (running.get()) {
                        try {
                            int st;
                            if (id % 2 == 0) {
                                st = ak.getBytes("/general/o1/a.txt", admin).statusCode();
                            } else {
                                String name = "load-" + id + "-" + i++ + ".txt";
                                String body = "upload " + name + " at " + System.nanoTime();
                                st = ak.send("PUT", "/general/o1/" + name, admin, null, body.getBytes()).statusCode();
                                if (st == 201) {
                                    created.put(name, body);
                                }
                            }
                            statuses.computeIfAbsent(st, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
                        } catch (Exception e) {
                            statuses.computeIfAbsent(-1, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
                        }
                    }
                }));
            }
            awaitCount(statuses, 201, 5);
            pg.close();
            long t0 = System.nanoTime();
            HttpResponse<String> api = ak.send("GET", "/api/v1/repositories", ak.adminBasic(), null, null);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[measure] API answer with the database down: %d in %d ms%n", api.statusCode(), ms);
            assertThat(api.statusCode()).as(api.body()).isEqualTo(503);
            assertThat(ms).as("bounded, no hang").isLessThan(10_000);
            assertThat(ak.getBytes("/general/o1/a.txt", Distribution.basic("admin", "other-password")).statusCode())
                    .isEqualTo(503);
            HttpResponse<String> ready = ak.send("GET", "/readyz", null, null, null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("database");
            assertThat(ak.send("GET", "/health", null, null, null).statusCode()).isEqualTo(200);

            // the load meets the outage before the database comes back
            awaitCount(statuses, 503, 5);
            pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort).start();
            long back = ak.awaitReady(Duration.ofSeconds(60));
            System.out.printf("[measure] ready again %d ms after the database came back%n", back);
            // and succeeds again afterwards
            long createdBefore = statuses.getOrDefault(201, new java.util.concurrent.atomic.AtomicLong()).get();
            awaitCount(statuses, 201, createdBefore + 5);
            running.set(false);
            for (Thread t : load) {
                t.join(30_000);
            }
            System.out.printf("[measure] answers under load across the outage (status: count): %s%n", statuses);
            assertThat(statuses.keySet()).as("only 2xx and 503, no 500, no broken connection")
                    .allMatch(st -> st == 200 || st == 201 || st == 503);
            assertThat(statuses.getOrDefault(503, new java.util.concurrent.atomic.AtomicLong()).get())
                    .as("the outage was seen").isPositive();
            // every upload that was answered 201 is there with its bytes, whatever the listing says
            assertThat(created).as("uploads answered 201").isNotEmpty();
            for (java.util.Map.Entry<String, String> c : created.entrySet()) {
                HttpResponse<byte[]> got = ak.getBytes("/general/o1/" + c.getKey(), admin);
                assertThat(got.statusCode()).as(c.getKey()).isEqualTo(200);
                assertThat(new String(got.body())).as(c.getKey()).isEqualTo(c.getValue());
            }
            System.out.printf("[measure] %d uploads answered 201 across the outage, each read back intact%n", created.size());
            HttpResponse<byte[]> r = ak.getBytes("/general/o1/a.txt", admin);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new String(r.body())).isEqualTo("x");
        } finally {
            pg.close();
        }
    }

    /** Waits (bounded) until {@code statuses} counts at least {@code n} answers of {@code status}. */
    private static void awaitCount(java.util.Map<Integer, java.util.concurrent.atomic.AtomicLong> statuses, int status,
            long n) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (statuses.getOrDefault(status, new java.util.concurrent.atomic.AtomicLong()).get() < n) {
            assertThat(System.nanoTime()).as("%d answers of %d within 60 s; so far %s", n, status, statuses)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
