package io.artifactkeeper.db.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.artifactkeeper.db.DatabaseUnavailableException;

/**
 * Every pooled connection in use while the database answers: a caller waits past the connection
 * timeout until one is returned (up to the busy wait) instead of failing; with the database down
 * the same caller fails within the connection timeout, as before.
 */
class PoolPatienceTest {

    @TempDir
    Path tmp;

    @Test
    void aBusyPoolMakesCallersWaitAndADownDatabaseStillFailsFast() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(tmp.resolve("postgres"), TestPostgres.BINARIES,
                TestPostgres.freePort());
        ConnectionSettings s = new ConnectionSettings(server.jdbcUrl(), null, server.password(), 2, 1000, 20_000);
        try (PooledDatabase db = new PooledDatabase(s, false)) {
            Connection a = db.dataSource().getConnection();
            Connection b = db.dataSource().getConnection();
            long t0 = System.nanoTime();
            CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> db.jdbi()
                    .withHandle(h -> h.createQuery("SELECT 41 + 1").mapTo(Integer.class).one()));
            // three connection timeouts pass with the pool full: the caller is still waiting
            Thread.sleep(3500);
            assertThat(waiter).isNotDone();
            a.close();
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(42);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("[measure] a caller behind a full pool waited " + waitedMs + " ms and got a connection");
            // it waited (more than the 3 connection timeouts slept above) and got a connection before the 20 s busy wait ran out
            assertThat(waitedMs).isBetween(3500L, 20_000L);

            // with the busy wait spent, the caller fails (bounded), saying the pool timed out
            ConnectionSettings impatient = new ConnectionSettings(server.jdbcUrl(), null, server.password(), 2, 1000, 1000);
            try (PooledDatabase small = new PooledDatabase(impatient, false)) {
                Connection c = small.dataSource().getConnection();
                Connection d = small.dataSource().getConnection();
                t0 = System.nanoTime();
                Throwable f = catchThrowable(() -> small.dataSource().getConnection());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(f).isInstanceOf(SQLTransientConnectionException.class);
                // the 1 s busy wait bounds it; generous for a loaded machine, far below the other pool's 20 s
                assertThat(ms).isLessThan(10_000);
                c.close();
                d.close();
            }

            // the database goes away with the pool full: the caller fails within about the timeout
            b.close();
            Connection held1 = db.dataSource().getConnection();
            Connection held2 = db.dataSource().getConnection();
            server.close();
            t0 = System.nanoTime();
            Throwable down = catchThrowable(() -> db.dataSource().getConnection());
            long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("[measure] with the database down and the pool full a caller failed after " + downMs + " ms");
            assertThat(DatabaseUnavailableException.isUnavailable(down)).as("%s", down).isTrue();
            assertThat(downMs).as("fails fast, not after the 20 s busy wait").isLessThan(15_000);
            held1.close();
            held2.close();
        } finally {
            server.close();
        }
    }
}
