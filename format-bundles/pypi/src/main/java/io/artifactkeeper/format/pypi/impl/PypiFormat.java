package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.format.support.PathCodec;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * PyPI under {@code /pypi/{repo}/}:
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

    private final PypiIndexBuilder index = new PypiIndexBuilder();
    private final PypiDownloads downloads = new PypiDownloads(index);
    private final PypiUploadHandler uploads = new PypiUploadHandler();

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return PROXY;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        String path = req.path();
        switch (req.method()) {
            case "POST" -> {
                if (path.isEmpty() || path.equals("legacy") || path.equals("legacy/")) {
                    return uploads.upload(req, repo);
                }
                return FormatResponse.text(404, "uploads go to " + repo.baseUrl() + "/ (POST)");
            }
            case "GET", "HEAD" -> {
                return read(req, repo, path);
            }
            default -> {
                return FormatResponse.text(405, "method not allowed").header("Allow", "GET, HEAD, POST");
            }
        }
    }

    private FormatResponse read(FormatRequest req, RepositoryContext repo, String path) throws IOException {
        if (path.isEmpty() || path.equals("simple")) {
            return redirect(repo, "simple/", req);
        }
        if (path.equals("simple/")) {
            Optional<PypiMediaType> type = mediaType(req);
            if (type.isEmpty()) {
                return notAcceptable();
            }
            String body = PypiSimpleIndex.renderProjectList(index.projects(repo), type.get(), repo.baseUrl() + "/simple/");
            return page(type.get(), body);
        }
        String[] seg = path.split("/", -1);
        if (seg[0].equals("simple") && (seg.length == 2 || (seg.length == 3 && seg[2].isEmpty()))) {
            String name = seg[1];
            if (!PypiNames.isValidName(name)) {
                return FormatResponse.text(404, "no such project: " + name);
            }
            String normalized = PypiNames.normalize(name);
            if (!normalized.equals(name) || seg.length == 2) {
                // PEP 503: clients ask for the normalized name; other spellings redirect to it
                return redirect(repo, "simple/" + normalized + "/", req);
            }
            return projectPage(req, repo, normalized);
        }
        if (seg[0].equals("packages") && seg.length == 4 && !seg[3].isEmpty()) {
            String project = seg[1];
            String version = seg[2];
            String filename = seg[3];
            if (filename.endsWith(PypiIndexBuilder.METADATA_SUFFIX)) {
                String of = filename.substring(0, filename.length() - PypiIndexBuilder.METADATA_SUFFIX.length());
                return downloads.metadata(repo, project, version, of)
                        .orElseGet(() -> FormatResponse.text(404, "no metadata file for " + of));
            }
            Optional<StoredAsset> a = downloads.file(repo, project, version, filename);
            return a.map(FormatResponse::asset).orElseGet(() -> FormatResponse.text(404, "not found: " + filename));
        }
        return FormatResponse.text(404, "not found: " + path);
    }

    private FormatResponse projectPage(FormatRequest req, RepositoryContext repo, String project) throws IOException {
        Optional<PypiMediaType> type = mediaType(req);
        if (type.isEmpty()) {
            return notAcceptable();
        }
        Optional<PypiProjectPage> page = index.projectPage(repo, project);
        if (page.isEmpty()) {
            return FormatResponse.text(404, "no such project: " + project).header("Vary", "Accept");
        }
        String base = repo.baseUrl() + "/";
        String body = PypiSimpleIndex.renderProjectPage(page.get(), type.get(),
                f -> base + PathCodec.encodePath(PypiNames.filePath(project, f.version(), f.filename())));
        return page(type.get(), body);
    }

    private static Optional<PypiMediaType> mediaType(FormatRequest req) {
        return PypiMediaType.choose(req.header("Accept").orElse(null), req.queryParam("format").orElse(null));
    }

    private static FormatResponse page(PypiMediaType type, String body) {
        return FormatResponse.ok(type.contentType, body.getBytes(StandardCharsets.UTF_8)).header("Vary", "Accept");
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
     * Checks a distribution stored under {@code packages/} (by upload or through the artifacts API)
     * before it becomes visible: its name must be a wheel or sdist of the project and version of its
     * folder, and its archive must be readable with sane metadata (a zip bomb is refused).
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
            PypiInspector.Inspection i = PypiInspector.inspect(dist, PypiByteSource.of(content));
            return new ArtifactDescription(i.displayName(), i.version(), dist.type().contentType, i.attributes());
        } catch (PypiArchives.InvalidArchiveException e) {
            throw new InvalidArtifactException(filename + ": " + e.getMessage());
        }
    }
}
