package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;

/**
 * How a remote PyPI repository reaches its upstream simple index. The upstream URL may name the
 * index itself ({@code https://pypi.org/simple/}, {@code http://host/pypi/repo/simple}) or its root
 * ({@code https://pypi.org/}), to which {@code simple/} is appended. Upstream pages are cached as
 * the upstream sent them, under {@code .upstream/}, as metadata (refreshed after the TTL); files
 * and their metadata files are content (kept) and are fetched from the URLs the pages name
 * ({@link #contentUri}: often another host, absolute or relative to the page).
 */
final class PypiProxyPolicy implements ProxyPolicy {
    static final String CACHE_PREFIX = ".upstream/";
    static final String PROJECT_LIST = CACHE_PREFIX + "projects";
    private static final String PROJECT_PAGE = CACHE_PREFIX + "simple/";
    /** What pip sends: JSON preferred, HTML accepted. */
    static final String ACCEPT_PROJECT = "application/vnd.pypi.simple.v1+json, "
            + "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
    /** Project lists can be very large; HTML is read as it streams. */
    static final String ACCEPT_LIST = "application/vnd.pypi.simple.v1+html, text/html;q=0.9, "
            + "application/vnd.pypi.simple.v1+json;q=0.5";

    /** Where the upstream page of a (normalized) project is cached. */
    static String projectPagePath(String normalized) {
        return PROJECT_PAGE + normalized;
    }

    /** The upstream simple index URL, with trailing slash. */
    static URI simpleRoot(URI upstream) {
        String s = upstream.toString();
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        if (!s.endsWith("/")) {
            s = s + "/";
        }
        return URI.create(s.endsWith("/simple/") ? s : s + "simple/");
    }

    @Override
    public URI upstreamUri(URI upstreamBase, String path) {
        if (path.equals(PROJECT_LIST)) {
            return simpleRoot(upstreamBase);
        }
        if (path.startsWith(PROJECT_PAGE)) {
            return simpleRoot(upstreamBase).resolve(path.substring(PROJECT_PAGE.length()) + "/");
        }
        return ProxyPolicy.super.upstreamUri(upstreamBase, path);
    }

    /**
     * A file ({@code packages/{project}/{version}/{file}}) comes from the URL its project's upstream page
     * gives, its metadata file from that URL + {@code .metadata} (PEP 658); empty for a file the page
     * does not list (or without a metadata file), which the format does not ask for.
     */
    @Override
    public Optional<URI> contentUri(RepositoryContext remote, String path) throws IOException {
        String[] seg = path.split("/");
        if (seg.length != 4 || !seg[0].equals("packages")) {
            return Optional.empty();
        }
        boolean metadata = seg[3].endsWith(PypiIndexBuilder.METADATA_SUFFIX);
        String filename = metadata ? seg[3].substring(0, seg[3].length() - PypiIndexBuilder.METADATA_SUFFIX.length())
                : seg[3];
        PypiProjectPage.File f = PypiIndexBuilder.remotePage(remote, seg[1]).map(p -> p.file(filename)).orElse(null);
        if (f == null || (metadata && !f.hasMetadata())) {
            return Optional.empty();
        }
        return Optional.of(URI.create(metadata ? f.url() + PypiIndexBuilder.METADATA_SUFFIX : f.url()));
    }

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith(CACHE_PREFIX) ? AssetKind.METADATA : AssetKind.CONTENT;
    }

    @Override
    public Map<String, String> upstreamHeaders(String path) {
        if (path.equals(PROJECT_LIST)) {
            return Map.of("Accept", ACCEPT_LIST);
        }
        if (path.startsWith(PROJECT_PAGE)) {
            return Map.of("Accept", ACCEPT_PROJECT);
        }
        return Map.of();
    }
}
