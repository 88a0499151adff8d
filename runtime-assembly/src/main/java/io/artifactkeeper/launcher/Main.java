package io.artifactkeeper.launcher;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Starts Apache Felix with the bundles and configurations that the features in
 * {@code <home>/features} name, then waits until the framework stops (SIGTERM/SIGINT stop it in
 * order and the process exits 0).
 *
 * <pre>
 * artifact-keeper [--shell] [--check]
 *   --shell   also install the Gogo shell, interactive on this terminal
 *   --check   resolve every bundle of the features, report, and exit (non-zero on failure)
 * </pre>
 */
public final class Main {

    private static final PrintStream OUT = System.out;
    private static final String CONFIG_ADMIN = "org.osgi.service.cm.ConfigurationAdmin";

    private Main() {
    }

    public static void main(String[] args) {
        // outbound fetches of the core send plain-HTTP requests to the address they checked, with the
        // host name in their own Host header (see OutboundClient); the JDK allows that header only so
        String restricted = System.getProperty("jdk.httpclient.allowRestrictedHeaders", "");
        if (!restricted.toLowerCase(java.util.Locale.ROOT).matches("(.*,)?\\s*host\\s*(,.*)?")) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", restricted.isBlank() ? "host" : restricted + ",host");
        }
        long t0 = System.nanoTime();
        boolean shell = false;
        boolean check = false;
        for (String a : args) {
            switch (a) {
                case "--shell" -> shell = true;
                case "--check" -> check = true;
                case "-h", "--help" -> {
                    OUT.println("usage: artifact-keeper [--shell] [--check]");
                    return;
                }
                default -> fail("unknown argument: " + a, 2);
            }
        }
        try {
            int rc = new Main().run(shell, check, t0);
            System.exit(rc);
        } catch (StartupException e) {
            fail(e.getMessage(), 1);
        } catch (Exception e) {
            e.printStackTrace();
            fail("start-up failed: " + e, 1);
        }
    }

    private static void fail(String message, int rc) {
        System.err.println("artifact-keeper: " + message);
        System.exit(rc);
    }

    private int run(boolean shell, boolean check, long t0) throws Exception {
        Path home = Path.of(System.getProperty("ak.home", ".")).toAbsolutePath().normalize();
        List<Feature> features = new ArrayList<>(Feature.readAll(home.resolve("features")));
        if (shell) {
            Path shellFeature = home.resolve("features/optional/shell.json");
            if (Files.isRegularFile(shellFeature)) {
                features.add(Feature.read(shellFeature));
            }
        }
        Settings settings = Settings.load(features, home.resolve("etc"), System.getenv());
        Path dataDir = Path.of(settings.get("data.dir") == null ? "data" : settings.get("data.dir"))
                .toAbsolutePath().normalize();
        if (settings.get("data.dir") != null) {
            settings.all().put("data.dir", dataDir.toString());
        }
        Files.createDirectories(dataDir);
        // database, blobs, secrets and the binaries the server runs live here: the server's user only
        if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            try {
                Files.setPosixFilePermissions(dataDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            } catch (java.io.IOException e) {
                System.err.println("artifact-keeper: cannot make the data directory " + dataDir + " private (" + e
                        + "); other local users may read it");
            }
        }

        FileLock lock = check ? null : lockDataDir(dataDir);

        Map<String, String> fw = frameworkProperties(features, settings, home, dataDir, shell, check);
        Felix felix = new Felix(new HashMap<>(fw));
        felix.init();
        BundleContext ctx = felix.getBundleContext();

        TreeMap<Integer, List<Bundle>> byLevel = installBundles(ctx, features, home);
        // readiness waits for the last start level: until then not every format is there
        System.setProperty("ak.startlevel.target", String.valueOf(byLevel.isEmpty() ? 1 : byLevel.lastKey()));
        if (check) {
            return checkResolution(felix, byLevel);
        }

        Thread stopper = installSignalHandlers(felix);
        felix.start();
        FrameworkStartLevel fsl = felix.adapt(FrameworkStartLevel.class);
        boolean configured = false;
        boolean stopRequested = false;
        try {
            for (Map.Entry<Integer, List<Bundle>> level : byLevel.entrySet()) {
                for (Bundle b : level.getValue()) {
                    if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                        try {
                            b.start(Bundle.START_ACTIVATION_POLICY);
                        } catch (BundleException e) {
                            OUT.println("[launcher] bundle " + b.getSymbolicName() + " did not start: " + e.getMessage());
                        }
                    }
                }
                setStartLevel(felix, fsl, level.getKey());
                if (!configured && isActive(ctx, "org.apache.felix.configadmin")) {
                    applyConfigurations(ctx, features, settings, home);
                    configured = true;
                }
            }
        } catch (IllegalStateException e) {
            // SIGTERM while the start levels were still rising: the framework is stopping; stop cleanly
            if (felix.getState() == Bundle.ACTIVE) {
                throw e;
            }
            OUT.println("[launcher] stop requested during start-up");
            configured = true;
            stopRequested = true;
        }
        if (!configured) {
            OUT.println("[launcher] no Config Admin bundle: configurations not applied");
        }
        if (!stopRequested) {
            try {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                long active = Stream.of(ctx.getBundles()).filter(b -> b.getState() == Bundle.ACTIVE).count();
                OUT.printf("[launcher] Artifact Keeper framework started: %d bundles active in %d ms; data in %s; http://%s:%s/%n",
                        active, ms, dataDir, settings.get("http.host"), settings.get("http.port"));
            } catch (IllegalStateException e) {
                OUT.println("[launcher] stop requested during start-up");
            }
        }

        FrameworkEvent ev = felix.waitForStop(0);
        if (stopper != null) {
            stopper.join(TimeUnit.SECONDS.toMillis(60));
        }
        if (lock != null) {
            lock.release();
            lock.channel().close();
        }
        Files.deleteIfExists(dataDir.resolve(SECRETS_FILE));
        OUT.println("[launcher] stopped");
        return ev.getType() == FrameworkEvent.ERROR ? 1 : 0;
    }

    private static FileLock lockDataDir(Path dataDir) throws IOException, StartupException {
        Path lockFile = dataDir.resolve(".lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
            throw new StartupException("another Artifact Keeper is already running on the data directory "
                    + dataDir + " (" + lockFile + " is locked); stop it or set AK_DATA_DIR to another directory");
        }
        ch.truncate(0);
        ch.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"));
        ch.force(true);
        return lock;
    }

    private static Map<String, String> frameworkProperties(List<Feature> features, Settings settings, Path home,
            Path dataDir, boolean shell, boolean check) throws IOException {
        Map<String, String> fw = new LinkedHashMap<>();
        Path cache = check ? Files.createTempDirectory("ak-check") : dataDir.resolve("felix-cache");
        fw.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        // The features are the truth at every start: a clean cache, then bundles are installed anew;
        // hot-deployed bundles come back from deploy/.
        fw.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        fw.put("felix.log.level", "1");
        fw.put("gosh.args", shell ? "" : "--nointeractive");
        fw.put("felix.fileinstall.dir", home.resolve("deploy").toString());
        fw.put("felix.fileinstall.noInitialDelay", "true");
        fw.put("felix.fileinstall.poll", "1000");
        fw.put("felix.fileinstall.bundles.new.start", "true");
        fw.put("felix.fileinstall.filter", ".*\\.(jar|cfg|config|cfg\\.json)");
        fw.put("felix.fileinstall.log.level", "3");
        fw.put("ak.home", home.toString());
        for (Feature f : features) {
            f.frameworkProperties().forEach((k, v) -> fw.put(k, settings.resolve(v)));
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.all().entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue();
            if (Settings.isSecret(e.getKey())) {
                secrets.put(e.getKey(), v);
            } else {
                fw.put("ak." + e.getKey(), v);
            }
        }
        // Framework properties show on the Web Console's status pages: secrets go to bundles through
        // an owner-only file instead, which the bundles read and the launcher deletes when it stops.
        if (!check) {
            fw.put(SECRETS_PROPERTY, writeSecrets(dataDir.resolve(SECRETS_FILE), secrets).toString());
        }
        return fw;
    }

    static final String SECRETS_PROPERTY = "ak.secrets.file";
    static final String SECRETS_FILE = ".launch-secrets.properties";

    static Path writeSecrets(Path file, Map<String, String> secrets) throws IOException {
        java.util.Properties p = new java.util.Properties();
        secrets.forEach((k, v) -> {
            if (!v.isEmpty()) {
                p.setProperty(k, v);
            }
        });
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            p.store(w, "secrets of this run of Artifact Keeper; deleted when it stops");
        }
        file.toFile().deleteOnExit();
        return file;
    }

    private static TreeMap<Integer, List<Bundle>> installBundles(BundleContext ctx, List<Feature> features, Path home)
            throws StartupException {
        TreeMap<Integer, List<Bundle>> byLevel = new TreeMap<>();
        Map<String, String> seen = new HashMap<>();
        for (Feature f : features) {
            for (Feature.BundleRef ref : f.bundles()) {
                String prev = seen.putIfAbsent(ref.fileName(), f.id());
                if (prev != null) {
                    continue;
                }
                File jar = home.resolve("bundles").resolve(ref.fileName()).toFile();
                if (!jar.isFile()) {
                    throw new StartupException("feature " + f.id() + " names " + ref.id() + " but " + jar
                            + " is missing; rebuild the distribution");
                }
                try {
                    Bundle b = ctx.installBundle(jar.toURI().toString());
                    b.adapt(BundleStartLevel.class).setStartLevel(ref.startOrder());
                    byLevel.computeIfAbsent(ref.startOrder(), k -> new ArrayList<>()).add(b);
                } catch (BundleException e) {
                    throw new StartupException("cannot install " + jar + ": " + e.getMessage());
                }
            }
        }
        return byLevel;
    }

    /** Resolves every installed bundle and reports the ones that do not resolve. */
    private static int checkResolution(Felix felix, TreeMap<Integer, List<Bundle>> byLevel) throws Exception {
        List<Bundle> all = byLevel.values().stream().flatMap(List::stream).toList();
        felix.adapt(org.osgi.framework.wiring.FrameworkWiring.class).resolveBundles(all);
        int bad = 0;
        for (Bundle b : all) {
            if (b.getState() == Bundle.INSTALLED) {
                bad++;
                String why;
                try {
                    b.start();
                    why = "?";
                } catch (BundleException e) {
                    why = e.getMessage();
                }
                OUT.println("UNRESOLVED " + b.getSymbolicName() + " " + b.getVersion() + ": " + why);
            }
        }
        OUT.printf("[launcher] resolution check: %d bundles, %d unresolved%n", all.size(), bad);
        felix.stop();
        felix.waitForStop(10_000);
        return bad == 0 ? 0 : 3;
    }

    private static boolean isActive(BundleContext ctx, String bsn) {
        for (Bundle b : ctx.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) {
                return true;
            }
        }
        return false;
    }

    /** Raises the start level and waits for it; a stop while waiting ends the wait (IllegalStateException). */
    private static void setStartLevel(Felix felix, FrameworkStartLevel fsl, int level) throws InterruptedException {
        Object done = new Object();
        boolean[] reached = {false};
        synchronized (done) {
            fsl.setStartLevel(level, e -> {
                synchronized (done) {
                    reached[0] = true;
                    done.notifyAll();
                }
            });
            long deadline = System.currentTimeMillis() + 60_000;
            while (!reached[0] && System.currentTimeMillis() < deadline) {
                done.wait(200);
                if (!reached[0] && felix.getState() != Bundle.ACTIVE) {
                    // SIGTERM during start-up: the framework stops and the level event never comes
                    throw new IllegalStateException("the framework is stopping");
                }
            }
        }
    }

    /**
     * Pushes the features' configurations, overlaid by {@code etc/<pid>.cfg.json}, into Config
     * Admin. Reflection keeps the Config Admin API off the launcher's class path.
     */
    private static void applyConfigurations(BundleContext ctx, List<Feature> features, Settings settings, Path home)
            throws Exception {
        Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
        for (Feature f : features) {
            f.configurations().forEach((pid, props) -> merged.computeIfAbsent(pid, k -> new LinkedHashMap<>()).putAll(props));
        }
        // HTTPS is configured through Felix HTTP's configuration, not framework properties: its key store
        // password is a secret (the Web Console shows framework properties), and Jetty must not start an
        // HTTPS connector before it has the password (a failed connector keeps its port).
        if ("true".equalsIgnoreCase(settings.get("https.enabled"))) {
            Map<String, Object> http = merged.computeIfAbsent("org.apache.felix.http", k -> new LinkedHashMap<>());
            http.put("org.apache.felix.https.enable", "true");
            http.put("org.osgi.service.http.port.secure", settings.get("https.port"));
            http.put("org.apache.felix.https.keystore", settings.get("tls.keystore"));
            http.put("org.apache.felix.https.keystore.type", settings.get("tls.keystore.type"));
            String ksPassword = settings.get("tls.keystore.password");
            if (ksPassword != null && !ksPassword.isEmpty()) {
                http.put("org.apache.felix.https.keystore.password", ksPassword);
                http.put("org.apache.felix.https.keystore.key.password", ksPassword);
            }
        }
        Path etc = home.resolve("etc");
        if (Files.isDirectory(etc)) {
            try (Stream<Path> s = Files.list(etc)) {
                for (Path p : s.filter(x -> x.getFileName().toString().endsWith(".cfg.json")).sorted().toList()) {
                    String name = p.getFileName().toString();
                    String pid = name.substring(0, name.length() - ".cfg.json".length());
                    merged.computeIfAbsent(pid, k -> new LinkedHashMap<>())
                            .putAll(Json.parseObject(Files.readString(p)));
                }
            }
        }
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(ctx, CONFIG_ADMIN, null);
        tracker.open();
        try {
            Object ca = tracker.waitForService(10_000);
            if (ca == null) {
                throw new StartupException("Config Admin did not come up");
            }
            ServiceReference<Object> ref = tracker.getServiceReference();
            Class<?> caType = ref.getBundle().loadClass(CONFIG_ADMIN);
            Method getConfiguration = caType.getMethod("getConfiguration", String.class, String.class);
            Method getFactoryConfiguration = caType.getMethod("getFactoryConfiguration", String.class, String.class,
                    String.class);
            for (Map.Entry<String, Map<String, Object>> e : merged.entrySet()) {
                String pid = e.getKey();
                Object config;
                int tilde = pid.indexOf('~');
                if (tilde > 0) {
                    config = getFactoryConfiguration.invoke(ca, pid.substring(0, tilde), pid.substring(tilde + 1), "?");
                } else {
                    config = getConfiguration.invoke(ca, pid, "?");
                }
                Dictionary<String, Object> props = toDictionary(e.getValue(), settings);
                Method update = config.getClass().getMethod("update", Dictionary.class);
                update.setAccessible(true);
                update.invoke(config, props);
            }
        } finally {
            tracker.close();
        }
    }

    /** Keys may carry a type as in the Features spec: {@code "port:Integer": 8080}. */
    static Dictionary<String, Object> toDictionary(Map<String, Object> in, Settings settings) {
        Hashtable<String, Object> d = new Hashtable<>();
        for (Map.Entry<String, Object> e : in.entrySet()) {
            String key = e.getKey();
            String type = null;
            int colon = key.lastIndexOf(':');
            if (colon > 0) {
                type = key.substring(colon + 1);
                key = key.substring(0, colon);
            }
            Object v = settings.resolveValue(e.getValue());
            if (v == null) {
                continue;
            }
            d.put(key, convert(v, type));
        }
        return d;
    }

    private static Object convert(Object v, String type) {
        if (type == null) {
            if (v instanceof List<?> l) {
                return l.stream().map(String::valueOf).toArray(String[]::new);
            }
            return v instanceof Long || v instanceof Boolean || v instanceof Double ? v : String.valueOf(v);
        }
        String s = String.valueOf(v);
        return switch (type) {
            case "Integer" -> Integer.valueOf(s.trim());
            case "Long" -> Long.valueOf(s.trim());
            case "Boolean" -> Boolean.valueOf(s.trim());
            case "Double" -> Double.valueOf(s.trim());
            case "String[]" -> v instanceof List<?> l ? l.stream().map(String::valueOf).toArray(String[]::new)
                    : s.isEmpty() ? new String[0] : s.split(",");
            default -> s;
        };
    }

    /**
     * SIGTERM and SIGINT stop the framework in order (bundles stop from the highest start level
     * down, so our HTTP dispatcher drains before Jetty goes) and the process exits 0.
     */
    private static Thread installSignalHandlers(Felix felix) {
        Thread stopper = new Thread(() -> {
            try {
                OUT.println("[launcher] stopping");
                felix.stop();
                felix.waitForStop(60_000);
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "ak-stop");
        try {
            sun.misc.SignalHandler h = sig -> {
                if (!stopper.isAlive() && stopper.getState() == Thread.State.NEW) {
                    stopper.start();
                }
            };
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), h);
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
        } catch (Throwable t) {
            OUT.println("[launcher] no signal handling on this JVM: " + t);
        }
        return stopper;
    }

    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }
}
