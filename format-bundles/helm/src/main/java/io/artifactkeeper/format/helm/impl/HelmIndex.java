package io.artifactkeeper.format.helm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.artifactkeeper.format.support.PathCodec;
import io.artifactkeeper.format.support.SemVer;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * A chart repository index ({@code index.yaml}): chart versions by chart name. Built from stored
 * charts (local), read from an upstream (remote, its URLs rewritten to this server), or merged
 * from members (virtual). URLs written here are relative ({@code charts/{file}}), which Helm
 * resolves against the repository URL, so the same document serves any host name.
 */
final class HelmIndex {
    static final String CHARTS = "charts/";
    /** Largest upstream index read (public chart repositories reach a few tens of MB). */
    static final int MAX_UPSTREAM_INDEX_CHARS = 128 * 1024 * 1024;

    /** Chart name to its versions' entries. */
    private final Map<String, List<Map<String, Object>>> entries = new TreeMap<>();
    /** For remote indexes: file name here to the upstream URL it came from. */
    private final Map<String, URI> upstreamUrls = new HashMap<>();

    Map<String, List<Map<String, Object>>> entries() {
        return entries;
    }

    /** The upstream URL of a chart file this index names (remote indexes only). */
    URI upstreamUrl(String file) {
        return upstreamUrls.get(file);
    }

    /** Every chart file this index names, to the upstream URL it came from (remote indexes only). */
    Map<String, String> upstreamUrls() {
        Map<String, String> out = new TreeMap<>();
        upstreamUrls.forEach((f, u) -> out.put(f, u.toString()));
        return out;
    }

    /** Chart versions of one chart, newest first. */
    List<Map<String, Object>> versions(String name) {
        List<Map<String, Object>> l = entries.get(name);
        return l == null ? List.of() : l;
    }

    boolean has(String name, String version) {
        for (Map<String, Object> e : versions(name)) {
            if (version.equals(e.get("version"))) {
                return true;
            }
        }
        return false;
    }

    private void add(String name, Map<String, Object> entry) {
        entries.computeIfAbsent(name, k -> new ArrayList<>()).add(entry);
    }

    private void sort() {
        for (List<Map<String, Object>> l : entries.values()) {
            l.sort((a, b) -> SemVer.NEWEST_FIRST.compare(String.valueOf(a.get("version")), String.valueOf(b.get("version"))));
        }
    }

    /** Whether a stored path is a chart archive of this format's layout. */
    static boolean isChartPath(String path) {
        return path.startsWith(CHARTS) && path.endsWith(".tgz") && path.indexOf('/', CHARTS.length()) < 0;
    }

