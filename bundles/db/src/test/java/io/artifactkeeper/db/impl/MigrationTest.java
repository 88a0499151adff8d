package io.artifactkeeper.db.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationTest {

    @TempDir
    static Path tmp;

    static EmbeddedPostgresServer server;
    static PooledDatabase db;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedPostgresServer.start(tmp.resolve("postgres"), TestPostgres.BINARIES, 0);
        db = new PooledDatabase(TestPostgres.settings(server, 4), true);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Applied scripts; tests run in any order, so a module may or may not have a baseline row. */
    private static List<Map<String, Object>> history(String module) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "SELECT version, description, script, success FROM flyway_history_" + module
                        + " WHERE type <> 'BASELINE' ORDER BY installed_rank")
                .mapToMap().list());
    }

    private static List<Map<String, Object>> historyWithBaseline(String module) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "SELECT version, type FROM flyway_history_" + module + " ORDER BY installed_rank")
                .mapToMap().list());
    }

    private static int count(String table) {
        Integer n = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one());
        return n;
    }

    private static String text(String sql) {
        String v = db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
        return v;
    }

    private static boolean tableExists(String table) {
        Boolean exists = db.jdbi().withHandle(h -> h.createQuery("SELECT to_regclass(:t) IS NOT NULL")
                .bind("t", table).mapTo(Boolean.class).one());
        return exists;
    }

    @Test
    void appliesScriptsInVersionOrderOnceAndThenOnlyNewOnes() {
        List<MigrationScript> scripts = new ArrayList<>(List.of(
                // given out of order on purpose: Flyway orders by version (2 before 10)
                MigrationScript.of("V10__add_column.sql", "ALTER TABLE alpha_item ADD COLUMN note text;"),
                MigrationScript.of("V1__create.sql", "CREATE TABLE alpha_item (id bigserial PRIMARY KEY, name text NOT NULL);"),
                MigrationScript.of("V2__seed.sql", "INSERT INTO alpha_item (name) VALUES ('one'), ('two');")));
        db.migrate("alpha", scripts);
        db.migrate("alpha", scripts); // idempotent

        assertThat(history("alpha")).extracting(r -> r.get("version"), r -> r.get("script"), r -> r.get("success"))
                .containsExactly(
                        tuple("1", "V1__create.sql", true),
                        tuple("2", "V2__seed.sql", true),
                        tuple("10", "V10__add_column.sql", true));
        assertThat(count("alpha_item")).isEqualTo(2);

        scripts.add(MigrationScript.of("V11__more.sql", "INSERT INTO alpha_item (name, note) VALUES ('three', 'v11');"));
        db.migrate("alpha", scripts);
        assertThat(history("alpha")).hasSize(4);
        assertThat(count("alpha_item")).isEqualTo(3);
    }

    @Test
    void aModuleAddedToAnExistingDatabaseStillRunsItsFirstScript() {
        db.migrate("first", List.of(MigrationScript.of("V1__t.sql", "CREATE TABLE first_t (id int);")));
        // the schema is no longer empty: Flyway baselines the new module at 0, then applies its V1
        db.migrate("later", List.of(MigrationScript.of("V1__t.sql", "CREATE TABLE later_t (id int);")));
        assertThat(tableExists("later_t")).isTrue();
        assertThat(historyWithBaseline("later")).extracting(r -> r.get("version"), r -> r.get("type"))
                .containsExactly(tuple("0", "BASELINE"),
                        tuple("1", "SQL"));
    }

    @Test
    void concurrentMigrationsOfDifferentModulesAllSucceed() throws Exception {
        int modules = 6;
        ExecutorService pool = Executors.newFixedThreadPool(modules);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < modules; i++) {
                String module = "conc" + i;
                Callable<Void> task = () -> {
                    db.migrate(module, List.of(
                            MigrationScript.of("V1__create.sql", "CREATE TABLE " + module + "_t (id int);"),
                            MigrationScript.of("V2__fill.sql", "INSERT INTO " + module + "_t SELECT generate_series(1, 100);")));
                    return null;
                };
                results.add(pool.submit(task));
            }
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < modules; i++) {
            String module = "conc" + i;
            assertThat(history(module)).extracting(r -> r.get("version")).endsWith("1", "2");
            assertThat(count(module + "_t")).isEqualTo(100);
        }
    }

    @Test
    void aFailingScriptIsRolledBackAndReported() {
        assertThatThrownBy(() -> db.migrate("broken", List.of(
                MigrationScript.of("V1__ok.sql", "CREATE TABLE broken_ok (id int);"),
                MigrationScript.of("V2__fails.sql", "CREATE TABLE broken_half (id int);\nSELECT 1/0;")))
        ).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken")
                .hasMessageContaining("V2__fails.sql");
        assertThat(tableExists("broken_ok")).isTrue();
        assertThat(tableExists("broken_half")).as("transactional DDL rolled back").isFalse();
        assertThat(history("broken")).extracting(r -> r.get("version")).containsExactly("1");
    }

    @Test
    void anAppliedScriptThatChangedFailsValidation() {
        db.migrate("changed", List.of(MigrationScript.of("V1__t.sql", "CREATE TABLE changed_t (id int);")));
        assertThatThrownBy(() -> db.migrate("changed",
                List.of(MigrationScript.of("V1__t.sql", "CREATE TABLE changed_t (id bigint);"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void misnamedScriptsAreErrorsNotSilentlySkipped() {
        assertThatThrownBy(() -> db.migrate("misnamed", List.of(
                MigrationScript.of("V1__ok.sql", "CREATE TABLE misnamed_t (id int);"),
                MigrationScript.of("v2-forgot-the-convention.sql", "SELECT 1;"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void dollarBracesInScriptsAreLeftAlone() {
        db.migrate("literal", List.of(MigrationScript.of("V1__t.sql",
                "CREATE TABLE literal_t (v text);\nINSERT INTO literal_t VALUES ('${not_a_placeholder}');")));
        assertThat(text("SELECT v FROM literal_t")).isEqualTo("${not_a_placeholder}");
    }

    @Test
    void invalidModuleNamesAreRejectedBeforeAnythingRuns() {
        List<MigrationScript> s = List.of(MigrationScript.of("V1__t.sql", "CREATE TABLE never_created (id int);"));
        for (String bad : new String[] {"", "Upper", "1abc", "has-dash", "x; DROP TABLE y", "a".repeat(49)}) {
            assertThatThrownBy(() -> db.migrate(bad, s)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> db.migrate("empty", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(tableExists("never_created")).isFalse();
    }

    /**
     * In OSGi the caller's context class loader is anything (often null or the system loader,
     * which sees none of this bundle's libraries). Migrations must not depend on it: Flyway's
     * PostgreSQL support is found through ServiceLoader on the bundle's own loader.
     */
    @Test
    void migrationsDoNotDependOnTheCallersContextClassLoader() {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        ClassLoader blind = new ClassLoader(null) { };
        t.setContextClassLoader(blind);
        try {
            db.migrate("tccl", List.of(MigrationScript.of("V1__t.sql", "CREATE TABLE tccl_t (id int);")));
            assertThat(t.getContextClassLoader()).as("restored").isSameAs(blind);
        } finally {
            t.setContextClassLoader(before);
        }
        assertThat(tableExists("tccl_t")).isTrue();
    }

    @Test
    void describesItselfWithoutSecrets() {
        assertThat(db.isEmbedded()).isTrue();
        assertThat(db.describe()).startsWith("jdbc:postgresql://localhost:" + server.port() + "/artifactkeeper");
        db.checkHealth();
    }
}
