package io.artifactkeeper.wasm.impl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import io.artifactkeeper.wasm.impl.abi.FormatWorld;
import io.artifactkeeper.wasm.impl.engine.CallLimits;
import io.artifactkeeper.wasm.impl.engine.ModulePreparer;
import io.artifactkeeper.wasm.impl.engine.PluginRuntime;
import io.artifactkeeper.wasm.impl.engine.WasmEngine;

/**
 * The example plugins (built by clang into target/plugins) loaded as {@link WasmPluginManager} loads
 * them: manifest parsed, module prepared with the memory cap, a runtime on the real engine, the
 * format key checked; and {@link WasmFormatHandler}s over them, for in-process format tests.
 */
final class TestPlugins implements AutoCloseable {
    private static TestPlugins shared;
    private static final java.util.Map<String, LoadedPlugin> LOADED = new java.util.HashMap<>();
    private final WasmEngine engine = WasmEngine.start();

    /**
     * {@code name} loaded once per test JVM on one shared engine (engine start and first instances
     * cost seconds; the plugins are stateless between calls). Closed when the JVM exits.
     */
    static synchronized LoadedPlugin shared(String name) throws Exception {
        if (shared == null) {
            TestPlugins t = new TestPlugins();
            Runtime.getRuntime().addShutdownHook(new Thread(t::close));
            shared = t;
        }
        LoadedPlugin p = LOADED.get(name);
        if (p == null) {
            p = shared.load(name);
            LOADED.put(name, p);
        }
        return p;
    }

    static Path dir(String name) {
        Path p = Path.of(System.getProperty("ak.wasm.plugins", "target/plugins"), name);
        if (!Files.exists(p.resolve("plugin.wasm"))) {
            throw new IllegalStateException(p + " is built by the Maven build (needs clang and lld: apt-get install clang lld)");
        }
        return p;
    }

    /** The plugin as the manager holds it once enabled. Generous time: tests share two loaded cores. */
    LoadedPlugin load(String name) throws Exception {
        Path d = dir(name);
        String toml = Files.readString(d.resolve("plugin.toml"), StandardCharsets.UTF_8);
        byte[] wasm = Files.readAllBytes(d.resolve("plugin.wasm"));
        PluginManifest m = PluginManifest.parse(toml);
        long mem = m.maxMemoryBytes() == null ? 16 << 20 : m.maxMemoryBytes();
        CallLimits limits = new CallLimits(mem, m.maxFuel() == null ? 2_000_000_000L : m.maxFuel(), 60_000, mem / 2);
        ModulePreparer.Prepared module = ModulePreparer.prepare(wasm, limits.maxMemoryBytes());
        PluginRuntime rt = new PluginRuntime(engine, m.formatKey(), module, limits);
        Object key = rt.call(FormatWorld.FORMAT_KEY, java.util.List.of());
        if (!m.formatKey().equals(key)) {
            throw new IllegalStateException("format-key() returns " + key);
        }
        PluginRecord r = new PluginRecord(UUID.randomUUID(), m.name(), m.version(), m.formatKey(), "enabled", "zip", null,
                null, null, null, toml, WasmPluginManager.sha256(wasm), false, Instant.now(), Instant.now());
        LoadedPlugin p = new LoadedPlugin(r, m);
        p.module = module;
        p.limits = limits;
        p.runtime = rt;
        return p;
    }

    @Override
    public void close() {
        engine.close();
    }
}
