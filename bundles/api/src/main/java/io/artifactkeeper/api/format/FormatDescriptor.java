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
 * @param mountAliases other first path segments the same routes answer under ({@code "generic"} beside
 *     {@code "general"}), for clients written against another spelling (since 2.0)
 */
public record FormatDescriptor(String key, List<String> aliases, String mount, String displayName,
        List<String> extensions, List<String> mountAliases) {

    public FormatDescriptor {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mount, "mount");
        aliases = List.copyOf(aliases == null ? List.of() : aliases);
        extensions = List.copyOf(extensions == null ? List.of() : extensions);
        mountAliases = List.copyOf(mountAliases == null ? List.of() : mountAliases);
        displayName = displayName == null ? key : displayName;
        if (mount.contains("/")) {
            throw new IllegalArgumentException("mount is one path segment: " + mount);
        }
        for (String m : mountAliases) {
            if (m.isEmpty() || m.contains("/")) {
                throw new IllegalArgumentException("a mount alias is one path segment: " + m);
            }
        }
    }

    public FormatDescriptor(String key, List<String> aliases, String mount, String displayName, List<String> extensions) {
        this(key, aliases, mount, displayName, extensions, List.of());
    }

    /**
     * The same descriptor answering under further mounts too.
     *
     * @since 2.0
     */
    public FormatDescriptor withMountAliases(String... mounts) {
        return new FormatDescriptor(key, aliases, mount, displayName, extensions, List.of(mounts));
    }

    public static FormatDescriptor of(String key, String mount, String displayName, String... aliases) {
        return new FormatDescriptor(key, List.of(aliases), mount, displayName, List.of());
    }

    /** Whether {@code formatKey} names this format, by key or alias. */
    public boolean answersTo(String formatKey) {
        return key.equals(formatKey) || aliases.contains(formatKey);
    }
}
