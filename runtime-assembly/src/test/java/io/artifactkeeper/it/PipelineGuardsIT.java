package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The request pipeline's guards, configured through AK_* variables: rate limits, demo mode, the
 * upload size limit; and hostile input on every format's mount (path traversal in every encoding,
 * zip slip, a decompression bomb, oversized bodies) answered 4xx with nothing stored.
 */
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
    void theAuthLimitSlowsLoginsButNotASignedInCallersOwnCalls() throws Exception {
        try (Distribution ak = new Distribution(tmp.resolve("rl-auth")).env("AK_RATE_LIMIT_AUTH", "2").start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            String token = Distribution.parse(ak.json("POST", "/api/v1/auth/tokens", ak.adminBasic(),
                    java.util.Map.of("name", "rl"))).get("token").asText();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(30);
            try {
                java.util.List<java.util.concurrent.Future<HttpResponse<String>>> me = new java.util.ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    me.add(pool.submit(() -> ak.send("GET", "/api/v1/auth/me", "Bearer " + token, null, null)));
                }
                for (var f : me) {
                    assertThat(f.get().statusCode()).as("GET /auth/me is an API call").isEqualTo(200);
                }
                java.util.List<java.util.concurrent.Future<HttpResponse<String>>> logins = new java.util.ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    logins.add(pool.submit(() -> ak.json("POST", "/api/v1/auth/login", null,
                            java.util.Map.of("username", "admin", "password", Distribution.ADMIN_PASSWORD))));
                }
                int limited = 0;
                for (var f : logins) {
                    HttpResponse<String> r = f.get();
                    if (r.statusCode() == 429) {
                        assertThat(r.body()).contains("RATE_LIMITED");
                        limited++;
                    } else {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    }
                }
                assertThat(limited).as("logins refused past the burst").isPositive();
            } finally {
                pool.shutdown();
            }
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

    /**
     * Every active format's native mounts (its mount and mount aliases), as the server lists them: a
     * format that arrives is guarded without editing this test.
     */
    private static Map<String, List<String>> mounts(Distribution ak) throws Exception {
        JsonNode formats = Distribution.parse(ak.send("GET", "/api/v1/formats", ak.adminBasic(), null, null));
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (JsonNode f : formats.has("items") ? formats.get("items") : formats) {
            List<String> ms = new java.util.ArrayList<>();
            ms.add(f.get("mount").asText() + "/");
            for (JsonNode a : f.path("mount_aliases")) {
                ms.add(a.asText() + "/");
            }
            out.put(f.get("key").asText(), ms);
        }
        assertThat(out).as("the formats this build ships").containsKeys("generic", "maven", "npm", "pypi", "oci", "go",
                "helm", "cargo");
        return out;
    }

    /**
     * Traversal as clients and attackers spell it, sent byte for byte (a raw socket: no client library
     * normalizes or re-encodes it): plain, percent-encoded once and twice, mixed case, backslashes
     * (raw and encoded), overlong UTF-8 (encoded and raw bytes), ";" path parameters, NUL, malformed
     * escapes, and non-ASCII digits in escapes.
     */
    private static final List<String> TRAVERSALS = List.of("../../../etc/passwd", "a/../../../../etc/passwd",
            "%2e%2e/%2e%2e/%2e%2e/etc/passwd", "%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "..%2f..%2f..%2fetc%2fpasswd",
            "a/%252e%252e/%252e%252e/%252e%252e/etc/passwd", "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
            "..%5c..%5c..%5cetc%5cpasswd", "a\\..\\..\\..\\etc\\passwd", "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
            "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd", "\u00c0\u00ae\u00c0\u00ae/\u00c0\u00ae\u00c0\u00ae/etc/passwd",
            "%e0%80%ae%e0%80%ae/%e0%80%ae%e0%80%ae/etc/passwd", "a/..;/..;/..;/etc/passwd", ".%2e/.%2e/.%2e/etc/passwd",
            "%2e%2e%00/x", "a/./../../../etc/passwd", "....//....//etc/passwd", "a/%zz/x", "a/%",
            // "%" then Arabic-Indic digit two (UTF-8 DB B2), which Character.digit reads as 2
            "%\u00db\u00b2e%\u00db\u00b2e/%\u00db\u00b2e%\u00db\u00b2e/etc/passwd", "a/%25\u00db\u00b2e%25\u00db\u00b2e/x");

    @Test
    void hostileInputOnEveryMountIsRefusedAndLeavesNothing() throws Exception {
        long limit = 1 << 20;
        try (Distribution ak = new Distribution(tmp.resolve("hostile")).env("AK_MAX_UPLOAD_BYTES", String.valueOf(limit))
                .start()) {
            ak.awaitReady(Duration.ofSeconds(120));
            String admin = ak.adminBasic();
            Map<String, List<String>> formats = mounts(ak);
            for (String format : formats.keySet()) {
                HttpResponse<String> r = ak.json("POST", "/api/v1/repositories", admin,
                        Map.of("key", "h-" + format, "format", format, "repo_type", "local"));
                assertThat(r.statusCode()).as(format + ": " + r.body()).isEqualTo(201);
            }
            long blobsBefore = blobFiles(ak);

            // path traversal on every mount and on the artifacts API
            int tried = 0;
            int bases = 0;
            for (Map.Entry<String, List<String>> m : formats.entrySet()) {
                String repo = "h-" + m.getKey();
                List<String> all = new java.util.ArrayList<>();
                for (String mount : m.getValue()) {
                    all.add(mount + repo + "/");
                }
                all.add("/api/v1/repositories/" + repo + "/artifacts/");
                for (String base : all) {
                    bases++;
                    for (String t : TRAVERSALS) {
                        for (String method : List.of("PUT", "GET", "DELETE")) {
                            Raw r = raw(ak, method, base + t, method.equals("PUT") ? "x".getBytes() : new byte[0]);
                            if (method.equals("GET")) {
                                assertThat(r.status).as(method + " " + base + t + " -> " + r.body).isBetween(400, 499);
                            } else {
                                // a write is refused as a bad request, not passed on to a route that happens to miss
                                assertThat(r.status).as(method + " " + base + t + " -> " + r.body).isEqualTo(400);
                            }
                            assertThat(r.body).as(method + " " + base + t).doesNotContain("root:x:0:0");
                            tried++;
                        }
                    }
                }
            }
            assertThat(tried).isEqualTo(bases * TRAVERSALS.size() * 3);

            // zip slip: a wheel with an entry outside its root
            Map<String, String> evilFiles = new LinkedHashMap<>();
            evilFiles.put("slip/__init__.py", "X = 1\n");
            evilFiles.put("../../../tmp/ak-slip.py", "import os\n");
            byte[] wheel = PypiIT.wheel("slip", "1.0", PypiIT.metadata("slip", "1.0"), evilFiles);
            HttpResponse<String> w = PypiIT.upload(ak, "h-pypi", PypiIT.fields("slip", "1.0", wheel), "slip-1.0-py3-none-any.whl",
                    wheel);
            assertThat(w.statusCode()).as(w.body()).isEqualTo(400);
            assertThat(w.body()).contains("unsafe entry name");

            // tar slip: an npm tarball with an entry (and a link) outside package/
            for (String[] evil : List.of(new String[] {"../../../tmp/ak-slip.js", null},
                    new String[] {"/tmp/ak-abs.js", null})) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
                    NpmClients.entry(gz, "package/package.json", "{\"name\":\"slip\",\"version\":\"1.0.0\"}".getBytes());
                    NpmClients.entry(gz, evil[0], "x".getBytes());
                    gz.write(new byte[1024]);
                }
                HttpResponse<String> n = ak.json("PUT", "/npm/h-npm/slip", admin,
                        NpmClients.publishDocument("slip", "1.0.0", raw.toByteArray(), ak.url() + "/npm/h-npm"));
                assertThat(n.statusCode()).as(n.body()).isEqualTo(400);
                assertThat(n.body()).contains("unsafe entry name");
            }

            // a decompression bomb: METADATA inflates to 64 MiB from a few KiB
            byte[] bomb = PypiIT.zipBomb("bomb-1.0.dist-info/METADATA", 64 << 20);
            assertThat(bomb.length).isLessThan((int) limit);
            HttpResponse<String> b = PypiIT.upload(ak, "h-pypi", PypiIT.fields("bomb", "1.0", bomb), "bomb-1.0-py3-none-any.whl",
                    bomb);
            assertThat(b.statusCode()).as(b.body()).isEqualTo(400);

            // bodies over AK_MAX_UPLOAD_BYTES on every write path: 413 (or 400 where the format reads the body first)
            byte[] big = new byte[(int) limit + 4096];
            new java.util.Random(7).nextBytes(big);
            assertThat(ak.send("PUT", "/general/h-generic/big.bin", admin, null, big).statusCode()).isEqualTo(413);
            assertThat(ak.send("PUT", "/api/v1/repositories/h-generic/artifacts/big.bin", admin, null, big).statusCode())
                    .isEqualTo(413);
            assertThat(ak.send("PUT", "/maven/h-maven/org/ex/big/1.0/big-1.0.jar", admin, null, big).statusCode())
                    .isEqualTo(413);
            assertThat(ak.send("PUT", "/go/h-go/example.com/big/@v/v1.0.0.zip", admin, null, big).statusCode())
                    .isBetween(400, 413);
            String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big));
            assertThat(ak.send("POST", "/v2/h-oci/big/blobs/uploads/?digest=" + digest, admin, "application/octet-stream", big)
                    .statusCode()).isEqualTo(413);
            HttpResponse<String> pyBig = PypiIT.upload(ak, "h-pypi", PypiIT.fields("big", "1.0", big), "big-1.0-py3-none-any.whl",
                    big);
            assertThat(pyBig.statusCode()).as(pyBig.body()).isBetween(400, 413);
            HttpResponse<String> npmBig = ak.json("PUT", "/npm/h-npm/big", admin,
                    NpmClients.publishDocument("big", "1.0.0", big, ak.url() + "/npm/h-npm"));
            assertThat(npmBig.statusCode()).as(npmBig.body()).isBetween(400, 413);

            // nothing left: no artifact in any repository, no new blob
            for (String format : formats.keySet()) {
                HttpResponse<String> list = ak.send("GET", "/api/v1/repositories/h-" + format + "/artifacts", admin, null, null);
                assertThat(list.statusCode()).isEqualTo(200);
                assertThat(Distribution.parse(list).get("total").asInt()).as(format + ": " + list.body()).isZero();
            }
            // a refused upload's bytes may sit in the blob store unreferenced until the collector's grace period
            // ends (an upload in flight must not lose its blob); none is referenced, so a collection with no
            // grace removes every one of them
            HttpResponse<String> gc = ak.send("POST", "/api/v1/admin/gc?grace_minutes=0", admin, null, null);
            assertThat(gc.statusCode()).as(gc.body()).isEqualTo(200);
            assertThat(blobFiles(ak)).as("blob files after a collection: " + gc.body()).isEqualTo(blobsBefore);
            assertThat(Path.of("/tmp/ak-slip.py")).doesNotExist();
            assertThat(Path.of("/tmp/ak-slip.js")).doesNotExist();
        }
    }

    /** Stored blobs (the store's temporary folder aside). */
    private static long blobFiles(Distribution ak) throws IOException {
        Path blobs = ak.dataDir().resolve("blobs");
        if (!Files.isDirectory(blobs)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(blobs)) {
            return s.filter(Files::isRegularFile).filter(p -> !blobs.relativize(p).startsWith("tmp")).count();
        }
    }

    private record Raw(int status, String body) {
    }

    /** One request written byte for byte: the path is sent as it is, each char one byte (ISO-8859-1). */
    private static Raw raw(Distribution ak, String method, String path, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", ak.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + ak.port() + "\r\nAuthorization: "
                    + ak.adminBasic() + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readNBytes(256 * 1024), StandardCharsets.ISO_8859_1);
            if (!response.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP response to " + method + " " + path + ": " + response);
            }
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyAt = response.indexOf("\r\n\r\n");
            return new Raw(status, bodyAt < 0 ? "" : response.substring(bodyAt + 4));
        }
    }
}
