package io.artifactkeeper.format.conda.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.format.support.Json;

/**
 * {@code repodata.json} and the documents derived from it. Records are keyed by file name in
 * {@code packages} ({@code .tar.bz2}) and {@code packages.conda} ({@code .conda}); merging keeps the
 * first record of each file name.
 */
final class Repodata {
    static final String TAR_BZ2 = "packages";
    static final String CONDA = "packages.conda";

    private Repodata() {
    }

    static ObjectNode empty(String subdir) {
        ObjectNode r = Json.object();
        r.putObject("info").put("subdir", subdir);
        r.putObject(TAR_BZ2);
        r.putObject(CONDA);
        r.putArray("removed");
        r.put("repodata_version", 1);
        return r;
    }

    /** Adds {@code from}'s records to {@code into}, where {@code into} has none of that file name yet. */
    static void merge(ObjectNode into, JsonNode from) {
        for (String section : new String[] {TAR_BZ2, CONDA}) {
            JsonNode recs = from.path(section);
            ObjectNode target = (ObjectNode) into.get(section);
            for (Iterator<Map.Entry<String, JsonNode>> it = recs.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isObject() && !target.has(e.getKey())) {
                    target.set(e.getKey(), e.getValue());
                }
            }
        }
    }

    /** Records sorted by file name, so equal content gives equal bytes. */
    static ObjectNode sorted(ObjectNode r) {
        ObjectNode out = r.deepCopy();
        for (String section : new String[] {TAR_BZ2, CONDA}) {
            TreeMap<String, JsonNode> t = new TreeMap<>();
            r.path(section).properties().forEach(e -> t.put(e.getKey(), e.getValue()));
            ObjectNode s = out.putObject(section);
            t.forEach(s::set);
        }
        return out;
    }

    /** {@code current_repodata.json}: the records of the latest version of each package name. */
    static ObjectNode current(ObjectNode r) {
        Map<String, String> latest = new LinkedHashMap<>();
        for (String section : new String[] {TAR_BZ2, CONDA}) {
            r.path(section).properties().forEach(e -> {
                String name = e.getValue().path("name").asText();
                String v = e.getValue().path("version").asText();
                latest.merge(name, v, (a, b) -> Versions.compare(a, b) >= 0 ? a : b);
            });
        }
        ObjectNode out = r.deepCopy();
        for (String section : new String[] {TAR_BZ2, CONDA}) {
            ObjectNode s = out.putObject(section);
            r.path(section).properties().forEach(e -> {
                if (e.getValue().path("version").asText().equals(latest.get(e.getValue().path("name").asText()))) {
                    s.set(e.getKey(), e.getValue());
                }
            });
        }
        return out;
    }

    /** {@code channeldata.json} of the given subdirs' repodata. */
    static ObjectNode channeldata(Map<String, ObjectNode> bySubdir) {
        TreeMap<String, ObjectNode> packages = new TreeMap<>();
        TreeMap<String, TreeSet<String>> subdirs = new TreeMap<>();
        for (Map.Entry<String, ObjectNode> sd : bySubdir.entrySet()) {
            for (String section : new String[] {TAR_BZ2, CONDA}) {
                sd.getValue().path(section).properties().forEach(e -> {
                    JsonNode rec = e.getValue();
                    String name = rec.path("name").asText();
                    subdirs.computeIfAbsent(name, k -> new TreeSet<>()).add(sd.getKey());
                    ObjectNode p = packages.computeIfAbsent(name, k -> Json.object());
                    String v = rec.path("version").asText();
                    if (!p.has("version") || Versions.compare(v, p.get("version").asText()) > 0) {
                        p.put("version", v);
                        for (String f : new String[] {"license", "description", "summary", "home"}) {
                            if (rec.path(f).isTextual()) {
                                p.put(f, rec.get(f).asText());
                            }
                        }
                        p.put("timestamp", rec.path("timestamp").asLong());
                    }
                });
            }
        }
        ObjectNode out = Json.object();
        out.put("channeldata_version", 1);
        ObjectNode ps = out.putObject("packages");
        packages.forEach((name, p) -> {
            ArrayNode a = p.putArray("subdirs");
            subdirs.get(name).forEach(a::add);
            ps.set(name, p);
        });
        ArrayNode all = out.putArray("subdirs");
        new TreeSet<>(bySubdir.keySet()).forEach(all::add);
        return out;
    }

    static byte[] zstd(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length / 4 + 64);
        try (ZstdCompressorOutputStream z = new ZstdCompressorOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    /** conda version order, simplified: components split at . _ - +; numbers compare as numbers, below words. */
    static final class Versions {
        private Versions() {
        }

        static int compare(String a, String b) {
            List<String> x = parts(a);
            List<String> y = parts(b);
            for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
                String p = i < x.size() ? x.get(i) : "0";
                String q = i < y.size() ? y.get(i) : "0";
                boolean pn = p.chars().allMatch(Character::isDigit);
                boolean qn = q.chars().allMatch(Character::isDigit);
                int c;
                if (pn && qn) {
                    c = new java.math.BigInteger(p).compareTo(new java.math.BigInteger(q));
                } else if (pn != qn) {
                    c = pn ? 1 : -1; // 1.0 > 1.0rc: a word sorts before a number
                } else {
                    c = p.compareToIgnoreCase(q);
                }
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }

        private static List<String> parts(String v) {
            List<String> out = new ArrayList<>();
            for (String s : v.toLowerCase(java.util.Locale.ROOT).split("[._+-]")) {
                // 1rc2 -> 1, rc, 2
                for (String t : s.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)")) {
                    if (!t.isEmpty()) {
                        out.add(t);
                    }
                }
            }
            return out;
        }
    }
}
