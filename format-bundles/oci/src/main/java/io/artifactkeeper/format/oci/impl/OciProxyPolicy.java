package io.artifactkeeper.format.oci.impl;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.format.support.PathCodec;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.RouteTable;

/**
 * How a remote OCI repository reaches its upstream registry. Stored paths are the upstream's paths
 * below {@code /v2/}, so {@code app/manifests/1.0} is fetched from {@code {upstream}/v2/app/manifests/1.0};
 * an {@code upstream_url} that already contains {@code /v2} (another registry's repository, e.g.
 * {@code http://host/v2/some-repo}) is used as the prefix itself. Manifests by tag, tag lists and
 * referrers are metadata (refreshed after the TTL); blobs and manifests by digest never change.
 */
final class OciProxyPolicy implements ProxyPolicy {
    private static final String MANIFEST_ACCEPT = String.join(", ", OciManifest.ACCEPT);

    @Override
    public URI upstreamUri(URI upstreamBase, String path) {
        String base = upstreamBase.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String p = upstreamBase.getPath() == null ? "" : upstreamBase.getPath();
        if (!(p.equals("/v2") || p.startsWith("/v2/") || p.endsWith("/v2") || p.contains("/v2/"))) {
            base = base + "/v2";
        }
        return URI.create(base + "/" + PathCodec.encodePath(path));
    }

    /** The kind the route declares; a manifest by digest never changes, so it is content. */
    @Override
    public AssetKind kindOf(String path) {
        return match(path).map(m -> {
            if (OciRoute.of(m).is(OciRoute.PULL_MANIFEST) && OciDigest.isDigest(OciRoute.of(m).reference())) {
                return AssetKind.CONTENT;
            }
            return m.route().assetKind();
        }).orElse(AssetKind.METADATA);
    }

    @Override
    public Map<String, String> upstreamHeaders(String path) {
        Optional<OciRoute> r = match(path).map(OciRoute::of);
        if (r.isPresent() && r.get().is(OciRoute.PULL_MANIFEST)) {
            return Map.of("Accept", MANIFEST_ACCEPT);
        }
        if (r.isPresent() && r.get().is(OciRoute.REFERRERS)) {
            return Map.of("Accept", OciManifest.OCI_INDEX);
        }
        return Map.of();
    }

    /** A stored path of a remote is the upstream's pull path: matched against the same route table. */
    private static Optional<RouteMatch> match(String path) {
        return OciRoute.TABLE.match("GET", path) instanceof RouteTable.Matched m ? Optional.of(m.match())
                : Optional.empty();
    }
}
