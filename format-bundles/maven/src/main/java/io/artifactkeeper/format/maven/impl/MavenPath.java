package io.artifactkeeper.format.maven.impl;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of the Maven 2 repository layout: {@code g/r/o/u/p/artifactId/version/artifactId-version[-classifier].ext}.
 * In a {@code -SNAPSHOT} version folder the file version is either the literal {@code 1.0-SNAPSHOT}
 * or a timestamped one, {@code 1.0-20250101.120000-3}.
 *
 * @param groupId dotted group id
 * @param artifactId artifact id
 * @param version the version folder ({@code 1.0-SNAPSHOT} for any snapshot file)
 * @param fileVersion the version in the file name ({@code 1.0-20250101.120000-3})
 * @param classifier classifier, or null
 * @param extension extension, possibly compound ({@code tar.gz}, {@code jar.asc})
 * @param timestamp snapshot timestamp {@code yyyyMMdd.HHmmss}, or null
 * @param buildNumber snapshot build number, or 0
 */
public record MavenPath(String groupId, String artifactId, String version, String fileVersion, String classifier,
        String extension, String timestamp, int buildNumber) {

    public static final String METADATA = "maven-metadata.xml";
    private static final Pattern TIMESTAMPED = Pattern.compile("(\\d{8}\\.\\d{6})-(\\d+)");

    public boolean snapshot() {
        return isSnapshot(version);
    }

    public boolean timestamped() {
        return timestamp != null;
    }

    /** {@code groupId:artifactId}. */
    public String name() {
        return groupId + ":" + artifactId;
    }

    /** The artifact folder, {@code g/r/o/u/p/artifactId/}. */
    public String artifactFolder() {
        return groupId.replace('.', '/') + "/" + artifactId + "/";
    }

    /** Whether this file is the POM of its version. */
    public boolean isPom() {
        return "pom".equals(extension) && classifier == null;
    }

    public static boolean isSnapshot(String version) {
        return version.endsWith("-SNAPSHOT") || version.equals("SNAPSHOT");
    }

    /** Whether the last segment of {@code path} is {@code maven-metadata.xml}. */
    public static boolean isMetadata(String path) {
        return path.equals(METADATA) || path.endsWith("/" + METADATA);
    }

    /** Parses an artifact path; empty when it does not follow the layout. */
    public static Optional<MavenPath> parse(String path) {
        if (path.endsWith("/")) {
            return Optional.empty(); // a folder (the core keeps the trailing slash), not a file
        }
        String[] segs = path.split("/");
        int n = segs.length;
        if (n < 4) {
            return Optional.empty();
        }
        for (String s : segs) {
            // "g//a/1.0/a-1.0.jar" would give an empty groupId part (or artifactId, or version)
            if (s.isEmpty()) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < n - 3; i++) {
            // a groupId's folders are its dot-separated parts: a folder with a dot is not a group folder
            // ("a.b/x/1.0/x-1.0.jar" would name group "a.b", whose folder is "a/b")
            if (segs[i].indexOf('.') >= 0) {
                return Optional.empty();
            }
        }
        String file = segs[n - 1];
        String version = segs[n - 2];
        String artifactId = segs[n - 3];
        String groupId = String.join(".", Arrays.copyOfRange(segs, 0, n - 3));
        if (file.equals(METADATA) || !file.startsWith(artifactId + "-")) {
            return Optional.empty();
        }
        String rest = file.substring(artifactId.length() + 1);
        String fileVersion;
        String timestamp = null;
        int build = 0;
        if (rest.startsWith(version) && (rest.length() == version.length() || rest.charAt(version.length()) == '.'
                || rest.charAt(version.length()) == '-')) {
            fileVersion = version;
        } else if (isSnapshot(version)) {
            String base = version.substring(0, version.length() - "SNAPSHOT".length());
            if (!rest.startsWith(base)) {
                return Optional.empty();
            }
            Matcher m = TIMESTAMPED.matcher(rest.substring(base.length()));
            if (!m.lookingAt()) {
                return Optional.empty();
            }
            timestamp = m.group(1);
            try {
                build = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            fileVersion = base + m.group();
        } else {
            return Optional.empty();
        }
        String tail = rest.substring(fileVersion.length());
        String classifier = null;
        String ext;
        if (tail.startsWith("-")) {
            int dot = tail.indexOf('.');
            if (dot < 2 || dot == tail.length() - 1) {
                return Optional.empty();
            }
            classifier = tail.substring(1, dot);
            ext = tail.substring(dot + 1);
        } else if (tail.startsWith(".") && tail.length() > 1) {
            ext = tail.substring(1);
        } else {
            return Optional.empty();
        }
        return Optional.of(new MavenPath(groupId, artifactId, version, fileVersion, classifier, ext, timestamp, build));
    }
}
