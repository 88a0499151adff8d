package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Concurrent uploads of many sizes, then a check that every artifact is listed and its bytes hash
 * to the recorded SHA-256. Sizes and counts come from system properties: CI runs a reduced size,
 * {@code ./ak stress} the full one (100 uploads of 1 to 100 MiB).
 */
class StressIT {
    @TempDir
    Path tmp;


    static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void concurrentUploadsAllLandIntact() throws Exception {
        int uploads = Integer.getInteger("stress.uploads", 20);
        long minBytes = Long.getLong("stress.min.mib", 1) * 1024 * 1024;
        long maxBytes = Long.getLong("stress.max.mib", 8) * 1024 * 1024;
        int concurrency = Integer.getInteger("stress.concurrency", uploads);
        try (Distribution ak = new Distribution(tmp.resolve("data")).start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            String admin = ak.adminBasic();
            assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "stress", "format", "generic"))
                    .statusCode()).isEqualTo(201);
            Map<String, String> expected = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicLong bytes = new AtomicLong();
            AtomicLong peakRss = new AtomicLong();
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        peakRss.accumulateAndGet(rssKb(ak.process().pid()), Math::max);
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            List<Future<Integer>> results = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < uploads; i++) {
                long size = uploads == 1 ? maxBytes : minBytes + (maxBytes - minBytes) * i / (uploads - 1);
                String path = "load/" + i + "/file-" + size + ".bin";
                long seed = i;
                results.add(pool.submit(() -> {
                    expected.put(path, sha256(Generated.bytes(size, seed)));
                    long s = System.nanoTime();
                    HttpResponse<String> r = ak.http().send(HttpRequest.newBuilder(URI.create(ak.url() + "/general/stress/" + path))
                            .timeout(Duration.ofMinutes(10)).header("Authorization", admin)
                            .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> Generated.bytes(size, seed)), size)).build(), HttpResponse.BodyHandlers.ofString());
                    latencies.add(System.nanoTime() - s);
                    if (r.statusCode() == 201) {
                        bytes.addAndGet(size);
                    }
                    return r.statusCode();
                }));
            }
            int ok = 0;
            for (Future<Integer> f : results) {
                if (f.get() == 201) {
                    ok++;
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            sampler.interrupt();
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            double p50 = sorted.get(sorted.size() / 2) / 1e6;
            double p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1e6;

            // every artifact listed, and its bytes hash to the recorded SHA-256 (and to what was sent)
            JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/stress/artifacts?per_page=1000", admin,
                    null, null));
            int verified = 0;
            for (JsonNode item : list.get("items")) {
                String path = item.get("path").asText();
                HttpResponse<InputStream> r = ak.http().send(HttpRequest.newBuilder(URI.create(ak.url() + "/general/stress/"
                        + path)).header("Authorization", admin).build(), HttpResponse.BodyHandlers.ofInputStream());
                String got;
                try (InputStream in = r.body()) {
                    got = sha256(in);
                }
                assertThat(got).isEqualTo(item.get("checksum_sha256").asText()).isEqualTo(expected.get(path));
                verified++;
            }
            System.out.printf("[measure] stress: %d/%d uploads succeeded (%.1f%%), %.1f MiB in %.1f s = %.1f MiB/s, "
                    + "latency p50 %.0f ms p99 %.0f ms, %d verified by SHA-256, server peak RSS %d MiB%n", ok, uploads,
                    100.0 * ok / uploads, bytes.get() / 1048576.0, secs, bytes.get() / 1048576.0 / secs, p50, p99, verified,
                    peakRss.get() / 1024);
            assertThat(ok).isEqualTo(uploads);
            assertThat(verified).isEqualTo(uploads);
        }
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
