package io.artifactkeeper.format.helm.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.SemVer;

/**
 * What a chart's {@code Chart.yaml} says, reduced to the fields of Helm's chart metadata with the
 * types Helm expects: Helm reads {@code index.yaml} strictly, so an unknown field or a wrong type in
 * one entry would break the whole repository for it.
 *
 * @param name chart name
 * @param version chart version (semver)
 * @param metadata the index entry's metadata fields (JSON-compatible)
 */
record HelmChart(String name, String version, Map<String, Object> metadata) {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final List<String> STRINGS = List.of("name", "home", "version", "description", "icon",
            "apiVersion", "condition", "tags", "appVersion", "kubeVersion", "type");

    /** The archive's file name in a repository: {@code name-version.tgz}. */
    String fileName() {
        return name + "-" + version + ".tgz";
    }

    static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches() && !s.contains("..");
    }

    /** Parses and checks {@code Chart.yaml}. */
    static HelmChart parse(byte[] chartYaml) throws HelmArchive.BadChartException {
        Map<String, Object> y;
        try {
            y = HelmYaml.readMap(new ByteArrayInputStream(chartYaml), HelmArchive.MAX_CHART_YAML_BYTES);
        } catch (IOException e) {
            throw new HelmArchive.BadChartException("Chart.yaml: " + e.getMessage());
        }
        return fromMap(y);
    }

    static HelmChart fromMap(Map<String, Object> y) throws HelmArchive.BadChartException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : STRINGS) {
            String s = str(y.get(k));
            if (s != null) {
                m.put(k, s);
            }
        }
        putStrings(m, "sources", y.get("sources"));
        putStrings(m, "keywords", y.get("keywords"));
        if (bool(y.get("deprecated")) instanceof Boolean b) {
            m.put("deprecated", b);
        }
        if (y.get("annotations") instanceof Map<?, ?> a) {
            Map<String, Object> out = new LinkedHashMap<>();
            a.forEach((k, v) -> {
                String s = str(v);
                if (s != null) {
                    out.put(String.valueOf(k), s);
                }
            });
            m.put("annotations", out);
        }
        if (y.get("maintainers") instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                if (o instanceof Map<?, ?> mm) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    for (String k : List.of("name", "email", "url")) {
                        String s = str(mm.get(k));
                        if (s != null) {
                            x.put(k, s);
                        }
                    }
                    out.add(x);
                }
            }
            m.put("maintainers", out);
        }
        if (y.get("dependencies") instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                if (o instanceof Map<?, ?> mm) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    for (String k : List.of("name", "version", "repository", "condition", "alias")) {
                        String s = str(mm.get(k));
                        if (s != null) {
                            x.put(k, s);
                        }
                    }
                    putStrings(x, "tags", mm.get("tags"));
                    if (bool(mm.get("enabled")) instanceof Boolean b) {
                        x.put("enabled", b);
                    }
                    if (mm.get("import-values") instanceof List<?> iv) {
                        x.put("import-values", iv);
                    }
                    out.add(x);
                }
            }
            m.put("dependencies", out);
        }
        String name = (String) m.get("name");
        String version = (String) m.get("version");
        if (name == null || name.isBlank()) {
            throw new HelmArchive.BadChartException("Chart.yaml has no name");
        }
        if (!isName(name)) {
            throw new HelmArchive.BadChartException("invalid chart name in Chart.yaml: " + name);
        }
        if (version == null || version.isBlank()) {
            throw new HelmArchive.BadChartException("Chart.yaml has no version");
        }
        if (SemVer.parseLenient(version).isEmpty()) {
            throw new HelmArchive.BadChartException("chart version " + version + " is not a semantic version");
        }
        if (!m.containsKey("apiVersion")) {
            throw new HelmArchive.BadChartException("Chart.yaml has no apiVersion");
        }
        return new HelmChart(name, version, m);
    }

    private static void putStrings(Map<String, Object> m, String key, Object v) {
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                String s = str(o);
                if (s != null) {
                    out.add(s);
                }
            }
            m.put(key, out);
        }
    }

    private static String str(Object o) {
        return o instanceof String s ? s : o instanceof Boolean b ? b.toString() : null;
    }

    private static Boolean bool(Object o) {
        if (o instanceof Boolean b) {
            return b;
        }
        if (o instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.valueOf(s);
        }
        return null;
    }
}
