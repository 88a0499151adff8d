package io.artifactkeeper.db;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/**
 * The database cannot be reached now (down, restarting, unreachable, or no connection free within
 * the connection timeout). Callers answering HTTP map it, and anything
 * {@link #isUnavailable(Throwable)} recognizes, to 503 rather than 500: retrying later may work.
 */
public class DatabaseUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message) {
        super(message);
    }

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether {@code t}, or any exception in its cause chain (suppressed ones included), is a
     * connection-level failure rather than an error of the statement itself:
     * <ul>
     * <li>a {@code DatabaseUnavailableException};</li>
     * <li>an {@link SQLException} whose SQLState is of class {@code 08} (connection exception) or
     * is {@code 57P01} (admin shutdown), {@code 57P02} (crash shutdown) or {@code 57P03} (cannot
     * connect now, e.g. starting up or in recovery);</li>
     * <li>an {@link SQLTransientConnectionException} or {@link SQLNonTransientConnectionException}
     * (the pool timing out waiting for a connection is the former);</li>
     * <li>a {@link ConnectException} or a message saying "connection refused".</li>
     * </ul>
     * Constraint violations, syntax errors, serialization failures and the like are not.
     */
    public static boolean isUnavailable(Throwable t) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return scan(t, seen);
    }

    private static boolean scan(Throwable t, Set<Throwable> seen) {
        // Cause chains can loop (and SQLException chains by getNextException too): visit each once.
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (isConnectionLevel(c)) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getNextException() != null
                    && scan(sql.getNextException(), seen)) {
                return true;
            }
            for (Throwable s : c.getSuppressed()) {
                if (scan(s, seen)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isConnectionLevel(Throwable t) {
        if (t instanceof DatabaseUnavailableException
                || t instanceof SQLTransientConnectionException
                || t instanceof SQLNonTransientConnectionException
                || t instanceof ConnectException) {
            return true;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                return true;
            }
        }
        String message = t.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("connection refused");
    }
}
