package io.artifactkeeper.format.oci.impl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request path below {@code /v2/{repo_key}/}, split into the image name and the endpoint
 * (OCI Distribution Specification 1.1, "Endpoints"). The name may contain slashes and may be empty
 * (an image at the repository's root: {@code /v2/{repo_key}/manifests/latest}).
 *
 * @param kind which endpoint
 * @param name the image name below the repository ("" for the root)
 * @param reference tag or digest (manifests), digest (blobs, referrers), upload id (uploads), or null
 */
record OciRoute(Kind kind, String name, String reference) {

    enum Kind {
        MANIFEST,
        BLOB,
        UPLOAD_START,
        UPLOAD,
        TAGS,
        REFERRERS
    }

    /** One path component of a name (spec: {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*}). */
    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    static final Pattern NAME = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private static final Pattern TAGS_P = Pattern.compile("(?:(.+)/)?tags/list");
    private static final Pattern MANIFEST_P = Pattern.compile("(?:(.+)/)?manifests/([^/]+)");
    private static final Pattern UPLOAD_START_P = Pattern.compile("(?:(.+)/)?blobs/uploads/?");
    private static final Pattern UPLOAD_P = Pattern.compile("(?:(.+)/)?blobs/uploads/([^/]+)");
    private static final Pattern BLOB_P = Pattern.compile("(?:(.+)/)?blobs/([^/]+)");
    private static final Pattern REFERRERS_P = Pattern.compile("(?:(.+)/)?referrers/([^/]+)");

    /** The route for {@code path}, or null when it names no OCI endpoint. */
    static OciRoute parse(String path) {
        Matcher m;
        if ((m = TAGS_P.matcher(path)).matches()) {
            return new OciRoute(Kind.TAGS, name(m), null);
        }
        if ((m = MANIFEST_P.matcher(path)).matches()) {
            return new OciRoute(Kind.MANIFEST, name(m), m.group(2));
        }
        if ((m = UPLOAD_START_P.matcher(path)).matches()) {
            return new OciRoute(Kind.UPLOAD_START, name(m), null);
        }
        if ((m = UPLOAD_P.matcher(path)).matches()) {
            return new OciRoute(Kind.UPLOAD, name(m), m.group(2));
        }
        if ((m = BLOB_P.matcher(path)).matches()) {
            return new OciRoute(Kind.BLOB, name(m), m.group(2));
        }
        if ((m = REFERRERS_P.matcher(path)).matches()) {
            return new OciRoute(Kind.REFERRERS, name(m), m.group(2));
        }
        return null;
    }

    private static String name(Matcher m) {
        return m.group(1) == null ? "" : m.group(1);
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
