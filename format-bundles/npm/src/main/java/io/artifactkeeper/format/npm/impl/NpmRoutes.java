package io.artifactkeeper.format.npm.impl;

import java.util.Arrays;

/**
 * The npm registry's paths below {@code /npm/{repo}/}, parsed. A scoped name arrives either as one
 * encoded segment ({@code @scope%2fpkg}, already decoded by the core) or as two; both give
 * {@code @scope/pkg}.
 */
final class NpmRoutes {

    enum Kind {
        PING, WHOAMI, LOGIN, LOGOUT, AUDIT, SEARCH, DIST_TAGS, DIST_TAG, PACKUMENT, PACKUMENT_REV, VERSION, TARBALL,
        TARBALL_REV, BOWER_PACKAGE, UNKNOWN
    }

    /**
     * @param kind what the path names
     * @param name package name (or login user name), else null
     * @param arg tarball file, version or tag, dist-tag, token, depending on the kind
     * @param rev the revision in {@code /-rev/{rev}}, else null
     */
    record Route(Kind kind, String name, String arg, String rev) {
        static Route of(Kind k) {
            return new Route(k, null, null, null);
        }
    }

    private static final String COUCH_USER = "org.couchdb.user:";

    private NpmRoutes() {
    }

    static Route parse(String path) {
        if (path.isEmpty()) {
            return Route.of(Kind.UNKNOWN);
        }
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] s = p.split("/");
        if (s[0].equals("-")) {
            return special(s);
        }
        if (s[0].equals("packages") && s.length == 2) {
            return new Route(Kind.BOWER_PACKAGE, s[1], null, null);
        }
        int nameLen = s[0].startsWith("@") ? 2 : 1;
        if (s.length < nameLen) {
            return Route.of(Kind.UNKNOWN);
        }
        String name = String.join("/", Arrays.copyOfRange(s, 0, nameLen));
        if (!NpmNames.isValid(name)) {
            return Route.of(Kind.UNKNOWN);
        }
        String[] rest = Arrays.copyOfRange(s, nameLen, s.length);
        if (rest.length == 0) {
            return new Route(Kind.PACKUMENT, name, null, null);
        }
        if (rest.length == 2 && rest[0].equals("-rev")) {
            return new Route(Kind.PACKUMENT_REV, name, null, rest[1]);
        }
        if (rest.length == 1 && !rest[0].equals("-")) {
            return new Route(Kind.VERSION, name, rest[0], null);
        }
        if (rest.length == 2 && rest[0].equals("-") && NpmNames.isSafeFile(rest[1])) {
            return new Route(Kind.TARBALL, name, rest[1], null);
        }
        if (rest.length == 4 && rest[0].equals("-") && rest[2].equals("-rev") && NpmNames.isSafeFile(rest[1])) {
            return new Route(Kind.TARBALL_REV, name, rest[1], rest[3]);
        }
        return Route.of(Kind.UNKNOWN);
    }

    private static Route special(String[] s) {
        if (s.length == 2 && s[1].equals("ping")) {
            return Route.of(Kind.PING);
        }
        if (s.length == 2 && s[1].equals("whoami")) {
            return Route.of(Kind.WHOAMI);
        }
        if (s.length >= 3 && s[1].equals("user") && s[2].startsWith(COUCH_USER)) {
            String user = s[2].substring(COUCH_USER.length());
            String rev = s.length == 5 && s[3].equals("-rev") ? s[4] : null;
            return s.length == 3 || rev != null ? new Route(Kind.LOGIN, user, null, rev) : Route.of(Kind.UNKNOWN);
        }
        if (s.length == 4 && s[1].equals("user") && s[2].equals("token")) {
            return new Route(Kind.LOGOUT, null, s[3], null);
        }
        if (s.length >= 5 && s[1].equals("npm") && s[2].equals("v1") && s[3].equals("security")) {
            return new Route(Kind.AUDIT, null, String.join("/", Arrays.copyOfRange(s, 4, s.length)), null);
        }
        if (s.length == 3 && s[1].equals("v1") && s[2].equals("search")) {
            return Route.of(Kind.SEARCH);
        }
        if (s.length >= 4 && s[1].equals("package")) {
            int nameLen = s[2].startsWith("@") ? 2 : 1;
            if (s.length < 2 + nameLen + 1) {
                return Route.of(Kind.UNKNOWN);
            }
            String name = String.join("/", Arrays.copyOfRange(s, 2, 2 + nameLen));
            String[] rest = Arrays.copyOfRange(s, 2 + nameLen, s.length);
            if (!NpmNames.isValid(name) || !rest[0].equals("dist-tags")) {
                return Route.of(Kind.UNKNOWN);
            }
            if (rest.length == 1) {
                return new Route(Kind.DIST_TAGS, name, null, null);
            }
            if (rest.length == 2) {
                return new Route(Kind.DIST_TAG, name, rest[1], null);
            }
        }
        return Route.of(Kind.UNKNOWN);
    }
}
