package io.artifactkeeper.format.swift.impl;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;

/**
 * How a remote swift repository reaches its upstream registry ({@code https://registry.example.com},
 * another Artifact Keeper's {@code http://host/swift/REPO}). Source archives are cached at their own
 * path ({@code scope/name/version.zip}, content, kept). The upstream's JSON answers are cached under
 * {@code .upstream/} (metadata, refreshed after the TTL), apart from what this server generates:
 * {@code .upstream/scope/name.json} is {@code GET scope/name}, {@code .upstream/scope/name/V.json} is
 * {@code GET scope/name/V}, {@code .upstream/identifiers/HEX} is {@code GET identifiers?url=} of the
 * URL whose UTF-8 is HEX.
 */
final class SwiftProxyPolicy implements ProxyPolicy {
    static final String JSON = "application/vnd.swift.registry.v1+json";
    static final String ZIP = "application/vnd.swift.registry.v1+zip";

    @Override
    public URI upstreamUri(URI upstreamBase, String path) {
        if (!path.startsWith(SwiftNames.UPSTREAM)) {
            return ProxyPolicy.super.upstreamUri(upstreamBase, path);
        }
        String base = upstreamBase.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String rest = path.substring(SwiftNames.UPSTREAM.length());
        if (rest.startsWith("identifiers/")) {
            String url = new String(HexFormat.of().parseHex(rest.substring("identifiers/".length())), StandardCharsets.UTF_8);
            return URI.create(base + "/identifiers?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8));
        }
        if (rest.endsWith(".json")) {
            rest = rest.substring(0, rest.length() - ".json".length());
        }
        return ProxyPolicy.super.upstreamUri(URI.create(base), rest);
    }

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith(SwiftNames.UPSTREAM) ? AssetKind.METADATA : AssetKind.CONTENT;
    }

    @Override
    public Map<String, String> upstreamHeaders(String path) {
        return Map.of("Accept", kindOf(path) == AssetKind.METADATA ? JSON : ZIP);
    }
}
