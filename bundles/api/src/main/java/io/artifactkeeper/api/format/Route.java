package io.artifactkeeper.api.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One native route of a format, as data: the methods it answers, a path template below
 * {@code /{mount}/{repo_key}/}, the permission it needs, and the kind of asset it serves. The core
 * matches a request against a format's routes once, checks the permission and the repository type,
 * and hands the {@link RouteMatch} to the format.
 *
 * <p>Template syntax (segments separated by {@code /}):
 * <ul>
 * <li>literal text matches itself;</li>
 * <li>{@code {name}} matches within one segment (no {@code /}), at least one character;</li>
 * <li>{@code {name:regex}} matches what the regular expression matches (quantifiers such as
 * {@code {64}} allowed; write {@code /} in it
 * only where a variable may span segments);</li>
 * <li>{@code {name+}} matches one or more whole segments, {@code /} included (an npm scoped name, a
 * Maven group path, an OCI repository name); at most one per template.</li>
 * </ul>
 * Literal text and variables mix in a segment ({@code {module+}/@v/{version}.info}). The empty
 * template matches the repository root. Variable names are letters and digits.
 *
 * <p>Writes ({@link Access#WRITE}, {@link Access#DELETE}) are for hosted repositories: the core
 * answers 405 on a remote and 400 on a virtual repository before the format is called, unless the
 * route is declared {@link #anyRepositoryType()} (a protocol call that writes nothing here, such as
 * a login or an audit that a remote forwards).
 *
 * @since 2.0
 */
public final class Route {
    private static final Pattern VAR = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)(\\+|:((?:[^{}]|\\{[0-9,]*\\})+))?\\}");

    private final String name;
    private final Set<String> methods;
    private final String template;
    private final Access access;
    private final AssetKind kind;
    private final boolean anyType;
    private final Pattern pattern;
    private final List<String> variables;

    private Route(String name, Set<String> methods, String template, Access access, AssetKind kind, boolean anyType) {
        this.name = Objects.requireNonNull(name, "name");
        this.methods = Set.copyOf(methods);
        this.template = Objects.requireNonNull(template, "template");
        this.access = Objects.requireNonNull(access, "access");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.anyType = anyType;
        if (this.methods.isEmpty()) {
            throw new IllegalArgumentException("route " + name + " answers no method");
        }
        if (template.startsWith("/")) {
            throw new IllegalArgumentException("route " + name + ": a template has no leading slash: " + template);
        }
        List<String> vars = new ArrayList<>();
        StringBuilder re = new StringBuilder();
        Matcher m = VAR.matcher(template);
        int at = 0;
        int multi = 0;
        while (m.find()) {
            re.append(Pattern.quote(template.substring(at, m.start())));
            String v = m.group(1);
            if (vars.contains(v)) {
                throw new IllegalArgumentException("route " + name + ": variable {" + v + "} appears twice");
            }
            vars.add(v);
            if ("+".equals(m.group(2))) {
                multi++;
                re.append("(?<").append(v).append(">[^/]+(?:/[^/]+)*)");
            } else if (m.group(3) != null) {
                re.append("(?<").append(v).append(">").append(m.group(3)).append(")");
            } else {
                re.append("(?<").append(v).append(">[^/]+)");
            }
            at = m.end();
        }
        if (template.indexOf('{', at) >= 0 || template.indexOf('}', at) >= 0) {
            throw new IllegalArgumentException("route " + name + ": malformed variable in " + template);
        }
        re.append(Pattern.quote(template.substring(at)));
        if (multi > 1) {
            throw new IllegalArgumentException("route " + name + ": at most one {name+} variable: " + template);
        }
        this.pattern = Pattern.compile(re.toString());
        this.variables = List.copyOf(vars);
    }

    /**
     * A route answering {@code methods} (space- or comma-separated, e.g. {@code "GET HEAD"}) at
     * {@code template}, needing {@code access}; it serves content ({@link AssetKind#CONTENT}).
     */
    public static Route of(String name, String methods, String template, Access access) {
        Set<String> ms = new LinkedHashSet<>();
        for (String m : methods.split("[ ,]+")) {
            if (!m.isBlank()) {
                ms.add(m.trim().toUpperCase(Locale.ROOT));
            }
        }
        return new Route(name, ms, template, access, AssetKind.CONTENT, false);
    }

    /** GET and HEAD, read access. */
    public static Route read(String name, String template) {
        return of(name, "GET HEAD", template, Access.READ);
    }

    /** The same route serving {@code kind} (metadata is refreshed from upstream after a TTL). */
    public Route kind(AssetKind kind) {
        return new Route(name, methods, template, access, kind, anyType);
    }

    /** The same route serving metadata. */
    public Route metadata() {
        return kind(AssetKind.METADATA);
    }

    /**
     * The same route, allowed on every repository type even though it needs write or delete access:
     * the format declares that it stores nothing through it (or stores in a hosted member itself).
     */
    public Route anyRepositoryType() {
        return new Route(name, methods, template, access, kind, true);
    }

    public String name() {
        return name;
    }

    public Set<String> methods() {
        return methods;
    }

    public String template() {
        return template;
    }

    public Access access() {
        return access;
    }

    public AssetKind assetKind() {
        return kind;
    }

    /** Whether the core lets this route reach remote and virtual repositories although it writes. */
    public boolean allowedOnAnyRepositoryType() {
        return anyType || access == Access.READ || access == Access.NONE;
    }

    /** The variables of the template, in order. */
    public List<String> variables() {
        return variables;
    }

    /** The variables' values when {@code path} matches the template (method not considered). */
    public Optional<Map<String, String>> matchPath(String path) {
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String v : variables) {
            params.put(v, m.group(v));
        }
        return Optional.of(params);
    }

    @Override
    public String toString() {
        return name + " " + String.join(",", methods) + " " + template;
    }
}
