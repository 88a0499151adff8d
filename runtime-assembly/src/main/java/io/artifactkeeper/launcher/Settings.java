package io.artifactkeeper.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher's variables. Each feature declares variables with defaults ({@code http.port});
 * {@code etc/artifact-keeper.properties} overrides them, and the environment overrides both under
 * the name {@code AK_} + the variable upper-cased with dots and dashes as underscores
 * ({@code AK_HTTP_PORT}).
 */
final class Settings {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::([^}]*))?}");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origin = new LinkedHashMap<>();

    static String envName(String variable) {
        return "AK_" + variable.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Whether a variable holds a secret (a password, or a database URL that may carry one): such
     * variables never become framework properties, which the Web Console shows.
     */
    static boolean isSecret(String variable) {
        String v = variable.toLowerCase(Locale.ROOT);
        return v.contains("password") || v.contains("secret") || v.equals("database.url");
    }

    static Settings load(List<Feature> features, Path etc, Map<String, String> env) throws IOException {
        Settings s = new Settings();
        for (Feature f : features) {
            f.variables().forEach((k, v) -> s.set(k, v, "feature " + f.id()));
        }
        Path props = etc.resolve("artifact-keeper.properties");
        if (Files.isRegularFile(props)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(props)) {
                p.load(r);
            }
            for (String k : p.stringPropertyNames()) {
                s.set(k, p.getProperty(k), props.toString());
            }
        }
        for (String k : List.copyOf(s.values.keySet())) {
            String e = env.get(envName(k));
            if (e != null) {
                s.set(k, e, "environment " + envName(k));
            }
        }
        return s;
    }

    private void set(String k, String v, String from) {
        values.put(k, v);
        origin.put(k, from);
    }

    String get(String name) {
        return values.get(name);
    }

    Map<String, String> all() {
        return values;
    }

    String origin(String name) {
        return origin.get(name);
    }

    /** Replaces ${name} and ${name:default} in {@code text}. Unknown names without default: empty. */
    String resolve(String text) {
        if (text == null || text.indexOf("${") < 0) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                v = m.group(2) == null ? "" : m.group(2);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Resolves variables in a configuration value; whole-value references to numbers/booleans keep their type. */
    Object resolveValue(Object value) {
        if (value instanceof String s) {
            return resolve(s);
        }
        if (value instanceof List<?> l) {
            return l.stream().map(this::resolveValue).toList();
        }
        return value;
    }
}
