package io.artifactkeeper.format.maven.impl;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * Ivy-layout repositories on {@code /ivy/{repo}/} for sbt ({@code Resolver.ivyStylePatterns}) and
 * Apache Ivy: files at {@code org/module/revision/types/artifact(-classifier).ext}, checksum files
 * from the stored digests, folder listings (Ivy and coursier list folders to resolve dynamic
 * revisions), immutable releases and overwritable SNAPSHOT revisions.
 */
@Component
public final class IvyFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("sbt", List.of(), "ivy", "sbt / Ivy",
            List.of("jar", "xml"));
    private static final List<Route> ROUTES = RepositoryFiles.routes(List.of(), List.of());

    /** A SNAPSHOT revision's files (and their checksums) change upstream: metadata; the rest is kept. */
    private final ProxyPolicy proxyPolicy = new ProxyPolicy() {
        @Override
        public AssetKind kindOf(String path) {
            Checksum c = Checksum.ofPath(path);
            Optional<IvyPath> p = IvyPath.parse(c == null ? path : c.basePath(path));
            return p.isPresent() && p.get().mutable() ? AssetKind.METADATA : AssetKind.CONTENT;
        }
    };

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<Route> routes() {
        return ROUTES;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return proxyPolicy;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case "folder" -> RepositoryFiles.listing(repo, m.param("folder"), paths -> Set.of());
            case "checksum" -> checksum(repo, RepositoryFiles.checksum(m), m.param("file"), req.path());
            case "putChecksum" -> RepositoryFiles.verifyChecksumUpload(repo, RepositoryFiles.checksum(m), req.path(), req.body());
            case "deploy" -> deploy(req, repo, req.path());
            default -> RepositoryFiles.common(m, req, repo);
        };
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        if (Checksum.ofPath(path) != null) {
            return ArtifactDescription.fromPath(path);
        }
        return description(IvyPath.parse(path).orElseThrow(() -> new InvalidArtifactException(notLayout(path))));
    }

    /** The checksum of a stored file; a file that merely ends like a checksum is served as it is. */
    private static FormatResponse checksum(RepositoryContext repo, Checksum c, String base, String path) throws IOException {
        Optional<StoredAsset> a = repo.get(base);
        return a.isPresent() ? RepositoryFiles.checksum(c, a) : RepositoryFiles.file(repo, path);
    }

    private static FormatResponse deploy(FormatRequest req, RepositoryContext repo, String path) throws IOException {
        IvyPath p = IvyPath.parse(path).orElseThrow(() -> FormatException.badRequest(notLayout(path)));
        return RepositoryFiles.deploy(req, repo, p.mutable(), description(p),
                p.isIvyDescriptor() ? xml -> IvyDescriptor.check(xml, p) : null);
    }

    private static ArtifactDescription description(IvyPath p) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("organisation", p.organisation());
        attrs.put("module", p.module());
        attrs.put("revision", p.revision());
        attrs.put("type", p.type()); // declared reason: an Ivy artifact's type (its [type]s folder), not a repository type
        attrs.put("extension", p.extension());
        return new ArtifactDescription(p.name(), p.revision(), p.isIvyDescriptor() ? "application/xml" : null, attrs);
    }

    private static String notLayout(String path) {
        return "not an Ivy repository path: " + path
                + " (expected organisation/module/revision/types/artifact[-classifier].ext)";
    }
}
