package io.artifactkeeper.db.impl;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.Bundle;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.artifactkeeper.db.Database;

/**
 * {@link Database} over a HikariCP pool. Plain Java (no OSGi runtime needed) so that it can be
 * tested as is; the component wraps it.
 */
public final class PooledDatabase implements Database, AutoCloseable {

    static final Duration HEALTH_LIMIT = Duration.ofSeconds(2);

    private final ConnectionSettings settings;
    private final boolean embedded;
    private final HikariDataSource pool;
    private final PatientDataSource patient;
    private final Jdbi jdbi;
    private final Migrator migrator;
    private final HealthProbe health;

    public PooledDatabase(ConnectionSettings settings, boolean embedded) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.embedded = embedded;

        HikariConfig config = new HikariConfig();
        config.setPoolName("ak-db");
        config.setDataSource(settings.dataSource(settings.connectTimeoutSeconds(), 0));
        config.setMaximumPoolSize(settings.poolSize());
        // Waiting longer than this for a connection (database down, or pool exhausted) fails the
        // call, so that requests answer 503 quickly instead of hanging.
        config.setConnectionTimeout(settings.connectionTimeoutMs());
        config.setValidationTimeout(Math.max(250, Math.min(1000, settings.connectionTimeoutMs() / 2)));
        // Start even when the database is down: the service registers, calls fail fast, and the
        // pool fills by itself once the database is back.
        config.setInitializationFailTimeout(-1);
        config.setRegisterMbeans(false);
        this.pool = new HikariDataSource(config);
        this.migrator = new Migrator(settings.dataSource(settings.connectTimeoutSeconds(), 0));
        int probeSeconds = (int) HEALTH_LIMIT.toSeconds();
        this.health = new HealthProbe(settings.dataSource(probeSeconds, probeSeconds), HEALTH_LIMIT);
        this.patient = new PatientDataSource(pool, health::check, settings.busyWaitMs());
        this.jdbi = Jdbi.create(patient);
    }

    ConnectionSettings settings() {
        return settings;
    }

    @Override
    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public DataSource dataSource() {
        return patient;
    }

    @Override
    public void migrate(String module, Bundle bundle, String folder) {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(folder, "folder");
        Migrator.historyTable(module); // reject a bad name before touching the bundle
        migrate(module, scriptsOf(bundle, folder));
    }

    /** The same as {@link #migrate(String, Bundle, String)} with the scripts given directly. */
    public void migrate(String module, List<MigrationScript> scripts) {
        migrator.migrate(module, scripts);
    }

    /** The {@code *.sql} entries directly in {@code folder} of the bundle (and its fragments). */
    static List<MigrationScript> scriptsOf(Bundle bundle, String folder) {
        Enumeration<URL> entries = bundle.findEntries(folder, "*.sql", false);
        List<MigrationScript> scripts = new ArrayList<>();
        if (entries != null) {
            for (URL url : Collections.list(entries)) {
                scripts.add(MigrationScript.of(url));
            }
        }
        if (scripts.isEmpty()) {
            throw new IllegalArgumentException("bundle " + bundle.getSymbolicName() + " has no *.sql script in "
                    + folder);
        }
        scripts.sort(Comparator.comparing(MigrationScript::name));
        return scripts;
    }

    @Override
    public void checkHealth() {
        health.check();
    }

    @Override
    public boolean isEmbedded() {
        return embedded;
    }

    @Override
    public String describe() {
        return settings.redactedUrl();
    }

    @Override
    public void close() {
        health.close();
        pool.close();
    }
}
