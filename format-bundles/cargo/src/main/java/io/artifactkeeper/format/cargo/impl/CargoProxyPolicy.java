package io.artifactkeeper.format.cargo.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.PathCodec;

/**
 * How a remote cargo repository reaches its upstream sparse index. The upstream URL names the
 * index ({@code https://index.crates.io/}, {@code http://host/cargo/repo/index/}, with or without
 * {@code sparse+}); a repository URL of an Artifact Keeper ({@code http://host/cargo/repo}) is
 * taken to mean its {@code index/} (which every Artifact Keeper serves, older ones only there). Index files are cached under {@code index/} and the upstream's
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

    /**
     * Where the upstream serves a .crate: its {@code config.json}'s {@code dl} template filled in from
     * the version's index line (both fetched and cached as metadata). Empty when the upstream's index
     * does not list the version.
     */
    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        String[] nv = CargoNames.ofCratePath(path);
        if (nv == null) {
            return Optional.empty();
        }
        Optional<StoredAsset> index = remote.get(CargoNames.indexPath(nv[0]));
        if (index.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode line = CargoIndex.find(CargoResolver.parseUpstream(index.get()), nv[1]);
        if (line == null) {
            return Optional.empty();
        }
        StoredAsset cfg = remote.get(UPSTREAM_CONFIG).orElseThrow(() -> new FormatException(502,
                "BAD_UPSTREAM", "the upstream index of " + remote.key() + " has no config.json"));
        String dl;
        try (InputStream in = cfg.open()) {
            dl = Json.readUpstream(in, 1 << 20, "the upstream's config.json").path("dl").asText(null);
        }
        if (dl == null || dl.isBlank()) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's config.json names no dl URL");
        }
        String uri = expand(dl, line.path("name").asText(), line.path("vers").asText(), line.path("cksum").asText());
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's dl URL is malformed: " + uri);
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's dl URL is not http(s): " + uri);
        }
        return Optional.of(u);
    }

    /** Fills the markers of a {@code dl} template; without markers, appends {@code /{crate}/{version}/download}. */
    static String expand(String dl, String name, String version, String cksum) {
        boolean markers = dl.contains("{crate}") || dl.contains("{version}") || dl.contains("{prefix}")
                || dl.contains("{lowerprefix}") || dl.contains("{sha256-checksum}");
        if (!markers) {
            return (dl.endsWith("/") ? dl.substring(0, dl.length() - 1) : dl) + "/" + name + "/" + version + "/download";
        }
        return dl.replace("{crate}", name).replace("{version}", version).replace("{prefix}", CargoNames.prefix(name))
                .replace("{lowerprefix}", CargoNames.prefix(name.toLowerCase(Locale.ROOT)))
                .replace("{sha256-checksum}", cksum);
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
