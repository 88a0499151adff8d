package io.artifactkeeper.wasm.impl;

import org.osgi.framework.ServiceRegistration;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.wasm.impl.engine.CallLimits;
import io.artifactkeeper.wasm.impl.engine.ModulePreparer;
import io.artifactkeeper.wasm.impl.engine.PluginRuntime;

/** An installed plugin as the running bridge holds it. */
final class LoadedPlugin {
    volatile PluginRecord record;
    volatile PluginManifest manifest;
    /** Swapped on reload; a call in flight keeps the runtime it started with. */
    volatile PluginRuntime runtime;
    volatile ModulePreparer.Prepared module;
    volatile CallLimits limits;
    volatile ServiceRegistration<FormatHandler> registration;
    volatile WasmFormatHandler handler;
    final PluginStats stats = new PluginStats();
    /** Enabled and waiting for the engine at start. */
    volatile boolean loading;

    LoadedPlugin(PluginRecord record, PluginManifest manifest) {
        this.record = record;
        this.manifest = manifest;
    }

    /** enabled, disabled, or failed (enabled but its module does not load). */
    String state() {
        if (!record.enabled()) {
            return "disabled";
        }
        if (loading) {
            return "loading";
        }
        return runtime == null ? "failed" : "enabled";
    }
}
