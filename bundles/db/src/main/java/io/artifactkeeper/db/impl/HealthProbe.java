package io.artifactkeeper.db.impl;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import io.artifactkeeper.db.DatabaseUnavailableException;

/**
 * Bounded liveness probe. It uses its own connection, outside the pool, so that an exhausted pool
 * under load does not read as "database down", and a down database answers at once (connection
 * refused) instead of after the pool's connection timeout. Concurrent callers share one probe in
 * flight, so a burst of health checks against a hanging server costs one connection attempt.
 */
final class HealthProbe implements AutoCloseable {

    private final DataSource probeSource;
    private final Duration limit;

    private Connection connection; // guarded by this; reused while valid
    private CompletableFuture<Void> inFlight; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param probeSource non-pooled, with connect and socket timeouts no longer than {@code limit}
     *     so that a probe abandoned by its callers still ends soon
     */
    HealthProbe(DataSource probeSource, Duration limit) {
        this.probeSource = probeSource;
        this.limit = limit;
    }

    void check() {
        CompletableFuture<Void> probe;
        synchronized (this) {
            if (closed) {
                throw new DatabaseUnavailableException("the database service is stopped");
            }
            if (inFlight == null) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                inFlight = f;
                Thread.ofVirtual().name("ak-db-health").start(() -> run(f));
            }
            probe = inFlight;
        }
        try {
            probe.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DatabaseUnavailableException("the database did not answer within " + limit.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new DatabaseUnavailableException("the database is unavailable: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while checking the database", e);
        }
    }

    private void run(CompletableFuture<Void> f) {
        try {
            probeOnce();
            finish(f, null);
        } catch (Throwable t) {
            finish(f, t);
        }
    }

    private void finish(CompletableFuture<Void> f, Throwable failure) {
        synchronized (this) {
            if (inFlight == f) {
                inFlight = null;
            }
        }
        if (failure == null) {
            f.complete(null);
        } else {
            f.completeExceptionally(failure);
        }
    }

    private void probeOnce() throws SQLException {
        Connection c;
        synchronized (this) {
            c = connection;
            connection = null;
        }
        int seconds = (int) Math.max(1, limit.toSeconds());
        if (c != null && !c.isValid(seconds)) {
            closeQuietly(c);
            c = null;
        }
        if (c == null) {
            c = probeSource.getConnection();
            if (!c.isValid(seconds)) {
                closeQuietly(c);
                throw new SQLException("the database accepted a connection but did not answer a query", "08006");
            }
        }
        synchronized (this) {
            if (closed) {
                closeQuietly(c);
            } else {
                connection = c;
            }
        }
    }

    @Override
    public void close() {
        Connection c;
        synchronized (this) {
            closed = true;
            c = connection;
            connection = null;
        }
        if (c != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // Closing a broken connection fails; there is nothing left to release.
        }
    }
}
