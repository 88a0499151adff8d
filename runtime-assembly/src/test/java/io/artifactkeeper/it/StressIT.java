package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.it.Streamed.Body;
import io.artifactkeeper.it.Streamed.ZipPart;

/**
 * Concurrent uploads of many sizes spread over a generic, a Maven, an npm and a PyPI repository,
 * each through its format's own publish protocol (a PUT; a jar and its pom; the {@code npm publish}
 * document with the tarball in base64; twine's multipart upload of a wheel). Every body is produced
 * while it is sent (nothing is held in memory). Then every artifact must be listed by the API and
 * by the format's own index (folder page, maven-metadata.xml, packument, simple page), and its
 * bytes, downloaded through the format's route, must hash to the SHA-256 recorded before the upload.
 *
 * <p>Sizes and counts come from system properties ({@code stress.uploads}, {@code stress.min.mib},
 * {@code stress.max.mib}, {@code stress.concurrency}): CI runs a reduced size, {@code ./ak stress}
 * the full one (100 uploads of 1 to 100 MiB). Upload {@code i} goes to format {@code i % 4}, so
 * every format gets small and large ones.
 */
class StressIT {
    private static final String GROUP_PATH = "io/example/stress/stress-lib";
    private static final String PACKAGE = "stress-pkg";
    private static final String WHEEL_DIST = "stress_pkg";

    /** The formats under load, with their repository key and mount. */
    enum Format {
        GENERIC("stress-generic", "general"), MAVEN("stress-maven", "maven"), NPM("stress-npm", "npm"),
        PYPI("stress-pypi", "pypi");

        final String repo;
        final String mount;

        Format(String repo, String mount) {
            this.repo = repo;
            this.mount = mount;
        }

        String base() {
            return "/" + mount + "/" + repo + "/";
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One upload as done: what was stored (its file name, size and SHA-256) and how it went. */
    record Outcome(Format format, int index, String version, String file, long bytes, String sha256, int status,
            String error, long startNanos, long endNanos) {
        boolean ok() {
            return status / 100 == 2;
        }

        long latencyNanos() {
            return endNanos - startNanos;
        }
    }

    @TempDir
    Path tmp;

    private Distribution ak;
    private String admin;
    /** Its own client: with 100 bodies being generated on two cores, a connect can take longer than the usual 5 s. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMinutes(2)).build();

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
    void concurrentUploadsAcrossFormatsAllLandIntact() throws Exception {
        int uploads = Integer.getInteger("stress.uploads", 20);
        long minBytes = Long.getLong("stress.min.mib", 1) * 1024 * 1024;
        long maxBytes = Long.getLong("stress.max.mib", 8) * 1024 * 1024;
        int concurrency = Integer.getInteger("stress.concurrency", uploads);
        try (Distribution server = new Distribution(tmp.resolve("data")).start()) {
            ak = server;
            ak.awaitReady(Duration.ofSeconds(120));
            admin = ak.adminBasic();
            for (Format f : Format.values()) {
                assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", f.repo, "format", f.label()))
                        .statusCode()).as("create %s", f.repo).isEqualTo(201);
            }
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
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                long size = uploads == 1 ? maxBytes : minBytes + (maxBytes - minBytes) * i / (uploads - 1);
                Format f = Format.values()[i % Format.values().length];
                int index = i;
                futures.add(pool.submit(() -> publish(f, index, size)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
            pool.shutdown();
            sampler.interrupt();

            Map<Format, Integer> verified = verify(outcomes);
            report(outcomes, verified, uploads, minBytes, maxBytes, concurrency, peakRss.get());
            for (Outcome o : outcomes) {
                assertThat(o.ok()).as("%s upload %d (%s): %s", o.format().label(), o.index(), o.file(), o.error())
                        .isTrue();
            }
            assertThat(verified.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(uploads);
        }
    }

    // --- publishing, one format's native protocol each

    private Outcome publish(Format f, int i, long size) throws Exception {
        String version = "1.0." + i;
        Body data = Streamed.generated(size, i);
        return switch (f) {
            case GENERIC -> {
                String file = "file-" + i + "-" + size + ".bin";
                yield send(f, i, version, file, data, sha256Of(data),
                        new Req("PUT", f.base() + "load/" + file, "application/octet-stream", data));
            }
            case MAVEN -> {
                long crc = Long.parseLong(Streamed.digest(data, "CRC32").get("CRC32"));
                Body jar = Streamed.zip(List.of(
                        ZipPart.of("META-INF/MANIFEST.MF", ascii("Manifest-Version: 1.0\r\nCreated-By: StressIT\r\n\r\n")),
                        new ZipPart("stress/data.bin", data, crc)));
                String pom = """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
                        <groupId>io.example.stress</groupId><artifactId>stress-lib</artifactId><version>%s</version>
                        <packaging>jar</packaging></project>
                        """.formatted(version);
                String prefix = f.base() + GROUP_PATH + "/" + version + "/stress-lib-" + version;
                yield send(f, i, version, "stress-lib-" + version + ".jar", jar, sha256Of(jar),
                        new Req("PUT", prefix + ".jar", "application/java-archive", jar),
                        new Req("PUT", prefix + ".pom", "application/xml", Streamed.of(pom)));
            }
            case NPM -> {
                String file = PACKAGE + "-" + version + ".tgz";
                Map<String, Body> files = new LinkedHashMap<>();
                files.put("package/package.json", Streamed.of("{\"name\":\"" + PACKAGE + "\",\"version\":\"" + version
                        + "\",\"main\":\"index.js\"}\n"));
                files.put("package/data.bin", data);
                Body tgz = Streamed.gzipStored(Streamed.tar(files));
                Map<String, String> d = Streamed.digest(tgz, "SHA-1", "SHA-256", "SHA-512");
                yield send(f, i, version, file, tgz, d.get("SHA-256"), new Req("PUT", f.base() + PACKAGE,
                        "application/json", npmPublishBody(version, file, tgz, d)));
            }
            case PYPI -> {
                Map<String, String> dd = Streamed.digest(data, "SHA-256", "CRC32");
                String file = WHEEL_DIST + "-" + version + "-py3-none-any.whl";
                Body wheel = wheel(version, data, dd);
                Map<String, String> d = Streamed.digest(wheel, "SHA-256", "MD5");
                yield send(f, i, version, file, wheel, d.get("SHA-256"), twineUpload(f, version, file, wheel, d));
            }
        };
    }

    /** The body {@code npm publish} sends: the package document with the tarball base64-encoded in it. */
    private Body npmPublishBody(String version, String file, Body tgz, Map<String, String> d) {
        ObjectNode doc = Distribution.JSON.createObjectNode();
        doc.put("_id", PACKAGE).put("name", PACKAGE).put("description", "stress test package");
        doc.putObject("dist-tags").put("latest", version);
        ObjectNode manifest = doc.putObject("versions").putObject(version);
        manifest.put("name", PACKAGE).put("version", version).put("main", "index.js").put("_id", PACKAGE + "@" + version);
        manifest.putObject("dist").put("shasum", d.get("SHA-1"))
                .put("integrity", "sha512-" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(d.get("SHA-512"))))
                .put("tarball", ak.url() + Format.NPM.base() + PACKAGE + "/-/" + file);
        doc.putNull("access");
        String head = doc.toString();
        head = head.substring(0, head.length() - 1) + ",\"_attachments\":{\"" + file
                + "\":{\"content_type\":\"application/octet-stream\",\"data\":\"";
        String tail = "\",\"length\":" + tgz.length() + "}}}";
        return Streamed.concat(Streamed.of(head), Streamed.base64(tgz), Streamed.of(tail));
    }

