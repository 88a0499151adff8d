package io.artifactkeeper.format.cargo.impl;

import java.net.URI;
import java.util.Map;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.format.support.PathCodec;
import io.artifactkeeper.api.format.ProxyPolicy;

/**
 * How a remote cargo repository reaches its upstream sparse index. The upstream URL names the
 * index ({@code https://index.crates.io/}, {@code http://host/cargo/repo/index/}, with or without
 * {@code sparse+}); a repository URL of an Artifact Keeper ({@code http://host/cargo/repo}) is
 * taken to mean its {@code index/}. Index files are cached under {@code index/} and the upstream's
 * {@code config.json} under {@code .upstream/}, both as metadata (refreshed after the TTL);
 * .crate files are content, fetched from the upstream's {@code dl} URL.
 */
final class CargoProxyPolicy implements ProxyPolicy {
    static final String UPSTREAM_CONFIG = ".upstream/config.json";

    /** The upstream index root, with a trailing slash. */
    static String indexRoot(URI upstream) {
        String s = upstream.toString();
        if (s.startsWith("sparse+")) {
            s = s.substring("sparse+".length());
        }
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        if (!s.endsWith("/")) {
            s = s + "/";
        }
        String path = URI.create(s).getPath();
        String[] segs = path == null ? new String[0] : path.split("/");
        // ".../cargo/{repo}/": an Artifact Keeper repository, whose index is below it
        if (segs.length >= 3 && segs[segs.length - 2].equals("cargo")) {
            return s + "index/";
        }
        return s;
    }

    @Override
    public URI upstreamUri(URI upstreamBase, String path) {
        String root = indexRoot(upstreamBase);
        if (path.equals(UPSTREAM_CONFIG)) {
            return URI.create(root + "config.json");
        }
        if (path.startsWith(CargoNames.INDEX_DIR)) {
            return URI.create(root + PathCodec.encodePath(path.substring(CargoNames.INDEX_DIR.length())));
        }
        return ProxyPolicy.super.upstreamUri(URI.create(root), path);
    }

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith(CargoNames.INDEX_DIR) || path.startsWith(".upstream/") ? AssetKind.METADATA
                : AssetKind.CONTENT;
    }

    @Override
    public Map<String, String> upstreamHeaders(String path) {
        // what cargo itself sends to a sparse index
        return kindOf(path) == AssetKind.METADATA ? Map.of("cargo-protocol", "version=1") : Map.of();
    }
}