    /** The index of stored charts (their Chart.yaml fields were recorded when they were uploaded). */
    static HelmIndex fromAssets(List<StoredAsset> assets) {
        HelmIndex idx = new HelmIndex();
        for (StoredAsset a : assets) {
            if (!isChartPath(a.path()) || !(a.attributes().get(HelmFormat.ATTR_CHART) instanceof Map<?, ?> meta)) {
                continue;
            }
            HelmChart c;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) meta;
                c = HelmChart.fromMap(m);
            } catch (HelmArchive.BadChartException e) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>(c.metadata());
            entry.put("urls", List.of(CHARTS + PathCodec.encodePath(a.path().substring(CHARTS.length()))));
            entry.put("created", a.createdAt().toString());
            entry.put("digest", a.sha256());
            idx.add(c.name(), entry);
        }
        idx.sort();
        return idx;
    }

    /**
     * Reads an upstream's index. Entries Helm could not use (no name or version, bad fields) are
     * dropped rather than failing the whole document.
     */
    static HelmIndex parse(InputStream in) throws IOException {
        Map<String, Object> doc = HelmYaml.readMap(in, MAX_UPSTREAM_INDEX_CHARS);
        HelmIndex idx = new HelmIndex();
        if (doc.get("entries") instanceof Map<?, ?> es) {
            for (Map.Entry<?, ?> e : es.entrySet()) {
                if (!(e.getValue() instanceof List<?> versions)) {
                    continue;
                }
                for (Object v : versions) {
                    if (!(v instanceof Map<?, ?> raw)) {
                        continue;
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) raw);
                    // as Helm reads an index: an entry without apiVersion is a v1 chart
                    m.putIfAbsent("apiVersion", "v1");
                    HelmChart c;
                    try {
                        c = HelmChart.fromMap(m);
                    } catch (HelmArchive.BadChartException ex) {
                        continue;
                    }
                    Map<String, Object> entry = new LinkedHashMap<>(c.metadata());
                    List<String> urls = new ArrayList<>();
                    if (m.get("urls") instanceof List<?> us) {
                        for (Object u : us) {
                            if (u instanceof String s) {
                                urls.add(s);
                            }
                        }
                    }
                    entry.put("urls", urls);
                    for (String k : List.of("created", "digest")) {
                        if (m.get(k) instanceof String s) {
                            entry.put(k, s);
                        }
                    }
                    if (m.get("removed") instanceof Boolean b) {
                        entry.put("removed", b);
                    }
                    idx.add(c.name(), entry);
                }
            }
        }
        idx.sort();
        return idx;
    }

    /**
     * Points every http(s) chart URL at {@code charts/{file}} here and remembers where each file
     * came from; relative upstream URLs are resolved against the upstream index's own URL.
     */
    HelmIndex proxiedFrom(URI upstreamIndexUri) {
        for (List<Map<String, Object>> versions : entries.values()) {
            for (Map<String, Object> e : versions) {
                @SuppressWarnings("unchecked")
                List<String> urls = (List<String>) e.get("urls");
                if (urls == null || urls.isEmpty()) {
                    continue;
                }
                List<String> out = new ArrayList<>(urls.size());
                for (String u : urls) {
                    URI abs;
                    try {
                        abs = upstreamIndexUri.resolve(u.trim());
                    } catch (IllegalArgumentException ex) {
                        out.add(u);
                        continue;
                    }
                    String scheme = abs.getScheme();
                    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                        out.add(u);
                        continue;
                    }
                    // the upstream's file name where it is a unique .tgz name; else name-version.tgz
                    String file = fileName(abs);
                    if (file == null || !file.endsWith(".tgz") || !abs.equals(upstreamUrls.getOrDefault(file, abs))) {
                        file = e.get("name") + "-" + e.get("version") + ".tgz";
                    }
                    if (!isSafeFile(file) || !abs.equals(upstreamUrls.getOrDefault(file, abs))) {
                        out.add(u);
                        continue;
                    }
                    upstreamUrls.put(file, abs);
                    out.add(CHARTS + PathCodec.encodePath(file));
                }
                e.put("urls", out);
            }
        }
        return this;
    }

    /** The decoded last path segment of a URL, when it is a safe file name. */
    static String fileName(URI u) {
        String p = u.getRawPath();
        if (p == null || p.isEmpty() || p.endsWith("/")) {
            return null;
        }
        String last = p.substring(p.lastIndexOf('/') + 1);
        try {
            last = PathCodec.decode(last);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return isSafeFile(last) ? last : null;
    }

    static boolean isSafeFile(String f) {
        if (f == null || f.isEmpty() || f.length() > 255 || f.equals(".") || f.equals("..")) {
            return false;
        }
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return !f.startsWith(".");
    }

    /** Members' indexes in priority order: for one chart name and version, the first one wins. */
    static HelmIndex merge(List<HelmIndex> indexes) {
        HelmIndex out = new HelmIndex();
        for (HelmIndex idx : indexes) {
            for (Map.Entry<String, List<Map<String, Object>>> e : idx.entries.entrySet()) {
                for (Map<String, Object> v : e.getValue()) {
                    if (!out.has(e.getKey(), String.valueOf(v.get("version")))) {
                        out.add(e.getKey(), v);
                    }
                }
            }
        }
        out.sort();
        return out;
    }

    /** The document. */
    byte[] toYaml(Instant generated) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            write(w, generated);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    void write(Writer w, Instant generated) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", "v1");
        Map<String, Object> es = new LinkedHashMap<>();
        entries.forEach((k, v) -> es.put(k, deepCopy(v)));
        doc.put("entries", es);
        doc.put("generated", generated.toString());
        HelmYaml.write(doc, w);
    }

    private static Object deepCopy(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(deepCopy(x)));
            return out;
        }
        return o;
    }
}