    /** A wheel with the generated bytes as a STORED package file, and METADATA, WHEEL and RECORD. */
    private static Body wheel(String version, Body data, Map<String, String> dataDigests) {
        String distInfo = WHEEL_DIST + "-" + version + ".dist-info/";
        Map<String, byte[]> small = new LinkedHashMap<>();
        small.put(WHEEL_DIST + "/__init__.py", ascii("VERSION = '" + version + "'\n"));
        small.put(distInfo + "METADATA", ascii("Metadata-Version: 2.1\nName: " + PACKAGE + "\nVersion: " + version
                + "\nSummary: stress test package\nRequires-Python: >=3.8\n"));
        small.put(distInfo + "WHEEL", ascii("Wheel-Version: 1.0\nGenerator: StressIT\nRoot-Is-Purelib: true\nTag: py3-none-any\n"));
        StringBuilder record = new StringBuilder();
        record.append(WHEEL_DIST + "/data.bin,sha256=").append(b64url(dataDigests.get("SHA-256"))).append(',')
                .append(data.length()).append('\n');
        List<ZipPart> parts = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : small.entrySet()) {
            record.append(e.getKey()).append(",sha256=").append(b64url(sha256Hex(e.getValue()))).append(',')
                    .append(e.getValue().length).append('\n');
        }
        record.append(distInfo).append("RECORD,,\n");
        parts.add(ZipPart.of(WHEEL_DIST + "/__init__.py", small.get(WHEEL_DIST + "/__init__.py")));
        parts.add(new ZipPart(WHEEL_DIST + "/data.bin", data, Long.parseLong(dataDigests.get("CRC32"))));
        parts.add(ZipPart.of(distInfo + "METADATA", small.get(distInfo + "METADATA")));
        parts.add(ZipPart.of(distInfo + "WHEEL", small.get(distInfo + "WHEEL")));
        parts.add(ZipPart.of(distInfo + "RECORD", ascii(record.toString())));
        return Streamed.zip(parts);
    }

