package io.artifactkeeper.format.rubygems.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the indexes need of a gem's specification (its {@code metadata.gz}): identity, requirements,
 * dependencies and the descriptive fields a quick gemspec carries.
 */
record GemSpec(String name, String version, String platform, String summary, String description, String homepage,
        List<String> authors, List<String> email, List<String> licenses, Map<String, String> metadata,
        List<Dependency> dependencies, List<Req> requiredRuby, List<Req> requiredRubygems, String rubygemsVersion,
        String date, int specificationVersion) {

    static final Set<String> OPERATORS = Set.of("=", "!=", ">", "<", ">=", "<=", "~>");

    /** One requirement: an operator and a version ({@code >= 1.0}). */
    record Req(String op, String version) {
        @Override
        public String toString() {
            return op + " " + version;
        }
    }

    /** A dependency of type {@code runtime} or {@code development}. */
    record Dependency(String name, String type, List<Req> requirement) {
        boolean runtime() {
            return !"development".equals(type);
        }

        /** {@code >= 1.0, < 2} as RubyGems prints a requirement. */
        String requirementText() {
            return joined(requirement, ", ");
        }
    }

    static final List<Req> ANY = List.of(new Req(">=", "0"));

    String fullName() {
        return GemNames.fullName(name, version, platform);
    }

    boolean prerelease() {
        return GemNames.isPrerelease(version);
    }

    List<Dependency> runtimeDependencies() {
        List<Dependency> out = new ArrayList<>();
        for (Dependency d : dependencies) {
            if (d.runtime()) {
                out.add(d);
            }
        }
        return out;
    }

    static String joined(List<Req> reqs, String sep) {
        StringBuilder sb = new StringBuilder();
        for (Req r : reqs) {
            if (!sb.isEmpty()) {
                sb.append(sep);
            }
            sb.append(r);
        }
        return sb.toString();
    }

    /** Parses {@code ">= 1.0"}, {@code "1.0"} (meaning {@code = 1.0}) into a requirement; null when malformed. */
    static Req parseReq(String s) {
        String t = s.trim();
        String op = "=";
        for (String o : List.of(">=", "<=", "!=", "~>", ">", "<", "=")) {
            if (t.startsWith(o)) {
                op = o;
                t = t.substring(o.length()).trim();
                break;
            }
        }
        return GemNames.isVersion(t) ? new Req(op, t) : null;
    }

    /** The attributes a stored .gem keeps for the indexes (JSON-compatible values). */
    Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("gem_kind", "gem");
        a.put("gem_platform", platform);
        List<Object> deps = new ArrayList<>();
        for (Dependency d : runtimeDependencies()) {
            deps.add(List.of(d.name(), joined(d.requirement(), "&")));
        }
        a.put("gem_dependencies", deps);
        a.put("gem_ruby", joined(requiredRuby, "&"));
        a.put("gem_rubygems", joined(requiredRubygems, "&"));
        if (summary != null) {
            a.put("summary", cut(summary));
        }
        if (homepage != null) {
            a.put("homepage", cut(homepage));
        }
        if (!licenses.isEmpty()) {
            a.put("licenses", licenses);
        }
        if (!authors.isEmpty()) {
            a.put("authors", authors);
        }
        return a;
    }

    private static String cut(String s) {
        return s.length() > 4096 ? s.substring(0, 4096) : s;
    }
}
