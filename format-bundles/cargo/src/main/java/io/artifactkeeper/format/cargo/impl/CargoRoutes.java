package io.artifactkeeper.format.cargo.impl;

/**
 * The paths below {@code /cargo/{repo}/}: the sparse index under {@code index/} and the Web API
 * under {@code api/v1/crates}.
 */
final class CargoRoutes {
    enum Kind {
        CONFIG, INDEX_FILE, PUBLISH, SEARCH, DOWNLOAD, YANK, UNYANK, OWNERS, UNKNOWN
    }

    /** A parsed path: {@code name} and {@code version} where the route has them. */
    record Route(Kind kind, String name, String version) {
    }

    private static final String API = "api/v1/crates";

    private CargoRoutes() {
    }

    static Route parse(String path) {
        if (path.equals(CargoNames.INDEX_DIR + "config.json")) {
            return new Route(Kind.CONFIG, null, null);
        }
        if (path.startsWith(CargoNames.INDEX_DIR)) {
            String name = CargoNames.nameOfIndexPath(path.substring(CargoNames.INDEX_DIR.length()));
            return name == null ? unknown() : new Route(Kind.INDEX_FILE, name, null);
        }
        if (path.equals(API)) {
            return new Route(Kind.SEARCH, null, null);
        }
        if (!path.startsWith(API + "/")) {
            return unknown();
        }
        String[] s = path.substring(API.length() + 1).split("/", -1);
        if (s.length == 1 && s[0].equals("new")) {
            return new Route(Kind.PUBLISH, null, null);
        }
        if (s.length == 2 && s[1].equals("owners") && CargoNames.isDependencyName(s[0])) {
            return new Route(Kind.OWNERS, s[0], null);
        }
        if (s.length == 3 && CargoNames.isDependencyName(s[0]) && CargoNames.isVersion(s[1])) {
            Kind k = switch (s[2]) {
                case "download" -> Kind.DOWNLOAD;
                case "yank" -> Kind.YANK;
                case "unyank" -> Kind.UNYANK;
                default -> Kind.UNKNOWN;
            };
            return new Route(k, s[0], s[1]);
        }
        return unknown();
    }

    private static Route unknown() {
        return new Route(Kind.UNKNOWN, null, null);
    }
}
