package io.artifactkeeper.format.helm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * YAML in and out. Reading keeps every plain scalar as the text it was written as (only booleans
 * and null are typed), so that versions like {@code 1.10} stay {@code "1.10"}; aliases, nesting and
 * size are bounded. Writing quotes whatever a YAML 1.1 reader would otherwise turn into a number,
 * boolean, null or date, which is what Helm's reader needs.
 */
final class HelmYaml {

    /** The YAML is not well-formed or not the expected shape. */
    static final class YamlException extends IOException {
        private static final long serialVersionUID = 1L;

        YamlException(String message) {
            super(message);
        }
    }

    private HelmYaml() {
    }

    /** Plain scalars resolve to strings, except booleans and null. */
    private static final class TextResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, EMPTY, null);
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.MERGE, MERGE, "<");
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
        return new Yaml(new SafeConstructor(lo), new Representer(d), d, lo, new TextResolver());
    }

    /** A YAML mapping document, with JSON-compatible values (maps with string keys, lists, strings, booleans). */
    static Map<String, Object> readMap(InputStream in, int maxCodePoints) throws YamlException {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            Object doc = reader(maxCodePoints).load(r);
            // every node costs at least a couple of characters, unless aliases repeat it: more nodes than
            // that is an alias bomb (or a cycle: "&n {a: *n, b: *n}" doubles at every level)
            // and strings count by their length: an alias of a long scalar repeated is the same bomb in text
            long[] budget = {maxCodePoints / 2L + 1024, 2L * maxCodePoints + 1024};
            if (!(normalize(doc, 0, budget) instanceof Map<?, ?> m)) {
                throw new YamlException("a YAML mapping is expected");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) m;
            return out;
        } catch (YAMLException e) {
            throw new YamlException("malformed YAML: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            // SnakeYAML's constructors throw others for some malformed scalars (e.g. a bad !!binary)
            throw new YamlException("malformed YAML: " + firstLine(e.getMessage()));
        } catch (IOException e) {
            throw new YamlException("unreadable YAML: " + e.getMessage());
        } catch (StackOverflowError e) {
            // a mapping that contains itself used as a key ("? &n {a: *n}"): SnakeYAML hashes it while it
            // builds the document, endlessly; the stack unwinds to here and nothing else holds it
            throw new YamlException("malformed YAML: a key refers to itself");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Object normalize(Object o, int depth, long[] budget) {
        if (depth > 64) {
            return null;
        }
        if (--budget[0] < 0) {
            throw new IllegalStateException("its aliases expand it beyond its size");
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey() != null) {
                    String k = String.valueOf(e.getKey());
                    if ((budget[1] -= k.length()) < 0) {
                        throw new IllegalStateException("its aliases expand it beyond its size");
                    }
                    out.put(k, normalize(e.getValue(), depth + 1, budget));
                }
            }
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(normalize(x, depth + 1, budget));
            }
            return out;
        }
        if (o instanceof String str && (budget[1] -= str.length()) < 0) {
            throw new IllegalStateException("its aliases expand it beyond its size");
        }
        if (o == null || o instanceof String || o instanceof Boolean) {
            return o;
        }
        if (o instanceof byte[]) {
            return null;
        }
        return String.valueOf(o);
    }

    /** Writes a document in block style. */
    static void write(Map<String, Object> doc, Writer out) {
        DumperOptions d = new DumperOptions();
        d.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        d.setIndent(2);
        d.setIndicatorIndent(0);
        d.setWidth(Integer.MAX_VALUE);
        d.setSplitLines(false);
        d.setAllowUnicode(true);
        d.setProcessComments(false);
        d.setDereferenceAliases(true);
        Representer rep = new Representer(d);
        new Yaml(rep, d).dump(doc, out);
    }
}
