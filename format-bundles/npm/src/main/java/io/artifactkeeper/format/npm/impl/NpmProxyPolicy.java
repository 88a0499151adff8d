package io.artifactkeeper.format.npm.impl;

import java.net.URI;
import java.util.Map;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.format.support.PathCodec;
import io.artifactkeeper.api.format.ProxyPolicy;

/**
 * How a remote npm repository reaches its upstream registry. A packument (cached at
 * {@code {name}/package.json}) is metadata, fetched as the full document from
 * {@code {upstream}/{name}} with a scoped name's slash encoded ({@code @scope%2fpkg}); a tarball is
 * content, fetched from {@code {upstream}/{name}/-/{file}} unless the packument names another URL.
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
