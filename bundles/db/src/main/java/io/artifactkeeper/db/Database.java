package io.artifactkeeper.db;

import javax.sql.DataSource;

import org.jdbi.v3.core.Jdbi;
import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * The PostgreSQL database of this node, shared by every bundle.
 *
 * <p>Calls fail fast when the database is unreachable: a connection is awaited at most for the
 * configured connection timeout, then the failure surfaces as an exception that
 * {@link DatabaseUnavailableException#isUnavailable(Throwable)} recognizes. The service stays
 * registered while the database is away and works again as soon as it is back.
 */
@ProviderType
public interface Database {

    /** JDBI over the pooled {@link #dataSource()}; thread-safe, share it. */
    Jdbi jdbi();

    /** The connection pool. Close every connection taken from it (try-with-resources). */
    DataSource dataSource();

    /**
     * Brings the tables of {@code module} up to date with the Flyway SQL scripts found in
     * {@code folder} of {@code bundle} (not recursive): versioned {@code V<version>__<description>.sql}
     * and repeatable {@code R__<description>.sql}.
     *
     * <p>Each module has its own history table, {@code flyway_history_<module>}, so modules are
     * versioned independently and a module added later to an existing database starts at its V1.
     * Already applied scripts are skipped (calling this at every start is the intended use);
     * an applied script that was changed afterwards fails validation. Migrations of all modules are
     * serialized, within this node and across nodes sharing the database.
     *
     * @param module lower-case letters, digits and underscores, starting with a letter, at most 48
     *     characters; it names the history table, so never change it once released
     * @param bundle the bundle holding the scripts (usually the caller's own)
     * @param folder folder inside the bundle, e.g. {@code "db/migration"}
     * @throws IllegalArgumentException if {@code module} is not a valid name or the folder holds no
     *     SQL script
     * @throws DatabaseUnavailableException if the database cannot be reached
     * @throws IllegalStateException if a script fails (its transaction is rolled back) or the
     *     history does not match the scripts (an applied script was changed)
     */
    void migrate(String module, Bundle bundle, String folder);

    /**
     * Checks, within about two seconds, that the database answers a query.
     *
     * @throws DatabaseUnavailableException if it does not
     */
    void checkHealth() throws DatabaseUnavailableException;

    /** Whether this node started its own PostgreSQL (no database URL configured). */
    boolean isEmbedded();

    /** The JDBC URL in use, without password, for logs and status pages. */
    String describe();
}
