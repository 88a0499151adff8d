package io.artifactkeeper.db.impl;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.postgresql.Driver;

/**
 * Opens connections straight from the embedded PostgreSQL driver. pgjdbc's own data sources go
 * through {@link java.sql.DriverManager}, whose class-loader checks and global registry do not
 * suit a bundle; here the driver is called directly.
 */
final class PgDriverDataSource implements DataSource {

    private static final Driver DRIVER = new Driver();

    private final String url;
    private final Properties properties;

    PgDriverDataSource(String url, Properties properties) {
        this.url = url;
        this.properties = properties;
    }

    String url() {
        return url;
    }

    /** A copy of the connection properties (for tests). */
    Properties properties() {
        Properties p = new Properties();
        p.putAll(properties);
        return p;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(properties);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        if (username != null) {
            p.setProperty("user", username);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return connect(p);
    }

    private Connection connect(Properties p) throws SQLException {
        Connection c = DRIVER.connect(url, p);
        if (c == null) {
            throw new SQLException("not a PostgreSQL URL: " + url, "08001");
        }
        return c;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // HikariCP calls this with its connection timeout; the properties already carry ours.
    }

    @Override
    public int getLoginTimeout() {
        return Integer.parseInt(properties.getProperty("loginTimeout", "0"));
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // pgjdbc logs through java.util.logging
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
