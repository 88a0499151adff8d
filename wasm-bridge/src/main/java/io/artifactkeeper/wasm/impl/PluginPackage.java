package io.artifactkeeper.wasm.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What an installation source provides: the manifest text, the module bytes, an optional
 * detached Ed25519 signature of the module, and where it came from.
 */
record PluginPackage(String manifest, byte[] wasm, byte[] signature, String commit) {

    /** The source is unusable (400). */
    static final class InvalidPackageException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidPackageException(String message) {
            super(message);
        }
    }

    static final long MAX_FILE = 64L * 1024 * 1024;

    /**
     * Picks plugin.toml, the module and its signature from {@code files} (paths relative to the
     * folder that holds plugin.toml): {@code plugin.wasm} if present, else the only {@code *.wasm};
     * the signature is {@code <module>.sig}.
     */
    static PluginPackage fromFiles(Map<String, byte[]> files, String where, String commit) throws InvalidPackageException {
        byte[] manifest = files.get("plugin.toml");
        if (manifest == null) {
            throw new InvalidPackageException("no plugin.toml in " + where);
        }
        String wasmName = files.containsKey("plugin.wasm") ? "plugin.wasm" : null;
        if (wasmName == null) {
            List<String> candidates = files.keySet().stream().filter(n -> n.endsWith(".wasm") && !n.contains("/")).sorted().toList();
            if (candidates.isEmpty()) {
                throw new InvalidPackageException("no .wasm module next to plugin.toml in " + where);
            }
            if (candidates.size() > 1) {
                throw new InvalidPackageException("several .wasm modules next to plugin.toml in " + where + " " + candidates
                        + "; name the plugin's module plugin.wasm");
            }
            wasmName = candidates.get(0);
        }
        byte[] sig = files.get(wasmName + ".sig");
        return new PluginPackage(new String(manifest, StandardCharsets.UTF_8), files.get(wasmName), sig, commit);
    }

    /** A ZIP with plugin.toml at its root, in its only top folder, or in {@code subdir}. */
    static PluginPackage fromZip(byte[] zip, String subdir) throws InvalidPackageException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            int count = 0;
            while ((e = in.getNextEntry()) != null) {
                if (++count > 10_000) {
                    throw new InvalidPackageException("the ZIP has too many entries");
                }
                if (e.isDirectory()) {
                    continue;
                }
                byte[] data = readBounded(in, MAX_FILE);
                total += data.length;
                if (total > 4 * MAX_FILE) {
                    throw new InvalidPackageException("the ZIP expands to more than " + 4 * MAX_FILE + " bytes");
                }
                entries.put(e.getName().replace('\\', '/'), data);
            }
        } catch (IOException | IllegalArgumentException ex) {
            throw new InvalidPackageException("not a readable ZIP: " + ex.getMessage());
        }
        if (entries.isEmpty()) {
            throw new InvalidPackageException("not a ZIP archive, or an empty one (send the plugin as multipart field 'file')");
        }
        String prefix;
        if (subdir != null && !subdir.isBlank()) {
            prefix = trimSlashes(subdir) + "/";
        } else if (entries.containsKey("plugin.toml")) {
            prefix = "";
        } else {
            prefix = entries.keySet().stream().filter(n -> n.endsWith("/plugin.toml") && n.indexOf('/') == n.length() - 12)
                    .map(n -> n.substring(0, n.length() - "plugin.toml".length())).findFirst().orElse("");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> en : entries.entrySet()) {
            if (en.getKey().startsWith(prefix)) {
                files.put(en.getKey().substring(prefix.length()), en.getValue());
            }
        }
        return fromFiles(files, prefix.isEmpty() ? "the ZIP's root" : "the ZIP's folder " + prefix, null);
    }

    static String trimSlashes(String s) {
        String t = s.trim();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    static byte[] readBounded(InputStream in, long max) throws IOException, InvalidPackageException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (b.length > max) {
            throw new InvalidPackageException("a file of the plugin is larger than " + max + " bytes");
        }
        return b;
    }
}
