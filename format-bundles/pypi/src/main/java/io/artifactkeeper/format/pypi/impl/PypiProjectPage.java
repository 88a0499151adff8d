package io.artifactkeeper.format.pypi.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A project as a simple index lists it, whichever repository it came from: a hosted repository's
 * stored files, an upstream's page, or the merge of a virtual repository's members.
 *
 * @param name the normalized project name
 * @param files its files, in order
 * @param versions versions the source declared (PEP 700), or empty to derive them from the files
 */
record PypiProjectPage(String name, List<File> files, List<String> versions) {

    PypiProjectPage {
        files = List.copyOf(files);
        versions = List.copyOf(versions);
    }

    /**
     * One file.
     *
     * @param filename the file name (unique within a project)
     * @param version its version, from the upload or the file name
     * @param url where the bytes come from: the upstream URL for a remote repository, null for stored files
     * @param hashes hash name to lowercase hex (sha256 at least, where known)
     * @param requiresPython the Requires-Python specifier, or null
     * @param hasMetadata whether a PEP 658 metadata file exists
     * @param metadataHashes hashes of the metadata file, possibly empty
     * @param yanked whether the file is yanked (PEP 592)
     * @param yankedReason the reason, or null
     * @param size bytes, or null when the source did not say
     * @param uploadTime ISO 8601 UTC, or null
     */
    record File(String filename, String version, String url, Map<String, String> hashes, String requiresPython,
            boolean hasMetadata, Map<String, String> metadataHashes, boolean yanked, String yankedReason, Long size,
            String uploadTime) {

        File {
            hashes = hashes == null ? Map.of() : Map.copyOf(hashes);
            metadataHashes = metadataHashes == null ? Map.of() : Map.copyOf(metadataHashes);
        }

        String sha256() {
            return hashes.get("sha256");
        }
    }

    /** The declared versions, or those of the files in first-seen order. */
    List<String> allVersions() {
        if (!versions.isEmpty()) {
            return versions;
        }
        LinkedHashSet<String> v = new LinkedHashSet<>();
        for (File f : files) {
            if (f.version() != null && !f.version().equals("unknown")) {
                v.add(f.version());
            }
        }
        return new ArrayList<>(v);
    }

    /** A file by name, or null. */
    File file(String filename) {
        for (File f : files) {
            if (f.filename().equals(filename)) {
                return f;
            }
        }
        return null;
    }

    /** Union of pages by file name; the first page that lists a file wins (virtual repositories). */
    static PypiProjectPage merge(String name, List<PypiProjectPage> pages) {
        Map<String, File> byName = new LinkedHashMap<>();
        LinkedHashSet<String> versions = new LinkedHashSet<>();
        for (PypiProjectPage p : pages) {
            for (File f : p.files()) {
                byName.putIfAbsent(f.filename(), f);
            }
            versions.addAll(p.allVersions());
        }
        return new PypiProjectPage(name, new ArrayList<>(byName.values()), new ArrayList<>(versions));
    }
}
