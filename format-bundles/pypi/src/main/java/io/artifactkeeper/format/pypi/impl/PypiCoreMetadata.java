package io.artifactkeeper.format.pypi.impl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Core metadata (METADATA, PKG-INFO): RFC 822 style headers up to the first blank line; the body
 * after it is the long description, which nothing here needs.
 */
final class PypiCoreMetadata {
    private final Map<String, List<String>> headers;

    private PypiCoreMetadata(Map<String, List<String>> headers) {
        this.headers = headers;
    }

    static PypiCoreMetadata parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Map<String, List<String>> h = new LinkedHashMap<>();
        String key = null;
        StringBuilder value = null;
        for (String line : text.split("\n", -1)) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && value != null) {
                value.append('\n').append(line.strip());
                continue;
            }
            if (key != null) {
                h.computeIfAbsent(key, k -> new ArrayList<>()).add(value.toString());
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                key = null;
                value = null;
                continue;
            }
            key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            value = new StringBuilder(line.substring(colon + 1).strip());
        }
        if (key != null) {
            h.computeIfAbsent(key, k -> new ArrayList<>()).add(value.toString());
        }
        return new PypiCoreMetadata(h);
    }

    /** First value of a header (case-insensitive), or null. */
    String first(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    List<String> all(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    String metadataVersion() {
        return first("Metadata-Version");
    }

    String name() {
        return first("Name");
    }

    String version() {
        return first("Version");
    }

    String requiresPython() {
        String v = first("Requires-Python");
        return v == null || v.isBlank() ? null : v;
    }

    String summary() {
        return first("Summary");
    }

    /**
     * Whether this metadata can be served as a PEP 658 metadata file for an sdist: only from
     * Metadata-Version 2.2 on (PEP 643), where fields not marked Dynamic are reliable, and only when
     * the dependencies are not dynamic; older PKG-INFO files often omit Requires-Dist, and an
     * installer trusting them would skip dependencies.
     */
    boolean reliableForSdist() {
        if (!atLeast(metadataVersion(), 2, 2)) {
            return false;
        }
        for (String d : all("Dynamic")) {
            if (d.equalsIgnoreCase("Requires-Dist") || d.equalsIgnoreCase("Requires-Python")) {
                return false;
            }
        }
        return true;
    }

    static boolean atLeast(String version, int major, int minor) {
        if (version == null) {
            return false;
        }
        String[] p = version.trim().split("\\.");
        if (p.length == 0) {
            // "." or "..": split drops the empty strings and leaves nothing
            return false;
        }
        try {
            int ma = Integer.parseInt(p[0]);
            int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