    /** twine's upload: multipart/form-data with the release fields first, then the file. */
    private static Req twineUpload(Format f, String version, String file, Body wheel, Map<String, String> d) {
        String boundary = "----StressIT" + d.get("SHA-256").substring(0, 16);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(":action", "file_upload");
        fields.put("protocol_version", "1");
        fields.put("name", PACKAGE);
        fields.put("version", version);
        fields.put("filetype", "bdist_wheel");
        fields.put("pyversion", "py3");
        fields.put("metadata_version", "2.1");
        fields.put("summary", "stress test package");
        fields.put("md5_digest", d.get("MD5"));
        fields.put("sha256_digest", d.get("SHA-256"));
        StringBuilder head = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(e.getKey())
                    .append("\"\r\n\r\n").append(e.getValue()).append("\r\n");
        }
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"content\"; filename=\"")
                .append(file).append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        Body body = Streamed.concat(Streamed.of(head.toString()), wheel, Streamed.of("\r\n--" + boundary + "--\r\n"));
        return new Req("POST", f.base(), "multipart/form-data; boundary=" + boundary, body);
    }

    private record Req(String method, String path, String contentType, Body body) {
    }

    /** Sends the requests in order (stopping at the first that fails); the latency covers them all. */
    private Outcome send(Format f, int i, String version, String file, Body artifact, String sha256, Req... reqs) {
        long start = System.nanoTime();
        int status = 0;
        String error = null;
        for (Req r : reqs) {
            try {
                HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(ak.url() + r.path()))
                        .timeout(Duration.ofMinutes(10)).header("Authorization", admin)
                        .header("Content-Type", r.contentType())
                        .method(r.method(), HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(r.body()::open), r.body().length()))
                        .build(), HttpResponse.BodyHandlers.ofString());
                status = resp.statusCode();
                if (status / 100 != 2) {
                    error = r.method() + " " + r.path() + " -> " + status + " " + abbreviate(resp.body());
                    break;
                }
            } catch (Exception e) {
                status = 0;
                error = r.method() + " " + r.path() + " -> " + e;
                break;
            }
        }
        return new Outcome(f, i, version, file, artifact.length(), sha256, status, error, start, System.nanoTime());
    }

    // --- verification

    /** Per format, how many uploads were listed by the API and the format's index and downloaded intact. */
    private Map<Format, Integer> verify(List<Outcome> outcomes) throws Exception {
        Map<Format, Map<String, JsonNode>> listed = new EnumMap<>(Format.class);
        Map<Format, Object> indexes = new EnumMap<>(Format.class);
        for (Format f : Format.values()) {
            listed.put(f, listing(f.repo));
            indexes.put(f, switch (f) {
                case GENERIC -> get(f.base() + "load/").body();
                case MAVEN -> get(f.base() + GROUP_PATH + "/maven-metadata.xml").body();
                case NPM -> Distribution.JSON.readTree(get(f.base() + PACKAGE, "Accept", "application/json").body());
                case PYPI -> Distribution.JSON.readTree(get(f.base() + "simple/" + PACKAGE + "/", "Accept",
                        "application/vnd.pypi.simple.v1+json").body());
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Format>> checks = new ArrayList<>();
            for (Outcome o : outcomes) {
                if (o.ok()) {
                    checks.add(pool.submit(() -> verifyOne(o, listed.get(o.format()), indexes.get(o.format()))));
                }
            }
            Map<Format, Integer> verified = new EnumMap<>(Format.class);
            for (Format f : Format.values()) {
                verified.put(f, 0);
            }
            for (Future<Format> c : checks) {
                verified.merge(c.get(), 1, Integer::sum);
            }
            return verified;
        } finally {
            pool.shutdown();
        }
    }

    private Format verifyOne(Outcome o, Map<String, JsonNode> listed, Object index) throws Exception {
        Format f = o.format();
        String what = f.label() + " " + o.file();
        JsonNode item = listed.entrySet().stream().filter(e -> e.getKey().equals(o.file()) || e.getKey().endsWith("/" + o.file()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        assertThat(item).as("%s listed by GET /api/v1/repositories/%s/artifacts", what, f.repo).isNotNull();
        assertThat(item.path("checksum_sha256").asText()).as("%s listed SHA-256", what).isEqualTo(o.sha256());
        assertThat(item.path("size_bytes").asLong()).as("%s listed size", what).isEqualTo(o.bytes());
        String url = switch (f) {
            case GENERIC -> {
                assertThat((String) index).as("%s in the folder page", what).contains(o.file());
                yield ak.url() + f.base() + "load/" + o.file();
            }
            case MAVEN -> {
                assertThat((String) index).as("%s in maven-metadata.xml", what).contains("<version>" + o.version() + "</version>");
                yield ak.url() + f.base() + GROUP_PATH + "/" + o.version() + "/" + o.file();
            }
            case NPM -> {
                JsonNode dist = ((JsonNode) index).path("versions").path(o.version()).path("dist");
                assertThat(dist.path("tarball").asText()).as("%s in the packument", what).endsWith("/" + o.file());
                yield dist.path("tarball").asText();
            }
            case PYPI -> {
                JsonNode file = null;
                for (JsonNode n : ((JsonNode) index).path("files")) {
                    if (n.path("filename").asText().equals(o.file())) {
                        file = n;
                    }
                }
                assertThat(file).as("%s on the simple page", what).isNotNull();
                assertThat(file.path("hashes").path("sha256").asText()).as("%s simple page hash", what).isEqualTo(o.sha256());
                // the server found the wheel's METADATA inside it (PEP 658): the archive is a real wheel
                assertThat(file.has("core-metadata")).as("%s core-metadata on the simple page", what).isTrue();
                yield URI.create(ak.url() + f.base() + "simple/" + PACKAGE + "/").resolve(file.path("url").asText()).toString();
            }
        };
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .header("Authorization", admin).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertThat(r.statusCode()).as("%s download %s", what, url).isEqualTo(200);
            assertThat(sha256(in)).as("%s downloaded through %s", what, url).isEqualTo(o.sha256());
        }
        return f;
    }

    /** Every artifact of the repository by path, page by page. */
    private Map<String, JsonNode> listing(String repo) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (int page = 1;; page++) {
            JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000&page="
                    + page, admin, null, null));
            for (JsonNode item : list.path("items")) {
                out.put(item.path("path").asText(), item);
            }
            if (list.path("items").isEmpty() || out.size() >= list.path("total").asInt()) {
                return out;
            }
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpResponse<String> r = ak.send("GET", path, admin, null, null, headers);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r;
    }

    // --- numbers

    private static void report(List<Outcome> outcomes, Map<Format, Integer> verified, int uploads, long minBytes,
            long maxBytes, int concurrency, long peakRssKb) {
        System.out.printf("[measure] stress: %d uploads of %d..%d MiB over %d formats, %d at a time%n", uploads,
                minBytes >> 20, maxBytes >> 20, Format.values().length, concurrency);
        for (Format f : Format.values()) {
            line(f.label(), outcomes.stream().filter(o -> o.format() == f).toList(), verified.get(f));
        }
        line("total", outcomes, verified.values().stream().mapToInt(Integer::intValue).sum());
        System.out.printf("[measure]   server peak RSS %d MiB (the JVM, sampled every 100 ms; all formats at once)%n",
                peakRssKb / 1024);
        for (Outcome o : outcomes) {
            if (!o.ok()) {
                System.out.printf("[measure]   failed: %s upload %d (%s, %.1f MiB) after %.1f s: %s%n", o.format().label(),
                        o.index(), o.file(), o.bytes() / 1048576.0, o.latencyNanos() / 1e9, o.error());
            }
        }
    }

    /** Throughput: the bytes stored over the span from the first request's start to the last one's end. */
    private static void line(String label, List<Outcome> os, int verified) {
        if (os.isEmpty()) {
            System.out.printf("[measure]   %-8s no uploads%n", label);
            return;
        }
        long ok = os.stream().filter(Outcome::ok).count();
        double mib = os.stream().filter(Outcome::ok).mapToLong(Outcome::bytes).sum() / 1048576.0;
        long start = os.stream().mapToLong(Outcome::startNanos).min().orElse(0);
        long end = os.stream().mapToLong(Outcome::endNanos).max().orElse(0);
        double secs = Math.max(1e-9, (end - start) / 1e9);
        List<Long> lat = new ArrayList<>(os.stream().map(Outcome::latencyNanos).toList());
        Collections.sort(lat);
        double p50 = lat.get(lat.size() / 2) / 1e6;
        double p99 = lat.get(Math.min(lat.size() - 1, (int) Math.ceil(lat.size() * 0.99) - 1)) / 1e6;
        System.out.printf("[measure]   %-8s %3d/%-3d ok (%5.1f%%)  %8.1f MiB in %6.1f s = %6.1f MiB/s  latency p50 %6.0f ms"
                + "  p99 %6.0f ms  %3d verified by SHA-256%n", label, ok, os.size(), 100.0 * ok / os.size(), mib, secs,
                mib / secs, p50, p99, verified);
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    // --- small helpers

    private static String sha256Of(Body b) {
        return Streamed.digest(b, "SHA-256").get("SHA-256");
    }

    private static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64url(String hex) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
