package io.artifactkeeper.format.composer.impl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.format.support.Json;

/**
 * The minified form of Composer's metadata v2 ({@code "minified": "composer/2.0"}): the first
 * version of a package is listed whole; each following one lists only the keys whose values differ
 * from the version before it (compared whole, nested values included), and {@code "__unset"} for
 * a key the version before it had and it has not. Expanding replays that.
 */
final class ComposerMinifier {
    static final String UNSET = "__unset";
    static final String FORMAT = "composer/2.0";

    private ComposerMinifier() {
    }

    /** {@code versions} (each complete, in the order to list them) minified. */
    static ArrayNode minify(List<ObjectNode> versions) {
        ArrayNode out = Json.mapper().createArrayNode();
        ObjectNode last = null;
        for (ObjectNode v : versions) {
            if (last == null) {
                out.add(v.deepCopy());
                last = v;
                continue;
            }
            ObjectNode diff = out.addObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode before = last.get(e.getKey());
                if (before == null || !before.equals(e.getValue())) {
                    diff.set(e.getKey(), e.getValue().deepCopy());
                }
            }
            for (Iterator<String> it = last.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!v.has(k)) {
                    diff.put(k, UNSET);
                }
            }
            last = v;
        }
        return out;
    }

    /**
     * The complete versions of a minified list.
     *
     * @throws IllegalArgumentException when an element is not an object
     */
    static List<ObjectNode> expand(JsonNode minified) {
        if (!minified.isArray()) {
            throw new IllegalArgumentException("a package's versions are not a list");
        }
        List<ObjectNode> out = new ArrayList<>();
        ObjectNode current = null;
        for (JsonNode e : minified) {
            if (!(e instanceof ObjectNode o)) {
                throw new IllegalArgumentException("a version is not an object");
            }
            if (current == null) {
                current = o.deepCopy();
            } else {
                current = current.deepCopy();
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (f.getValue().isTextual() && UNSET.equals(f.getValue().asText())) {
                        current.remove(f.getKey());
                    } else {
                        current.set(f.getKey(), f.getValue());
                    }
                }
            }
            out.add(current);
        }
        return out;
    }

    /** The versions of a document that may or may not be minified (both forms exist upstream). */
    static List<ObjectNode> versions(JsonNode list, boolean minified) {
        if (minified) {
            return expand(list);
        }
        if (list.isObject()) {
            // the older layout: versions keyed by version string
            List<ObjectNode> out = new ArrayList<>();
            for (JsonNode e : list) {
                if (!(e instanceof ObjectNode o)) {
                    throw new IllegalArgumentException("a version is not an object");
                }
                out.add(o);
            }
            return out;
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("a package's versions are not a list");
        }
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode e : list) {
            if (!(e instanceof ObjectNode o)) {
                throw new IllegalArgumentException("a version is not an object");
            }
            out.add(o);
        }
        return out;
    }
}
