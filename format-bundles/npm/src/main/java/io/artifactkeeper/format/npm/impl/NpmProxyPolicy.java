package io.artifactkeeper.format.npm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.PathCodec;

/**
 * How a remote npm repository reaches its upstream registry. A packument (cached at
 * {@code {name}/package.json}) is metadata, fetched as the full document from
 * {@code {upstream}/{name}} with a scoped name's slash encoded ({@code @scope%2fpkg}); a tarball is
 * content, fetched from the URL the upstream's packument names for it (npm's registry serves
 * tarballs from wherever {@code dist.tarball} says), else from {@code {upstream}/{name}/-/{file}}.
 */
final class NpmProxyPolicy implements ProxyPolicy {
    private static final String SUFFIX = "/" + NpmNames.PACKUMENT_FILE;

    static boolean isPackumentPath(String path) {
        return path.endsWith(SUFFIX) && !path.contains("/-/");
    }

    @Override
    public URI upstreamUri(URI upstreamBase, String path) {
        String base = upstreamBase.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (isPackumentPath(path)) {
            String name = path.substring(0, path.length() - SUFFIX.length());
            return URI.create(base + "/" + PathCodec.encodePath(name).replace("/", "%2f"));
        }
        return URI.create(base + "/" + PathCodec.encodePath(path));
    }

    /**
     * The tarball's URL in the upstream's packument (fetched and cached as metadata). The core sends
     * the upstream's credentials only to the upstream's own origin, so a URL on a file host goes
     * without them.
     */
    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        int dash = path.indexOf("/-/");
        if (dash <= 0) {
            return Optional.empty();
        }
        String name = path.substring(0, dash);
        String file = path.substring(dash + 3);
        Optional<StoredAsset> a = remote.get(NpmNames.packumentPath(name));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode doc;
        try (InputStream in = a.get().open()) {
            doc = NpmPackument.parseUpstream(in, name);
        }
        Optional<String> url = NpmPackument.tarballUrl(doc, name, file);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        URI u;
        try {
            u = URI.create(url.get());
        } catch (IllegalArgumentException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "upstream names a malformed tarball URL for " + name);
        }
        boolean http = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
        return http && u.getHost() != null ? Optional.of(u) : Optional.empty();
    }

    @Override
    public AssetKind kindOf(String path) {
        return isPackumentPath(path) ? AssetKind.METADATA : AssetKind.CONTENT;
    }

    @Override
    public Map<String, String> upstreamHeaders(String path) {
        // the full document: clients may ask us for it, and the abbreviated one is derived from it
        return isPackumentPath(path) ? Map.of("Accept", "application/json") : Map.of();
    }
}
