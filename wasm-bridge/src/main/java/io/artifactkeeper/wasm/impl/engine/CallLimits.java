package io.artifactkeeper.wasm.impl.engine;

/**
 * What one call of a plugin may use.
 *
 * @param maxMemoryBytes linear memory cap (rounded down to 64 KiB pages)
 * @param fuel instruction budget: metered instructions (see {@link ModulePreparer}); Long.MAX_VALUE: none
 * @param timeoutMillis wall-clock limit
 * @param maxPayloadBytes largest artifact handed to the plugin as list&lt;u8&gt;
 */
public record CallLimits(long maxMemoryBytes, long fuel, long timeoutMillis, long maxPayloadBytes) {
}
