package io.artifactkeeper.format.oci.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.RouteTable;

/**
 * The OCI distribution endpoints below {@code /v2/{repo_key}/} as data (Distribution Specification
 * 1.1, "Endpoints"), and a matched request split into the image name and its reference. The name may
 * contain slashes and may be empty (an image at the repository's root:
 * {@code /v2/{repo_key}/manifests/latest}), so every route is declared twice: below {@code {name+}/}
 * and, named with {@link #AT_ROOT}, at the root.
 *
 * @param op the route's name without {@link #AT_ROOT}: which endpoint and method
 * @param name the image name below the repository ("" for the root)
 * @param reference tag or digest (manifests), digest (blobs, referrers), upload id (uploads), or null
 */
record OciRoute(String op, String name, String reference) {

    static final String TAGS = "tags";
    static final String PULL_MANIFEST = "pull-manifest";
    static final String PUSH_MANIFEST = "push-manifest";
    static final String DELETE_MANIFEST = "delete-manifest";
    static final String START_UPLOAD = "start-upload";
    static final String UPLOAD_STATUS = "upload-status";
    static final String UPLOAD_CHUNK = "upload-chunk";
    static final String COMPLETE_UPLOAD = "complete-upload";
    static final String CANCEL_UPLOAD = "cancel-upload";
    static final String PULL_BLOB = "pull-blob";
    static final String DELETE_BLOB = "delete-blob";
    static final String REFERRERS = "referrers";
    /** Route names are {@code op} or {@code op@variant...}: the same endpoint at another path shape. */
    static final String VARIANT = "@";
    /** Suffix of the route names of images at the repository's root. */
    static final String AT_ROOT = VARIANT + "root";

    /**
     * In matching order (the old parser's: tags, manifests, upload start, uploads, blobs, referrers), so
     * that {@code x/blobs/uploads} is an upload start and not the blob "uploads". Clients send
     * {@code blobs/uploads/} (the core's path keeps the trailing slash); {@code blobs/uploads} starts an
     * upload too, as it did.
     */
    static final List<Route> ROUTES = withRootVariants(List.of(
            Route.read(TAGS, "{name+}/tags/list").metadata(),
            // by tag it is metadata, by digest content: OciProxyPolicy.kindOf tells the two apart
            Route.read(PULL_MANIFEST, "{name+}/manifests/{reference}").metadata(),
            Route.of(PUSH_MANIFEST, "PUT", "{name+}/manifests/{reference}", Access.WRITE),
            Route.of(DELETE_MANIFEST, "DELETE", "{name+}/manifests/{reference}", Access.DELETE),
            // the spec's form keeps its trailing slash in the path the core hands over; without it too
            Route.of(START_UPLOAD, "POST", "{name+}/blobs/uploads/", Access.WRITE),
            Route.of(START_UPLOAD + VARIANT + "bare", "POST", "{name+}/blobs/uploads", Access.WRITE),
            // reading an upload's status is part of pushing: it needs write access like the rest of it
            Route.of(UPLOAD_STATUS, "GET", "{name+}/blobs/uploads/{uuid}", Access.WRITE),
            Route.of(UPLOAD_CHUNK, "PATCH", "{name+}/blobs/uploads/{uuid}", Access.WRITE),
            Route.of(COMPLETE_UPLOAD, "PUT", "{name+}/blobs/uploads/{uuid}", Access.WRITE),
            Route.of(CANCEL_UPLOAD, "DELETE", "{name+}/blobs/uploads/{uuid}", Access.DELETE),
            Route.read(PULL_BLOB, "{name+}/blobs/{digest}"),
            Route.of(DELETE_BLOB, "DELETE", "{name+}/blobs/{digest}", Access.DELETE),
            Route.read(REFERRERS, "{name+}/referrers/{digest}").metadata()));
    static final RouteTable TABLE = new RouteTable(ROUTES);

    /** One path component of a name (spec: {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*}). */
    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    static final Pattern NAME = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    /** Each route followed by its variant for an image at the repository's root. */
    private static List<Route> withRootVariants(List<Route> named) {
        List<Route> out = new ArrayList<>();
        for (Route r : named) {
            out.add(r);
            Route root = Route.of(r.name() + AT_ROOT, String.join(" ", r.methods()),
                    r.template().substring("{name+}/".length()), r.access()).kind(r.assetKind());
            out.add(root);
        }
        return List.copyOf(out);
    }

    /** The request's route, as the core matched it. */
    static OciRoute of(RouteMatch m) {
        String n = m.name();
        String op = n.contains(VARIANT) ? n.substring(0, n.indexOf(VARIANT)) : n;
        Map<String, String> p = m.params();
        String ref = p.containsKey("reference") ? p.get("reference") : p.containsKey("digest") ? p.get("digest")
                : p.get("uuid");
        return new OciRoute(op, p.getOrDefault("name", ""), ref);
    }

    /**
     * What a path names regardless of the method (a stored path, or a request the core did not route:
     * the 401 challenge's scope, a remote's cache policy): the first GET route whose template matches,
     * else any.
     */
    static Optional<OciRoute> parse(String path) {
        RouteMatch any = null;
        for (Route r : ROUTES) {
            Optional<Map<String, String>> params = r.matchPath(path);
            if (params.isEmpty()) {
                continue;
            }
            RouteMatch m = new RouteMatch(r, params.get());
            if (r.methods().contains("GET")) {
                return Optional.of(of(m));
            }
            if (any == null) {
                any = m;
            }
        }
        return Optional.ofNullable(any).map(OciRoute::of);
    }

    boolean is(String... ops) {
        for (String o : ops) {
            if (op.equals(o)) {
                return true;
            }
        }
        return false;
    }

    boolean validName() {
        return name.isEmpty() || NAME.matcher(name).matches();
    }

    /** The name with a trailing slash, or "" at the root: the prefix of this image's stored paths. */
    String prefix() {
        return prefix(name);
    }

    static String prefix(String name) {
        return name.isEmpty() ? "" : name + "/";
    }

    /** The stored path of a blob of this image. */
    static String blobPath(String name, String digest) {
        return prefix(name) + "blobs/" + digest;
    }

    /** The stored path of a manifest of this image, by tag or digest. */
    static String manifestPath(String name, String reference) {
        return prefix(name) + "manifests/" + reference;
    }

    /** {@code repo/name} as clients spell the repository (the catalog, scopes). */
    static String fullName(String repoKey, String name) {
        return name.isEmpty() ? repoKey : repoKey + "/" + name;
    }
}
