package io.artifactkeeper.format.maven.impl;

import java.util.Optional;

/**
 * A file of the Ivy layout sbt and Ivy use with {@code Resolver.ivyStylePatterns}:
 * {@code [organisation]/[module]/(scala_[scalaVersion]/)(sbt_[sbtVersion]/)[revision]/[type]s/[artifact](-[classifier]).[ext]},
 * e.g. {@code org.example/demo/1.0/jars/demo.jar} and {@code org.example/demo/1.0/ivys/ivy.xml}.
 *
 * @param organisation organisation (dotted, one segment)
 * @param module module name
 * @param revision revision
 * @param type artifact type ({@code jar}, {@code ivy}, {@code src}, ...)
 * @param file the file name
 * @param extension what follows the last dot of the file name
 */
public record IvyPath(String organisation, String module, String revision, String type, String file, String extension) {

    public String name() {
        return organisation + ":" + module;
    }

    /** Whether this is the module descriptor ({@code ivys/ivy.xml}). */
    public boolean isIvyDescriptor() {
        return type.equals("ivy") && extension.equals("xml");
    }

    /** SNAPSHOT revisions are republished in place (sbt's convention); others are releases. */
    public boolean mutable() {
        return MavenPath.isSnapshot(revision);
    }

    public static Optional<IvyPath> parse(String path) {
        if (path.endsWith("/")) {
            return Optional.empty(); // a folder (the core keeps the trailing slash), not a file
        }
        String[] s = path.split("/");
        int n = s.length;
        if (n < 5 || n > 7) {
            return Optional.empty();
        }
        for (String seg : s) {
            // "org//1.0/jars/x.jar" would give an empty module (or organisation, or revision)
            if (seg.isEmpty()) {
                return Optional.empty();
            }
        }
        for (int i = 2; i < n - 3; i++) {
            if (!(s[i].startsWith("scala_") || s[i].startsWith("sbt_")) || s[i].indexOf('_') == s[i].length() - 1) {
                return Optional.empty();
            }
        }
        String typeDir = s[n - 2];
        String file = s[n - 1];
        int dot = file.lastIndexOf('.');
        if (typeDir.length() < 2 || !typeDir.endsWith("s") || dot <= 0 || dot == file.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new IvyPath(s[0], s[1], s[n - 3], typeDir.substring(0, typeDir.length() - 1), file,
                file.substring(dot + 1)));
    }
}
