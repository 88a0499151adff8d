package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.jdbi.v3.core.Jdbi;

import io.artifactkeeper.api.format.RepositoryContext.IOSupplier;
import io.artifactkeeper.db.DatabaseUnavailableException;

/**
 * Cluster-wide named locks on PostgreSQL advisory locks, so that read-modify-write of a metadata
 * document is serialized across every node sharing the database.
 *
 * <p>Callers of one node queue for a name on a local lock first, and only the one at its head
 * takes a pooled connection to wait for the advisory lock. Waiting inside {@code pg_advisory_lock}
 * holds a connection; when many requests of a node wait for the same name (25 concurrent
 * publishes of one npm package), they would hold the whole pool, and the holder of the lock, which
 * needs one more connection for its work, could not get it: every caller failed with 503.
 * While the database is down, the callers queued behind one that failed for that reason fail at
 * once with it, as they would all have failed together without the queue.
 */
final class Locks {
    /** Per name, the callers of this node that wait for it or hold it. */
    private final ConcurrentHashMap<String, Local> local = new ConcurrentHashMap<>();

    private static final class Local {
        final ReentrantLock lock = new ReentrantLock(true);
        /** Guarded by the map's compute methods. */
        int users;
        /** The last holder's failure for lack of a database, and when (guarded by {@link #lock}). */
        RuntimeException unavailable;
        long unavailableAt;
    }

    <T> T withLock(Jdbi jdbi, String name, IOSupplier<T> work) throws IOException {
        Local l = local.compute(name, (k, v) -> {
            Local x = v == null ? new Local() : v;
            x.users++;
            return x;
        });
        long queued = System.nanoTime();
        try {
            l.lock.lockInterruptibly();
            try {
                // during an outage the queue fails as fast as one caller would, not one timeout after another
                if (l.unavailable != null && l.unavailableAt - queued > 0) {
                    throw new DatabaseUnavailableException("the database is unavailable (lock " + name + ")", l.unavailable);
                }
                return withAdvisoryLock(jdbi, name, work);
            } catch (RuntimeException e) {
                if (DatabaseUnavailableException.isUnavailable(e)) {
                    l.unavailable = e;
                    l.unavailableAt = System.nanoTime();
                }
                throw e;
            } finally {
                l.lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for lock " + name);
        } finally {
            local.computeIfPresent(name, (k, v) -> --v.users == 0 ? null : v);
        }
    }

    private static <T> T withAdvisoryLock(Jdbi jdbi, String name, IOSupplier<T> work) throws IOException {
        try {
            return jdbi.withHandle(h -> {
                h.createQuery("SELECT pg_advisory_lock(hashtextextended(:n, 0))").bind("n", name).mapTo(String.class).one();
                try {
                    return work.get();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    h.createQuery("SELECT pg_advisory_unlock(hashtextextended(:n, 0))").bind("n", name)
                            .mapTo(Boolean.class).one();
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
