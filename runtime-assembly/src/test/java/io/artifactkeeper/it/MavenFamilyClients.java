package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Runs the JVM build clients (mvn, gradle, sbt, Ivy) as processes for the Maven-family end-to-end tests. */
final class MavenFamilyClients {
    /** Plugin versions the test projects pin (the ones Maven resolves once into ~/.m2). */
    static final String PLUGINS = """
            <build><pluginManagement><plugins>
              <plugin><artifactId>maven-clean-plugin</artifactId><version>3.3.2</version></plugin>
              <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
              <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
              <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.2.5</version></plugin>
              <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
              <plugin><artifactId>maven-install-plugin</artifactId><version>3.1.2</version></plugin>
              <plugin><artifactId>maven-deploy-plugin</artifactId><version>3.1.2</version></plugin>
              <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
            </plugins></pluginManagement></build>
            """;
    static final String DEPENDENCY_GET = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get";

    private MavenFamilyClients() {
    }

    record Result(int exit, String output) {
        Result ok() {
            assertThat(exit).as("command failed:\n" + output).isZero();
            return this;
        }
    }

    static Result run(Path dir, Map<String, String> env, long timeoutSeconds, List<String> cmd) throws Exception {
        Path out = Files.createTempFile("ak-client-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s:\n"
                    + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return new Result(p.exitValue(), String.join(" ", cmd) + "\n" + text);
    }

    /** The command on the PATH, or a failing assertion naming the package that provides it. */
    static String require(String command, String aptPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(command + " is not installed: apt-get install " + aptPackage
                + " (.ci/run installs it)");
    }

    static String requireFile(String path, String aptPackage) {
        if (!Files.isRegularFile(Path.of(path))) {
            throw new AssertionError(path + " is missing: apt-get install " + aptPackage + " (.ci/run installs it)");
        }
        return path;
    }

    /** A JDK 17 for the old clients (gradle 4.4), else the one running the test. */
    static String jdk17() {
        for (String c : List.of("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-17-jdk-amd64")) {
            if (Files.isExecutable(Path.of(c, "bin/java"))) {
                return c;
            }
        }
        throw new AssertionError("gradle 4.4 needs a Java 17 runtime: apt-get install openjdk-17-jdk-headless");
    }

    static String javaHome() {
        return System.getProperty("ak.java.home", System.getProperty("java.home"));
    }

    /** Text of one entry of a jar/zip. */
    static String entry(Path jar, String name) throws IOException {
        try (InputStream in = Files.newInputStream(jar); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e; (e = z.getNextEntry()) != null;) {
                if (e.getName().equals(name)) {
                    return new String(z.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(name + " not in " + jar);
    }

    static List<String> cmd(String... parts) {
        return new ArrayList<>(List.of(parts));
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
