package io.artifactkeeper.it;

import static io.artifactkeeper.it.MavenFamilyClients.cmd;
import static io.artifactkeeper.it.MavenFamilyClients.entry;
import static io.artifactkeeper.it.MavenFamilyClients.run;
import static io.artifactkeeper.it.MavenFamilyClients.xml;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The sbt format (Ivy layout on /ivy) with Apache Ivy's own CLI (publish, retrieve with a dynamic
 * revision, which lists folders; retrieve through a remote whose upstream is a second running server,
 * and through the virtual over both) and sbt 1.10.7 publishing and resolving both Ivy style on /ivy
 * and Maven style on /maven; bad input on /ivy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IvyIT {
    static final String IVY_JAR = "/usr/share/java/ivy-2.5.0.jar";
    static final String SBT_LAUNCH = "org.scala-sbt:sbt-launch:1.10.7";

    @TempDir
    static Path tmp;
    static Distribution ak;
    /** A second server: the upstream of ak's Ivy remote. */
    static Distribution up;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("ak")).start();
        up = new Distribution(tmp.resolve("up")).start();
        ak.awaitReady(Duration.ofSeconds(180));
        up.awaitReady(Duration.ofSeconds(180));
        admin = ak.adminBasic();
        ok(up.json("POST", "/api/v1/repositories", up.adminBasic(), Map.of("key", "up-ivy", "format", "sbt",
                "repo_type", "local")), 201);
        create(Map.of("key", "ivy-local", "format", "sbt", "repo_type", "local"));
        create(Map.of("key", "ivy-remote", "format", "sbt", "repo_type", "remote", "upstream_url",
                up.url() + "/ivy/up-ivy", "settings", Map.of("upstream_username", "admin", "upstream_password",
                        Distribution.ADMIN_PASSWORD)));
        create(Map.of("key", "ivy-virtual", "format", "sbt", "repo_type", "virtual"));
        ok(ak.json("PUT", "/api/v1/repositories/ivy-virtual/members", admin, Map.of("members", List.of(
                Map.of("member_key", "ivy-local", "priority", 1), Map.of("member_key", "ivy-remote", "priority", 2)))), 200);
        create(Map.of("key", "sbt-maven", "format", "maven", "repo_type", "local"));
        // Debian's Ivy answers -version with "non official version": the jar names it
        System.out.println("IvyIT clients: Apache Ivy " + IVY_JAR + " (" + ivy(tmp, "-version").output().lines()
                .filter(l -> l.contains("Ivy")).reduce((a, b) -> b).orElse("?").strip() + "); sbt " + SBT_LAUNCH);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Distribution d : new Distribution[] {ak, up}) {
            if (d != null) {
                d.close();
            }
        }
    }

    static void create(Map<String, Object> body) throws Exception {
        ok(ak.json("POST", "/api/v1/repositories", admin, body), 201);
    }

    static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r.body().isEmpty() ? null : Distribution.parse(r);
    }

    static final String PATTERN = "[organisation]/[module]/[revision]/[type]s/[artifact](-[classifier]).[ext]";

    static Path ivySettings(String repo) throws Exception {
        return ivySettings(ak, repo);
    }

    static Path ivySettings(Distribution server, String repo) throws Exception {
        Path s = tmp.resolve("ivysettings-" + (server == ak ? "" : "up-") + repo + ".xml");
        String p = xml(server.url() + "/ivy/" + repo + "/" + PATTERN);
        Files.writeString(s, """
                <ivysettings>
                  <settings defaultResolver="ak"/>
                  <credentials host="127.0.0.1" realm="Artifact Keeper" username="admin" passwd="%s"/>
                  <resolvers>
                    <url name="ak" checkmodified="true">
                      <ivy pattern="%s"/>
                      <artifact pattern="%s"/>
                    </url>
                  </resolvers>
                </ivysettings>
                """.formatted(xml(Distribution.ADMIN_PASSWORD), p, p));
        return s;
    }

    static MavenFamilyClients.Result ivy(Path dir, String... args) throws Exception {
        MavenFamilyClients.requireFile(IVY_JAR, "ivy");
        List<String> c = cmd(Path.of(MavenFamilyClients.javaHome(), "bin/java").toString(), "-jar", IVY_JAR);
        c.addAll(List.of(args));
        return run(dir, Map.of(), 300, c);
    }

    static Path ivyModule(String revisionMarker) throws Exception {
        return ivyModule("ivy-demo", revisionMarker);
    }

    static Path ivyModule(String module, String revisionMarker) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ivy-pub-" + module + "-" + revisionMarker));
        Files.writeString(dir.resolve("ivy.xml"), """
                <ivy-module version="2.0">
                  <info organisation="org.example" module="%s"/>
                  <publications><artifact name="%s" type="jar" ext="jar"/></publications>
                </ivy-module>
                """.formatted(module, module));
        Files.createDirectories(dir.resolve("build"));
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(dir.resolve("build/" + module + ".jar")))) {
            j.putNextEntry(new JarEntry("marker.txt"));
            j.write(revisionMarker.getBytes());
        }
        return dir;
    }

    @Test
    @Order(1)
    void ivyPublishesAndRetrievesWithADynamicRevision() throws Exception {
        // -overwrite: Ivy refuses to publish a checksum file that already exists, and we answer the
        // checksums of every stored file as soon as it is stored; a changed release is still a 409 (below)
        Path pub = ivyModule("ivy-1.0");
        ivy(pub, "-settings", ivySettings("ivy-local").toString(), "-ivy", "ivy.xml", "-publish", "ak", "-revision", "1.0",
                "-status", "release", "-overwrite", "-publishpattern", "build/[artifact].[ext]").ok();
        assertThat(ak.send("GET", "/ivy/ivy-local/org.example/ivy-demo/1.0/ivys/ivy.xml", admin, null, null).body())
                .contains("revision=\"1.0\"");
        JsonNode a = ok(ak.send("GET", "/api/v1/repositories/ivy-local/artifacts/org.example/ivy-demo/1.0/jars/ivy-demo.jar",
                admin, null, null), 200);
        assertThat(a.get("name").asText()).isEqualTo("org.example:ivy-demo");
        assertThat(a.get("version").asText()).isEqualTo("1.0");
        // Ivy uploaded checksum files; they were verified, and are served from the stored digests
        assertThat(ak.logText()).contains("PUT /ivy/ivy-local/org.example/ivy-demo/1.0/jars/ivy-demo.jar.sha1 201");
        byte[] jarBytes = ak.getBytes("/ivy/ivy-local/org.example/ivy-demo/1.0/jars/ivy-demo.jar", admin).body();
        assertThat(ak.send("GET", "/ivy/ivy-local/org.example/ivy-demo/1.0/jars/ivy-demo.jar.sha1", admin, null, null).body())
                .isEqualTo(MavenIT.sha("SHA-1", jarBytes));

        // a second revision, then a consumer asking for latest.integration: Ivy lists the revisions folder
        ivy(ivyModule("ivy-1.1"), "-settings", ivySettings("ivy-local").toString(), "-ivy", "ivy.xml", "-publish", "ak",
                "-revision", "1.1", "-status", "integration", "-overwrite", "-publishpattern", "build/[artifact].[ext]").ok();
        for (String repo : List.of("ivy-local", "ivy-virtual")) {
            Path consumer = Files.createDirectories(tmp.resolve("ivy-consumer-" + repo));
            Files.writeString(consumer.resolve("ivy.xml"), """
                    <ivy-module version="2.0">
                      <info organisation="org.example" module="consumer"/>
                      <dependencies><dependency org="org.example" name="ivy-demo" rev="latest.integration"/></dependencies>
                    </ivy-module>
                    """);
            ivy(consumer, "-settings", ivySettings(repo).toString(), "-ivy", "ivy.xml", "-cache",
                    consumer.resolve("empty-cache").toString(), "-retrieve", "lib/[artifact]-[revision].[ext]").ok();
            assertThat(entry(consumer.resolve("lib/ivy-demo-1.1.jar"), "marker.txt")).isEqualTo("ivy-1.1");
        }
        assertThat(ak.send("GET", "/ivy/ivy-local/org.example/ivy-demo/", admin, null, null).body())
                .contains("href=\"./1.0/\"", "href=\"./1.1/\"");
    }

    @Test
    @Order(2)
    void ivyResolvesThroughARemoteOfAnotherServerAndTheVirtual() throws Exception {
        // published to the second server only
        ivy(ivyModule("ivy-up", "up-2.0"), "-settings", ivySettings(up, "up-ivy").toString(), "-ivy", "ivy.xml", "-publish",
                "ak", "-revision", "2.0", "-status", "release", "-overwrite", "-publishpattern", "build/[artifact].[ext]").ok();
        assertThat(ak.send("GET", "/ivy/ivy-local/org.example/ivy-up/2.0/ivys/ivy.xml", admin, null, null).statusCode())
                .isEqualTo(404);
        for (String repo : List.of("ivy-remote", "ivy-virtual")) {
            Path consumer = Files.createDirectories(tmp.resolve("ivy-remote-consumer-" + repo));
            Files.writeString(consumer.resolve("ivy.xml"), """
                    <ivy-module version="2.0">
                      <info organisation="org.example" module="remote-consumer"/>
                      <dependencies><dependency org="org.example" name="ivy-up" rev="2.0"/></dependencies>
                    </ivy-module>
                    """);
            ivy(consumer, "-settings", ivySettings(repo).toString(), "-ivy", "ivy.xml", "-cache",
                    consumer.resolve("empty-cache").toString(), "-retrieve", "lib/[artifact]-[revision].[ext]").ok();
            assertThat(entry(consumer.resolve("lib/ivy-up-2.0.jar"), "marker.txt")).as(repo).isEqualTo("up-2.0");
        }
        // the remote fetched from the second server, verified checksums were served from what it cached
        MavenIT.await("the second server logs the remote's fetch", Duration.ofSeconds(15),
                () -> up.logText().contains("GET /ivy/up-ivy/org.example/ivy-up/2.0/jars/ivy-up.jar 200"));
        MavenIT.await("Ivy's checksum request through the remote", Duration.ofSeconds(15),
                () -> ak.logText().contains("GET /ivy/ivy-remote/org.example/ivy-up/2.0/jars/ivy-up.jar.sha1 200"));
        JsonNode cached = ok(ak.send("GET", "/api/v1/repositories/ivy-remote/artifacts/org.example/ivy-up/2.0/jars/ivy-up.jar",
                admin, null, null), 200);
        assertThat(cached.get("name").asText()).isEqualTo("org.example:ivy-up");
    }

    @Test
    @Order(3)
    void releaseRepublishWithOtherBytesFails() throws Exception {
        MavenFamilyClients.Result r = ivy(ivyModule("ivy-1.0-changed"), "-settings", ivySettings("ivy-local").toString(),
                "-ivy", "ivy.xml", "-publish", "ak", "-revision", "1.0", "-status", "release", "-overwrite",
                "-publishpattern", "build/[artifact].[ext]");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(ak.logText()).contains("PUT /ivy/ivy-local/org.example/ivy-demo/1.0/jars/ivy-demo.jar 409");
        Path jar = tmp.resolve("check.jar");
        Files.write(jar, ak.getBytes("/ivy/ivy-local/org.example/ivy-demo/1.0/jars/ivy-demo.jar", admin).body());
        assertThat(entry(jar, "marker.txt")).isEqualTo("ivy-1.0");
    }

    @Test
    @Order(4)
    void sbtPublishesAndResolvesIvyAndMavenStyle() throws Exception {
        Path launcher = sbtLauncher();
        Path pub = Files.createDirectories(tmp.resolve("sbt-pub"));
        Files.createDirectories(pub.resolve("project"));
        Files.writeString(pub.resolve("project/build.properties"), "sbt.version=1.10.7\n");
        Files.createDirectories(pub.resolve("src/main/resources"));
        Files.writeString(pub.resolve("src/main/resources/marker.txt"), "sbt-1.0");
        Files.writeString(pub.resolve("build.sbt"), """
                organization := "org.example"
                name := "sbt-demo"
                version := "1.0"
                crossPaths := false
                autoScalaLibrary := false
                Compile / packageDoc / publishArtifact := false
                credentials += Credentials("Artifact Keeper", "127.0.0.1", "admin", "%s")
                publishTo := Some(("ak" at "%s").withAllowInsecureProtocol(true))
                """.formatted(Distribution.ADMIN_PASSWORD, ak.url() + "/maven/sbt-maven"));
        String ivyResolver = "Resolver.url(\"akivy\", url(\"" + ak.url() + "/ivy/ivy-local\"))(Resolver.ivyStylePatterns)"
                + ".withAllowInsecureProtocol(true)";
        sbt(launcher, pub, "publish", "set name := \"sbt-ivy-demo\"", "set publishMavenStyle := false",
                "set publishTo := Some(" + ivyResolver + ")", "publish").ok();
        assertThat(ak.send("GET", "/maven/sbt-maven/org/example/sbt-demo/1.0/sbt-demo-1.0.pom", admin, null, null).statusCode())
                .isEqualTo(200);
        assertThat(ak.send("GET", "/maven/sbt-maven/org/example/sbt-demo/maven-metadata.xml", admin, null, null).body())
                .contains("<version>1.0</version>");
        assertThat(ak.send("GET", "/ivy/ivy-local/org.example/sbt-ivy-demo/1.0/ivys/ivy.xml", admin, null, null).statusCode())
                .isEqualTo(200);

        Path use = Files.createDirectories(tmp.resolve("sbt-use"));
        Files.createDirectories(use.resolve("project"));
        Files.writeString(use.resolve("project/build.properties"), "sbt.version=1.10.7\n");
        Files.writeString(use.resolve("build.sbt"), """
                ThisBuild / credentials += Credentials("Artifact Keeper", "127.0.0.1", "admin", "%s")
                ThisBuild / crossPaths := false
                ThisBuild / autoScalaLibrary := false
                lazy val mvnUser = project.settings(
                  resolvers += ("ak" at "%s").withAllowInsecureProtocol(true),
                  libraryDependencies += "org.example" %% "sbt-demo" %% "1.0")
                lazy val ivyUser = project.settings(
                  resolvers += %s,
                  libraryDependencies += "org.example" %% "sbt-ivy-demo" %% "1.0")
                """.formatted(Distribution.ADMIN_PASSWORD, ak.url() + "/maven/sbt-maven", ivyResolver).replace("%%", "%"));
        MavenFamilyClients.Result r = sbt(launcher, use, "mvnUser/update", "ivyUser/update",
                "export mvnUser/Compile/dependencyClasspath", "export ivyUser/Compile/dependencyClasspath").ok();
        assertThat(markerFromClasspath(r.output(), "sbt-demo-1.0.jar")).isEqualTo("sbt-1.0");
        assertThat(markerFromClasspath(r.output(), "sbt-ivy-demo.jar")).isEqualTo("sbt-1.0");
    }

    @Test
    @Order(5)
    void badInputOnIvyRoutes() throws Exception {
        String base = "/ivy/ivy-local/org.example/bad/1.0/";
        assertThat(ak.send("PUT", base + "ivys/ivy.xml", admin, null, "<ivy-module>".getBytes()).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", base + "ivys/ivy.xml", admin, null,
                "<ivy-module version=\"2.0\"><info organisation=\"org.example\" module=\"other\"/></ivy-module>".getBytes())
                .statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", "/ivy/ivy-local/bad.jar", admin, null, new byte[] {1}).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", base + "jars/bad.jar", admin, null, new byte[] {1}).statusCode()).isEqualTo(201);
        assertThat(ak.send("PUT", base + "jars/bad.jar.sha1", admin, null, "1".repeat(40).getBytes()).statusCode()).isEqualTo(400);
        assertThat(ak.send("GET", "/ivy/ivy-local/%2e%2e/etc/passwd", admin, null, null).statusCode()).isEqualTo(400);
        assertThat(ak.send("PUT", "/ivy/ivy-remote/org.example/x/1.0/jars/x.jar", admin, null, new byte[] {1}).statusCode())
                .isEqualTo(405);
        assertThat(ak.send("GET", "/ivy/ivy-local/org.example/bad/1.0/ivys/ivy.xml", admin, null, null).statusCode()).isEqualTo(404);
        // the Ivy mount does not serve Maven repositories, nor the Maven mount Ivy ones
        assertThat(ak.send("GET", "/ivy/sbt-maven/org/example/sbt-demo/1.0/sbt-demo-1.0.pom", admin, null, null).statusCode())
                .isEqualTo(404);
    }

    // --- sbt

    /** The sbt launcher jar from Maven Central (through ~/.m2). */
    static Path sbtLauncher() throws Exception {
        Path jar = Path.of(System.getProperty("user.home"), ".m2/repository/org/scala-sbt/sbt-launch/1.10.7/sbt-launch-1.10.7.jar");
        if (!Files.isRegularFile(jar)) {
            run(tmp, Map.of("JAVA_HOME", MavenFamilyClients.javaHome()), 300, cmd("mvn", "-B", "-q",
                    "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get", "-Dartifact=" + SBT_LAUNCH,
                    "-Dtransitive=false")).ok();
        }
        assertThat(jar).as("sbt launcher " + SBT_LAUNCH + " from Maven Central").isRegularFile();
        return jar;
    }

    /**
     * Runs sbt in batch mode on the JDK 17 (sbt 1.10 runs on 8-21 best). Its boot and coursier caches
     * stay in the home directory: the first run downloads sbt itself from Maven Central.
     */
    static MavenFamilyClients.Result sbt(Path launcher, Path dir, String... commands) throws Exception {
        Path repos = tmp.resolve("sbt-boot-repositories");
        Files.writeString(repos, "[repositories]\n  local\n  maven-central\n");
        String jdk = MavenFamilyClients.jdk17();
        List<String> c = cmd(jdk + "/bin/java", "-Xmx1g", "-Dsbt.batch=true", "-Dsbt.supershell=false", "-Dsbt.color=false",
                "-Dsbt.server.forcestart=false", "-Dsbt.repository.config=" + repos, "-jar", launcher.toString());
        c.addAll(List.of(commands));
        return run(dir, Map.of("JAVA_HOME", jdk), 900, c);
    }

    static String markerFromClasspath(String output, String jarName) throws Exception {
        for (String line : output.split("\n")) {
            for (String part : line.split(":")) {
                if (part.endsWith("/" + jarName)) {
                    return entry(Path.of(part.trim()), "marker.txt");
                }
            }
        }
        throw new AssertionError(jarName + " is not on the exported classpath:\n" + output);
    }
}
