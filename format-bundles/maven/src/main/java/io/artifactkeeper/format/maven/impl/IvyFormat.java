package io.artifactkeeper.format.maven.impl;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.maven.impl.MavenMetadata.InvalidMetadataException;

/**
 * Ivy-layout repositories on {@code /ivy/{repo}/} for sbt ({@code Resolver.ivyStylePatterns}) and
 * Apache Ivy: files at {@code org/module/revision/types/artifact(-classifier).ext}, checksum files
 * from the stored digests, folder listings (Ivy and coursier list folders to resolve dynamic
 * revisions), immutable releases and overwritable SNAPSHOT revisions.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=sbt")
public final class IvyFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("sbt", List.of(), "ivy", "sbt / Ivy",
            List.of("jar", "xml"));

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
    public ProxyPolicy proxyPolicy() {
        return proxyPolicy;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        String path = req.path();
        return switch (req.method()) {
            case "GET", "HEAD" -> get(repo, path);
            case "PUT" -> put(req, repo, path);
            case "DELETE" -> delete(repo, path);
            default -> RepositoryFiles.methodNotAllowed();
        };
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        if (Checksum.ofPath(path) != null) {
            return ArtifactDescription.fromPath(path);
        }
        return description(IvyPath.parse(path).orElseThrow(() -> new InvalidArtifactException(notLayout(path))));
    }

    private FormatResponse get(RepositoryContext repo, String path) throws IOException {
        if (path.isEmpty() || path.endsWith("/")) {
            return RepositoryFiles.listing(repo, path);
        }
        Checksum c = Checksum.ofPath(path);
        if (c != null) {
            Optional<StoredAsset> base = repo.get(c.basePath(path));
            if (base.isPresent()) {
                return RepositoryFiles.checksum(c, base);
            }
        }
        Optional<StoredAsset> a = repo.get(path);
        return a.isPresent() ? FormatResponse.asset(a.get()) : RepositoryFiles.missing(repo, path);
    }

    private FormatResponse put(FormatRequest req, RepositoryContext repo, String path) throws IOException {
        RepositoryFiles.requireHosted(repo);
        if (path.isEmpty() || path.endsWith("/")) {
            throw FormatException.badRequest("a file path is required");
        }
        Checksum c = Checksum.ofPath(path);
        if (c != null) {
            return RepositoryFiles.verifyChecksumUpload(repo, c, path, req.body());
        }
        IvyPath p = IvyPath.parse(path).orElseThrow(() -> FormatException.badRequest(notLayout(path)));
        PutOptions opts = RepositoryFiles.putOptions(req, RepositoryFiles.overwrite(repo, p.mutable()))
                .withDescription(description(p));
        StoredAsset stored;
        if (p.isIvyDescriptor()) {
            byte[] xml = RepositoryFiles.readLimited(req.body(), RepositoryFiles.MAX_DESCRIPTOR_BYTES);
            try {
                IvyDescriptor.check(xml, p);
            } catch (InvalidMetadataException e) {
                throw new InvalidArtifactException("invalid ivy.xml " + path + ": " + e.getMessage());
            }
            stored = repo.putBytes(path, xml, opts);
        } else {
            stored = repo.put(path, req.body(), opts);
        }
        return RepositoryFiles.created(repo, stored.path());
    }

    private FormatResponse delete(RepositoryContext repo, String path) throws IOException {
        RepositoryFiles.requireHosted(repo);
        Checksum c = Checksum.ofPath(path);
        if (c != null && !path.endsWith("/")) {
            return repo.get(c.basePath(path)).isPresent() ? FormatResponse.status(204) : FormatResponse.notFound();
        }
        int n = 0;
        if (path.isEmpty() || path.endsWith("/")) {
            for (StoredAsset a : repo.list(path)) {
                n += repo.delete(a.path()) ? 1 : 0;
            }
        } else {
            n += repo.delete(path) ? 1 : 0;
        }
        return n > 0 ? FormatResponse.status(204) : FormatResponse.notFound();
    }

    private static ArtifactDescription description(IvyPath p) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("organisation", p.organisation());
        attrs.put("module", p.module());
        attrs.put("revision", p.revision());
        attrs.put("type", p.type());
        attrs.put("extension", p.extension());
        return new ArtifactDescription(p.name(), p.revision(), p.isIvyDescriptor() ? "application/xml" : null, attrs);
    }

    private static String notLayout(String path) {
        return "not an Ivy repository path: " + path
                + " (expected organisation/module/revision/types/artifact[-classifier].ext)";
    }
}
