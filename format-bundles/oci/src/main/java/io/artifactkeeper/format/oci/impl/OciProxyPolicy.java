package io.artifactkeeper.format.oci.impl;

import java.net.URI;
import java.util.Map;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.format.support.PathCodec;
import io.artifactkeeper.api.format.ProxyPolicy;

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

    @Override
    public AssetKind kindOf(String path) {
        OciRoute r = OciRoute.parse(path);
        if (r == null) {
            return AssetKind.METADATA;
        }
        return switch (r.kind()) {
            case BLOB -> AssetKind.CONTENT;
            case MANIFEST -> OciDigest.isDigest(r.reference()) ? AssetKind.CONTENT : AssetKind.METADATA;
            default -> AssetKind.METADATA;
        };
    }

    @Override
    public Map<String, String> upstreamHeaders(String path) {
        OciRoute r = OciRoute.parse(path);
        if (r != null && r.kind() == OciRoute.Kind.MANIFEST) {
            return Map.of("Accept", MANIFEST_ACCEPT);
        }
        if (r != null && r.kind() == OciRoute.Kind.REFERRERS) {
            return Map.of("Accept", OciManifest.OCI_INDEX);
        }
        return Map.of();
    }
}
