package io.artifactkeeper.core.repo;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.jdbi.v3.core.Jdbi;

import io.artifactkeeper.api.format.RepositoryContext.IOSupplier;

/**
 * Cluster-wide named locks on PostgreSQL advisory locks, so that read-modify-write of a metadata
 * document is serialized across every node sharing the database.
 */
final class Locks {
    private Locks() {
    }

    static <T> T withAdvisoryLock(Jdbi jdbi, String name, IOSupplier<T> work) throws IOException {
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
