package io.artifactkeeper.format.nuget.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;

/**
 * A remote's view of its NuGet v3 upstream: the upstream's service index (fetched and cached by the
 * core as metadata) names where its flat container and registration live; every other upstream URL is
 * derived from it, never guessed.
 */
final class NugetUpstream {
    static final long MAX_DOCUMENT = 64L << 20;
    static final List<String> PACKAGE_BASE = List.of("PackageBaseAddress/3.0.0");
    static final List<String> REGISTRATIONS = List.of("RegistrationsBaseUrl/3.6.0", "RegistrationsBaseUrl/Versioned",
            "RegistrationsBaseUrl/3.4.0", "RegistrationsBaseUrl/3.0.0-rc", "RegistrationsBaseUrl/3.0.0-beta",
            "RegistrationsBaseUrl");
    static final List<String> SEARCH = List.of("SearchQueryService/3.5.0", "SearchQueryService/3.0.0-rc",
            "SearchQueryService/3.0.0-beta", "SearchQueryService");

    private NugetUpstream() {
    }

    /** The upstream URL of its service index: the configured URL when it names a .json, else {base}/v3/index.json. */
    static URI serviceIndexUri(URI upstreamBase) {
        String s = upstreamBase.toString();
        if (s.endsWith(".json")) {
            return upstreamBase;
        }
        return URI.create((s.endsWith("/") ? s : s + "/") + "v3/index.json");
    }

    /** The first resource of the upstream's service index with one of {@code types}, in preference order. */
    static Optional<String> resource(RepositoryContext remote, List<String> types) throws IOException {
        Optional<StoredAsset> idx = remote.fetch(NugetPaths.UPSTREAM_INDEX,
                serviceIndexUri(remote.upstreamUrl().orElseThrow()), AssetKind.METADATA);
        if (idx.isEmpty()) {
            return Optional.empty();
        }
        JsonNode doc = read(idx.get(), "the upstream's service index");
        for (String type : types) {
            for (JsonNode r : doc.path("resources")) {
                JsonNode t = r.path("@type");
                boolean match = t.isArray() ? contains(t, type) : type.equals(t.asText());
                if (match && r.path("@id").isTextual()) {
                    String id = r.path("@id").asText();
                    return Optional.of(id.endsWith("/") ? id : id + "/");
                }
            }
        }
        return Optional.empty();
    }

    private static boolean contains(JsonNode array, String s) {
        for (JsonNode n : array) {
            if (s.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    static JsonNode read(StoredAsset a, String what) throws IOException {
        try (InputStream in = a.open()) {
            return Json.readUpstream(in, MAX_DOCUMENT, what);
        }
    }

    /** The upstream URL of a flat container path ({@code v3-flatcontainer/...}), if the upstream has one. */
    static Optional<URI> flatUri(RepositoryContext remote, String path) throws IOException {
        if (!path.startsWith(NugetPaths.FLAT)) {
            return Optional.empty();
        }
        Optional<String> base = resource(remote, PACKAGE_BASE);
        return base.map(b -> URI.create(b + path.substring(NugetPaths.FLAT.length())));
    }
}
