package io.artifactkeeper.db.impl;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import io.artifactkeeper.db.DatabaseUnavailableException;

/**
 * The pool as callers see it. When no connection is free within the pool's connection timeout, the
 * cause decides: a database that is down (the pool's last attempt failed, or the health probe,
 * which uses its own connection, fails to connect) fails the call at once, so that requests answer
 * 503 quickly; otherwise the pool is only busy (a burst of uploads finishing at once, or a machine
 * so loaded that the probe itself is slow), and the caller waits again, up to {@code busyWaitMs} in
 * all, instead of failing work whose body it has already received.
 */
final class PatientDataSource implements DataSource {

    /** Checks the database outside the pool; throws {@link DatabaseUnavailableException} when it is down. */
    interface Liveness {
        void check();
    }

    private final HikariDataSource pool;
    private final Liveness liveness;
    private final long busyWaitNanos;

    PatientDataSource(HikariDataSource pool, Liveness liveness, long busyWaitMs) {
        this.pool = pool;
        this.liveness = liveness;
        this.busyWaitNanos = TimeUnit.MILLISECONDS.toNanos(busyWaitMs);
    }

    @Override
    public Connection getConnection() throws SQLException {
        long deadline = System.nanoTime() + busyWaitNanos;
        while (true) {
            try {
                return pool.getConnection();
            } catch (SQLTransientConnectionException timedOut) {
                // a cause is the pool's last failure to connect: the database is down, not busy
                if (timedOut.getCause() != null || pool.isClosed() || System.nanoTime() - deadline >= 0) {
                    throw timedOut;
                }
                try {
                    liveness.check();
                } catch (DatabaseUnavailableException down) {
                    // refused, reset, authentication failed: down. A probe that only ran out of time
                    // proves nothing on a machine too busy to run it: wait on, within the busy wait.
                    if (down.getCause() != null) {
                        timedOut.addSuppressed(down);
                        throw timedOut;
                    }
                }
            }
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool connects with its configured credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || pool.isWrapperFor(iface);
    }
}
