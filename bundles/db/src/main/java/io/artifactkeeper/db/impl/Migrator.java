package io.artifactkeeper.db.impl;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.db.DatabaseUnavailableException;

/**
 * Runs Flyway for one module at a time: the module's scripts, its own history table, in the
 * default schema.
 */
final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    /** History table names are built from it, so it must be a safe, short identifier (63 bytes max in PostgreSQL). */
    static final Pattern MODULE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    static final String HISTORY_TABLE_PREFIX = "flyway_history_";

    /**
     * Session advisory lock that serializes migrations of all modules across every node on the
     * database ("akmigrat" in ASCII). Flyway locks per history table only; one lock for all keeps
     * scripts that reference another module's tables from racing that module's migration.
     */
    static final long MIGRATION_LOCK_KEY = 0x616b6d6967726174L;

    private final DataSource direct;
    private final ReentrantLock localLock = new ReentrantLock();

    /**
     * @param direct non-pooled connections: migrations neither wait for nor starve the pool, and
     *     the lock holder plus Flyway's own connections fit whatever the pool size is
     */
    Migrator(DataSource direct) {
        this.direct = direct;
    }

    static String historyTable(String module) {
        if (module == null || !MODULE_NAME.matcher(module).matches()) {
            throw new IllegalArgumentException("invalid module name '" + module
                    + "': lower-case letters, digits and '_', starting with a letter, at most 48 characters");
        }
        return HISTORY_TABLE_PREFIX + module;
    }

    void migrate(String module, List<MigrationScript> scripts) {
        String table = historyTable(module);
        if (scripts.isEmpty()) {
            throw new IllegalArgumentException("no migration scripts for module " + module);
        }
        // One waiter per node holds a database connection; the others wait here.
        localLock.lock();
        try (Connection lockConnection = connect()) {
            lock(lockConnection);
            try {
                runFlyway(module, table, scripts);
            } finally {
                unlock(lockConnection);
            }
        } catch (SQLException e) {
            throw failure(module, e);
        } finally {
            localLock.unlock();
        }
    }

    private Connection connect() {
        try {
            return direct.getConnection();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot connect to the database to migrate: " + e.getMessage(), e);
        }
    }

    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, MIGRATION_LOCK_KEY);
            ps.execute();
        }
    }

    private static void unlock(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, MIGRATION_LOCK_KEY);
            ps.execute();
        } catch (SQLException e) {
            // Closing the session releases the lock anyway.
            LOG.debug("could not release the migration lock explicitly", e);
        }
    }

    private void runFlyway(String module, String table, List<MigrationScript> scripts) {
        ClassLoader own = Migrator.class.getClassLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Flyway finds its database plugins with ServiceLoader on its own class loader (this
        // bundle's, where flyway-core and flyway-database-postgresql are embedded), but a few of its
        // look-ups use the context class loader: make that one this bundle's too.
        thread.setContextClassLoader(own);
        try {
            Flyway flyway = Flyway.configure(own)
                    .dataSource(direct)
                    .table(table)
                    // A module joining a database where other modules already have tables: start
                    // its history at 0 so that its V1 still runs (Flyway's default baseline is 1).
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .baselineDescription("<< module " + module + " joins an existing database >>")
                    .resourceProvider(new ScriptResourceProvider(scripts))
                    .javaMigrationClassProvider(List::of)
                    // Scripts are plain SQL: "${" inside PL/pgSQL or string literals stays as written.
                    .placeholderReplacement(false)
                    // A misnamed file in the folder is an error, not a silently skipped script.
                    .validateMigrationNaming(true)
                    .connectRetries(0)
                    .loggers("slf4j")
                    .load();
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("Database module {}: applied {} migration(s), schema now at version {}", module,
                        result.migrationsExecuted, result.targetSchemaVersion);
            } else {
                LOG.debug("Database module {}: up to date at version {}", module, result.initialSchemaVersion);
            }
        } catch (RuntimeException e) {
            throw failure(module, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static RuntimeException failure(String module, Exception e) {
        if (e instanceof DatabaseUnavailableException d) {
            return d;
        }
        if (DatabaseUnavailableException.isUnavailable(e)) {
            return new DatabaseUnavailableException("database unavailable while migrating module " + module + ": "
                    + e.getMessage(), e);
        }
        // Flyway's exception types are private to this bundle; callers get a type they can see.
        return new IllegalStateException("migration of database module " + module + " failed: " + e.getMessage(), e);
    }
}
