package io.artifactkeeper.format.pub.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A {@code pubspec.yaml} read with SnakeYAML's safe constructor into JSON-compatible values (maps
 * with string keys, lists, strings, booleans, integers, decimals, null), as pub.dev turns a pubspec
 * into the JSON of its API. Scalars resolve as YAML 1.2's core schema does (Dart's {@code yaml}
 * package): only {@code true}/{@code false} are booleans, dates stay text. Size, nesting, aliases
 * and their expansion are bounded; duplicate keys are refused, as pub refuses them.
 */
final class PubYaml {
    /** Largest pubspec.yaml read. */
    static final int MAX_BYTES = 128 * 1024;

    /** The YAML is malformed or not a mapping. */
    static final class YamlException extends IOException {
        private static final long serialVersionUID = 1L;

        YamlException(String message) {
            super(message);
        }
    }

    private PubYaml() {
    }

    /** YAML 1.2 core schema scalars. */
    private static final class CoreSchema extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
            addImplicitResolver(Tag.INT, Pattern.compile("^[-+]?[0-9]+$"), "-+0123456789");
            addImplicitResolver(Tag.FLOAT, Pattern.compile("^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
                    "-+.0123456789");
            addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL| )$"), "~nN\0");
            addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
        }
    }

    private static Yaml reader() {
        LoaderOptions lo = new LoaderOptions();
        lo.setMaxAliasesForCollections(50);
        lo.setAllowRecursiveKeys(false);
        lo.setNestingDepthLimit(64);
        lo.setCodePointLimit(MAX_BYTES);
        lo.setAllowDuplicateKeys(false);
        DumperOptions d = new DumperOptions();
        return new Yaml(new SafeConstructor(lo), new Representer(d), d, lo, new CoreSchema());
    }

    /** A pubspec as a JSON-compatible mapping. */
    static Map<String, Object> readMap(byte[] yaml) throws YamlException {
        if (yaml.length > MAX_BYTES) {
            throw new YamlException("pubspec.yaml is larger than " + MAX_BYTES + " bytes");
        }
        try (Reader r = new InputStreamReader(new ByteArrayInputStream(yaml), StandardCharsets.UTF_8)) {
            Object doc = reader().load(r);
            // aliases may repeat a node many times: what the document expands to is bounded by its size
            long[] budget = {MAX_BYTES / 2L + 1024, 2L * MAX_BYTES + 1024};
            if (!(normalize(doc, 0, budget) instanceof Map<?, ?> m)) {
                throw new YamlException("pubspec.yaml is not a YAML mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) m;
            return out;
        } catch (YamlException e) {
            throw e;
        } catch (YAMLException | IllegalStateException | IllegalArgumentException | ClassCastException e) {
            throw new YamlException("malformed pubspec.yaml: " + firstLine(e.getMessage()));
        } catch (IOException e) {
            throw new YamlException("unreadable pubspec.yaml: " + e.getMessage());
        } catch (StackOverflowError e) {
            // a mapping used as its own key: SnakeYAML hashes it endlessly while building it
            throw new YamlException("malformed pubspec.yaml: a key refers to itself");
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
            throw new IllegalStateException("nested deeper than 64 levels");
        }
        if (--budget[0] < 0) {
            throw new IllegalStateException("its aliases expand it beyond its size");
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                if ((budget[1] -= k.length()) < 0) {
                    throw new IllegalStateException("its aliases expand it beyond its size");
                }
                if (out.put(k, normalize(e.getValue(), depth + 1, budget)) != null) {
                    throw new IllegalStateException("duplicate key " + k);
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
        if (o instanceof String s) {
            if ((budget[1] -= s.length()) < 0) {
                throw new IllegalStateException("its aliases expand it beyond its size");
            }
            return s;
        }
        if (o == null || o instanceof Boolean || o instanceof Integer || o instanceof Long) {
            return o;
        }
        if (o instanceof java.math.BigInteger b) {
            // JSON numbers of this size lose precision in most readers: kept as text
            return b.toString();
        }
        if (o instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? String.valueOf(d) : d;
        }
        // !!binary, !!timestamp, sets: their text (JSON has none of them)
        return String.valueOf(o);
    }
}
