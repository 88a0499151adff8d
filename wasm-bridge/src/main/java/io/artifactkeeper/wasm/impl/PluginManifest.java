package io.artifactkeeper.wasm.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code plugin.toml}: {@code [plugin]} name, version, description...; {@code [format]} key,
 * display_name, extensions; {@code [capabilities]}; limits from {@code [requirements]}
 * (max_memory_mb, timeout_secs) or {@code [resources]} (max_memory_bytes, max_fuel,
 * max_execution_ms; these win).
 */
record PluginManifest(String name, String version, String description, String formatKey, String displayName,
        List<String> extensions, Map<String, Object> capabilities, Long maxMemoryBytes, Long maxFuel,
        Long timeoutMillis) {

    private static final com.fasterxml.jackson.dataformat.toml.TomlMapper TOML = new com.fasterxml.jackson.dataformat.toml.TomlMapper();

    static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** The manifest is unusable; the message says why. */
    static final class InvalidManifestException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidManifestException(String message) {
            super(message);
        }
    }

    @SuppressWarnings("unchecked")
    static PluginManifest parse(String text) throws InvalidManifestException {
        Map<String, Object> t;
        try {
            // the runtime's Jackson TOML bundle; a document that is no table at the top is no manifest
            Object doc = TOML.readValue(text, Object.class);
            if (!(doc instanceof Map)) {
                throw new InvalidManifestException("plugin.toml: not a TOML document");
            }
            t = (Map<String, Object>) doc;
        } catch (java.io.IOException e) {
            String m = e.getMessage();
            String where = "";
            if (e instanceof com.fasterxml.jackson.core.JacksonException j) {
                m = j.getOriginalMessage();
                if (j.getLocation() != null && j.getLocation().getLineNr() > 0) {
                    where = " line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr();
                }
            }
            throw new InvalidManifestException("plugin.toml" + where + ": "
                    + (m == null ? "unreadable" : m.lines().findFirst().orElse(m)));
        }
        Map<String, Object> plugin = table(t, "plugin", true);
        Map<String, Object> format = table(t, "format", true);
        Map<String, Object> caps = table(t, "capabilities", false);
        Map<String, Object> req = table(t, "requirements", false);
        Map<String, Object> res = table(t, "resources", false);
        String name = string(plugin, "plugin", "name", true);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidManifestException("plugin.toml: [plugin] name must match " + NAME.pattern());
        }
        String version = string(plugin, "plugin", "version", true);
        String key = string(format, "format", "key", true);
        if (!KEY.matcher(key).matches()) {
            throw new InvalidManifestException("plugin.toml: [format] key '" + key + "' must match " + KEY.pattern());
        }
        List<String> exts = new ArrayList<>();
        Object e = format.get("extensions");
        if (e instanceof List<?> l) {
            for (Object o : l) {
                exts.add(String.valueOf(o));
            }
        } else if (e != null) {
            throw new InvalidManifestException("plugin.toml: [format] extensions must be an array of strings");
        }
        Long mem = positive(res, "resources", "max_memory_bytes");
        if (mem == null) {
            Long mb = positive(req, "requirements", "max_memory_mb");
            mem = mb == null ? null : scaled(mb, 1024 * 1024, "requirements", "max_memory_mb");
        }
        Long timeout = positive(res, "resources", "max_execution_ms");
        if (timeout == null) {
            Long s = positive(req, "requirements", "timeout_secs");
            timeout = s == null ? null : scaled(s, 1000, "requirements", "timeout_secs");
        }
        return new PluginManifest(name, version, string(plugin, "plugin", "description", false), key,
                string(format, "format", "display_name", false), exts, caps, mem, positive(res, "resources", "max_fuel"),
                timeout);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> table(Map<String, Object> t, String name, boolean required)
            throws InvalidManifestException {
        Object o = t.get(name);
        if (o == null) {
            if (required) {
                throw new InvalidManifestException("plugin.toml: missing [" + name + "] table");
            }
            return Map.of();
        }
        if (!(o instanceof Map)) {
            throw new InvalidManifestException("plugin.toml: " + name + " must be a table");
        }
        return (Map<String, Object>) o;
    }

    private static String string(Map<String, Object> t, String table, String key, boolean required)
            throws InvalidManifestException {
        Object o = t.get(key);
        if (o == null || (o instanceof String s && s.isBlank())) {
            if (required) {
                throw new InvalidManifestException("plugin.toml: [" + table + "] " + key + " is required");
            }
            return null;
        }
        if (!(o instanceof String s)) {
            throw new InvalidManifestException("plugin.toml: [" + table + "] " + key + " must be a string");
        }
        return s;
    }

    /** {@code v * unit}; one that overflows a long would wrap to a negative (or small) limit. */
    private static Long scaled(long v, long unit, String table, String key) throws InvalidManifestException {
        try {
            return Math.multiplyExact(v, unit);
        } catch (ArithmeticException e) {
            throw new InvalidManifestException("plugin.toml: [" + table + "] " + key + " is too large");
        }
    }

    private static Long positive(Map<String, Object> t, String table, String key) throws InvalidManifestException {
        Object o = t.get(key);
        if (o == null) {
            return null;
        }
        long l;
        if (o instanceof Integer i) {
            l = i;
        } else if (o instanceof Long x) {
            l = x;
        } else if (o instanceof java.math.BigInteger) {
            throw new InvalidManifestException("plugin.toml: [" + table + "] " + key + " is too large");
        } else {
            l = 0;
        }
        if (l <= 0) {
            throw new InvalidManifestException("plugin.toml: [" + table + "] " + key + " must be a positive integer");
        }
        return l;
    }
}
