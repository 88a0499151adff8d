package io.artifactkeeper.wasm.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.net.OutboundPolicy;
import io.artifactkeeper.db.Database;
import io.artifactkeeper.wasm.impl.abi.FormatWorld;
import io.artifactkeeper.wasm.impl.engine.CallLimits;
import io.artifactkeeper.wasm.impl.engine.InvalidModuleException;
import io.artifactkeeper.wasm.impl.engine.ModulePreparer;
import io.artifactkeeper.wasm.impl.engine.PluginCallException;
import io.artifactkeeper.wasm.impl.engine.PluginRuntime;
import io.artifactkeeper.wasm.impl.engine.WasmEngine;

/**
 * The plugin lifecycle: install (from Git or a ZIP), enable, disable, reload, uninstall, and
 * bringing installed plugins back at start. Each enabled plugin is a {@link FormatHandler}
 * service; the core picks it up like any format bundle's.
 */
@Component(service = WasmPluginManager.class, immediate = true, configurationPid = WasmPluginManager.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WasmPluginManager.Config.class)
public final class WasmPluginManager {
    public static final String PID = "io.artifactkeeper.wasm";
    private static final Logger LOG = LoggerFactory.getLogger(WasmPluginManager.class);

    @ObjectClassDefinition(name = "Artifact Keeper WASM plugins", description = "Limits and trust for WebAssembly format plugins")
    public @interface Config {
        @AttributeDefinition(description = "Linear memory cap of a plugin without its own (bytes)")
        long default_max_memory_bytes() default 64L * 1024 * 1024;

        @AttributeDefinition(description = "Upper bound for any plugin's memory cap (bytes)")
        long max_memory_bytes_limit() default 512L * 1024 * 1024;

        @AttributeDefinition(description = "Instruction budget per call of a plugin without its own (metered instructions)")
        long default_fuel() default 20_000_000_000L;

        @AttributeDefinition(description = "Wall-clock limit per call of a plugin without its own (ms)")
        long default_timeout_ms() default 10_000;

        @AttributeDefinition(description = "Upper bound for any plugin's time limit (ms)")
        long max_timeout_ms() default 120_000;

        @AttributeDefinition(description = "Largest artifact or request body handed to a plugin as list<u8> (bytes)")
        long max_payload_bytes() default 32L * 1024 * 1024;

        @AttributeDefinition(description = "Trusted Ed25519 public key for plugin.wasm.sig (base64/hex of 32 bytes, or PEM); empty: none")
        String trusted_public_key() default "";

        @AttributeDefinition(description = "Refuse plugins without a valid signature of the trusted key")
        boolean require_signature() default false;

        @AttributeDefinition(description = "Folder of plugin modules; empty: <data dir>/wasm-plugins")
        String plugins_dir() default "";
    }

    private final Config config;
    private final PluginStore store;
    private final BundleContext bundleContext;
    private final CompletableFuture<WasmEngine> engineFuture = new CompletableFuture<>();
    private final Thread loader;
    private final PublicKey trustedKey;
    private final Map<UUID, LoadedPlugin> plugins = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private volatile long startMillis = -1;
    private volatile boolean closed;
    private final OutboundPolicy outbound;

    @Activate
    public WasmPluginManager(BundleContext ctx, Config config, @Reference Database database,
            @Reference OutboundPolicy outbound) throws IOException {
        long t0 = System.nanoTime();
        this.outbound = outbound;
        this.config = config;
        this.bundleContext = ctx;
        database.migrate("wasm", ctx.getBundle(), "db/migration/wasm");
        String dir = config.plugins_dir();
        if (dir == null || dir.isBlank()) {
            String data = ctx.getProperty("ak.data.dir");
            dir = Path.of(data == null || data.isBlank() ? "data" : data, "wasm-plugins").toString();
        }
        this.store = new PluginStore(database.jdbi(), Path.of(dir).toAbsolutePath());
        PublicKey key = null;
        if (config.trusted_public_key() != null && !config.trusted_public_key().isBlank()) {
            try {
                key = SignatureCheck.parseKey(config.trusted_public_key());
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException("trusted_public_key is not an Ed25519 public key: " + e.getMessage(), e);
            }
        }
        this.trustedKey = key;
        for (PluginRecord r : store.list()) {
            try {
                LoadedPlugin p = new LoadedPlugin(r, PluginManifest.parse(r.manifest()));
                p.loading = r.enabled();
                plugins.put(r.id(), p);
            } catch (PluginManifest.InvalidManifestException e) {
                LOG.error("installed plugin {} has an unreadable manifest: {}", r.formatKey(), e.getMessage());
            }
        }
        // The engine (with the JIT: a second or more) and the plugins come up in the background, so
        // that the framework's start is not held up; /readyz waits for the formats that repositories use.
        this.loader = new Thread(() -> startUp(t0), "ak-wasm-loader");
        loader.setDaemon(true);
        loader.start();
    }

