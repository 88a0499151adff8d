package io.artifactkeeper.db;

import static io.artifactkeeper.db.DatabaseUnavailableException.isUnavailable;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

class DatabaseUnavailableExceptionTest {

    @Test
    void connectionClassSqlStatesAnywhereInTheChain() {
        assertThat(isUnavailable(new SQLException("x", "08006"))).isTrue();
        assertThat(isUnavailable(new SQLException("x", "08001"))).isTrue();
        assertThat(isUnavailable(new RuntimeException(new IllegalStateException(
                new PSQLException("gone", PSQLState.CONNECTION_FAILURE))))).isTrue();
    }

    @Test
    void serverShutdownAndStartupStates() {
        assertThat(isUnavailable(new SQLException("terminating connection due to administrator command", "57P01")))
                .isTrue();
        assertThat(isUnavailable(new SQLException("crash shutdown", "57P02"))).isTrue();
        assertThat(isUnavailable(new SQLException("the database system is starting up", "57P03"))).isTrue();
    }

    @Test
    void poolTimeoutAndRefusedConnections() {
        // what HikariCP throws when no connection comes within connectionTimeout
        assertThat(isUnavailable(new RuntimeException(
                new SQLTransientConnectionException("ak-db - Connection is not available, request timed out after 3000ms."))))
                .isTrue();
        assertThat(isUnavailable(new UncheckedIOException(new ConnectException("nope")))).isTrue();
        assertThat(isUnavailable(new RuntimeException("Connection refused (localhost:5432)"))).isTrue();
        assertThat(isUnavailable(new DatabaseUnavailableException("down"))).isTrue();
    }

    @Test
    void statementErrorsAreNotUnavailability() {
        assertThat(isUnavailable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(isUnavailable(new SQLException("could not serialize access", "40001"))).isFalse();
        assertThat(isUnavailable(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(isUnavailable(new SQLException("no state"))).isFalse();
        assertThat(isUnavailable(new IllegalStateException("boom"))).isFalse();
        assertThat(isUnavailable(null)).isFalse();
    }

    @Test
    void suppressedAndNextExceptionsAreSearched() {
        RuntimeException outer = new RuntimeException("rollback failed too");
        outer.addSuppressed(new SQLException("closed", "08003"));
        assertThat(isUnavailable(outer)).isTrue();

        SQLException batch = new SQLException("batch entry failed", "23505");
        batch.setNextException(new SQLException("I/O error", "08006"));
        assertThat(isUnavailable(batch)).isTrue();
    }

    @Test
    void causeCyclesTerminate() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(isUnavailable(a)).isFalse();
    }
}
