package io.artifactkeeper.format.go.impl;

import java.util.Optional;

/**
 * A GOPROXY request path below the repository: {@code $module/@v/list}, {@code $module/@latest},
 * {@code $module/@v/$version.info|.mod|.zip}, with module and version case-encoded. Parsing
 * decodes them; {@link #problem()} names the rule a decoded path or version breaks.
 */
record GoRoute(Kind kind, String module, String version, String problem) {

    enum Kind {
        LIST("list", "text/plain; charset=utf-8"),
        LATEST("@latest", "application/json"),
        INFO(".info", "application/json"),
        MOD(".mod", "text/plain; charset=utf-8"),
        ZIP(".zip", "application/zip");

        final String suffix;
        final String contentType;

        Kind(String suffix, String contentType) {
            this.suffix = suffix;
            this.contentType = contentType;
        }
    }

    /** Thrown for a path that is not case-encoded correctly (go's "invalid escaped module path"). */
    static final class BadEncodingException extends Exception {
        private static final long serialVersionUID = 1L;

        BadEncodingException(String message) {
            super(message);
        }
    }

    /**
     * The route of a stored path (the artifacts API, a cached upstream file), empty when it is none of
     * the GOPROXY forms. Requests are matched by {@link GoFormat#routes()} instead, and decoded by
     * {@link #of}.
     */
    static Optional<GoRoute> parse(String path) throws BadEncodingException {
        if (path.endsWith("/@latest")) {
            return of(Kind.LATEST, path.substring(0, path.length() - "/@latest".length()), null);
        }
        int at = path.indexOf("/@v/");
        if (at <= 0) {
            return Optional.empty();
        }
        String escModule = path.substring(0, at);
        String rest = path.substring(at + 4);
        if (rest.equals("list")) {
            return of(Kind.LIST, escModule, null);
        }
        for (Kind k : new Kind[] {Kind.INFO, Kind.MOD, Kind.ZIP}) {
            if (rest.endsWith(k.suffix)) {
                String escVersion = rest.substring(0, rest.length() - k.suffix.length());
                if (escVersion.isEmpty() || escVersion.contains("/")) {
                    return Optional.empty();
                }
                return of(k, escModule, escVersion);
            }
        }
        return Optional.empty();
    }

    /**
     * Decodes a case-encoded module path and version ({@code escVersion} null for a list or
     * {@code @latest}) and names what breaks a rule ({@link #problem()}).
     */
    static Optional<GoRoute> of(Kind kind, String escModule, String escVersion) throws BadEncodingException {
        if (escModule.isEmpty()) {
            return Optional.empty();
        }
        String module = GoModulePath.unescape(escModule)
                .orElseThrow(() -> new BadEncodingException("invalid escaped module path \"" + escModule + "\""));
        String version = null;
        if (escVersion != null) {
            version = GoModulePath.unescape(escVersion)
                    .orElseThrow(() -> new BadEncodingException("invalid escaped version \"" + escVersion + "\""));
        }
        return Optional.of(new GoRoute(kind, module, version, check(module, version)));
    }

    /** What is wrong with this module path and version, or null. */
    private static String check(String module, String version) {
        Optional<String> p = GoModulePath.checkModulePath(module);
        if (p.isPresent()) {
            return p.get();
        }
        if (version == null) {
            return null;
        }
        Optional<GoVersion> v = GoVersion.parseCanonical(version);
        if (v.isEmpty()) {
            return module + "@" + version + ": invalid version: not a canonical semantic version (vMAJOR.MINOR.PATCH"
                    + "[-prerelease][+incompatible])";
        }
        String major = GoModulePath.splitMajor(module).orElse("");
        return v.get().checkPathMajor(module, major).map(m -> module + "@" + version + ": " + m).orElse(null);
    }

    boolean valid() {
        return problem == null;
    }

    GoVersion parsedVersion() {
        return GoVersion.parseCanonical(version).orElseThrow();
    }

    /** The case-encoded module path, the prefix of every stored path of the module. */
    String escapedModule() {
        return GoModulePath.escape(module);
    }

    /** Where this route's file is stored (and requested upstream): the canonical encoded form. */
    String storagePath() {
        return switch (kind) {
            case LIST -> escapedModule() + "/@v/list";
            case LATEST -> escapedModule() + "/@latest";
            default -> filePath(module, version, kind);
        };
    }

    static String filePath(String module, String version, Kind kind) {
        return GoModulePath.escape(module) + "/@v/" + GoModulePath.escape(version) + kind.suffix;
    }

    String display() {
        return version == null ? module : module + "@" + version;
    }
}
