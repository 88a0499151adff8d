package io.artifactkeeper.db.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.ds.PGSimpleDataSource;

/** Shared bits of the tests that run a real PostgreSQL. */
final class TestPostgres {

    /** Extracted once per build (zonky reuses it while it matches the archive). */
    static final Path BINARIES = Path.of("target", "pg-binaries").toAbsolutePath();

    private TestPostgres() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's URL with the superuser password in it, for the tests' own connections. */
    static String url(EmbeddedPostgresServer server) {
        return server.jdbcUrl() + "&password=" + server.password();
    }

    /** Settings for a PooledDatabase on the server. */
    static ConnectionSettings settings(EmbeddedPostgresServer server, int poolSize) {
        return new ConnectionSettings(server.jdbcUrl(), null, server.password(), poolSize, 3000);
    }

    static PGSimpleDataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setConnectTimeout(3);
        return ds;
    }

    /** Runs a query and returns the first column of the first row as text (null if no row). */
    static String queryOne(String url, String sql) throws SQLException {
        try (Connection c = dataSource(url).getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(String url, String sql) throws SQLException {
        try (Connection c = dataSource(url).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
