package io.artifactkeeper.format.swift.impl;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.SafeArchive;

/**
 * A release's source archive, as {@code swift package archive-source} makes it: a zip holding the
 * package, its {@code Package.swift} at the root or in one top-level directory. Read through the
 * support layer's {@link SafeArchive} (central directory, names, links, sizes, expansion, CRCs); the
 * manifests ({@code Package.swift} and the {@code Package@swift-X.swift} variants) are kept.
 */
final class SwiftArchive {
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxEntries(100_000)
            .withMaxTotalBytes(1L << 30).withMaxEntryBytes(512L << 20).withoutLinks();
    /** Largest manifest kept. */
    static final int MAX_MANIFEST = 1 << 20;
    /** Most manifest variants kept. */
    static final int MAX_MANIFESTS = 32;
    static final Pattern VARIANT = Pattern.compile("Package@swift-(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?\\.swift");
    private static final Pattern TOOLS = Pattern.compile("\\A//\\s*swift-tools-version\\s*:\\s*([0-9]+(?:\\.[0-9]+){0,2})");

    /** Not a source archive of a package (answered 422). */
    static final class BadArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        BadArchiveException(String message) {
            super(message);
        }
    }

    private SwiftArchive() {
    }

    /** The manifests of the archive by file name ({@code Package.swift} always among them), in name order. */
    static Map<String, String> manifests(SeekableByteChannel zip) throws BadArchiveException {
        Map<String, String> candidates = new LinkedHashMap<>();
        Set<String> tops = new LinkedHashSet<>();
        boolean[] rootFiles = {false};
        try {
            SafeArchive.zip(zip, LIMITS, (entry, content) -> {
                String n = entry.name();
                int slash = n.indexOf('/');
                tops.add(slash < 0 ? n : n.substring(0, slash));
                if (slash < 0 && !entry.isDirectory()) {
                    rootFiles[0] = true;
                }
                String file = n.substring(n.lastIndexOf('/') + 1);
                int depth = n.length() - n.replace("/", "").length();
                if (entry.isFile() && depth <= 1 && (file.equals("Package.swift") || VARIANT.matcher(file).matches())) {
                    if (candidates.size() >= 2 * MAX_MANIFESTS) {
                        throw new BadArchiveException("the archive holds more than " + MAX_MANIFESTS + " manifests");
                    }
                    byte[] b = content.readNBytes(MAX_MANIFEST + 1);
                    if (b.length > MAX_MANIFEST) {
                        throw new BadArchiveException(n + " is larger than " + MAX_MANIFEST + " bytes");
                    }
                    candidates.put(n, new String(b, StandardCharsets.UTF_8));
                }
                return true;
            });
        } catch (BadArchiveException e) {
            throw e;
        } catch (IOException e) {
            throw new BadArchiveException("the source archive is not a readable zip: " + e.getMessage());
        }
        String root;
        if (candidates.containsKey("Package.swift")) {
            root = "";
        } else if (tops.size() == 1 && !rootFiles[0] && candidates.containsKey(tops.iterator().next() + "/Package.swift")) {
            root = tops.iterator().next() + "/";
        } else {
            throw new BadArchiveException("the source archive has no Package.swift at its root or in its one top-level "
                    + "directory");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : candidates.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(root) && k.indexOf('/', root.length()) < 0) {
                out.put(k.substring(root.length()), e.getValue());
            }
        }
        if (out.size() > MAX_MANIFESTS) {
            throw new BadArchiveException("the archive holds more than " + MAX_MANIFESTS + " manifests");
        }
        return out;
    }

    /** The tools version a manifest declares on its first line ({@code // swift-tools-version:5.9}), or null. */
    static String toolsVersion(String manifest) {
        Matcher m = TOOLS.matcher(manifest);
        return m.find() ? m.group(1) : null;
    }

    /** The Swift version of a variant's file name ({@code Package@swift-5.8.swift}: 5.8), or null. */
    static String swiftVersionOf(String file) {
        Matcher m = VARIANT.matcher(file);
        if (!m.matches()) {
            return null;
        }
        return m.group(1) + (m.group(2) != null ? "." + m.group(2) : "") + (m.group(3) != null ? "." + m.group(3) : "");
    }
}
