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
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies stream: a 1 GiB upload and download through a server whose heap is capped at 160 MiB,
 * with the server's peak resident memory measured.
 */
class LargeUploadIT {
    static final long SIZE = 1024L * 1024 * 1024;

    @TempDir
    Path tmp;


    @Test
    void oneGibStreamsThroughASmallHeap() throws Exception {
        try (Distribution ak = new Distribution(tmp.resolve("data")).env("AK_JAVA_OPTS", "-Xms64m -Xmx160m").start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            String admin = ak.adminBasic();
            assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "big", "format", "generic")).statusCode())
                    .isEqualTo(201);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Generated.bytes(SIZE, 0)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            String expected = HexFormat.of().formatHex(md.digest());

            long t0 = System.nanoTime();
            HttpResponse<String> up = ak.http().send(HttpRequest.newBuilder(URI.create(ak.url() + "/general/big/one.gib"))
                    .timeout(Duration.ofMinutes(5)).header("Authorization", admin)
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> Generated.bytes(SIZE, 0)),
                            SIZE)).build(), HttpResponse.BodyHandlers.ofString());
            double upSecs = (System.nanoTime() - t0) / 1e9;
            assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
            assertThat(up.body()).contains(expected);

            t0 = System.nanoTime();
            HttpResponse<InputStream> down = ak.http().send(HttpRequest.newBuilder(URI.create(ak.url() + "/general/big/one.gib"))
                    .header("Authorization", admin).build(), HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest md2 = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (InputStream in = down.body()) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md2.update(buf, 0, n);
                    total += n;
                }
            }
            double downSecs = (System.nanoTime() - t0) / 1e9;
            assertThat(total).isEqualTo(SIZE);
            assertThat(HexFormat.of().formatHex(md2.digest())).isEqualTo(expected);
            long hwmKb = peakRssKb(ak.process().pid());
            System.out.printf("[measure] 1 GiB upload %.1f MiB/s, download %.1f MiB/s, server heap cap 160 MiB, peak RSS %d MiB%n",
                    1024 / upSecs, 1024 / downSecs, hwmKb / 1024);
            assertThat(hwmKb / 1024).as("peak RSS (MiB) stays far below the body size").isLessThan(700);
        }
    }

    static long peakRssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
