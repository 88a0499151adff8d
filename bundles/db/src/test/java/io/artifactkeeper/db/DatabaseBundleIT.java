package io.artifactkeeper.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The built bundle in a real Felix with the runtime's kernel bundles (SCR, slf4j with SPI Fly,
 * Jackson): it resolves, its component activates and starts PostgreSQL, and it migrates from
 * another bundle's folder through {@code Bundle.findEntries}, with Flyway's PostgreSQL plugin
 * found by ServiceLoader inside the bundle.
 */
class DatabaseBundleIT {

    @TempDir
    Path tmp;

    @Test
    void resolvesActivatesAndMigratesFromAnotherBundle() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, Object> fw = new HashMap<>();
        fw.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("felix-cache").toString());
        fw.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        fw.put("ak.data.dir", data.toString());
        fw.put("ds.loglevel", "warn");
        // As under the launcher, whose class path holds no bundle libraries: the test class path
        // has slf4j-simple, which slf4j's ServiceLoader would otherwise find through this thread.
        Thread thread = Thread.currentThread();
        ClassLoader tccl = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        Felix felix = new Felix(fw);
        felix.start();
        try {
            BundleContext ctx = felix.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            try (Stream<Path> jars = Files.list(Path.of(System.getProperty("it.bundles")))) {
                for (Path jar : jars.sorted().toList()) {
                    installed.add(ctx.installBundle(jar.toUri().toString()));
                }
            }
            Bundle db = ctx.installBundle(Path.of(System.getProperty("it.db.bundle")).toUri().toString());
            Bundle widgets = ctx.installBundle("it:widgets", new ByteArrayInputStream(widgetsBundle()));
            installed.add(db);
            installed.add(widgets);
            // weaving for slf4j's ServiceLoader first, then the logging provider, then the rest
            installed.sort(Comparator.comparingInt(b -> b.getSymbolicName().contains("spifly") ? 0
                    : b.getSymbolicName().startsWith("slf4j") ? 1 : 2));
            for (Bundle b : installed) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
            for (Bundle b : installed) {
                assertThat(b.getState()).as(b.getSymbolicName()).isEqualTo(Bundle.ACTIVE);
            }
            // the consumer's imports of our API and of JDBI are wired to this bundle
            List<BundleWire> wires = widgets.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package");
            assertThat(wires).extracting(w -> w.getCapability().getAttributes().get("osgi.wiring.package"))
                    .contains("io.artifactkeeper.db", "org.jdbi.v3.core");
            assertThat(wires).allSatisfy(w -> assertThat(w.getProvider().getBundle()).isEqualTo(db));

            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(ctx, Database.class.getName(), null);
            // trackAllServices: the test's own copy of the API class is not the bundle's
            tracker.open(true);
            Object service = tracker.waitForService(Duration.ofMinutes(2).toMillis());
            assertThat(service).as("Database service").isNotNull();
            ServiceReference<Object> ref = tracker.getServiceReference();
            assertThat(ref.getBundle()).isEqualTo(db);
            assertThat(ref.getProperty(".password")).isNull();
            Class<?> api = db.loadClass(Database.class.getName());

            assertThat(call(api, service, "isEmbedded")).isEqualTo(true);
            assertThat((String) call(api, service, "describe")).startsWith("jdbc:postgresql://localhost:")
                    .doesNotContain("password");
            assertThat(call(api, service, "jdbi").getClass().getName()).isEqualTo("org.jdbi.v3.core.Jdbi");
            call(api, service, "checkHealth");

            Method migrate = api.getMethod("migrate", String.class, Bundle.class, String.class);
            migrate.invoke(service, "it_widgets", widgets, "db/migration");
            migrate.invoke(service, "it_widgets", widgets, "db/migration"); // idempotent
            DataSource ds = (DataSource) call(api, service, "dataSource");
            assertThat(query(ds, "SELECT string_agg(name, ',' ORDER BY id) FROM widget")).isEqualTo("bolt,nut,gear");
            assertThat(query(ds, "SELECT count(*) FROM flyway_history_it_widgets WHERE success")).isEqualTo("2");
            assertThatThrownBy(() -> migrate.invoke(service, "it_widgets", widgets, "no/such/folder"))
                    .isInstanceOf(InvocationTargetException.class)
                    .cause().isInstanceOf(IllegalArgumentException.class);
            tracker.close();

            Path pgData = data.resolve("postgres");
            long pid = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
            felix.stop();
            felix.waitForStop(60_000);
            // deactivation stopped PostgreSQL
            assertThat(pgData.resolve("postmaster.pid")).doesNotExist();
            assertThat(ProcessHandle.of(pid).map(p -> p.isAlive() && !isZombie(pid)).orElse(false)).isFalse();
        } finally {
            thread.setContextClassLoader(tccl);
            if ((felix.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                felix.stop();
                felix.waitForStop(60_000);
            }
        }
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    private static Object call(Class<?> api, Object service, String method) throws Exception {
        try {
            return api.getMethod(method).invoke(service);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private static String query(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A consumer bundle: imports our API and JDBI, carries SQL scripts (and a file that is not one). */
    private static byte[] widgetsBundle() throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, "it.widgets");
        a.putValue(Constants.BUNDLE_VERSION, "1.0.0");
        a.putValue(Constants.IMPORT_PACKAGE, "io.artifactkeeper.db;version=\"[1.0,2)\",org.jdbi.v3.core;version=\"[3.55,4)\"");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, mf)) {
            for (String dir : List.of("db/", "db/migration/")) {
                jar.putNextEntry(new JarEntry(dir));
                jar.closeEntry();
            }
            entry(jar, "db/migration/V1__widgets.sql",
                    "CREATE TABLE widget (id serial PRIMARY KEY, name text NOT NULL UNIQUE);\n");
            entry(jar, "db/migration/V2__seed.sql",
                    "INSERT INTO widget (name) VALUES ('bolt'), ('nut'), ('gear');\n");
            entry(jar, "db/migration/README.txt", "not a script\n");
        }
        return out.toByteArray();
    }

    private static void entry(JarOutputStream jar, String name, String text) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(text.getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
    }
}
