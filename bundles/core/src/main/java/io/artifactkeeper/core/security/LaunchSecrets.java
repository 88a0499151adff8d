package io.artifactkeeper.core.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.osgi.framework.BundleContext;

/**
 * Secrets the launcher was given (AK_ADMIN_PASSWORD, ...). They do not travel as framework
 * properties, which the Web Console shows on its status pages, but in an owner-only file that the
 * framework property {@code ak.secrets.file} names and the launcher deletes when it stops.
 */
public final class LaunchSecrets {
    public static final String FILE_PROPERTY = "ak.secrets.file";

    private LaunchSecrets() {
    }

    /** The secret variable {@code name} (e.g. {@code admin.password}), or null. */
    public static String get(BundleContext ctx, String name) {
        String f = ctx.getProperty(FILE_PROPERTY);
        if (f == null || f.isBlank() || !Files.isRegularFile(Path.of(f))) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(f), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return null;
        }
        String v = p.getProperty(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
