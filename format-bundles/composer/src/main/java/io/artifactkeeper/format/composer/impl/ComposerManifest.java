package io.artifactkeeper.format.composer.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.format.support.Json;

/**
 * A dist's {@code composer.json}, read and checked before anything is stored: a JSON object (one
 * key once), a valid package name, and the fields that Composer's package loader reads typed as it
 * expects them (a {@code "require": []} or a numeric description in a repository's metadata makes
 * every client that loads the package fail, so they are refused here with the field's name). What
 * goes into the repository's metadata is the manifest without the fields that only matter to a root
 * project (repositories, config, scripts, stability settings) and without the fields the repository
 * sets itself (version, dist, source, notification URL).
 *
 * @param name the package name
 * @param version the version it declares, or null
 * @param metadata what the repository's metadata lists for the version (name included)
 */
record ComposerManifest(String name, String version, ObjectNode metadata) {

    private static final Set<String> DROPPED = Set.of("version", "version_normalized", "dist", "source", "repositories",
            "config", "minimum-stability", "prefer-stable", "scripts", "scripts-descriptions", "scripts-aliases",
            "notification-url", "installation-source", "archive", "non-feature-branches");
    private static final List<String> STRINGS = List.of("description", "type", "homepage", "time", "target-dir", "readme");
    private static final List<String> LINKS = List.of("require", "require-dev", "conflict", "provide", "replace", "suggest");
    private static final List<String> STRING_LISTS = List.of("keywords", "include-path");
    private static final List<String> STRING_OR_LISTS = List.of("license", "bin");
    private static final List<String> OBJECTS = List.of("autoload", "autoload-dev", "support");
    private static final List<String> OBJECT_LISTS = List.of("authors", "funding");

    /** Reads {@code json}; refuses it with a 400 naming what is wrong. */
    static ComposerManifest parse(byte[] json) {
        if (json.length > ComposerArchive.MAX_COMPOSER_JSON) {
            throw new InvalidArtifactException("composer.json is larger than " + ComposerArchive.MAX_COMPOSER_JSON + " bytes");
        }
        JsonNode n;
        try {
            n = Json.readClient(new ByteArrayInputStream(json), ComposerArchive.MAX_COMPOSER_JSON, "composer.json");
        } catch (FormatException e) {
            throw new InvalidArtifactException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading bytes in memory", e);
        }
        if (!(n instanceof ObjectNode o)) {
            throw new InvalidArtifactException("composer.json is not a JSON object");
        }
        JsonNode nameNode = o.get("name");
        if (nameNode == null || !nameNode.isTextual()) {
            throw new InvalidArtifactException("composer.json has no \"name\" (\"vendor/package\")");
        }
        String name = nameNode.asText();
        String invalid = ComposerNames.invalidName(name);
        if (invalid != null) {
            throw new InvalidArtifactException(invalid);
        }
        JsonNode v = o.get("version");
        if (v != null && !v.isTextual() && !v.isNull()) {
            throw new InvalidArtifactException("composer.json: \"version\" is not a string");
        }
        String version = v == null || v.isNull() ? null : v.asText();
        check(o);
        ObjectNode meta = Json.object();
        meta.put("name", name);
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("name") && !DROPPED.contains(e.getKey())) {
                meta.set(e.getKey(), e.getValue());
            }
        }
        return new ComposerManifest(name, version, meta);
    }

    private static void check(ObjectNode o) {
        for (String f : STRINGS) {
            JsonNode x = o.get(f);
            if (x != null && !x.isTextual() && !x.isNull()) {
                throw wrong(f, "a string");
            }
        }
        for (String f : LINKS) {
            JsonNode x = o.get(f);
            if (x == null) {
                continue;
            }
            if (x.isArray() && x.isEmpty()) {
                // PHP writes an empty map as []: Composer reads it as one
                continue;
            }
            if (!x.isObject()) {
                throw wrong(f, "an object of package names to version constraints");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = x.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().isBlank() || !e.getValue().isTextual()) {
                    throw wrong(f + "." + ComposerNames.printable(e.getKey()), "a version constraint (a string)");
                }
            }
        }
        for (String f : STRING_LISTS) {
            JsonNode x = o.get(f);
            if (x != null && !isStringList(x)) {
                throw wrong(f, "a list of strings");
            }
        }
        for (String f : STRING_OR_LISTS) {
            JsonNode x = o.get(f);
            if (x != null && !x.isTextual() && !isStringList(x)) {
                throw wrong(f, "a string or a list of strings");
            }
        }
        for (String f : OBJECTS) {
            JsonNode x = o.get(f);
            if (x != null && !x.isObject() && !(x.isArray() && x.isEmpty())) {
                throw wrong(f, "an object");
            }
        }
        for (String f : OBJECT_LISTS) {
            JsonNode x = o.get(f);
            if (x == null) {
                continue;
            }
            if (!x.isArray()) {
                throw wrong(f, "a list of objects");
            }
            for (JsonNode e : x) {
                if (!e.isObject()) {
                    throw wrong(f, "a list of objects");
                }
            }
        }
        JsonNode extra = o.get("extra");
        if (extra != null && !extra.isObject() && !extra.isArray()) {
            throw wrong("extra", "an object");
        }
    }

    private static boolean isStringList(JsonNode x) {
        if (!x.isArray()) {
            return false;
        }
        for (JsonNode e : x) {
            if (!e.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static InvalidArtifactException wrong(String field, String expected) {
        return new InvalidArtifactException("composer.json: \"" + field + "\" must be " + expected);
    }
}
