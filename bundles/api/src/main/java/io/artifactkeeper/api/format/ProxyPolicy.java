package io.artifactkeeper.api.format;

import java.net.URI;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * How a remote repository maps a request path to its upstream, and how long what it fetched stays
 * fresh. The core does the fetching, single-flight, caching and stale serving.
 */
@ConsumerType
public interface ProxyPolicy {

    /** Appends the path to the upstream URL; everything is content. Fits plain file trees. */
    ProxyPolicy PATH_APPEND = new ProxyPolicy() {
    };

    /** The upstream URL for {@code path} (relative to the repository, no leading slash). */
    default URI upstreamUri(URI upstreamBase, String path) {
        String base = upstreamBase.toString();
        if (!base.endsWith("/")) {
            base = base + "/";
        }
        return URI.create(base + PathCodec.encodePath(path));
    }

    /** Whether {@code path} names metadata (refreshed after a TTL) or content (kept). */
    default AssetKind kindOf(String path) {
        return AssetKind.CONTENT;
    }

    /** Request headers to send upstream for {@code path}, e.g. an Accept. */
    default java.util.Map<String, String> upstreamHeaders(String path) {
        return java.util.Map.of();
    }
}
