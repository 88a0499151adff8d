package io.artifactkeeper.format.swift.impl;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.Json;

/**
 * The {@code metadata} part of a publish (SE-0292 Appendix B): a JSON object; the fields the schema
 * names, where present, have its types. Invalid is a 422 (or 413 when too large), as the spec says.
 */
final class SwiftMetadata {
    static final int MAX_BYTES = 1 << 20;

    private SwiftMetadata() {
    }

    /** The metadata object, checked. */
    static ObjectNode read(InputStream in) throws IOException {
        JsonNode n;
        try {
            n = Json.readClient(in, MAX_BYTES, "the release metadata");
        } catch (FormatException e) {
            throw new FormatException(e.status() == 413 ? 413 : 422, "INVALID_METADATA", e.getMessage());
        }
        if (!(n instanceof ObjectNode o)) {
            throw invalid("the release metadata is not a JSON object");
        }
        for (String f : List.of("description", "licenseURL", "readmeURL", "originalPublicationTime")) {
            if (o.has(f) && !o.get(f).isTextual()) {
                throw invalid("metadata field " + f + " must be a string");
            }
        }
        if (o.has("repositoryURLs")) {
            JsonNode urls = o.get("repositoryURLs");
            if (!urls.isArray() || urls.size() > 100) {
                throw invalid("metadata field repositoryURLs must be an array of at most 100 strings");
            }
            for (JsonNode u : urls) {
                if (!u.isTextual() || u.asText().isBlank() || u.asText().length() > 2048) {
                    throw invalid("metadata field repositoryURLs holds something that is not a URL");
                }
            }
        }
        if (o.has("author") && !o.get("author").isObject()) {
            throw invalid("metadata field author must be an object");
        }
        return o;
    }

    /** The repository URLs of a stored metadata map, normalized for lookups. */
    static List<String> repositoryUrls(Object metadata) {
        List<String> out = new ArrayList<>();
        if (metadata instanceof Map<?, ?> m && m.get("repositoryURLs") instanceof List<?> l) {
            for (Object u : l) {
                if (u instanceof String s) {
                    out.add(SwiftNames.normalizeUrl(s));
                }
            }
        }
        return out;
    }

    private static FormatException invalid(String message) {
        return new FormatException(422, "INVALID_METADATA", message);
    }
}
