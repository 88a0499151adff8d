package io.artifactkeeper.db.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.Bundle;
import org.postgresql.Driver;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.db.Database;
import io.artifactkeeper.db.DatabaseUnavailableException;

/**
 * The {@link Database} service. With no URL configured (neither in its configuration nor in the
 * framework property {@code ak.database.url}) it starts PostgreSQL itself on
 * {@code <ak.data.dir>/postgres} and stops it when deactivated.
 */
@Component(service = Database.class, immediate = true, configurationPid = DatabaseComponent.PID)
@Designate(ocd = DatabaseComponent.Config.class)
public final class DatabaseComponent implements Database {

    public static final String PID = "io.artifactkeeper.db";

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseComponent.class);

    @ObjectClassDefinition(id = PID, name = "Artifact Keeper database",
            description = "PostgreSQL connection. Leave the URL empty (and ak.database.url unset) to run an embedded PostgreSQL in the data directory.")
    public @interface Config {

        @AttributeDefinition(name = "JDBC URL", required = false,
                description = "jdbc:postgresql://host:port/database. Empty: the framework property ak.database.url; if that is empty too, an embedded PostgreSQL.")
        String url() default "";

        @AttributeDefinition(name = "User name", required = false,
                description = "Overrides the URL's user. Empty: the URL's, or the framework property ak.database.username.")
        String username() default "";

        /** Property ".password": the leading dot keeps it out of the service's properties. */
        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
                description = "Empty: the URL's, or the framework property ak.database.password.")
        String _password() default "";

        @AttributeDefinition(name = "Pool size", min = "2", description = "Maximum number of pooled connections.")
        int pool_size() default 16;

        @AttributeDefinition(name = "Connection timeout (ms)", min = "250",
                description = "How long a call waits for a connection before it fails (database down or pool exhausted).")
        int connection_timeout_ms() default 3000;

        @AttributeDefinition(name = "Busy pool wait (ms)", min = "250",
                description = "How long in all a call keeps waiting for a connection while the database answers and every pooled connection is in use.")
        int busy_wait_ms() default ConnectionSettings.DEFAULT_BUSY_WAIT_MS;

        @AttributeDefinition(name = "Embedded port", min = "0", max = "65535",
                description = "TCP port (localhost) of the embedded PostgreSQL; 0 picks a free port at each start.")
        int embedded_port() default 0;
    }

    private final EmbeddedPostgresServer server;
    private final PooledDatabase database;

    @Activate
    public DatabaseComponent(BundleContext context, Config config) throws IOException, SQLException {
        // The driver registers itself in DriverManager when its class loads; zonky's readiness check
        // needs that. After a deactivation (which deregisters it, see below) register it again.
        if (!Driver.isRegistered()) {
            Driver.register();
        }
        String url = firstNonBlank(config.url(), firstNonBlank(launchSecret(context, "database.url"),
                context.getProperty("ak.database.url")));
        if (url == null) {
            Path dataDir = Path.of(firstNonBlank(context.getProperty("ak.data.dir"), "data")).toAbsolutePath().normalize();
            server = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), dataDir.resolve("postgres-bin"),
                    config.embedded_port());
            try {
                database = new PooledDatabase(new ConnectionSettings(server.jdbcUrl(), null, server.password(),
                        config.pool_size(), config.connection_timeout_ms(), config.busy_wait_ms()), true);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        } else {
            server = null;
            database = new PooledDatabase(new ConnectionSettings(url,
                    firstNonBlank(config.username(), context.getProperty("ak.database.username")),
                    firstNonEmpty(config._password(), firstNonEmpty(launchSecret(context, "database.password"),
                            context.getProperty("ak.database.password"))),
                    config.pool_size(), config.connection_timeout_ms(), config.busy_wait_ms()), false);
        }
        LOG.info("Database: {} ({}, pool of {}, connection timeout {} ms, busy pool wait {} ms)", database.describe(),
                server != null ? "embedded PostgreSQL" : "external", database.settings().poolSize(),
                database.settings().connectionTimeoutMs(), database.settings().busyWaitMs());
        if (server == null) {
            try {
                database.checkHealth();
            } catch (DatabaseUnavailableException e) {
                // Not fatal: the service registers, calls fail fast (503) until the database answers.
                LOG.warn("The database does not answer yet: {}", e.getMessage());
            }
        }
    }

    @Deactivate
    void deactivate() {
        database.close();
        if (server != null) {
            server.close();
        }
        // DriverManager is global: left registered, the driver would pin this bundle's class loader
        // after an update or uninstall.
        try {
            if (Driver.isRegistered()) {
                Driver.deregister();
            }
        } catch (SQLException e) {
            LOG.debug("could not deregister the PostgreSQL driver", e);
        }
    }

    /**
     * A secret the launcher was given (the database URL may carry a password): read from the
     * owner-only file named by {@code ak.secrets.file}, since framework properties show on the Web
     * Console. The core reads the same file (its {@code LaunchSecrets}); a few lines twice rather
     * than a new exported API.
     */
    static String launchSecret(BundleContext context, String name) {
        String f = context.getProperty("ak.secrets.file");
        if (f == null || f.isBlank() || !java.nio.file.Files.isRegularFile(Path.of(f))) {
            return null;
        }
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(Path.of(f), java.nio.charset.StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return null;
        }
        return p.getProperty(name);
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b != null && !b.isBlank() ? b.trim() : null;
    }

    /** Like {@link #firstNonBlank} without trimming: spaces may be part of a password. */
    private static String firstNonEmpty(String a, String b) {
        return a != null && !a.isEmpty() ? a : b != null && !b.isEmpty() ? b : null;
    }

    @Override
    public Jdbi jdbi() {
        return database.jdbi();
    }

    @Override
    public DataSource dataSource() {
        return database.dataSource();
    }

    @Override
    public void migrate(String module, Bundle bundle, String folder) {
        database.migrate(module, bundle, folder);
    }

    @Override
    public void checkHealth() {
        database.checkHealth();
    }

    @Override
    public boolean isEmbedded() {
        return database.isEmbedded();
    }

    @Override
    public String describe() {
        return database.describe();
    }
}