    private void startUp(long t0) {
        WasmEngine e;
        try {
            e = WasmEngine.start();
            engineFuture.complete(e);
        } catch (RuntimeException | Error x) {
            engineFuture.completeExceptionally(x);
            LOG.error("the GraalWasm engine does not start; WASM plugins are unavailable", x);
            plugins.values().forEach(p -> {
                p.loading = false;
                p.stats.error("the GraalWasm engine does not start: " + x);
            });
            return;
        }
        LOG.info("GraalWasm {} engine ({}) started in {} ms", e.version(), e.implementation(), e.startMillis());
        for (LoadedPlugin p : plugins()) {
            synchronized (lifecycle) {
                try {
                    if (closed || !p.loading || !p.record.enabled() || !plugins.containsKey(p.record.id())) {
                        continue;
                    }
                    load(p, store.loadModule(p.record.wasmSha256()));
                    register(p);
                } catch (IOException | InvalidModuleException | PluginCallException | RuntimeException x) {
                    p.stats.error("cannot load: " + x.getMessage());
                    LOG.error("plugin {} does not load: {}", p.record.formatKey(), x.getMessage());
                } finally {
                    p.loading = false;
                }
            }
        }
        startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        LOG.info("WASM bridge up in {} ms with {} plugins", startMillis, plugins.size());
    }

