package io.artifactkeeper.format.rubygems.impl;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import io.artifactkeeper.api.format.InvalidArtifactException;

/**
 * Reads the YAML gemspec of a .gem ({@code metadata.gz}, unpacked) with SnakeYAML. Ruby writes it
 * with tags of its own ({@code !ruby/object:Gem::Specification}, {@code Gem::Version},
 * {@code Gem::Requirement}, {@code Gem::Dependency}): any tag SnakeYAML does not know is read as the
 * plain mapping, sequence or scalar under it, never as a Java object. Plain scalars stay text (only
 * null and booleans are typed) so that {@code 1.10} stays {@code "1.10"}. Size, nesting and aliases
 * are bounded; whatever is malformed or not a gemspec is an {@link InvalidArtifactException} (400).
 */
final class GemSpecYaml {
    static final int MAX_CODE_POINTS = 4 << 20;

    private GemSpecYaml() {
    }

    /** Plain scalars resolve to strings, except booleans and null. */
    private static final class TextResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }

    /** Safe construction; unknown (Ruby) tags give the plain value under them. */
    private static final class RubyTolerantConstructor extends SafeConstructor {
        RubyTolerantConstructor(LoaderOptions lo) {
            super(lo);
            this.yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return switch (node) {
                        case MappingNode m -> {
                            Map<Object, Object> out = new LinkedHashMap<>();
                            constructMapping2ndStep(m, out);
                            yield out;
                        }
                        case SequenceNode s -> constructSequence(s);
                        case ScalarNode s -> s.getValue();
                        default -> null;
                    };
                }
            });
        }
    }

    private static Yaml reader(int maxCodePoints) {
        LoaderOptions lo = new LoaderOptions();
        lo.setMaxAliasesForCollections(50);
        lo.setAllowRecursiveKeys(false);
        lo.setNestingDepthLimit(64);
        lo.setCodePointLimit(maxCodePoints);
        lo.setAllowDuplicateKeys(true);
        DumperOptions d = new DumperOptions();
        return new Yaml(new RubyTolerantConstructor(lo), new Representer(d), d, lo, new TextResolver());
    }

    /** The gemspec in {@code yaml}; refused with a 400 when it is not one. */
    static GemSpec read(InputStream yaml) {
        Object doc;
        try (Reader r = new InputStreamReader(yaml, StandardCharsets.UTF_8)) {
            doc = reader(MAX_CODE_POINTS).load(r);
        } catch (YAMLException | java.io.IOException e) {
            throw invalid("malformed YAML: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            // SnakeYAML's own failures on hostile input (a stack overflow is an Error and passes)
            throw invalid("malformed YAML: " + firstLine(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            throw invalid("the YAML nests too deeply");
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw invalid("the gemspec is not a YAML mapping");
        }
        long[] budget = {MAX_CODE_POINTS / 2L + 1024};
        count(m, 0, budget);
        return toSpec(m);
    }

    /** A small YAML mapping (checksums.yaml) read the same bounded way; not a mapping is a 400. */
    static Map<?, ?> readPlain(InputStream yaml, int maxCodePoints) {
        Object doc;
        try (Reader r = new InputStreamReader(yaml, StandardCharsets.UTF_8)) {
            doc = reader(maxCodePoints).load(r);
        } catch (YAMLException | java.io.IOException e) {
            throw invalid("malformed YAML: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            throw invalid("malformed YAML: " + firstLine(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            throw invalid("the YAML nests too deeply");
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw invalid("a YAML mapping is expected");
        }
        count(m, 0, new long[] {maxCodePoints / 2L + 1024});
        return m;
    }

    /** Aliases can make a small document into a huge graph: every value counts against a budget. */
    private static void count(Object o, int depth, long[] budget) {
        if (--budget[0] < 0 || depth > 64) {
            throw invalid("the gemspec is too large or too deeply nested");
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                count(e.getKey(), depth + 1, budget);
                count(e.getValue(), depth + 1, budget);
            }
        } else if (o instanceof List<?> l) {
            for (Object x : l) {
                count(x, depth + 1, budget);
            }
        } else if (o instanceof String s) {
            budget[0] -= s.length() / 16;
        }
    }

    private static GemSpec toSpec(Map<?, ?> m) {
        String name = text(m.get("name"));
        if (!GemNames.isName(name)) {
            throw invalid("the gemspec's name `" + printable(name) + "` is not a valid gem name");
        }
        String version = versionText(m.get("version"));
        if (!GemNames.isVersion(version)) {
            throw invalid("the gemspec's version `" + printable(version) + "` is not a valid gem version");
        }
        String platform = platformText(m.get("platform"));
        if (!GemNames.isPlatform(platform)) {
            throw invalid("the gemspec's platform `" + printable(platform) + "` is not valid");
        }
        List<GemSpec.Dependency> deps = new ArrayList<>();
        Object depList = m.get("dependencies");
        if (depList != null) {
            if (!(depList instanceof List<?> l)) {
                throw invalid("the gemspec's dependencies are not a list");
            }
            if (l.size() > 1000) {
                throw invalid("the gemspec has more than 1000 dependencies");
            }
            for (Object d : l) {
                deps.add(dependency(d));
            }
        }
        int specVersion = 4;
        String sv = text(m.get("specification_version"));
        if (sv != null) {
            try {
                specVersion = Integer.parseInt(sv.trim());
            } catch (NumberFormatException e) {
                throw invalid("the gemspec's specification_version is not a number");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (m.get("metadata") instanceof Map<?, ?> md) {
            for (Map.Entry<?, ?> e : md.entrySet()) {
                String k = text(e.getKey());
                String v = text(e.getValue());
                if (k != null && v != null) {
                    metadata.put(k, v);
                }
            }
        }
        return new GemSpec(name, version, platform, text(m.get("summary")), text(m.get("description")),
                text(m.get("homepage")), strings(m.get("authors")), strings(m.get("email")), strings(m.get("licenses")),
                metadata, List.copyOf(deps), requirement(m.get("required_ruby_version"), "required_ruby_version"),
                requirement(m.get("required_rubygems_version"), "required_rubygems_version"),
                text(m.get("rubygems_version")), date(m.get("date")), specVersion);
    }

    private static GemSpec.Dependency dependency(Object d) {
        if (!(d instanceof Map<?, ?> m)) {
            throw invalid("a dependency is not a mapping");
        }
        String name = text(m.get("name"));
        if (!GemNames.isName(name)) {
            throw invalid("a dependency's name `" + printable(name) + "` is not a valid gem name");
        }
        String type = text(m.get("type"));
        type = type == null ? "runtime" : type.startsWith(":") ? type.substring(1) : type;
        if (!type.equals("runtime") && !type.equals("development")) {
            throw invalid("dependency " + name + " has type `" + printable(type) + "`");
        }
        Object req = m.get("requirement") != null ? m.get("requirement") : m.get("version_requirements");
        return new GemSpec.Dependency(name, type, requirement(req, "the requirement of " + name));
    }

    /** A {@code Gem::Requirement}: {@code {requirements: [[op, {version: v}], ...]}}; absent is {@code >= 0}. */
    private static List<GemSpec.Req> requirement(Object o, String what) {
        if (o == null) {
            return GemSpec.ANY;
        }
        if (o instanceof String s) {
            GemSpec.Req r = GemSpec.parseReq(s);
            if (r == null) {
                throw invalid(what + " `" + printable(s) + "` is malformed");
            }
            return List.of(r);
        }
        if (!(o instanceof Map<?, ?> m) || !(m.get("requirements") instanceof List<?> l)) {
            throw invalid(what + " is not a Gem::Requirement");
        }
        if (l.size() > 100) {
            throw invalid(what + " has more than 100 parts");
        }
        List<GemSpec.Req> out = new ArrayList<>();
        for (Object p : l) {
            if (!(p instanceof List<?> pair) || pair.size() != 2) {
                throw invalid(what + " has a part that is not [operator, version]");
            }
            String op = text(pair.get(0));
            String v = versionText(pair.get(1));
            if (op == null || !GemSpec.OPERATORS.contains(op) || !GemNames.isVersion(v)) {
                throw invalid(what + " has a malformed part `" + printable(op) + " " + printable(v) + "`");
            }
            out.add(new GemSpec.Req(op, v));
        }
        return out.isEmpty() ? GemSpec.ANY : List.copyOf(out);
    }

    /** A {@code Gem::Version} ({@code {version: "1.0"}}) or a plain scalar. */
    private static String versionText(Object o) {
        if (o instanceof Map<?, ?> m) {
            return text(m.get("version"));
        }
        return text(o);
    }

    /** A platform: {@code ruby}, a string, or a {@code Gem::Platform} mapping (cpu, os, version). */
    private static String platformText(Object o) {
        if (o == null) {
            return GemNames.RUBY;
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder();
            for (String k : List.of("cpu", "os", "version")) {
                String v = text(m.get(k));
                if (v != null && !v.isEmpty()) {
                    sb.append(sb.isEmpty() ? "" : "-").append(v);
                }
            }
            return sb.isEmpty() ? GemNames.RUBY : sb.toString();
        }
        return text(o);
    }

    /** {@code 2024-01-02 00:00:00.000000000 Z} (or a date SnakeYAML typed) as {@code 2024-01-02}. */
    private static String date(Object o) {
        String s = text(o);
        if (s != null && s.length() >= 10 && s.substring(0, 10).matches("\\d{4}-\\d{2}-\\d{2}")) {
            return s.substring(0, 10);
        }
        return null;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                String s = text(x);
                if (s != null) {
                    out.add(s);
                }
            }
        } else {
            String s = text(o);
            if (s != null && !s.isEmpty()) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    private static String text(Object o) {
        if (o == null || o instanceof Map<?, ?> || o instanceof List<?>) {
            return null;
        }
        if (o instanceof byte[]) {
            return null;
        }
        return String.valueOf(o);
    }

    static String printable(String s) {
        if (s == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 100 ? sb + "..." : sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return printable(nl < 0 ? s : s.substring(0, nl));
    }

    private static InvalidArtifactException invalid(String message) {
        return new InvalidArtifactException(message);
    }
}
