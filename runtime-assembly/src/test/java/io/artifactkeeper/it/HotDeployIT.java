package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Formats come and go while the server runs: a distribution without the generic format answers 503
 * naming it; installing the bundle through the API brings it; updating it in place under a load of
 * downloads and uploads loses no request; removing it makes the repositories 503 again; dropping
 * the jar into deploy/ brings it back.
 */
class HotDeployIT {
    static final String BSN = "io.artifactkeeper.format.generic";

    @TempDir
    Path tmp;

    @Test
    void installUpdateUnderLoadRemoveAndDeploy() throws Exception {
        Path built = Distribution.builtDistribution();
        Path dist = tmp.resolve("dist");
        copyTree(built, dist);
        Path formats = dist.resolve("features/formats.json");
        com.fasterxml.jackson.databind.node.ObjectNode feature = (com.fasterxml.jackson.databind.node.ObjectNode)
                Distribution.JSON.readTree(formats.toFile());
        com.fasterxml.jackson.databind.node.ArrayNode kept = Distribution.JSON.createArrayNode();
        feature.get("bundles").forEach(b -> {
            if (!b.get("id").asText().contains(BSN + ":")) {
                kept.add(b);
            }
        });
        feature.set("bundles", kept);
        Distribution.JSON.writeValue(formats.toFile(), feature);
        Path genericJar;
        try (Stream<Path> s = Files.list(built.resolve("bundles"))) {
            genericJar = s.filter(p -> p.getFileName().toString().startsWith(BSN + "-")).findFirst().orElseThrow();
        }
        Path v2 = tmp.resolve("generic-v2.jar");
        withVersion(genericJar, v2, "0.1.1.hotfix");

        try (Distribution ak = new Distribution(dist, tmp.resolve("data"), Distribution.freePort()).start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            String admin = ak.adminBasic();
            assertThat(ak.send("GET", "/api/v1/formats", admin, null, null).body()).doesNotContain("\"generic\"");

            // install through the API
            HttpResponse<String> inst = ak.send("POST", "/api/v1/formats/install", admin, "application/java-archive",
                    Files.readAllBytes(genericJar));
            assertThat(inst.statusCode()).as(inst.body()).isEqualTo(201);
            assertThat(inst.body()).contains("\"generic\"");
            assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", "hot", "format", "generic")).statusCode())
                    .isEqualTo(201);
            byte[] payload = "hot deploy payload\n".repeat(2000).getBytes(StandardCharsets.UTF_8);
            assertThat(ak.send("PUT", "/general/hot/fixed.bin", admin, null, payload).statusCode()).isEqualTo(201);
            assertThat(ak.send("POST", "/api/v1/formats/install", admin, "application/java-archive",
                    "not a jar".getBytes()).statusCode()).isEqualTo(400);

            // update in place under load
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong served = new AtomicLong();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            AtomicLong firstNewVersionAt = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int id = w;
                workers.add(Thread.ofPlatform().start(() -> {
                    int i = 0;
                    while (running.get()) {
                        try {
                            if (id % 4 == 0) {
                                byte[] body = ("upload " + id + " " + i).getBytes(StandardCharsets.UTF_8);
                                HttpResponse<String> r = ak.send("PUT", "/general/hot/load/" + id + "/" + i + ".txt", admin,
                                        null, body);
                                if (r.statusCode() != 201) {
                                    errors.add("PUT " + r.statusCode() + " " + r.body());
                                }
                            } else {
                                HttpResponse<byte[]> r = ak.getBytes("/general/hot/fixed.bin", admin);
                                if (r.statusCode() != 200 || !java.util.Arrays.equals(r.body(), payload)) {
                                    errors.add("GET " + r.statusCode() + " (" + r.body().length + " bytes)");
                                }
                                if (r.headers().firstValue("X-Format-Bundle").orElse("").endsWith("0.1.1.hotfix")) {
                                    firstNewVersionAt.compareAndSet(0, System.nanoTime());
                                }
                            }
                            served.incrementAndGet();
                        } catch (Exception e) {
                            errors.add(e.toString());
                        }
                        i++;
                    }
                }));
            }
            // the load is running (some requests served) before the update starts
            awaitAtLeast(served, 50);
            long before = served.get();
            long t0 = System.nanoTime();
            HttpResponse<String> upd = ak.send("POST", "/api/v1/formats/install", admin, "application/java-archive",
                    Files.readAllBytes(v2));
            assertThat(upd.statusCode()).as(upd.body()).isEqualTo(200);
            // keep the load on until the new version has answered, and a while after it
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (firstNewVersionAt.get() == 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            awaitAtLeast(served, served.get() + 100);
            running.set(false);
            for (Thread t : workers) {
                t.join();
            }
            double newAfterMs = firstNewVersionAt.get() == 0 ? -1 : (firstNewVersionAt.get() - t0) / 1e6;
            System.out.printf("[measure] update under load: %d requests served in total, %d during/after the update, "
                    + "%d errors; new version answered %.0f ms after the install request%n", served.get(),
                    served.get() - before, errors.size(), newAfterMs);
            assertThat(errors).as("requests lost during the update").isEmpty();
            assertThat(firstNewVersionAt.get()).as("the new version served requests").isPositive();

            // remove: repositories of the format answer 503 naming it
            assertThat(ak.send("DELETE", "/api/v1/formats/generic", admin, null, null).statusCode()).isEqualTo(204);
            HttpResponse<byte[]> gone;
            long goneBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do {
                gone = ak.getBytes("/general/hot/fixed.bin", admin);
            } while (gone.statusCode() != 503 && System.nanoTime() < goneBy && sleep(20));
            assertThat(gone.statusCode()).isEqualTo(503);
            assertThat(new String(gone.body(), StandardCharsets.UTF_8)).contains("generic");
            HttpResponse<String> ready = ak.send("GET", "/readyz", null, null, null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("format generic");

            // drop the jar into deploy/: served again, time measured
            long d0 = System.nanoTime();
            Path part = dist.resolve("deploy-tmp.jar");
            Files.copy(v2, part);
            Files.move(part, dist.resolve("deploy/" + BSN + ".jar"), StandardCopyOption.ATOMIC_MOVE);
            HttpResponse<byte[]> back;
            do {
                Thread.sleep(20);
                back = ak.getBytes("/general/hot/fixed.bin", admin);
            } while (back.statusCode() != 200 && System.nanoTime() - d0 < 30_000_000_000L);
            System.out.printf("[measure] format bundle dropped into deploy/ to its first served request: %.0f ms%n",
                    (System.nanoTime() - d0) / 1e6);
            assertThat(back.statusCode()).isEqualTo(200);
            assertThat(back.body()).isEqualTo(payload);

            // the third way: the Web Console's install form (multipart, as the Bundles page posts it)
            assertThat(ak.send("DELETE", "/api/v1/formats/generic", admin, null, null).statusCode()).isEqualTo(204);
            assertThat(ak.getBytes("/general/hot/fixed.bin", admin).statusCode()).isEqualTo(503);
            String boundary = "----ak" + System.nanoTime();
            java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
            for (String[] field : new String[][] {{"action", "install"}, {"bundlestart", "start"}, {"bundlestartlevel", "20"}}) {
                form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                        + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"bundlefile\"; filename=\"generic.jar\"\r\n"
                    + "Content-Type: application/java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            form.write(Files.readAllBytes(genericJar));
            form.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            long c0 = System.nanoTime();
            HttpResponse<String> console = ak.send("POST", "/system/console/bundles", admin,
                    "multipart/form-data; boundary=" + boundary, form.toByteArray());
            assertThat(console.statusCode()).as(console.body()).isIn(200, 302);
            HttpResponse<byte[]> viaConsole;
            do {
                Thread.sleep(50);
                viaConsole = ak.getBytes("/general/hot/fixed.bin", admin);
            } while (viaConsole.statusCode() != 200 && System.nanoTime() - c0 < 30_000_000_000L);
            System.out.printf("[measure] format bundle installed through the Web Console to its first served request: %.0f ms%n",
                    (System.nanoTime() - c0) / 1e6);
            assertThat(viaConsole.statusCode()).isEqualTo(200);
            assertThat(ak.send("GET", "/api/v1/formats", admin, null, null).body()).contains("\"generic\"");
        }
    }

    static void withVersion(Path in, Path out, String version) throws IOException {
        try (JarFile jar = new JarFile(in.toFile())) {
            Manifest mf = new Manifest(jar.getManifest());
            mf.getMainAttributes().putValue("Bundle-Version", version);
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, mf)) {
                Enumeration<JarEntry> en = jar.entries();
                while (en.hasMoreElements()) {
                    JarEntry e = en.nextElement();
                    if (e.getName().equals("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    jos.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream is = jar.getInputStream(e)) {
                        is.transferTo(jos);
                    }
                    jos.closeEntry();
                }
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Waits (at most 60 s) until {@code counter} reaches {@code n}. */
    private static void awaitAtLeast(java.util.concurrent.atomic.AtomicLong counter, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (counter.get() < n) {
            assertThat(System.nanoTime()).as("%d requests served within 60 s (so far %d)", n, counter.get())
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static boolean sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return true;
    }
}
