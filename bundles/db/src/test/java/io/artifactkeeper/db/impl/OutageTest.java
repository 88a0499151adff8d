package io.artifactkeeper.db.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.artifactkeeper.db.DatabaseUnavailableException;

/** The database goes away under a running service, then comes back. */
class OutageTest {

    @TempDir
    Path tmp;

    private static int countRows(PooledDatabase db) {
        Integer n = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM outage_t").mapTo(Integer.class).one());
        return n;
    }

    @Test
    void failsFastWhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
        Path data = tmp.resolve("postgres");
        int port = TestPostgres.freePort();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, port);
        try (PooledDatabase db = new PooledDatabase(TestPostgres.settings(server, 4), false)) {
            db.migrate("outage", List.of(MigrationScript.of("V1__t.sql",
                    "CREATE TABLE outage_t (id int); INSERT INTO outage_t VALUES (1);")));
            db.checkHealth();
            assertThat(countRows(db)).isEqualTo(1);

            server.close();

            long t0 = System.nanoTime();
            assertThatThrownBy(db::checkHealth).isInstanceOf(DatabaseUnavailableException.class);
            long healthMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("[measure] checkHealth with the database down failed after " + healthMs + " ms");
            // bounded, not hanging (the figure is printed above; ./ak faults measures the same end to end)
            assertThat(healthMs).as("health check bounded").isLessThan(15_000);

            // A pooled connection that was fine a moment ago, and a fresh one: both fail, and both
            // are recognized as unavailability, within the connection timeout (3 s) plus slack.
            for (int i = 0; i < 2; i++) {
                t0 = System.nanoTime();
                Throwable failure = catchThrowable(() -> countRows(db));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(failure).isNotNull();
                assertThat(DatabaseUnavailableException.isUnavailable(failure)).as("%s", failure).isTrue();
                System.out.println("[measure] query with the database down failed after " + ms + " ms: " + failure);
                assertThat(ms).as("query failure time").isLessThan(15_000);
            }
            Throwable plain = catchThrowable(() -> {
                try (Connection c = db.dataSource().getConnection()) {
                    c.createStatement().execute("SELECT 1");
                }
            });
            assertThat(DatabaseUnavailableException.isUnavailable(plain)).as("%s", plain).isTrue();
            assertThatThrownBy(() -> db.migrate("outage", List.of(MigrationScript.of("V1__t.sql", "SELECT 1;"))))
                    .isInstanceOf(DatabaseUnavailableException.class);

            // Back on the same port: the same service instance recovers without any restart.
            server = EmbeddedPostgresServer.start(data, TestPostgres.BINARIES, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Throwable last = null;
            while (System.nanoTime() < deadline) {
                try {
                    db.checkHealth();
                    if (countRows(db) == 1) {
                        last = null;
                        break;
                    }
                } catch (RuntimeException e) {
                    last = e;
                    Thread.sleep(200);
                }
            }
            assertThat(last).as("recovered").isNull();
            System.out.println("[measure] service answered again " + TimeUnit.NANOSECONDS.toMillis(
                    System.nanoTime() - deadline + TimeUnit.SECONDS.toNanos(15)) + " ms after the database restarted");
            // every pooled connection works again (dead ones were evicted)
            for (int i = 0; i < 20; i++) {
                assertThat(countRows(db)).isEqualTo(1);
            }
        } finally {
            server.close();
        }
    }
}
