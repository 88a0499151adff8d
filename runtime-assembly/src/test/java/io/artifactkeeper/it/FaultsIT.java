package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** Faults with assertions: a crash mid-upload, read-only storage, and upstreams that hang or drop. */
class FaultsIT {
    @TempDir
    Path tmp;

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A body that trickles out slowly so the server can be killed while it is arriving. */
    /** Bytes all {@link #slow} streams have handed to the HTTP client so far. */
    static final java.util.concurrent.atomic.AtomicLong SLOW_SENT = new java.util.concurrent.atomic.AtomicLong();

    static InputStream slow(long size) {
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                return pos < size ? (int) (pos++ & 0x7f) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int n = (int) Math.min(Math.min(len, 64 * 1024), size - pos);
                SLOW_SENT.addAndGet(n);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) (pos++ & 0x7f);
                }
                return n;
            }
        };
    }

    @Test
    void killDashNineDuringUploadsLosesNothingAndShowsNothingHalfWritten() throws Exception {
        Path data = tmp.resolve("data");
        Distribution ak = new Distribution(data).start();
        ak.awaitReady(Duration.ofSeconds(120));
        String admin = ak.adminBasic();
        assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "crash", "format", "generic")).statusCode())
                .isEqualTo(201);
        // completed before the crash: must survive
        List<byte[]> done = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] b = ("committed " + i + "\n").repeat(5000).getBytes(StandardCharsets.UTF_8);
            assertThat(ak.send("PUT", "/general/crash/done-" + i + ".bin", admin, null, b).statusCode()).isEqualTo(201);
            done.add(b);
        }
        // in flight during the crash
        List<CompletableFuture<HttpResponse<String>>> inflight = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inflight.add(ak.http().sendAsync(HttpRequest.newBuilder(URI.create(ak.url() + "/general/crash/partial-" + i + ".bin"))
                    .header("Authorization", admin).PUT(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> slow(64L * 1024 * 1024)), 64L * 1024 * 1024))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        // kill only once every upload is in flight: each has sent (and the server has taken) its first MiB
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (SLOW_SENT.get() < 6L * 1024 * 1024 + 6 * 64 * 1024) {
            assertThat(System.nanoTime()).as("six uploads in flight within 60 s (%d bytes sent)", SLOW_SENT.get())
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(inflight).noneMatch(CompletableFuture::isDone);
        ak.kill();
        for (CompletableFuture<HttpResponse<String>> f : inflight) {
            assertThat(f.handle((r, e) -> e != null || r.statusCode() >= 500).get(60, TimeUnit.SECONDS))
                    .as("an upload cut by the crash did not succeed").isTrue();
        }

        Distribution again = new Distribution(data).start();
        try {
            long ms = again.awaitReady(Duration.ofSeconds(120));
            System.out.printf("[measure] restart after kill -9 (orphaned PostgreSQL on the data dir) to ready: %d ms%n", ms);
            JsonNode list = Distribution.parse(again.send("GET", "/api/v1/repositories/crash/artifacts?per_page=100",
                    again.adminBasic(), null, null));
            List<String> paths = list.get("items").findValuesAsText("path");
            assertThat(paths).as("only completed uploads are visible").containsExactlyInAnyOrder("done-0.bin", "done-1.bin",
                    "done-2.bin", "done-3.bin", "done-4.bin");
            for (int i = 0; i < done.size(); i++) {
                HttpResponse<byte[]> r = again.getBytes("/general/crash/done-" + i + ".bin", again.adminBasic());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(sha256(r.body())).isEqualTo(sha256(done.get(i)));
            }
            for (JsonNode item : list.get("items")) {
                HttpResponse<byte[]> r = again.getBytes("/general/crash/" + item.get("path").asText(), again.adminBasic());
                assertThat(sha256(r.body())).as("bytes match the recorded SHA-256").isEqualTo(item.get("checksum_sha256").asText());
            }
        } finally {
            again.close();
        }
    }

    @Test
    void readOnlyStorageAnswers503AndRecovers() throws Exception {
        try (Distribution ak = new Distribution(tmp.resolve("data")).start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            String admin = ak.adminBasic();
            assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "ro", "format", "generic")).statusCode())
                    .isEqualTo(201);
            assertThat(ak.send("PUT", "/general/ro/before.txt", admin, null, "b".getBytes()).statusCode()).isEqualTo(201);

            // The blob store writes into blobs/tmp first. Replacing that folder by a plain file makes
            // every write fail, also for root, on any file system (chmod does not stop root).
            Path tmpDir = ak.dataDir().resolve("blobs/tmp");
            Path aside = ak.dataDir().resolve("blobs/tmp.aside");
            Files.move(tmpDir, aside);
            Files.writeString(tmpDir, "not a directory");
            try {
                HttpResponse<String> put = ak.send("PUT", "/general/ro/during.txt", admin, null, "d".getBytes());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(503);
                HttpResponse<String> ready = ak.send("GET", "/readyz", null, null, null);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("storage");
                // reads keep working
                assertThat(ak.getBytes("/general/ro/before.txt", admin).statusCode()).isEqualTo(200);
                assertThat(ak.send("GET", "/api/v1/repositories/ro/artifacts/during.txt", admin, null, null).statusCode())
                        .isEqualTo(404);
            } finally {
                Files.delete(tmpDir);
                Files.move(aside, tmpDir);
            }
            ak.awaitReady(Duration.ofSeconds(30));
            assertThat(ak.send("PUT", "/general/ro/after.txt", admin, null, "a".getBytes()).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void upstreamsThatHangOrDropAreBoundedAndCacheNothingPartial() throws Exception {
        try (ServerSocket hang = new ServerSocket(0); ServerSocket drop = new ServerSocket(0);
                Distribution ak = new Distribution(tmp.resolve("data")).env("AK_UPSTREAM_TIMEOUT_MS", "2000").start()) {
            Thread.ofVirtual().start(() -> acceptForever(hang, s -> {
                // read the request, answer nothing
                try {
                    s.getInputStream().read(new byte[4096]);
                    Thread.sleep(60_000);
                } catch (Exception e) {
                    // closed by the test
                }
            }));
            Thread.ofVirtual().start(() -> acceptForever(drop, s -> {
                try (OutputStream out = s.getOutputStream()) {
                    s.getInputStream().read(new byte[4096]);
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: application/octet-stream\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(new byte[1000]);
                    out.flush();
                } catch (IOException e) {
                    // fine
                }
            }));
            ak.awaitReady(Duration.ofSeconds(120));
            String admin = ak.adminBasic();
            for (var e : Map.of("hangs", hang.getLocalPort(), "drops", drop.getLocalPort()).entrySet()) {
                assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", e.getKey(), "format", "generic",
                        "repo_type", "remote", "upstream_url", "http://127.0.0.1:" + e.getValue() + "/")).statusCode())
                        .isEqualTo(201);
            }
            long t0 = System.nanoTime();
            int st = ak.getBytes("/general/hangs/some/file.bin", admin).statusCode();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[measure] hanging upstream answered %d after %d ms (timeout 2000 ms)%n", st, ms);
            assertThat(st).isIn(502, 504);
            assertThat(ms).isLessThan(10_000);

            assertThat(ak.getBytes("/general/drops/some/file.bin", admin).statusCode()).isIn(502, 504);
            JsonNode arts = Distribution.parse(ak.send("GET", "/api/v1/repositories/drops/artifacts", admin, null, null));
            assertThat(arts.get("total").asInt()).as("a truncated upstream body is not cached").isZero();
            assertThat(ak.send("GET", "/health", null, null, null).statusCode()).isEqualTo(200);
        }
    }

    interface SocketHandler {
        void handle(Socket s);
    }

    static void acceptForever(ServerSocket ss, SocketHandler h) {
        while (!ss.isClosed()) {
            try {
                Socket s = ss.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        h.handle(s);
                    } catch (IOException e) {
                        // done
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }
}
