package io.artifactkeeper.db.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

    @TempDir
    Path tmp;

    @Test
    void startsOnANewDirectoryAndKeepsTheDataAcrossRestarts() throws Exception {
        Path data = tmp.resolve("postgres");
        long pid;
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0)) {
            String url = TestPostgres.url(server);
            assertThat(TestPostgres.queryOne(url, "SHOW server_version")).startsWith("17.");
            assertThat(TestPostgres.queryOne(url, "SELECT current_database()")).isEqualTo("artifactkeeper");
            // zonky's test-friendly defaults are overridden: this database keeps real data.
            assertThat(TestPostgres.queryOne(url, "SHOW fsync")).isEqualTo("on");
            assertThat(TestPostgres.queryOne(url, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(TestPostgres.queryOne(url, "SHOW unix_socket_directories")).isEmpty();
            assertThat(TestPostgres.queryOne(url, "SELECT datlocprovider FROM pg_database WHERE datname = 'artifactkeeper'"))
                    .isEqualTo("b");
            assertThat(TestPostgres.queryOne(url, "SELECT upper('crème brûlée')")).isEqualTo("CRÈME BRÛLÉE");
            // a password is required from the first start on; nothing is trusted
            assertThat(TestPostgres.queryOne(url, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'"))
                    .isEqualTo("0");
            assertThat(catchThrowableOfType(SQLException.class,
                    () -> TestPostgres.queryOne(server.jdbcUrl() + "&password=wrong", "SELECT 1")).getSQLState())
                    .isEqualTo("28P01");
            assertThat(Files.getPosixFilePermissions(SuperuserSecret.fileFor(data)))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            TestPostgres.execute(url, "CREATE TABLE kept (v text)");
            TestPostgres.execute(url, "INSERT INTO kept VALUES ('hello')");
            pid = server.pid();
            assertThat(ProcessHandle.of(pid)).isPresent();
        }
        // close() returns once the server process is gone
        assertThat(ProcessHandle.of(pid).map(Processes::hasExited).orElse(true)).isTrue();
        assertThat(data.resolve("postmaster.pid")).doesNotExist();

        long t0 = System.nanoTime();
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0)) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("[measure] embedded PostgreSQL restart on an initialized data directory: " + ms + " ms");
            // measured above; bounded generously so that a loaded 2-core CI machine does not flake (it took ~1 s idle)
            assertThat(ms).as("start time on an initialized data directory").isLessThan(30_000);
            assertThat(TestPostgres.queryOne(TestPostgres.url(server), "SELECT v FROM kept")).isEqualTo("hello");
        }
    }

    @Test
    void aPostmasterOrphanedByAKilledJvmIsStoppedAndTheDataKept() throws Exception {
        Path data = tmp.resolve("postgres");
        int port = TestPostgres.freePort();
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                OrphanMaker.class.getName(), data.toString(), TestPostgres.BINARIES.toString(), Integer.toString(port)))
                .redirectErrorStream(true)
                .start();
        long orphanPid = awaitReady(child);
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no deactivate
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
        assertThat(Processes.hasExited(orphan)).as("the postmaster outlives the killed JVM").isFalse();
        assertThat(StalePostmaster.isPostmasterOf(orphan, data)).isTrue();

        // same port on purpose: the orphan still holds it
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, port)) {
            assertThat(Processes.hasExited(orphan)).isTrue();
            assertThat(server.pid()).isNotEqualTo(orphanPid);
            assertThat(TestPostgres.queryOne(TestPostgres.url(server), "SELECT v FROM survivor"))
                    .isEqualTo("written before kill -9");
        }
    }

    @Test
    void aStalePidFileNamingAnotherLiveProcessIsRemoved() throws Exception {
        Path data = tmp.resolve("postgres");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0)) {
            assertThat(server.pid()).isPositive();
        }
        // As after a crash and a reboot where the old pid now belongs to some other process (here:
        // this JVM); PostgreSQL alone would refuse to start ("lock file already exists").
        Files.writeString(data.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + data + "\n",
                StandardCharsets.UTF_8);
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0)) {
            assertThat(server.pid()).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(TestPostgres.queryOne(TestPostgres.url(server), "SELECT 1")).isEqualTo("1");
        }
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void aDirectoryThatTrustsLocalConnectionsGetsAPassword() throws Exception {
        Path data = tmp.resolve("postgres");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0)) {
            TestPostgres.execute(TestPostgres.url(server), "CREATE TABLE kept (v text)");
        }
        // as zonky alone leaves it (or an operator resetting a lost password)
        Files.writeString(data.resolve("pg_hba.conf"), "host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
        String oldPassword = SuperuserSecret.read(SuperuserSecret.fileFor(data));
        Files.delete(SuperuserSecret.fileFor(data));

        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0)) {
            assertThat(server.password()).isNotEqualTo(oldPassword)
                    .isEqualTo(SuperuserSecret.read(SuperuserSecret.fileFor(data)));
            assertThat(SuperuserSecret.trusts(data)).isFalse();
            assertThat(TestPostgres.queryOne(TestPostgres.url(server), "SELECT count(*) FROM kept")).isEqualTo("0");
            assertThat(catchThrowableOfType(SQLException.class,
                    () -> TestPostgres.queryOne(server.jdbcUrl() + "&password=wrong", "SELECT 1")).getSQLState())
                    .isEqualTo("28P01");
        }
    }

    @Test
    void aLostPasswordFileOrATakenPortFailsAtOnceWithAClearMessage() throws Exception {
        Path data = tmp.resolve("postgres");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0)) {
            assertThat(server.port()).isPositive();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, taken.getLocalPort()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("port " + taken.getLocalPort());
            // "at once": well before any start-up timeout (60 s), however loaded the machine
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(15_000);
        }
        Files.delete(SuperuserSecret.fileFor(data));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(SuperuserSecret.fileFor(data).toString());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(15_000);
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aSecondServerOnTheSameDirectoryInThisJvmIsRefusedWithoutHarmingTheFirst() throws Exception {
        Path data = tmp.resolve("postgres");
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0)) {
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");
            assertThat(TestPostgres.queryOne(TestPostgres.url(server), "SELECT 1")).isEqualTo("1");
        }
    }

    private static long awaitReady(Process child) throws Exception {
        List<String> output = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String line;
        while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
            output.add(line);
            if (line.startsWith("READY ")) {
                // keep draining so the child never blocks on a full pipe
                Thread.ofVirtual().start(() -> r.lines().forEach(l -> { }));
                return Long.parseLong(line.substring(6).trim());
            }
        }
        child.destroyForcibly();
        throw new AssertionError("child did not start PostgreSQL:\n" + String.join("\n", output));
    }
}
