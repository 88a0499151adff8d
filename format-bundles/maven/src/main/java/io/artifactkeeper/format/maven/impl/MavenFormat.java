package io.artifactkeeper.format.maven.impl;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.maven.impl.MavenMetadata.InvalidMetadataException;

/**
 * Maven 2 repositories on {@code /maven/{repo}/}: the layout, {@code maven-metadata.xml} kept by
 * us, checksum files from the stored digests, immutable releases and overwritable SNAPSHOTs.
 *
 * <p>Metadata: every deploy of a file regenerates the artifact-level document (and the
 * version-level one of a SNAPSHOT) from what is stored, under a repository lock. What a client
 * uploads as {@code maven-metadata.xml} is checked (malformed: 400) and accepted, but we keep
 * serving the regenerated document, so a client with a stale view cannot drop versions; plugin
 * prefixes of group-level documents are merged in. The client's checksums of its own metadata are
 * accepted and dropped: ours are computed from the bytes we serve.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=maven")
public final class MavenFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("maven", List.of("gradle"), "maven",
            "Maven", List.of("jar", "pom", "war", "ear", "aar", "module"));
    private static final String XML = "application/xml";

    private final ProxyPolicy proxyPolicy = new MavenProxyPolicy();
    /** repository + folder -> content stamp at which the folder's metadata was last found current. */
    private final Map<String, String> freshStamps = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 20_000;
        }
    });

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return proxyPolicy;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        return switch (req.method()) {
            case "GET", "HEAD" -> get(repo, req.path());
            case "PUT" -> put(req, repo, req.path());
            case "DELETE" -> delete(repo, req.path());
            default -> RepositoryFiles.methodNotAllowed();
        };
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        Checksum c = Checksum.ofPath(path);
        if (c != null) {
            return ArtifactDescription.fromPath(path);
        }
        if (MavenPath.isMetadata(path)) {
            return metadataDescription(path);
        }
        MavenPath p = MavenPath.parse(path).orElseThrow(() -> new InvalidArtifactException(notLayout(path)));
        return description(p);
    }

    // --- GET

    private FormatResponse get(RepositoryContext repo, String path) throws IOException {
        if (path.isEmpty() || path.endsWith("/")) {
            return RepositoryFiles.listing(repo, path);
        }
        Checksum c = Checksum.ofPath(path);
        if (c != null) {
            String base = c.basePath(path);
            if (MavenPath.isMetadata(base)) {
                return metadata(repo, base).map(d -> RepositoryFiles.checksumText(d.checksum(c)))
                        .orElseGet(FormatResponse::notFound);
            }
            Optional<StoredAsset> a = repo.get(base);
            return a.isPresent() ? RepositoryFiles.checksum(c, a) : RepositoryFiles.missing(repo, path);
        }
        if (MavenPath.isMetadata(path)) {
            return metadata(repo, path).map(Doc::response).orElseGet(FormatResponse::notFound);
        }
        Optional<StoredAsset> a = repo.get(path);
        return a.isPresent() ? FormatResponse.asset(a.get()) : RepositoryFiles.missing(repo, path);
    }

    /** A metadata document to serve: a stored one, or merged bytes (virtual). */
    private record Doc(StoredAsset asset, byte[] bytes) {
        FormatResponse response() {
            return asset != null ? FormatResponse.asset(asset).contentType(XML) : FormatResponse.ok(XML, bytes);
        }

        String checksum(Checksum c) {
            return asset != null ? c.of(asset) : c.of(bytes);
        }
    }

    private Optional<Doc> metadata(RepositoryContext repo, String path) throws IOException {
        if (repo.type() == RepositoryType.VIRTUAL) {
            return mergedMetadata(repo, path);
        }
        if (repo.type().hosted()) {
            return hostedMetadata(repo, path).map(a -> new Doc(a, null));
        }
        return repo.get(path).map(a -> new Doc(a, null));
    }

    /** Virtual: the members' documents merged (one member's is served as it is). */
    private Optional<Doc> mergedMetadata(RepositoryContext repo, String path) throws IOException {
        List<StoredAsset> found = new ArrayList<>();
        List<MavenMetadata> docs = new ArrayList<>();
        for (RepositoryContext m : repo.members()) {
            Optional<Doc> d;
            try {
                d = metadata(m, path);
            } catch (FormatException e) {
                if (e.status() >= 500) {
                    continue; // one member's broken upstream must not hide the others
                }
                throw e;
            }
            if (d.isEmpty()) {
                continue;
            }
            byte[] bytes = d.get().asset() != null ? readAll(d.get().asset()) : d.get().bytes();
            try {
                docs.add(MavenMetadata.parse(bytes));
                if (d.get().asset() != null) {
                    found.add(d.get().asset());
                }
            } catch (InvalidMetadataException e) {
                // a member (e.g. a remote's upstream) serving garbage is left out of the merge
            }
        }
        if (docs.isEmpty()) {
            return Optional.empty();
        }
        if (docs.size() == 1 && found.size() == 1) {
            return Optional.of(new Doc(found.get(0), null));
        }
        return Optional.of(new Doc(null, MavenMetadata.merge(docs).toXml()));
    }

    private static byte[] readAll(StoredAsset a) throws IOException {
        try (var in = a.open()) {
            return RepositoryFiles.readLimited(in, RepositoryFiles.MAX_DESCRIPTOR_BYTES);
        }
    }

    /**
     * Hosted: the stored document, rebuilt first when a file of its folder is newer than it (files
     * that arrived through the artifacts API, which does not pass through {@link #put}).
     */
    private Optional<StoredAsset> hostedMetadata(RepositoryContext repo, String path) throws IOException {
        Optional<StoredAsset> stored = repo.get(path);
        Optional<Target> t = Target.of(path);
        if (t.isEmpty()) {
            return stored;
        }
        // the folder is unchanged since it was last found in step with its document: serve that
        String checkedKey = repo.key() + '\0' + t.get().folder();
        String stamp = repo.contentStamp(t.get().folder());
        if (stored.isPresent() && stamp.equals(freshStamps.get(checkedKey))) {
            return stored;
        }
        Instant newest = null;
        for (StoredAsset a : repo.list(t.get().folder())) {
            if (!MavenPath.isMetadata(a.path()) && (newest == null || a.updatedAt().isAfter(newest))) {
                newest = a.updatedAt();
            }
        }
        if (newest != null && (stored.isEmpty() || newest.isAfter(stored.get().updatedAt()))) {
            regenerate(repo, t.get().groupId(), t.get().artifactId(), t.get().snapshotVersion());
            return repo.get(path); // the regenerated document changed the stamp: checked again next time
        }
        // the stamp was taken before the listing, so a file stored meanwhile changes it
        freshStamps.put(checkedKey, stamp);
        return stored;
    }

    /** The artifact (and SNAPSHOT version) a metadata path belongs to. */
    private record Target(String groupId, String artifactId, String snapshotVersion) {
        String folder() {
            String f = groupId.replace('.', '/') + "/" + artifactId + "/";
            return snapshotVersion == null ? f : f + snapshotVersion + "/";
        }

        static Optional<Target> of(String metadataPath) {
            String[] s = metadataPath.split("/");
            int n = s.length;
            if (n >= 4 && MavenPath.isSnapshot(s[n - 2])) {
                return Optional.of(new Target(String.join(".", Arrays.copyOfRange(s, 0, n - 3)), s[n - 3], s[n - 2]));
            }
            if (n >= 3) {
                return Optional.of(new Target(String.join(".", Arrays.copyOfRange(s, 0, n - 2)), s[n - 2], null));
            }
            return Optional.empty();
        }
    }

    // --- PUT

    private FormatResponse put(FormatRequest req, RepositoryContext repo, String path) throws IOException {
        RepositoryFiles.requireHosted(repo);
        if (path.isEmpty() || path.endsWith("/")) {
            throw FormatException.badRequest("a file path is required");
        }
        Checksum c = Checksum.ofPath(path);
        if (c != null && MavenPath.isMetadata(c.basePath(path))) {
            // the client's checksum of the client's own metadata: we serve ours, with its own checksums
            if (c.parseUpload(RepositoryFiles.readLimited(req.body(), 1024)) == null) {
                throw FormatException.badRequest(path + " is not a " + c.name() + " checksum");
            }
            return RepositoryFiles.created(repo, path);
        }
        if (c != null) {
            return RepositoryFiles.verifyChecksumUpload(repo, c, path, req.body());
        }
        if (MavenPath.isMetadata(path)) {
            return putMetadata(repo, path, RepositoryFiles.readLimited(req.body(), RepositoryFiles.MAX_DESCRIPTOR_BYTES));
        }
        MavenPath p = MavenPath.parse(path).orElseThrow(() -> FormatException.badRequest(notLayout(path)));
        PutOptions opts = RepositoryFiles.putOptions(req, RepositoryFiles.overwrite(repo, p.snapshot()))
                .withDescription(description(p));
        StoredAsset stored;
        if (p.isPom()) {
            byte[] pom = RepositoryFiles.readLimited(req.body(), RepositoryFiles.MAX_DESCRIPTOR_BYTES);
            try {
                MavenPom.check(pom, p);
            } catch (InvalidMetadataException e) {
                throw new InvalidArtifactException("invalid POM " + path + ": " + e.getMessage());
            }
            stored = repo.putBytes(path, pom, opts);
        } else {
            stored = repo.put(path, req.body(), opts);
        }
        regenerate(repo, p.groupId(), p.artifactId(), p.snapshot() ? p.version() : null);
        return RepositoryFiles.created(repo, stored.path());
    }

    private FormatResponse putMetadata(RepositoryContext repo, String path, byte[] bytes) throws IOException {
        MavenMetadata doc;
        try {
            doc = MavenMetadata.parse(bytes);
        } catch (InvalidMetadataException e) {
            throw new InvalidArtifactException("invalid " + MavenPath.METADATA + ": " + e.getMessage());
        }
        if (!doc.plugins.isEmpty()) {
            // group level: plugin prefixes only the client knows; union with what we have
            repo.withLock("maven-metadata:" + path, () -> {
                List<MavenMetadata> docs = new ArrayList<>();
                Optional<StoredAsset> have = repo.get(path);
                if (have.isPresent()) {
                    try {
                        docs.add(MavenMetadata.parse(readAll(have.get())));
                    } catch (InvalidMetadataException e) {
                        // replaced below
                    }
                }
                docs.add(doc);
                return repo.putBytes(path, MavenMetadata.merge(docs).toXml(), PutOptions.defaults()
                        .withDescription(metadataDescription(path)));
            });
            return RepositoryFiles.created(repo, path);
        }
        Optional<Target> t = Target.of(path);
        boolean ours = t.isPresent() && regenerate(repo, t.get().groupId(), t.get().artifactId(), t.get().snapshotVersion());
        if (!ours) {
            // nothing of ours to describe this folder yet: keep the client's document until there is
            repo.putBytes(path, bytes, PutOptions.defaults().withDescription(metadataDescription(path)));
        }
        return RepositoryFiles.created(repo, path);
    }

    /**
     * Rebuilds the artifact-level document of {@code groupId:artifactId} and, for a SNAPSHOT, the
     * version-level one, from the stored files; deletes a document that describes nothing any more.
     * Returns whether the artifact has any file.
     */
    private boolean regenerate(RepositoryContext repo, String groupId, String artifactId, String snapshotVersion)
            throws IOException {
        String folder = groupId.replace('.', '/') + "/" + artifactId + "/";
        return repo.withLock("maven-metadata:" + folder, () -> {
            List<MavenMetadataBuilder.Entry> entries = new ArrayList<>();
            for (StoredAsset a : repo.list(folder)) {
                if (!MavenPath.isMetadata(a.path())) {
                    entries.add(new MavenMetadataBuilder.Entry(a.path(), a.updatedAt()));
                }
            }
            Instant now = Instant.now();
            Optional<MavenMetadata> art = MavenMetadataBuilder.artifactLevel(groupId, artifactId, entries, now);
            store(repo, folder + MavenPath.METADATA, art, groupId, artifactId, null);
            if (snapshotVersion != null) {
                store(repo, folder + snapshotVersion + "/" + MavenPath.METADATA,
                        MavenMetadataBuilder.versionLevel(groupId, artifactId, snapshotVersion, entries, now), groupId,
                        artifactId, snapshotVersion);
            }
            return art.isPresent();
        });
    }

    private static void store(RepositoryContext repo, String path, Optional<MavenMetadata> doc, String groupId,
            String artifactId, String version) throws IOException {
        if (doc.isPresent()) {
            repo.putBytes(path, doc.get().toXml(), PutOptions.defaults().withDescription(groupId + ":" + artifactId,
                    version, XML, Map.of("group_id", groupId, "artifact_id", artifactId, "maven_kind", "metadata")));
        } else {
            repo.delete(path);
        }
    }

    // --- DELETE

    private FormatResponse delete(RepositoryContext repo, String path) throws IOException {
        RepositoryFiles.requireHosted(repo);
        Checksum c = Checksum.ofPath(path);
        if (c != null && !path.endsWith("/")) {
            // derived from the stored digest: nothing of its own to delete
            return repo.get(c.basePath(path)).isPresent() ? FormatResponse.status(204) : FormatResponse.notFound();
        }
        List<String> gone = new ArrayList<>();
        if (path.isEmpty() || path.endsWith("/")) {
            for (StoredAsset a : repo.list(path)) {
                if (repo.delete(a.path())) {
                    gone.add(a.path());
                }
            }
        } else if (repo.delete(path)) {
            gone.add(path);
        }
        if (gone.isEmpty()) {
            return FormatResponse.notFound();
        }
        Set<Target> touched = new LinkedHashSet<>();
        for (String g : gone) {
            MavenPath.parse(g).ifPresent(p -> touched.add(new Target(p.groupId(), p.artifactId(),
                    p.snapshot() ? p.version() : null)));
        }
        for (Target t : touched) {
            regenerate(repo, t.groupId(), t.artifactId(), t.snapshotVersion());
        }
        return FormatResponse.status(204);
    }

    // --- descriptions

    static ArtifactDescription description(MavenPath p) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("group_id", p.groupId());
        attrs.put("artifact_id", p.artifactId());
        attrs.put("base_version", p.version());
        attrs.put("file_version", p.fileVersion());
        attrs.put("extension", p.extension());
        if (p.classifier() != null) {
            attrs.put("classifier", p.classifier());
        }
        if (p.timestamped()) {
            attrs.put("snapshot_timestamp", p.timestamp());
            attrs.put("snapshot_build_number", p.buildNumber());
        }
        return new ArtifactDescription(p.name(), p.version(), null, attrs);
    }

    private static ArtifactDescription metadataDescription(String path) {
        Optional<Target> t = Target.of(path);
        return t.map(x -> new ArtifactDescription(x.groupId() + ":" + x.artifactId(), x.snapshotVersion(), XML,
                Map.of("maven_kind", "metadata"))).orElseGet(() -> new ArtifactDescription(MavenPath.METADATA, null, XML,
                        Map.of("maven_kind", "metadata")));
    }

    private static String notLayout(String path) {
        return "not a Maven 2 repository path: " + path
                + " (expected group/path/artifactId/version/artifactId-version[-classifier].extension)";
    }
}
