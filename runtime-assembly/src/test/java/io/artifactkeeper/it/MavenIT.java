package io.artifactkeeper.it;

import static io.artifactkeeper.it.MavenFamilyClients.DEPENDENCY_GET;
import static io.artifactkeeper.it.MavenFamilyClients.cmd;
import static io.artifactkeeper.it.MavenFamilyClients.entry;
import static io.artifactkeeper.it.MavenFamilyClients.run;
import static io.artifactkeeper.it.MavenFamilyClients.xml;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The maven format with the real clients: {@code mvn deploy} (release, a SNAPSHOT twice, a refused
 * release redeploy), {@code mvn dependency:get} into empty local repositories through a local, a
 * remote (whose upstream is a second running instance) and a virtual repository with checksums
 * enforced, gradle 4.4 resolving from us; plus stale serving, single-flight and bad input.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MavenIT {
    static final String G = "io.artifactkeeper.it";
    static final String GP = "io/artifactkeeper/it";

    @TempDir
    static Path tmp;
    static Distribution ak;
    static Distribution up;
    static String admin;
    static Path deployRepo;
    static Path pluginRepo = Path.of(System.getProperty("user.home"), ".m2", "repository");

    @BeforeAll
    static void start() throws Exception {
        MavenFamilyClients.require("mvn", "maven");
        ak = new Distribution(tmp.resolve("ak")).start();
        up = new Distribution(tmp.resolve("up")).start();
        ak.awaitReady(Duration.ofSeconds(180));
        up.awaitReady(Duration.ofSeconds(180));
        admin = ak.adminBasic();
        create(up, Map.of("key", "up-local", "format", "maven", "repo_type", "local"));
        create(ak, Map.of("key", "mvn-local", "format", "maven", "repo_type", "local"));
        create(ak, Map.of("key", "mvn-remote", "format", "maven", "repo_type", "remote",
                "upstream_url", up.url() + "/maven/up-local", "settings", Map.of("upstream_username", "admin",
                        "upstream_password", Distribution.ADMIN_PASSWORD, "metadata_ttl_seconds", 1)));
        create(ak, Map.of("key", "mvn-virtual", "format", "gradle", "repo_type", "virtual"));
        ok(ak.json("PUT", "/api/v1/repositories/mvn-virtual/members", admin, Map.of("members", List.of(
                Map.of("member_key", "mvn-local", "priority", 1), Map.of("member_key", "mvn-remote", "priority", 2)))), 200);
        deployRepo = tmp.resolve("m2-deploy");
        warmPlugins();
        System.out.println("MavenIT clients: " + run(tmp, env(), 120, cmd("mvn", "-v")).ok().output().lines()
                .filter(l -> l.contains("Apache Maven")).map(l -> l.substring(l.indexOf("Apache Maven"))).findFirst()
                .orElse("mvn ?"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (Distribution d : new Distribution[] {ak, up}) {
            if (d != null) {
                d.close();
            }
        }
    }

    static void create(Distribution d, Map<String, Object> body) throws Exception {
        ok(d.json("POST", "/api/v1/repositories", d.adminBasic(), body), 201);
    }

    static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : Distribution.parse(r);
    }

    // --- the mvn side

    /** Resolves the pinned plugins once into ~/.m2 (from Maven Central), which then serves as a file:// plugin repository. */
    static void warmPlugins() throws Exception {
        Path p = project("warm", G, "warm", "1.0", "warm", "http://127.0.0.1:1/none");
        run(p, env(), 600, cmd("mvn", "-B", "-q", "package", "install:help", "deploy:help",
                "dependency:help", "-Dmaven.test.skip=true")).ok();
    }

    static Map<String, String> env() {
        return Map.of("JAVA_HOME", MavenFamilyClients.javaHome(), "MAVEN_OPTS", "-Xmx256m");
    }

    /** A tiny jar project whose jar carries {@code marker.txt} (to tell builds apart) and one class. */
    static Path project(String dirName, String groupId, String artifactId, String version, String marker,
            String deployUrl) throws Exception {
        Path dir = tmp.resolve("projects").resolve(dirName);
        Files.createDirectories(dir.resolve("src/main/java/demo"));
        Files.createDirectories(dir.resolve("src/main/resources"));
        Files.writeString(dir.resolve("src/main/java/demo/Marker.java"),
                "package demo;\npublic final class Marker {\n    public static final String VALUE = \"" + marker + "\";\n}\n");
        Files.writeString(dir.resolve("src/main/resources/marker.txt"), marker);
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <version>%s</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <distributionManagement>
                    <repository><id>ak</id><url>%s</url></repository>
                    <snapshotRepository><id>ak</id><url>%s</url></snapshotRepository>
                  </distributionManagement>
                %s</project>
                """.formatted(groupId, artifactId, version, xml(deployUrl), xml(deployUrl), MavenFamilyClients.PLUGINS));
        return dir;
    }

    /**
     * settings.xml: our server's credentials sent pre-emptively; {@code central} overridden so that
     * artifacts resolve only from {@code repoUrl} with checksum policy fail, and plugins from the
     * local ~/.m2 as a file:// repository (no network, no checksums there).
     */
    static Path settings(String name, String repoUrl) throws Exception {
        Path s = tmp.resolve("settings-" + name + ".xml");
        String server = """
                    <server><id>%s</id><username>admin</username><password>%s</password>
                      <configuration><httpConfiguration><all><usePreemptive>true</usePreemptive></all></httpConfiguration></configuration>
                    </server>
                """;
        Files.writeString(s, """
                <settings>
                  <servers>
                %s%s  </servers>
                  <profiles><profile><id>ak</id>
                    <repositories><repository><id>central</id><url>%s</url>
                      <releases><enabled>true</enabled><checksumPolicy>fail</checksumPolicy><updatePolicy>always</updatePolicy></releases>
                      <snapshots><enabled>true</enabled><checksumPolicy>fail</checksumPolicy><updatePolicy>always</updatePolicy></snapshots>
                    </repository></repositories>
                    <pluginRepositories><pluginRepository><id>central</id><url>%s</url>
                      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
                    </pluginRepository></pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>ak</activeProfile></activeProfiles>
                </settings>
                """.formatted(server.formatted("ak", xml(Distribution.ADMIN_PASSWORD)),
                server.formatted("central", xml(Distribution.ADMIN_PASSWORD)), xml(repoUrl),
                pluginRepo.toUri()));
        return s;
    }

    static MavenFamilyClients.Result deploy(Distribution d, String repo, String artifactId, String version, String marker)
            throws Exception {
        String url = d.url() + "/maven/" + repo;
        Path p = project(artifactId + "-" + version + "-" + marker, G, artifactId, version, marker, url);
        return run(p, env(), 300, cmd("mvn", "-B", "-q", "-s", settings("deploy", url).toString(),
                "-Dmaven.repo.local=" + deployRepo, "-Dmaven.test.skip=true", "deploy"));
    }

    /** {@code mvn dependency:get} into a new, empty local repository; returns that repository. */
    static Path get(String repo, String coords) throws Exception {
        Path local = Files.createTempDirectory(tmp, "m2-empty-");
        String url = ak.url() + "/maven/" + repo;
        run(tmp, env(), 300, cmd("mvn", "-B", "-q", "-s", settings("get-" + repo, url).toString(),
                "-Dmaven.repo.local=" + local, DEPENDENCY_GET, "-Dartifact=" + coords, "-Dtransitive=false")).ok();
        return local;
    }

    static Path jarIn(Path local, String artifactId, String version) throws Exception {
        Path dir = local.resolve(GP).resolve(artifactId).resolve(version);
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no jar in " + dir));
        }
    }

    // --- tests

    @Test
    @Order(1)
    void deployReleaseAndSnapshotTwiceWithMvn() throws Exception {
        deploy(ak, "mvn-local", "demo-lib", "1.0", "local-1.0").ok();
        deploy(ak, "mvn-local", "demo-lib", "1.1-SNAPSHOT", "snap-1").ok();
        String base = "/maven/mvn-local/" + GP + "/demo-lib/";
        // the second build needs a later timestamp than the first (mvn stamps to the second, in UTC)
        Matcher first = Pattern.compile("<timestamp>(\\d{8}\\.\\d{6})</timestamp>")
                .matcher(ak.send("GET", base + "1.1-SNAPSHOT/maven-metadata.xml", admin, null, null).body());
        assertThat(first.find()).isTrue();
        DateTimeFormatter stamp = DateTimeFormatter.ofPattern("yyyyMMdd.HHmmss").withZone(ZoneOffset.UTC);
        await("the clock passes the first snapshot's timestamp " + first.group(1), Duration.ofSeconds(10),
                () -> stamp.format(Instant.now()).compareTo(first.group(1)) > 0);
        deploy(ak, "mvn-local", "demo-lib", "1.1-SNAPSHOT", "snap-2").ok();

        HttpResponse<String> meta = ak.send("GET", base + "maven-metadata.xml", admin, null, null);
        assertThat(meta.statusCode()).isEqualTo(200);
        assertThat(meta.body()).contains("<groupId>" + G + "</groupId>", "<artifactId>demo-lib</artifactId>",
                "<version>1.0</version>", "<version>1.1-SNAPSHOT</version>", "<release>1.0</release>",
                "<latest>1.1-SNAPSHOT</latest>");
        assertThat(meta.body()).containsPattern("<lastUpdated>\\d{14}</lastUpdated>");
        // the served checksums are those of the served bytes
        assertThat(ak.send("GET", base + "maven-metadata.xml.sha1", admin, null, null).body()).isEqualTo(sha("SHA-1", meta.body()));
        assertThat(ak.send("GET", base + "maven-metadata.xml.sha256", admin, null, null).body()).isEqualTo(sha("SHA-256", meta.body()));

        String snap = ak.send("GET", base + "1.1-SNAPSHOT/maven-metadata.xml", admin, null, null).body();
        assertThat(snap).contains("<version>1.1-SNAPSHOT</version>", "<buildNumber>2</buildNumber>", "<extension>jar</extension>",
                "<extension>pom</extension>");
        Matcher m = Pattern.compile("<value>(1\\.1-\\d{8}\\.\\d{6}-2)</value>").matcher(snap);
        assertThat(m.find()).as(snap).isTrue();
        String jar = base + "1.1-SNAPSHOT/demo-lib-" + m.group(1) + ".jar";
        HttpResponse<byte[]> j = ak.getBytes(jar, admin);
        assertThat(j.statusCode()).isEqualTo(200);
        for (String[] c : new String[][] {{"md5", "MD5"}, {"sha1", "SHA-1"}, {"sha256", "SHA-256"}, {"sha512", "SHA-512"}}) {
            assertThat(ak.send("GET", jar + "." + c[0], admin, null, null).body()).isEqualTo(sha(c[1], j.body()));
        }
        // both builds are kept, under their own timestamps
        assertThat(ak.send("GET", base + "1.1-SNAPSHOT/", admin, null, null).body()).containsPattern("-1\\.jar\"")
                .containsPattern("-2\\.jar\"");

        // describe: name groupId:artifactId and version on every file
        JsonNode arts = ok(ak.send("GET", "/api/v1/repositories/mvn-local/artifacts?q=demo-lib&per_page=100", admin, null, null), 200);
        boolean seenJar = false;
        for (JsonNode a : arts.get("items")) {
            if (a.get("path").asText().equals(GP + "/demo-lib/1.0/demo-lib-1.0.jar")) {
                assertThat(a.get("name").asText()).isEqualTo(G + ":demo-lib");
                assertThat(a.get("version").asText()).isEqualTo("1.0");
                seenJar = true;
            }
        }
        assertThat(seenJar).as(arts.toString()).isTrue();
    }

    @Test
    @Order(2)
    void releaseRedeployWithDifferentBytesIsRefused() throws Exception {
        String jar = "/maven/mvn-local/" + GP + "/demo-lib/1.0/demo-lib-1.0.jar";
        byte[] before = ak.getBytes(jar, admin).body();
        MavenFamilyClients.Result r = deploy(ak, "mvn-local", "demo-lib", "1.0", "local-1.0-changed");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("409");
        assertThat(ak.getBytes(jar, admin).body()).isEqualTo(before);
        // identical bytes are accepted (a retried upload)
        assertThat(ak.send("PUT", jar, admin, null, before).statusCode()).isEqualTo(201);
        // a repository that allows redeploy takes the new bytes
        create(ak, Map.of("key", "mvn-redeploy", "format", "maven", "repo_type", "local", "settings", Map.of("allow_redeploy", true)));
        String p = "/maven/mvn-redeploy/" + GP + "/x/1.0/x-1.0.jar";
        assertThat(ak.send("PUT", p, admin, null, new byte[] {1}).statusCode()).isEqualTo(201);
        assertThat(ak.send("PUT", p, admin, null, new byte[] {2}).statusCode()).isEqualTo(201);
        assertThat(ak.getBytes(p, admin).body()).containsExactly(2);
        // SNAPSHOTs are overwritable anywhere
        String s = "/maven/mvn-local/" + GP + "/x/2.0-SNAPSHOT/x-2.0-SNAPSHOT.jar";
        assertThat(ak.send("PUT", s, admin, null, new byte[] {1}).statusCode()).isEqualTo(201);
        assertThat(ak.send("PUT", s, admin, null, new byte[] {2}).statusCode()).isEqualTo(201);
    }

    @Test
    @Order(3)
    void dependencyGetFromLocalIntoEmptyRepositoryWithChecksums() throws Exception {
        Path local = get("mvn-local", G + ":demo-lib:1.0");
        assertThat(entry(jarIn(local, "demo-lib", "1.0"), "marker.txt")).isEqualTo("local-1.0");
        Path snap = get("mvn-local", G + ":demo-lib:1.1-SNAPSHOT");
        assertThat(entry(jarIn(snap, "demo-lib", "1.1-SNAPSHOT"), "marker.txt")).isEqualTo("snap-2");
        // mvn fetched checksum files (policy fail) for what it downloaded
        assertThat(ak.logText()).contains("GET /maven/mvn-local/" + GP + "/demo-lib/1.0/demo-lib-1.0.jar.sha1 200");
    }

    @Test
    @Order(4)
    void dependencyGetThroughRemoteAndVirtual() throws Exception {
        // the upstream instance gets its own builds: 1.0 with other bytes, and 2.0
        deploy(up, "up-local", "demo-lib", "1.0", "upstream-1.0").ok();
        deploy(up, "up-local", "demo-lib", "2.0", "upstream-2.0").ok();

        Path viaRemote = get("mvn-remote", G + ":demo-lib:1.0");
        assertThat(entry(jarIn(viaRemote, "demo-lib", "1.0"), "marker.txt")).isEqualTo("upstream-1.0");
        Path viaRemote2 = get("mvn-remote", G + ":demo-lib:2.0");
        assertThat(entry(jarIn(viaRemote2, "demo-lib", "2.0"), "marker.txt")).isEqualTo("upstream-2.0");

        // virtual: local first for 1.0, the remote member for 2.0
        Path viaVirtual = get("mvn-virtual", G + ":demo-lib:1.0");
        assertThat(entry(jarIn(viaVirtual, "demo-lib", "1.0"), "marker.txt")).isEqualTo("local-1.0");
        Path viaVirtual2 = get("mvn-virtual", G + ":demo-lib:2.0");
        assertThat(entry(jarIn(viaVirtual2, "demo-lib", "2.0"), "marker.txt")).isEqualTo("upstream-2.0");
        Path snap = get("mvn-virtual", G + ":demo-lib:1.1-SNAPSHOT");
        assertThat(entry(jarIn(snap, "demo-lib", "1.1-SNAPSHOT"), "marker.txt")).isEqualTo("snap-2");

        // merged metadata: union of versions, latest/release recomputed, checksums of the merged bytes
        String meta = "/maven/mvn-virtual/" + GP + "/demo-lib/maven-metadata.xml";
        HttpResponse<String> m = ak.send("GET", meta, admin, null, null);
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.body()).contains("<version>1.0</version>", "<version>1.1-SNAPSHOT</version>", "<version>2.0</version>",
                "<release>2.0</release>", "<latest>2.0</latest>");
        assertThat(ak.send("GET", meta + ".md5", admin, null, null).body()).isEqualTo(sha("MD5", m.body()));

        // the directory listing of the virtual repository shows both members' versions
        assertThat(ak.send("GET", "/maven/mvn-virtual/" + GP + "/demo-lib/", admin, null, null).body())
                .contains("href=\"./1.0/\"", "href=\"./1.1-SNAPSHOT/\"", "href=\"./2.0/\"", "maven-metadata.xml");
    }

    @Test
    @Order(5)
    void gradleResolvesFromUs() throws Exception {
        String gradle = MavenFamilyClients.require("gradle", "gradle");
        System.out.println("MavenIT gradle: " + run(tmp, Map.of("JAVA_HOME", MavenFamilyClients.jdk17()), 120,
                cmd(gradle, "-v")).output().lines().filter(l -> l.startsWith("Gradle ")).findFirst().orElse("gradle ?"));
        Path dir = tmp.resolve("gradle-consumer");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("settings.gradle"), "rootProject.name = 'consumer'\n");
        Files.writeString(dir.resolve("build.gradle"), """
                apply plugin: 'java'
                repositories {
                    maven {
                        url '%s'
                        credentials { username 'admin'; password '%s' }
                    }
                }
                dependencies { compile '%s:demo-lib:1.0' }
                task fetch(type: Copy) {
                    from configurations.compile
                    into 'fetched'
                }
                """.formatted(ak.url() + "/maven/mvn-virtual", Distribution.ADMIN_PASSWORD, G));
        // a new Gradle user home: an empty dependency cache, so the jar comes from us
        MavenFamilyClients.Result r = run(dir, Map.of("JAVA_HOME", MavenFamilyClients.jdk17()), 300,
                cmd(gradle, "-q", "--no-daemon", "-g", tmp.resolve("gradle-home").toString(), "fetch"));
        r.ok();
        assertThat(entry(dir.resolve("fetched/demo-lib-1.0.jar"), "marker.txt")).isEqualTo("local-1.0");
    }

    @Test
    @Order(6)
    void fiftyConcurrentFirstRequestsReachTheUpstreamOnce() throws Exception {
        byte[] big = new byte[768 * 1024];
        new Random(7).nextBytes(big);
        String path = GP + "/big/1.0/big-1.0.jar";
        assertThat(up.send("PUT", "/maven/up-local/" + path, up.adminBasic(), null, big).statusCode()).isEqualTo(201);
        long before = upstreamRequests(ak);
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<byte[]>>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Callable<HttpResponse<byte[]>> c = () -> {
                go.await();
                return ak.http().send(HttpRequest.newBuilder(URI.create(ak.url() + "/maven/mvn-remote/" + path))
                        .header("Authorization", admin).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            };
            fs.add(pool.submit(c));
        }
        go.countDown();
        for (Future<HttpResponse<byte[]>> f : fs) {
            HttpResponse<byte[]> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(big);
        }
        pool.shutdown();
        assertThat(upstreamRequests(ak) - before).isEqualTo(1);
        // the upstream's access log line reaches its file after the answer
        await("the upstream logs the request", Duration.ofSeconds(15),
                () -> countLines(up.logText(), "GET /maven/up-local/" + path + " ") > 0);
        assertThat(countLines(up.logText(), "GET /maven/up-local/" + path + " ")).isEqualTo(1);
    }

    @Test
    @Order(7)
    void badInputIsRefusedAndLeavesNothing() throws Exception {
        String base = "/maven/mvn-local/" + GP + "/demo-lib/";
        String jar = base + "1.0/demo-lib-1.0.jar";
        // a wrong checksum upload: 400, the served checksum is unchanged
        String sha1 = ak.send("GET", jar + ".sha1", admin, null, null).body();
        assertThat(ak.send("PUT", jar + ".sha1", admin, null, "0".repeat(40).getBytes()).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", jar + ".sha1", admin, null, "not a checksum".getBytes()).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", jar + ".sha1", admin, null, (sha1 + "  demo-lib-1.0.jar\n").getBytes()).statusCode()).isEqualTo(201);
        assertThat(ak.send("GET", jar + ".sha1", admin, null, null).body()).isEqualTo(sha1);
        // a checksum for nothing
        assertThat(ak.send("PUT", base + "9.9/demo-lib-9.9.jar.sha1", admin, null, sha1.getBytes()).statusCode()).isEqualTo(404);
        // a declared checksum header that does not match the body
        HttpResponse<String> hdr = ak.send("PUT", base + "7.0/demo-lib-7.0.jar", admin, null, new byte[] {1, 2},
                "X-Checksum-Sha1", "0".repeat(40));
        assertThat(hdr.statusCode()).isEqualTo(400);
        assertThat(ak.send("GET", base + "7.0/demo-lib-7.0.jar", admin, null, null).statusCode()).isEqualTo(404);

        // malformed client metadata: 400, ours stays
        String metaBefore = ak.send("GET", base + "maven-metadata.xml", admin, null, null).body();
        assertThat(ak.send("PUT", base + "maven-metadata.xml", admin, "application/xml", "<metadata><versioning>".getBytes())
                .statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", base + "maven-metadata.xml", admin, "application/xml",
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><metadata>&e;</metadata>".getBytes()).statusCode())
                .isEqualTo(400);
        // a stale but valid client document is accepted and does not drop our versions
        assertThat(ak.send("PUT", base + "maven-metadata.xml", admin, "application/xml", ("<metadata><groupId>" + G
                + "</groupId><artifactId>demo-lib</artifactId><versioning><versions><version>0.1</version></versions>"
                + "</versioning></metadata>").getBytes()).statusCode()).isEqualTo(201);
        String metaAfter = ak.send("GET", base + "maven-metadata.xml", admin, null, null).body();
        assertThat(metaAfter).contains("<version>1.0</version>", "<version>1.1-SNAPSHOT</version>").doesNotContain("0.1<");
        assertThat(metaBefore).contains("<version>1.0</version>");

        // a POM that is not XML, or names another artifact: 400, nothing stored
        String pom = base + "8.0/demo-lib-8.0.pom";
        assertThat(ak.send("PUT", pom, admin, null, "not xml".getBytes()).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", pom, admin, null, ("<project><groupId>" + G + "</groupId><artifactId>other</artifactId>"
                + "<version>8.0</version></project>").getBytes()).statusCode()).isEqualTo(400);
        assertThat(ak.send("GET", pom, admin, null, null).statusCode()).isEqualTo(404);
        assertThat(metaOf(base)).doesNotContain("8.0");

        // not the Maven layout
        assertThat(ak.send("PUT", "/maven/mvn-local/demo.jar", admin, null, new byte[] {1}).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", "/maven/mvn-local/" + GP + "/demo-lib/1.0/other-1.0.jar", admin, null, new byte[] {1})
                .statusCode()).isEqualTo(400);
        // path traversal, plain and encoded
        assertThat(ak.send("GET", "/maven/mvn-local/%2e%2e/%2e%2e/etc/passwd", admin, null, null).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", "/maven/mvn-local/" + GP + "/%2e%2e/%2e%2e/x/1/x-1.jar", admin, null, new byte[] {1})
                .statusCode()).isEqualTo(400);
        // writes to remote and virtual repositories, and anonymous writes
        assertThat(ak.send("PUT", "/maven/mvn-remote/" + GP + "/y/1/y-1.jar", admin, null, new byte[] {1}).statusCode()).isEqualTo(405);
        assertThat(ak.send("PUT", "/maven/mvn-virtual/" + GP + "/y/1/y-1.jar", admin, null, new byte[] {1}).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", "/maven/mvn-local/" + GP + "/y/1/y-1.jar", null, null, new byte[] {1}).statusCode()).isEqualTo(401);

        JsonNode arts = ok(ak.send("GET", "/api/v1/repositories/mvn-local/artifacts?per_page=500", admin, null, null), 200);
        for (JsonNode a : arts.get("items")) {
            assertThat(a.get("path").asText()).doesNotContain("demo.jar", "other-1.0", "7.0", "8.0", "/y/", ".sha1");
        }
    }

    @Test
    @Order(8)
    void apiUploadsAndDeletesKeepMetadataTrue() throws Exception {
        String p = GP + "/api-lib/3.0/api-lib-3.0.jar";
        JsonNode up1 = ok(ak.send("PUT", "/api/v1/repositories/mvn-local/artifacts/" + p, admin, null, new byte[] {4, 2}), 201);
        assertThat(up1.toString()).contains("api-lib");
        JsonNode meta = ok(ak.send("GET", "/api/v1/repositories/mvn-local/artifacts/" + p, admin, null, null), 200);
        assertThat(meta.get("name").asText()).isEqualTo(G + ":api-lib");
        assertThat(meta.get("version").asText()).isEqualTo("3.0");
        assertThat(metaOf("/maven/mvn-local/" + GP + "/api-lib/")).contains("<version>3.0</version>");
        // not the layout through the API either
        assertThat(ak.send("PUT", "/api/v1/repositories/mvn-local/artifacts/junk.bin", admin, null, new byte[] {1}).statusCode())
                .isEqualTo(400);

        // deleting a version folder through the native route rewrites the metadata
        ak.send("PUT", "/maven/mvn-local/" + GP + "/api-lib/3.1/api-lib-3.1.jar", admin, null, new byte[] {5});
        assertThat(metaOf("/maven/mvn-local/" + GP + "/api-lib/")).contains("<version>3.1</version>");
        assertThat(ak.send("DELETE", "/maven/mvn-local/" + GP + "/api-lib/3.1/", admin, null, null).statusCode()).isEqualTo(204);
        assertThat(metaOf("/maven/mvn-local/" + GP + "/api-lib/")).contains("<version>3.0</version>").doesNotContain("3.1");
    }

    @Test
    @Order(9)
    void remoteKeepsServingWhatItCachedAfterTheUpstreamStops() throws Exception {
        String meta = "/maven/mvn-remote/" + GP + "/demo-lib/maven-metadata.xml";
        assertThat(ak.send("GET", meta, admin, null, null).statusCode()).isEqualTo(200);
        assertThat(up.stop(Duration.ofSeconds(60))).isZero();
        // once the remote's 1 s metadata TTL has passed, a read revalidates, cannot, and serves the stale copy
        String staleLine = "serving cached copy of " + GP + "/demo-lib/maven-metadata.xml";
        await("a read past the TTL serves the stale copy", Duration.ofSeconds(30), () -> {
            HttpResponse<String> m = ak.send("GET", meta, admin, null, null);
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).contains("<version>2.0</version>");
            return ak.logText().contains(staleLine);
        });
        assertThat(ak.getBytes("/maven/mvn-remote/" + GP + "/demo-lib/2.0/demo-lib-2.0.jar", admin).statusCode()).isEqualTo(200);
        // and mvn still resolves through it into an empty local repository
        Path local = get("mvn-remote", G + ":demo-lib:2.0");
        assertThat(entry(jarIn(local, "demo-lib", "2.0"), "marker.txt")).isEqualTo("upstream-2.0");
        // nothing cached and the upstream gone: a clear 502, not a hang
        assertThat(ak.send("GET", "/maven/mvn-remote/" + GP + "/never/1.0/never-1.0.jar", admin, null, null).statusCode())
                .isEqualTo(502);
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code deadline}. */
    static void await(String what, Duration deadline, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    static String metaOf(String folder) throws Exception {
        HttpResponse<String> r = ak.send("GET", folder + "maven-metadata.xml", admin, null, null);
        assertThat(r.statusCode()).as(folder + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    static long upstreamRequests(Distribution d) throws Exception {
        String metrics = d.send("GET", "/metrics", null, null, null).body();
        Matcher m = Pattern.compile("(?m)^ak_proxy_upstream_requests_total\\S*\\s+(\\d+)").matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        return Long.parseLong(m.group(1));
    }

    static int countLines(String text, String needle) {
        int n = 0;
        for (String line : text.split("\n")) {
            if (line.contains(needle)) {
                n++;
            }
        }
        return n;
    }

    static String sha(String algo, String s) throws Exception {
        return sha(algo, s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha(String algo, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(b));
    }
}
