package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.PathCodec;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * PyPI under {@code /pypi/{repo}/}, as routes:
 * <ul>
 * <li>{@code simple/} and {@code simple/{project}/}: the simple index, PEP 503 HTML or PEP 691
 * JSON by {@code Accept}; other spellings of a name redirect to the normalized one;</li>
 * <li>{@code packages/{project}/{version}/{file}} and {@code ...{file}.metadata}: files and their
 * PEP 658 metadata;</li>
 * <li>{@code POST /} or {@code /legacy/}: upload (twine, poetry).</li>
 * </ul>
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=pypi")
public final class PypiFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("pypi", List.of("poetry"), "pypi",
            "PyPI", List.of(".whl", ".tar.gz", ".zip"));
    private static final ProxyPolicy PROXY = new PypiProxyPolicy();
    private static final List<Route> ROUTES = List.of(
            // twine and poetry post to the repository URL; old setups name it .../legacy/
            Route.of("upload", "POST", "{legacy:(?:legacy/?)?}", Access.WRITE),
            Route.read("root", ""),
            Route.read("simple-redirect", "simple"),
            Route.read("index", "simple/").metadata(),
            Route.read("project", "simple/{project}/").metadata(),
            Route.read("project-redirect", "simple/{project}"),
            Route.read("metadata-file", "packages/{project}/{version}/{file:[^/]+\\.metadata}"),
            Route.read("file", "packages/{project}/{version}/{file}"));

    private final PypiIndexBuilder index = new PypiIndexBuilder();
    private final PypiDownloads downloads = new PypiDownloads(index);
    private final PypiUploadHandler uploads = new PypiUploadHandler();

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
        return PROXY;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case "upload" -> uploads.upload(req, repo);
            case "root", "simple-redirect" -> redirect(repo, "simple/", req);
            case "index" -> projectList(req, repo);
            case "project", "project-redirect" -> project(req, repo, m.param("project"), m.is("project"));
            case "metadata-file" -> {
                String file = m.param("file");
                String of = file.substring(0, file.length() - PypiIndexBuilder.METADATA_SUFFIX.length());
                yield downloads.metadata(repo, m.param("project"), m.param("version"), of)
                        .orElseGet(() -> FormatResponse.text(404, "no metadata file for " + of));
            }
            case "file" -> {
                Optional<StoredAsset> a = downloads.file(repo, m.param("project"), m.param("version"), m.param("file"));
                yield a.map(FormatResponse::asset).orElseGet(() -> FormatResponse.text(404, "not found: " + m.param("file")));
            }
            default -> throw new IllegalStateException("route " + m.name());
        };
    }

    private FormatResponse projectList(FormatRequest req, RepositoryContext repo) throws IOException {
        Optional<PypiMediaType> type = mediaType(req);
        if (type.isEmpty()) {
            return notAcceptable();
        }
        return page(type.get(), PypiSimpleIndex.renderProjectList(index.projects(repo), type.get(),
                repo.baseUrl() + "/simple/"));
    }

    private FormatResponse project(FormatRequest req, RepositoryContext repo, String name, boolean slash)
            throws IOException {
        if (!PypiNames.isValidName(name)) {
            return FormatResponse.text(404, "no such project: " + name);
        }
        String normalized = PypiNames.normalize(name);
        if (!normalized.equals(name) || !slash) {
            // PEP 503: clients ask for the normalized name; other spellings redirect to it
            return redirect(repo, "simple/" + normalized + "/", req);
        }
        Optional<PypiMediaType> type = mediaType(req);
        if (type.isEmpty()) {
            return notAcceptable();
        }
        Optional<PypiProjectPage> page = index.projectPage(repo, normalized);
        if (page.isEmpty()) {
            return FormatResponse.text(404, "no such project: " + normalized).header("Vary", "Accept");
        }
        String base = repo.baseUrl() + "/";
        return page(type.get(), PypiSimpleIndex.renderProjectPage(page.get(), type.get(),
                f -> base + PathCodec.encodePath(PypiNames.filePath(normalized, f.version(), f.filename()))));
    }

    private static Optional<PypiMediaType> mediaType(FormatRequest req) {
        return PypiMediaType.choose(req.header("Accept").orElse(null), req.queryParam("format").orElse(null));
    }

    /** A generated page with its entity tag: the core answers a conditional request with 304. */
    private static FormatResponse page(PypiMediaType type, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return FormatResponse.ok(type.contentType, b).header("Vary", "Accept").validators(DocumentCache.etag(b), null);
    }

    private static FormatResponse notAcceptable() {
        return FormatResponse.text(406, "acceptable types: " + PypiMediaType.JSON.contentType + ", "
                + PypiMediaType.HTML_V1.contentType + ", text/html").header("Vary", "Accept");
    }

    private static FormatResponse redirect(RepositoryContext repo, String to, FormatRequest req) {
        String q = req.query().isEmpty() ? "" : "?" + req.query();
        return FormatResponse.status(301).header("Location", repo.baseUrl() + "/" + to + q).header("Vary", "Accept");
    }

    /**
     * Checks a distribution stored under {@code packages/} (by upload, through the artifacts API, or
     * fetched by a remote) before it becomes visible: its name must be a wheel or sdist of the project
     * and version of its folder, and its archive must be readable with sane metadata (read in place from
     * the stored bytes; a zip bomb or a slipping entry is refused).
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        String[] seg = path.split("/");
        if (seg.length != 4 || !seg[0].equals("packages") || path.endsWith(PypiIndexBuilder.METADATA_SUFFIX)) {
            return ArtifactDescription.fromPath(path);
        }
        String filename = seg[3];
        PypiNames.DistFile dist = PypiNames.parse(filename, seg[1]).orElseThrow(() -> new InvalidArtifactException(
                filename + " is not a wheel (.whl) or sdist (.tar.gz, .zip) file name"));
        if (!dist.normalizedProject().equals(seg[1])) {
            throw new InvalidArtifactException(filename + " does not belong under packages/" + seg[1] + "/");
        }
        try {
            PypiInspector.Inspection i = PypiInspector.inspect(dist, content);
            return new ArtifactDescription(i.displayName(), i.version(), dist.distType().contentType, i.attributes());
        } catch (ArchiveException e) {
            throw new InvalidArtifactException(filename + ": " + e.getMessage());
        }
    }
}