    /** The engine, once started (install and enable wait for it). */
    WasmEngine engine() {
        try {
            return engineFuture.get(3, TimeUnit.MINUTES);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new FormatException(503, "WASM_UNAVAILABLE", "interrupted while waiting for the GraalWasm engine");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException x) {
            throw new FormatException(503, "WASM_UNAVAILABLE", "the GraalWasm engine is not available: " + x.getMessage());
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closed = true;
        loader.join(TimeUnit.SECONDS.toMillis(60));
        synchronized (lifecycle) {
            for (LoadedPlugin p : plugins.values()) {
                unregister(p);
                if (p.runtime != null) {
                    p.runtime.close();
                }
            }
        }
        engineFuture.thenAccept(WasmEngine::close);
    }

    long startMillis() {
        return startMillis;
    }

    Collection<LoadedPlugin> plugins() {
        List<LoadedPlugin> out = new ArrayList<>(plugins.values());
        out.sort(Comparator.comparing(p -> p.record.formatKey()));
        return out;
    }

    /** By id or by format key. */
    Optional<LoadedPlugin> find(String idOrKey) {
        try {
            LoadedPlugin p = plugins.get(UUID.fromString(idOrKey));
            if (p != null) {
                return Optional.of(p);
            }
        } catch (IllegalArgumentException notUuid) {
            // a key
        }
        return plugins.values().stream().filter(p -> p.record.formatKey().equals(idOrKey)).findFirst();
    }

    LoadedPlugin require(String idOrKey) {
        return find(idOrKey).orElseThrow(() -> FormatException.notFound("no plugin " + idOrKey));
    }

    // --- lifecycle

    LoadedPlugin installGit(String url, String ref, String path) {
        PluginPackage pkg;
        try {
            pkg = GitSource.fetch(url, ref, path, store.dir().resolve("tmp"), outbound);
        } catch (PluginPackage.InvalidPackageException e) {
            throw FormatException.badRequest(e.getMessage());
        }
        return install(pkg, "git", url, ref == null || ref.isBlank() ? "HEAD" : ref, path);
    }

    LoadedPlugin installZip(byte[] zip) {
        PluginPackage pkg;
        try {
            pkg = PluginPackage.fromZip(zip, null);
        } catch (PluginPackage.InvalidPackageException e) {
            throw FormatException.badRequest(e.getMessage());
        }
        return install(pkg, "zip", null, null, null);
    }

    private LoadedPlugin install(PluginPackage pkg, String type, String url, String ref, String path) {
        PluginManifest m = manifest(pkg.manifest());
        boolean signed = checkSignature(pkg);
        synchronized (lifecycle) {
            if (store.findByKey(m.formatKey()).isPresent()) {
                throw FormatException.conflict("format key '" + m.formatKey() + "' is taken by an installed plugin");
            }
            if (formatTaken(m.formatKey())) {
                throw FormatException.conflict("format key '" + m.formatKey() + "' is taken by an installed format");
            }
            PluginRecord r = new PluginRecord(UUID.randomUUID(), m.name(), m.version(), m.formatKey(), "enabled", type, url, ref,
                    path == null || path.isBlank() ? null : PluginPackage.trimSlashes(path), pkg.commit(), pkg.manifest(),
                    sha256(pkg.wasm()), signed, null, null);
            LoadedPlugin p = new LoadedPlugin(r, m);
            try {
                load(p, pkg.wasm());
            } catch (InvalidModuleException e) {
                throw FormatException.badRequest("invalid module: " + e.getMessage());
            } catch (PluginCallException e) {
                throw FormatException.badRequest("the module does not run: " + e.getMessage());
            }
            try {
                store.saveModule(r.wasmSha256(), pkg.wasm());
            } catch (IOException e) {
                p.runtime.close();
                throw new FormatException(503, "STORAGE_UNAVAILABLE", "cannot store the module: " + e.getMessage());
            }
            if (!store.insert(r)) {
                p.runtime.close();
                throw FormatException.conflict("format key '" + m.formatKey() + "' is taken by an installed plugin");
            }
            p.record = store.find(r.id()).orElse(r);
            plugins.put(r.id(), p);
            register(p);
            LOG.info("installed plugin {} {} (format {}) from {}{}", m.name(), m.version(), m.formatKey(), type,
                    url == null ? "" : " " + url + "@" + ref);
            return p;
        }
    }

    private boolean formatTaken(String key) {
        try {
            for (var ref : bundleContext.getServiceReferences(FormatHandler.class, null)) {
                FormatHandler h = bundleContext.getService(ref);
                try {
                    if (h != null && h.descriptor().answersTo(key)) {
                        return true;
                    }
                } finally {
                    bundleContext.ungetService(ref);
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return false;
    }

    LoadedPlugin enable(String id) {
        synchronized (lifecycle) {
            LoadedPlugin p = require(id);
            if (p.record.enabled() && p.runtime != null) {
                return p;
            }
            try {
                load(p, store.loadModule(p.record.wasmSha256()));
            } catch (IOException e) {
                throw new FormatException(503, "STORAGE_UNAVAILABLE", "cannot read the module: " + e.getMessage());
            } catch (InvalidModuleException | PluginCallException e) {
                p.stats.error(e.getMessage());
                throw FormatException.badRequest("the plugin does not load: " + e.getMessage());
            }
            p.record = p.record.withState("enabled");
            store.update(p.record);
            register(p);
            return p;
        }
    }

    LoadedPlugin disable(String id) {
        synchronized (lifecycle) {
            LoadedPlugin p = require(id);
            p.loading = false;
            unregister(p);
            PluginRuntime old = p.runtime;
            p.runtime = null;
            if (old != null) {
                old.close();
            }
            p.record = p.record.withState("disabled");
            store.update(p.record);
            return p;
        }
    }

    /**
     * Loads the plugin anew (a Git plugin from its URL and ref again, a ZIP plugin from its stored
     * module) and swaps it in; calls in flight finish on the old instance.
     */
    LoadedPlugin reload(String id) {
        synchronized (lifecycle) {
            LoadedPlugin p = require(id);
            PluginRecord r = p.record;
            PluginPackage pkg;
            if ("git".equals(r.sourceType())) {
                try {
                    pkg = GitSource.fetch(r.sourceUrl(), r.sourceRef(), r.sourcePath(), store.dir().resolve("tmp"), outbound);
                } catch (PluginPackage.InvalidPackageException e) {
                    throw FormatException.badRequest(e.getMessage());
                }
            } else {
                try {
                    pkg = new PluginPackage(r.manifest(), store.loadModule(r.wasmSha256()), null, null);
                } catch (IOException e) {
                    throw new FormatException(503, "STORAGE_UNAVAILABLE", "cannot read the module: " + e.getMessage());
                }
            }
            PluginManifest m = manifest(pkg.manifest());
            if (!m.formatKey().equals(r.formatKey())) {
                throw FormatException.badRequest("the reloaded plugin has format key '" + m.formatKey() + "', not '"
                        + r.formatKey() + "'; uninstall and install it instead");
            }
            boolean signed = "git".equals(r.sourceType()) ? checkSignature(pkg) : r.signed();
            PluginRuntime old = p.runtime;
            PluginManifest oldManifest = p.manifest;
            p.manifest = m;
            try {
                load(p, pkg.wasm());
            } catch (InvalidModuleException | PluginCallException e) {
                p.manifest = oldManifest;
                throw FormatException.badRequest("the reloaded plugin does not load: " + e.getMessage());
            }
            String sha = sha256(pkg.wasm());
            try {
                store.saveModule(sha, pkg.wasm());
            } catch (IOException e) {
                throw new FormatException(503, "STORAGE_UNAVAILABLE", "cannot store the module: " + e.getMessage());
            }
            String oldSha = r.wasmSha256();
            p.record = new PluginRecord(r.id(), m.name(), m.version(), r.formatKey(), "enabled", r.sourceType(), r.sourceUrl(),
                    r.sourceRef(), r.sourcePath(), pkg.commit() == null ? r.sourceCommit() : pkg.commit(), pkg.manifest(), sha,
                    signed, r.installedAt(), r.updatedAt());
            store.update(p.record);
            if (old != null) {
                old.close(); // idle instances go now; one in use finishes its call, then goes
            }
            if (p.handler != null && !p.handler.servesAs(p)) {
                // the core compiled the old routes (handle-request or not, extensions) when it bound the
                // service: a plugin whose routes changed is registered anew
                unregister(p);
            }
            register(p); // no-op when registered: the service stays, calls now reach the new runtime
            try {
                store.dropModuleIfUnused(oldSha);
            } catch (IOException e) {
                LOG.warn("cannot remove the old module {}: {}", oldSha, e.toString());
            }
            LOG.info("reloaded plugin {} {} ({})", m.name(), m.version(), r.formatKey());
            return p;
        }
    }

    void uninstall(String id) {
        synchronized (lifecycle) {
            LoadedPlugin p = require(id);
            unregister(p);
            if (p.runtime != null) {
                p.runtime.close();
                p.runtime = null;
            }
            store.delete(p.record.id());
            plugins.remove(p.record.id());
            try {
                store.dropModuleIfUnused(p.record.wasmSha256());
            } catch (IOException e) {
                LOG.warn("cannot remove the module of {}: {}", p.record.formatKey(), e.toString());
            }
            LOG.info("uninstalled plugin {} ({})", p.record.name(), p.record.formatKey());
        }
    }

    // --- internals

    private PluginManifest manifest(String text) {
        try {
            return PluginManifest.parse(text);
        } catch (PluginManifest.InvalidManifestException e) {
            throw FormatException.badRequest("invalid manifest: " + e.getMessage());
        }
    }

    private boolean checkSignature(PluginPackage pkg) {
        if (pkg.signature() == null) {
            if (config.require_signature()) {
                throw FormatException.badRequest("unsigned plugin: this server requires plugin.wasm.sig, an Ed25519 signature "
                        + "of the module by the trusted key");
            }
            return false;
        }
        if (trustedKey == null) {
            if (config.require_signature()) {
                throw FormatException.badRequest("signatures are required but no trusted_public_key is configured");
            }
            return false; // nothing to check against
        }
        if (!SignatureCheck.verify(trustedKey, pkg.wasm(), pkg.signature())) {
            throw FormatException.badRequest("bad signature: plugin.wasm.sig is not a valid Ed25519 signature of the module "
                    + "by the trusted key");
        }
        return true;
    }

    CallLimits limitsOf(PluginManifest m) {
        long mem = Math.min(m.maxMemoryBytes() == null ? config.default_max_memory_bytes() : m.maxMemoryBytes(),
                config.max_memory_bytes_limit());
        long timeout = Math.min(m.timeoutMillis() == null ? config.default_timeout_ms() : m.timeoutMillis(),
                config.max_timeout_ms());
        long fuel = m.maxFuel() == null ? config.default_fuel() : m.maxFuel();
        return new CallLimits(mem, fuel, timeout, Math.min(config.max_payload_bytes(), mem / 2));
    }

    /** Prepares the module, instantiates it once and checks that it answers with its manifest's key. */
    private void load(LoadedPlugin p, byte[] wasm) throws InvalidModuleException, PluginCallException {
        CallLimits limits = limitsOf(p.manifest);
        ModulePreparer.Prepared module = ModulePreparer.prepare(wasm, limits.maxMemoryBytes());
        if (module.note() != null) {
            LOG.warn("plugin {}: {}", p.manifest.formatKey(), module.note());
        }
        WasmEngine engine = engine();
        PluginRuntime rt = new PluginRuntime(engine, p.manifest.formatKey(), module, limits);
        long t0 = System.nanoTime();
        Object key;
        try {
            key = rt.call(FormatWorld.FORMAT_KEY, List.of());
        } catch (PluginCallException e) {
            rt.close();
            throw e;
        }
        if (!p.manifest.formatKey().equals(key)) {
            rt.close();
            throw new InvalidModuleException("format-key() returns '" + key + "' but plugin.toml says [format] key = '"
                    + p.manifest.formatKey() + "'");
        }
        LOG.info("plugin {} loaded: first instance in {} ms ({}), fuel {}, memory cap {} bytes, timeout {} ms",
                p.manifest.formatKey(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), engine.implementation(),
                module.fuelMetered() ? limits.fuel() : "not metered", (long) module.maxPages() * 65536, limits.timeoutMillis());
        p.module = module;
        p.limits = limits;
        p.runtime = rt;
    }

    private void register(LoadedPlugin p) {
        if (p.registration != null || p.runtime == null) {
            return;
        }
        WasmFormatHandler h = new WasmFormatHandler(p);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(FormatHandler.KEY_PROPERTY, p.record.formatKey());
        props.put("wasm.plugin.id", p.record.id().toString());
        props.put("wasm.plugin.name", p.record.name());
        p.handler = h;
        p.registration = bundleContext.registerService(FormatHandler.class, h, props);
    }

    private void unregister(LoadedPlugin p) {
        var reg = p.registration;
        p.registration = null;
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException ignored) {
                // already gone with the bundle
            }
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON of the plugin API and the console. */
    Map<String, Object> toJson(LoadedPlugin p) {
        PluginRecord r = p.record;
        PluginManifest m = p.manifest;
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", r.id().toString());
        j.put("name", r.name());
        j.put("version", r.version());
        j.put("format_key", r.formatKey());
        j.put("state", p.state());
        j.put("description", m.description());
        j.put("display_name", m.displayName());
        j.put("extensions", m.extensions());
        j.put("capabilities", m.capabilities());
        j.put("handles_requests", p.module != null && p.module.requestHandler());
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("type", r.sourceType());
        src.put("url", r.sourceUrl());
        src.put("ref", r.sourceRef());
        src.put("path", r.sourcePath());
        src.put("commit", r.sourceCommit());
        j.put("source", src);
        j.put("wasm_sha256", r.wasmSha256());
        j.put("signed", r.signed());
        CallLimits l = p.limits != null ? p.limits : limitsOf(m);
        Map<String, Object> lim = new LinkedHashMap<>();
        lim.put("max_memory_bytes", l.maxMemoryBytes());
        lim.put("max_fuel", l.fuel());
        lim.put("timeout_ms", l.timeoutMillis());
        lim.put("max_payload_bytes", l.maxPayloadBytes());
        lim.put("fuel_metered", p.module == null ? null : p.module.fuelMetered());
        j.put("limits", lim);
        Map<String, Object> stats = p.stats.toJson();
        PluginRuntime rt = p.runtime;
        stats.put("instantiations", rt == null ? 0 : rt.instantiations());
        stats.put("average_instantiation_ms", rt == null ? null : Math.round(rt.averageInstantiationMillis() * 1000) / 1000.0);
        j.put("stats", stats);
        j.put("last_error", p.stats.lastError());
        j.put("installed_at", r.installedAt() == null ? null : r.installedAt().toString());
        j.put("updated_at", r.updatedAt() == null ? null : r.updatedAt().toString());
        return j;
    }

    /** Engine facts for the console and the API. */
    Map<String, Object> engineJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!engineFuture.isDone() || engineFuture.isCompletedExceptionally()) {
            m.put("engine", engineFuture.isDone() ? "failed" : "starting");
            return m;
        }
        WasmEngine engine = engineFuture.join();
        m.put("engine", "GraalWasm " + engine.version());
        m.put("implementation", engine.implementation());
        m.put("jit", engine.jit());
        m.put("engine_start_ms", engine.startMillis());
        m.put("bridge_start_ms", startMillis);
        return m;
    }
}
