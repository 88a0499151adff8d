package io.artifactkeeper.tck.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Members;

/**
 * The smallest format built as formats should be: routes as data, files at
 * {@code files/{name}/{version}/{file}}, a version index at {@code files/{name}/index.txt} generated
 * for hosted repositories, fetched for remote ones and merged for virtual ones through the support
 * layer. The kit's own tests plant defects in subclasses of it.
 */
class ToyFormat implements FormatHandler {
    static final FormatDescriptor DESCRIPTOR = FormatDescriptor.of("toy", "toy", "Toy");
    final DocumentCache documents = new DocumentCache();

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<Route> routes() {
        return List.of(uploadRoute(),
                Route.read("file", "files/{name}/{version}/{file}"),
                Route.read("index", "files/{name}/index.txt").metadata());
    }

    Route uploadRoute() {
        return Route.of("upload", "PUT", "files/{name}/{version}/{file}", Access.WRITE);
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return new ProxyPolicy() {
            @Override
            public AssetKind kindOf(String path) {
                return path.endsWith("/index.txt") ? AssetKind.METADATA : AssetKind.CONTENT;
            }
        };
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) {
        String[] p = path.split("/");
        return p.length == 4 ? new ArtifactDescription(p[1], p[2], "application/octet-stream", Map.of())
                : ArtifactDescription.fromPath(path);
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        return FormatResponse.status(status).body("application/x-toy-error", (code + ": " + message).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case "upload" -> {
                repo.put(req.path(), req.body(), PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY));
                yield FormatResponse.status(201);
            }
            case "file" -> file(repo, req.path()).map(FormatResponse::asset)
                    .orElseThrow(() -> FormatException.notFound("no " + req.path()));
            case "index" -> index(req, repo, m.param("name"));
            default -> throw new IllegalStateException(m.name());
        };
    }

    Optional<StoredAsset> file(RepositoryContext repo, String path) throws IOException {
        return repo.get(path);
    }

    FormatResponse index(FormatRequest req, RepositoryContext repo, String name) throws IOException {
        String path = "files/" + name + "/index.txt";
        TreeSet<String> versions = new TreeSet<>();
        for (List<String> vs : Members.values(repo, Members.bySource(h -> Optional.of(hostedVersions(h, name)),
                r -> remoteVersions(r, path)))) {
            versions.addAll(vs);
        }
        if (versions.isEmpty()) {
            throw FormatException.notFound("no package " + name);
        }
        byte[] body = String.join("\n", versions).concat("\n").getBytes(StandardCharsets.UTF_8);
        return FormatResponse.ok("text/plain", body).validators(DocumentCache.etag(body), null);
    }

    List<String> hostedVersions(RepositoryContext hosted, String name) throws IOException {
        byte[] doc = documents.get(hosted, "files/" + name + "/", "index:" + name, () -> {
            TreeSet<String> vs = new TreeSet<>();
            for (StoredAsset a : hosted.list("files/" + name + "/")) {
                if (a.version() != null) {
                    vs.add(a.version());
                }
            }
            return String.join("\n", vs).getBytes(StandardCharsets.UTF_8);
        }).bytes();
        return lines(doc);
    }

    Optional<List<String>> remoteVersions(RepositoryContext remote, String path) throws IOException {
        Optional<StoredAsset> a = remote.get(path);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = a.get().open()) {
            return Optional.of(lines(in.readAllBytes()));
        }
    }

    static List<String> lines(byte[] b) {
        List<String> out = new ArrayList<>();
        for (String l : new String(b, StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                out.add(l.trim());
            }
        }
        return out;
    }
}
