package io.artifactkeeper.format.cargo.impl;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.format.support.Json;

/**
 * A crate's index file: one JSON object per line and per version, as the Cargo book's "Index
 * Format" describes, and the conversion of a publish request's metadata into such a line (the
 * dependency fields the index renames, features split into {@code features2}).
 */
final class CargoIndex {
    /** The runtime's Jackson, configured once for what clients and upstreams send. */
    static final ObjectMapper JSON = Json.mapper();
    /** A crate has at most this many versions we will read from an index file. */
    private static final int MAX_LINES = 100_000;

    private CargoIndex() {
    }

    /** Parses an index file; blank lines are skipped, malformed ones refused. */
    static List<ObjectNode> parse(InputStream in) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            if (out.size() >= MAX_LINES) {
                throw new IOException("index file has more than " + MAX_LINES + " lines");
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (JacksonException e) {
                throw new IOException("malformed index line: " + e.getOriginalMessage(), e);
            }
            if (!(n instanceof ObjectNode o) || !o.path("vers").isTextual() || !o.path("name").isTextual()) {
                throw new IOException("index line without name and vers");
            }
            out.add(o);
        }
        return out;
    }

    static byte[] bytes(List<ObjectNode> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ObjectNode l : lines) {
            out.writeBytes(Json.bytes(l));
            out.write('\n');
        }
        return out.toByteArray();
    }

    static ObjectNode find(List<ObjectNode> lines, String version) {
        for (ObjectNode l : lines) {
            if (l.path("vers").asText().equals(version)) {
                return l;
            }
        }
        return null;
    }

    /** The line of a release equal to {@code version} up to build metadata. */
    static ObjectNode findRelease(List<ObjectNode> lines, String version) {
        String v = CargoNames.withoutBuild(version);
        for (ObjectNode l : lines) {
            if (CargoNames.withoutBuild(l.path("vers").asText()).equals(v)) {
                return l;
            }
        }
        return null;
    }

    /**
     * Merges the index lines of several repositories, the first given winning for a version that
     * more than one has.
     */
    static List<ObjectNode> merge(List<List<ObjectNode>> byPriority) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (List<ObjectNode> lines : byPriority) {
            for (ObjectNode l : lines) {
                out.putIfAbsent(l.path("vers").asText(), l);
            }
        }
        return new ArrayList<>(out.values());
    }

    /**
     * The index line for a publish request's metadata (the Cargo book's "Web API", publish) and the
     * .crate's SHA-256. Throws {@link InvalidArtifactException} for metadata the index cannot carry.
     */
    static ObjectNode lineFor(ObjectNode meta, String cksum) {
        ObjectNode line = JSON.createObjectNode();
        line.put("name", meta.path("name").asText());
        line.put("vers", meta.path("vers").asText());
        ArrayNode deps = line.putArray("deps");
        JsonNode in = meta.get("deps");
        if (in != null && !in.isNull()) {
            if (!in.isArray()) {
                throw new InvalidArtifactException("`deps` must be an array");
            }
            for (JsonNode d : in) {
                deps.add(dependency(d));
            }
        }
        line.put("cksum", cksum);
        ObjectNode features = line.putObject("features");
        ObjectNode features2 = JSON.createObjectNode();
        JsonNode f = meta.get("features");
        if (f != null && !f.isNull()) {
            if (!f.isObject()) {
                throw new InvalidArtifactException("`features` must be an object");
            }
            for (var e : f.properties()) {
                if (!e.getValue().isArray()) {
                    throw new InvalidArtifactException("feature `" + e.getKey() + "` must list strings");
                }
                boolean newSyntax = false;
                for (JsonNode v : e.getValue()) {
                    if (!v.isTextual()) {
                        throw new InvalidArtifactException("feature `" + e.getKey() + "` must list strings");
                    }
                    newSyntax |= v.asText().startsWith("dep:") || v.asText().contains("?/");
                }
                // older cargo versions cannot read "dep:" and "?/": such features go to features2
                (newSyntax ? features2 : features).set(e.getKey(), e.getValue());
            }
        }
        line.put("yanked", false);
        JsonNode links = meta.get("links");
        if (links != null && links.isTextual()) {
            line.put("links", links.asText());
        } else {
            line.putNull("links");
        }
        if (!features2.isEmpty()) {
            line.put("v", 2);
            line.set("features2", features2);
        }
        JsonNode rv = meta.get("rust_version");
        if (rv != null && rv.isTextual() && !rv.asText().isBlank()) {
            line.put("rust_version", rv.asText());
        }
        return line;
    }

    /**
     * A dependency as the index writes it: {@code version_req} becomes {@code req}; a renamed
     * dependency is listed under its new name with the original in {@code package}.
     */
    private static ObjectNode dependency(JsonNode d) {
        if (!d.isObject()) {
            throw new InvalidArtifactException("a dependency must be an object");
        }
        String name = text(d, "name");
        if (!CargoNames.isDependencyName(name)) {
            throw new InvalidArtifactException("invalid dependency name `" + name + "`");
        }
        String req = text(d, "version_req");
        if (req == null || req.isBlank()) {
            throw new InvalidArtifactException("dependency `" + name + "` has no version requirement");
        }
        String kind = d.hasNonNull("kind") ? d.get("kind").asText() : "normal";
        if (!List.of("normal", "dev", "build").contains(kind)) {
            throw new InvalidArtifactException("dependency `" + name + "` has unknown kind `" + kind + "`");
        }
        String explicit = text(d, "explicit_name_in_toml");
        if (explicit != null && !CargoNames.isDependencyName(explicit)) {
            throw new InvalidArtifactException("invalid dependency rename `" + explicit + "`");
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("name", explicit != null ? explicit : name);
        o.put("req", req);
        ArrayNode features = o.putArray("features");
        if (d.get("features") instanceof ArrayNode fs) {
            for (JsonNode f : fs) {
                features.add(f.asText());
            }
        }
        o.put("optional", d.path("optional").asBoolean(false));
        o.put("default_features", d.path("default_features").asBoolean(true));
        String target = text(d, "target");
        if (target != null) {
            o.put("target", target);
        } else {
            o.putNull("target");
        }
        o.put("kind", kind);
        String registry = text(d, "registry");
        if (registry != null) {
            o.put("registry", registry);
        }
        if (explicit != null) {
            o.put("package", name);
        }
        return o;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
