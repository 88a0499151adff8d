package io.artifactkeeper.api.format;

import java.util.List;
import java.util.Objects;

/**
 * What a format declares about itself.
 *
 * @param key the format key repositories are created with ({@code "maven"})
 * @param aliases other keys that share this handler ({@code "gradle"})
 * @param mount the first path segment of its native routes, without slashes ({@code "maven"})
 * @param displayName a human name
 * @param extensions file name endings typical of the format, for display and guessing
 */
public record FormatDescriptor(String key, List<String> aliases, String mount, String displayName,
        List<String> extensions) {

    public FormatDescriptor {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mount, "mount");
        aliases = List.copyOf(aliases == null ? List.of() : aliases);
        extensions = List.copyOf(extensions == null ? List.of() : extensions);
        displayName = displayName == null ? key : displayName;
        if (mount.contains("/")) {
            throw new IllegalArgumentException("mount is one path segment: " + mount);
        }
    }

    public static FormatDescriptor of(String key, String mount, String displayName, String... aliases) {
        return new FormatDescriptor(key, List.of(aliases), mount, displayName, List.of());
    }

    /** Whether {@code formatKey} names this format, by key or alias. */
    public boolean answersTo(String formatKey) {
        return key.equals(formatKey) || aliases.contains(formatKey);
    }
}
