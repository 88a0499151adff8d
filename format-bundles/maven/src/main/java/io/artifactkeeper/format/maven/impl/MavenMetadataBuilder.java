package io.artifactkeeper.format.maven.impl;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@code maven-metadata.xml} from the files a hosted repository holds, so that what we
 * serve always matches what is stored, whatever the client uploaded as metadata.
 */
public final class MavenMetadataBuilder {

    /** A stored file: its repository path and when it was written. */
    public record Entry(String path, Instant updated) {
    }

    private MavenMetadataBuilder() {
    }

    /**
     * Artifact level ({@code g/a/maven-metadata.xml}): every version folder holding at least one
     * file of the artifact, in Maven order, with latest and release. Empty when there is none.
     */
    public static Optional<MavenMetadata> artifactLevel(String groupId, String artifactId, List<Entry> entries, Instant now) {
        String folder = groupId.replace('.', '/') + "/" + artifactId + "/";
        MavenMetadata m = new MavenMetadata();
        m.groupId = groupId;
        m.artifactId = artifactId;
        for (Entry e : entries) {
            if (!e.path().startsWith(folder)) {
                continue;
            }
            String rest = e.path().substring(folder.length());
            int slash = rest.indexOf('/');
            if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
                continue;
            }
            String version = rest.substring(0, slash);
            Optional<MavenPath> p = MavenPath.parse(e.path());
            if (p.isPresent() && p.get().artifactId().equals(artifactId) && p.get().version().equals(version)
                    && !m.versions.contains(version)) {
                m.versions.add(version);
            }
        }
        if (m.versions.isEmpty()) {
            return Optional.empty();
        }
        m.recompute();
        m.lastUpdated = MavenMetadata.lastUpdated(now);
        return Optional.of(m);
    }

    /**
     * SNAPSHOT version level ({@code g/a/1.0-SNAPSHOT/maven-metadata.xml}): the newest timestamp and
     * build number, and per classifier and extension the newest file. Literal {@code -SNAPSHOT} files
     * (as sbt and Ivy publish them) count with the time they were written. Empty when the folder
     * holds no file of the artifact.
     */
    public static Optional<MavenMetadata> versionLevel(String groupId, String artifactId, String version,
            List<Entry> entries, Instant now) {
        String folder = groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/";
        MavenMetadata m = new MavenMetadata();
        m.groupId = groupId;
        m.artifactId = artifactId;
        m.version = version;
        Map<String, MavenMetadata.SnapshotVersion> newest = new LinkedHashMap<>();
        Map<String, Integer> newestBuild = new LinkedHashMap<>();
        MavenPath top = null;
        for (Entry e : entries) {
            if (!e.path().startsWith(folder) || e.path().indexOf('/', folder.length()) >= 0) {
                continue;
            }
            Optional<MavenPath> op = MavenPath.parse(e.path());
            if (op.isEmpty() || !op.get().artifactId().equals(artifactId) || !op.get().version().equals(version)) {
                continue;
            }
            MavenPath p = op.get();
            String updated = p.timestamped() ? p.timestamp().replace(".", "") : MavenMetadata.lastUpdated(e.updated());
            String key = (p.classifier() == null ? "" : p.classifier()) + ":" + p.extension();
            MavenMetadata.SnapshotVersion have = newest.get(key);
            int c = have == null ? 1 : updated.compareTo(have.updated());
            if (c > 0 || (c == 0 && p.buildNumber() > newestBuild.get(key))) {
                newest.put(key, new MavenMetadata.SnapshotVersion(p.classifier(), p.extension(), p.fileVersion(), updated));
                newestBuild.put(key, p.buildNumber());
            }
            if (p.timestamped() && (top == null || p.timestamp().compareTo(top.timestamp()) > 0
                    || (p.timestamp().equals(top.timestamp()) && p.buildNumber() > top.buildNumber()))) {
                top = p;
            }
        }
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        if (top != null) {
            m.snapshot = new MavenMetadata.Snapshot(top.timestamp(), top.buildNumber(), false);
        }
        m.snapshotVersions.addAll(newest.values());
        m.lastUpdated = MavenMetadata.lastUpdated(now);
        return Optional.of(m);
    }
}
