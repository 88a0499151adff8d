package io.artifactkeeper.db.impl;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One SQL migration script: its file name (which carries Flyway's version and description,
 * {@code V3__add_index.sql}), where it comes from (for messages), and how to read it.
 */
public record MigrationScript(String name, String location, Content content) {

    /** Opens the script's text; called each time Flyway reads it (checksum, then execution). */
    @FunctionalInterface
    public interface Content {
        Reader open() throws IOException;
    }

    public MigrationScript {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(content, "content");
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("a script name is a file name: " + name);
        }
    }

    /** A script held in memory. */
    public static MigrationScript of(String name, String sql) {
        return new MigrationScript(name, "memory:" + name, () -> new StringReader(sql));
    }

    /** A script read (as UTF-8) from a URL, e.g. a bundle entry. */
    public static MigrationScript of(URL url) {
        String path = url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return new MigrationScript(name, url.toExternalForm(),
                () -> new InputStreamReader(url.openStream(), StandardCharsets.UTF_8));
    }
}
