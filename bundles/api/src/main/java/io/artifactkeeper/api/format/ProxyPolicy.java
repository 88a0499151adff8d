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
        return URI.create(base + encoded(path));
    }

    /**
     * Where the upstream serves the content at {@code path} when upstream metadata names its URL (a
     * tarball URL in an npm packument, a file link on a PyPI simple page, a chart URL in a Helm
     * index, a crate's {@code dl} template): read that metadata through {@code remote} (its
     * {@link RepositoryContext#get} fetches and caches it) and answer the URL; empty to use
     * {@link #upstreamUri}. The core calls this only on a cache miss; the URL then passes the same
     * outbound address filter as every fetch, and the upstream's credentials go only to its origin.
     *
     * @since 2.0
     */
    default java.util.Optional<URI> contentUri(RepositoryContext remote, String path) throws java.io.IOException {
        return java.util.Optional.empty();
    }

    /** Whether {@code path} names metadata (refreshed after a TTL) or content (kept). */
    default AssetKind kindOf(String path) {
        return AssetKind.CONTENT;
    }

    /** Request headers to send upstream for {@code path}, e.g. an Accept. */
    default java.util.Map<String, String> upstreamHeaders(String path) {
        return java.util.Map.of();
    }

    /** {@code path} percent-encoded where a URI path may not hold it as it is (UTF-8, RFC 3986). */
    private static String encoded(String path) {
        try {
            return new URI(null, null, path, null).toASCIIString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a path: " + path, e);
        }
    }
}
