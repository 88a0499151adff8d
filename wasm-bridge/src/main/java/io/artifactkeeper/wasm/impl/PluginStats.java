package io.artifactkeeper.wasm.impl;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.artifactkeeper.wasm.impl.engine.PluginCallException;

/** Calls, failures by kind, time spent and the last error of one plugin (since this start). */
final class PluginStats {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong nanos = new AtomicLong();
    private final Map<PluginCallException.Kind, AtomicLong> byKind = new EnumMap<>(PluginCallException.Kind.class);
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    PluginStats() {
        for (PluginCallException.Kind k : PluginCallException.Kind.values()) {
            byKind.put(k, new AtomicLong());
        }
    }

    void success(long n) {
        calls.incrementAndGet();
        nanos.addAndGet(n);
    }

    void failure(long n, PluginCallException e) {
        calls.incrementAndGet();
        nanos.addAndGet(n);
        failures.incrementAndGet();
        byKind.get(e.kind()).incrementAndGet();
        lastError = e.getMessage();
        lastErrorAt = Instant.now();
    }

    /** A failure outside a call (loading, instantiation). */
    void error(String message) {
        lastError = message;
        lastErrorAt = Instant.now();
    }

    String lastError() {
        return lastError;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        long c = calls.get();
        m.put("calls", c);
        m.put("failures", failures.get());
        Map<String, Long> kinds = new LinkedHashMap<>();
        byKind.forEach((k, v) -> {
            if (v.get() > 0) {
                kinds.put(k.name().toLowerCase(), v.get());
            }
        });
        m.put("failures_by_kind", kinds);
        m.put("average_call_ms", c == 0 ? 0 : Math.round(nanos.get() / 1e3 / c) / 1000.0);
        m.put("last_error", lastError);
        m.put("last_error_at", lastErrorAt == null ? null : lastErrorAt.toString());
        return m;
    }
}
