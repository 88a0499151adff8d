package io.artifactkeeper.format.conan.impl;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.ProxyPolicy;

/**
 * How a remote conan repository reaches its upstream, a Conan v2 server given by the URL Conan's
 * {@code remote add} takes ({@code http://host/conan/repo}, {@code https://center2.conan.io}). Files
 * are content at their own paths ({@code v2/conans/.../files/conanfile.py}), appended to that URL.
 * The API's documents (revision lists, latest, file lists, package searches) are metadata, cached
 * under {@code .upstream/{api path}/index.json}; a recipe search under
 * {@code .upstream/search/q{hex of the pattern}[-cs].json}.
 */
final class ConanProxyPolicy implements ProxyPolicy {
    static final String UPSTREAM = ".upstream/";
    static final String DOC = "/index.json";
    static final String SEARCH = UPSTREAM + "search/";

    /** Where an upstream API document is cached. */
    static String documentPath(String apiPath) {
        return UPSTREAM + apiPath + DOC;
    }

    /** Where an upstream recipe search is cached. */
    static String searchPath(String pattern, boolean ignoreCase) {
        return SEARCH + "q" + HexFormat.of().formatHex(pattern.getBytes(StandardCharsets.UTF_8)) + (ignoreCase ? "" : "-cs")
                + ".json";
    }

    @Override
    public URI upstreamUri(URI upstreamBase, String path) {
        String base = upstreamBase.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (path.startsWith(SEARCH + "q") && path.endsWith(".json")) {
            String hex = path.substring(SEARCH.length() + 1, path.length() - ".json".length());
            boolean cs = hex.endsWith("-cs");
            if (cs) {
                hex = hex.substring(0, hex.length() - 3);
            }
            String q = new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
            return URI.create(base + "/v2/conans/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                    + (cs ? "&ignorecase=False" : ""));
        }
        if (path.startsWith(UPSTREAM) && path.endsWith(DOC)) {
            return ProxyPolicy.super.upstreamUri(URI.create(base + "/"),
                    path.substring(UPSTREAM.length(), path.length() - DOC.length()));
        }
        return ProxyPolicy.super.upstreamUri(URI.create(base + "/"), path);
    }

    @Override
    public AssetKind kindOf(String path) {
        return path.startsWith(UPSTREAM) ? AssetKind.METADATA : AssetKind.CONTENT;
    }
}
