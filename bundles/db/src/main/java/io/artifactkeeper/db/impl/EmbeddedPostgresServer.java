package io.artifactkeeper.db.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server run by this process on a data directory that it keeps (first start runs
 * initdb; later starts reuse the data), listening on localhost only.
 *
 * <p>Binaries come from the embedded zonky archive, extracted once into {@code binariesDir}. When
 * the process runs as root, zonky runs the server through {@code unshare -U}, since PostgreSQL
 * refuses to run as root.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    /** The database our tables live in (the "postgres" database stays the admin one). */
    public static final String DATABASE = "artifactkeeper";
    public static final String SUPERUSER = "postgres";

    /**
     * Crash recovery after a kill can take a while on a large database; a healthy start takes well
     * under a second. zonky polls for this long even when the server failed at once, which is why
     * the usual causes (port taken, credentials lost) are checked before starting.
     */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    /** Data directories served by this JVM: the stale-postmaster check must never stop one of ours. */
    private static final Set<Path> RUNNING = ConcurrentHashMap.newKeySet();

    private final EmbeddedPostgres postgres;
    private final String password;
    private final Path dataDir;
    private final Path key;
    private final long pid;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password, Path dataDir, Path key) {
        this.postgres = postgres;
        this.password = password;
        this.dataDir = dataDir;
        this.key = key;
        this.pid = StalePostmaster.readPid(dataDir).orElse(-1L);
        // Deactivation stops the server; this covers a JVM that exits without stopping the framework.
        this.shutdownHook = new Thread(this::stopFromHook, "ak-embedded-postgres-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts PostgreSQL on {@code dataDir}, creating and initializing it on first use.
     *
     * @param binariesDir where the binaries are extracted (once; reused while they match)
     * @param port TCP port on localhost; 0 picks a free one
     */
    public static EmbeddedPostgresServer start(Path dataDir, Path binariesDir, int port) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(dataDir);
        Files.createDirectories(binariesDir);
        // the binaries this process runs: nobody else may replace them (zonky extracts them world-writable)
        makePrivate(binariesDir);
        Path key = dataDir.toRealPath();
        if (!RUNNING.add(key)) {
            throw new IllegalStateException("an embedded PostgreSQL is already running on " + dataDir + " in this process");
        }
        boolean started = false;
        try {
            StalePostmaster.clear(dataDir, ORPHAN_STOP_WAIT);
            if (port != 0) {
                requireFreePort(port);
            }
            boolean fresh = !Files.exists(dataDir.resolve("PG_VERSION"));
            Path secretFile = SuperuserSecret.fileFor(dataDir);
            // Trusting rules on an existing directory: one from before passwords were set, a reset
            // (see the message below), or a crash while securing. Set the password once started.
            boolean secureAfterStart = !fresh && SuperuserSecret.trusts(dataDir);
            String password;
            if (fresh || (secureAfterStart && !Files.exists(secretFile))) {
                password = SuperuserSecret.create(secretFile);
            } else if (Files.exists(secretFile)) {
                password = SuperuserSecret.read(secretFile);
            } else {
                throw new IOException("embedded PostgreSQL: the superuser password file " + secretFile
                        + " is missing. Restore it, or to set a new password change the method in "
                        + dataDir.resolve(SuperuserSecret.HBA) + " to 'trust' and start again");
            }
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setOverrideWorkingDirectory(binariesDir.toFile())
                    .setPort(port)
                    .setPGStartupWait(STARTUP_WAIT)
                    // zonky's own readiness check logs in with this
                    .setConnectConfig("password", password)
                    // initdb, first start only. zonky passes these "locale" entries as --key=value
                    // options after its own "-A trust": they override it, so the cluster requires the
                    // password (from pwfile) from its very first start.
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("auth-local", "scram-sha-256")
                    .setLocaleConfig("pwfile", secretFile.toAbsolutePath().toString())
                    // The builtin provider (PostgreSQL 17) gives Unicode-aware case mapping and
                    // code-point ordering that do not depend on the host's locales.
                    .setLocaleConfig("locale-provider", "builtin")
                    .setLocaleConfig("builtin-locale", "C.UTF-8")
                    .setLocaleConfig("locale", "C")
                    // zonky defaults are for throw-away test databases (it passes -F, fsync off, and
                    // turns synchronous_commit off): this one holds real data.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "localhost")
                    // TCP only: no socket or lock files in /tmp that a killed run could leave behind.
                    .setServerConfig("unix_socket_directories", "''")
                    .setServerConfig("max_connections", "100")
                    // Server log inside the data directory, one file per weekday, overwritten weekly.
                    .setServerConfig("logging_collector", "on")
                    .setServerConfig("log_directory", "log")
                    .setServerConfig("log_filename", "postgresql-%a.log")
                    .setServerConfig("log_truncate_on_rotation", "on")
                    .setServerConfig("log_rotation_age", "1d")
                    .setServerConfig("log_rotation_size", "0")
                    .start();
            makePrivate(binariesDir);
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(pg, password, dataDir, key);
            try {
                if (secureAfterStart) {
                    server.secure();
                }
                server.ensureDatabase();
            } catch (SQLException | IOException e) {
                server.close();
                throw new IOException("embedded PostgreSQL started but could not be prepared: " + e.getMessage(), e);
            }
            LOG.info("Embedded PostgreSQL started in {} ms{} on port {} (pid {}), data in {}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), fresh ? " (new database)" : "",
                    server.port(), server.pid, dataDir);
            started = true;
            return server;
        } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
            // zonky reports a missing or unreadable binary archive as ExceptionInInitializerError
            throw startFailure(dataDir, e);
        } finally {
            if (!started) {
                RUNNING.remove(key);
            }
        }
    }

    /**
     * Folders 0700, executables 0700, other files 0600 under {@code dir} (symbolic links are left
     * alone, not followed).
     */
    static void makePrivate(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> rwx = PosixFilePermissions.fromString("rwx------");
        Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                boolean exec = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || Files.getPosixFilePermissions(p,
                        LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(p, exec ? rwx : rw);
            }
        }
    }

    private static IOException startFailure(Path dataDir, Throwable e) {
        // ours already say what happened; zonky's and the JDK's get the context
        if (e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith("embedded PostgreSQL")) {
            return io;
        }
        return new IOException("embedded PostgreSQL did not start on " + dataDir + " (server log: "
                + dataDir.resolve("log") + "): " + e, e);
    }

    private static void requireFreePort(int port) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IOException("embedded PostgreSQL: port " + port + " on localhost is in use; set embedded.port to a free port or 0", e);
        }
    }

    private DataSource admin() {
        Properties props = new Properties();
        props.setProperty("connectTimeout", "10");
        props.setProperty("password", password);
        return new PgDriverDataSource("jdbc:postgresql://localhost:" + port() + "/postgres?user=" + SUPERUSER, props);
    }

    /** Sets the superuser password and requires it from now on (the server trusted local connections). */
    private void secure() throws SQLException, IOException {
        try (Connection c = admin().getConnection(); Statement s = c.createStatement()) {
            // the password is URL-safe base64: nothing to escape
            s.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "'");
            SuperuserSecret.writeSecureHba(dataDir);
            s.execute("SELECT pg_reload_conf()");
        }
        LOG.info("Embedded PostgreSQL now requires the superuser password kept in {}", SuperuserSecret.fileFor(dataDir));
    }

    private void ensureDatabase() throws SQLException {
        try (Connection c = admin().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, DATABASE);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** Process id of the postmaster, or -1 if unknown. */
    public long pid() {
        return pid;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** URL of our database as the superuser, without the password (see {@link #password()}). */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE + "?user=" + SUPERUSER;
    }

    /** The superuser's password. */
    public String password() {
        return password;
    }

    /** Stops the server (fast shutdown) and waits until its process has exited. */
    @Override
    public void close() {
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook runs (or ran) close() itself.
            }
        }
        stop();
    }

    private void stopFromHook() {
        stop();
    }

    private void stop() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            postgres.close();
            // pg_ctl gives up waiting after 5 s while a large checkpoint may take longer: wait for the process.
            Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
            if (process.isPresent() && !Processes.awaitExit(process.get(), STOP_WAIT)) {
                LOG.warn("Embedded PostgreSQL (pid {}) is still stopping after {} s", pid, STOP_WAIT.toSeconds());
            }
            LOG.info("Embedded PostgreSQL stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (IOException | RuntimeException e) {
            LOG.error("Embedded PostgreSQL on {} did not stop cleanly", dataDir, e);
        } finally {
            RUNNING.remove(key);
        }
    }
}
