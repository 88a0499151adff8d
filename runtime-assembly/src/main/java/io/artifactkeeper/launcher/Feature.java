package io.artifactkeeper.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One OSGi Features (Compendium 159) file: bundles by Maven coordinates with a start order,
 * configurations by PID, variables with defaults, and framework properties.
 */
record Feature(String id, Path source, Map<String, String> variables, List<BundleRef> bundles,
        Map<String, Map<String, Object>> configurations, Map<String, String> frameworkProperties) {

    /** A bundle entry: {@code groupId:artifactId:version} (optionally {@code :type:classifier}). */
    record BundleRef(String id, int startOrder) {

        String groupId() {
            return parts()[0];
        }

        String artifactId() {
            return parts()[1];
        }

        String version() {
            return parts()[2];
        }

        /** File name under bundles/: artifactId-version[-classifier].jar. */
        String fileName() {
            String[] p = parts();
            String classifier = p.length > 4 ? "-" + p[4] : "";
            return p[1] + "-" + p[2] + classifier + ".jar";
        }

        private String[] parts() {
            String[] p = id.split(":");
            if (p.length < 3) {
                throw new IllegalArgumentException("bundle id is not groupId:artifactId:version: " + id);
            }
            return p;
        }
    }

    @SuppressWarnings("unchecked")
    static Feature read(Path file) throws IOException {
        Map<String, Object> json = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        String id = (String) json.getOrDefault("id", file.getFileName().toString());
        Map<String, String> vars = new LinkedHashMap<>();
        Map<String, Object> v = (Map<String, Object>) json.getOrDefault("variables", Map.of());
        v.forEach((k, val) -> vars.put(k, val == null ? null : String.valueOf(val)));
        List<BundleRef> bundles = new ArrayList<>();
        for (Object o : (List<Object>) json.getOrDefault("bundles", List.of())) {
            if (o instanceof String s) {
                bundles.add(new BundleRef(s, 20));
            } else {
                Map<String, Object> b = (Map<String, Object>) o;
                Object so = b.getOrDefault("start-order", "20");
                bundles.add(new BundleRef((String) b.get("id"), Integer.parseInt(String.valueOf(so))));
            }
        }
        Map<String, Map<String, Object>> configs = new LinkedHashMap<>();
        ((Map<String, Object>) json.getOrDefault("configurations", Map.of()))
                .forEach((pid, props) -> configs.put(pid, (Map<String, Object>) props));
        Map<String, String> fw = new LinkedHashMap<>();
        ((Map<String, Object>) json.getOrDefault("framework-properties", Map.of()))
                .forEach((k, val) -> fw.put(k, String.valueOf(val)));
        return new Feature(id, file, vars, bundles, configs, fw);
    }

    /** All features in a folder, in file-name order. */
    static List<Feature> readAll(Path dir) throws IOException {
        List<Feature> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                try {
                    out.add(read(p));
                } catch (IllegalArgumentException e) {
                    throw new IOException(p + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }
}
