package io.artifactkeeper.format.pub.impl;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;
import io.artifactkeeper.format.support.MultipartReader;

/**
 * The Hosted Pub Repository Specification v2 under {@code /pub/{repo}/} (the repository is the
 * hosted-url): the package listing and version API, archives, and the publish flow
 * ({@code GET api/packages/versions/new}, a multipart {@code POST} of the archive, {@code 204} with
 * the finalize URL, {@code {"success":{"message"}}}), for local, remote and virtual repositories.
 * Errors are pub's {@code {"error":{"code","message"}}}; a 401 or 403 carries pub's Bearer challenge.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=pub")
public final class PubFormat implements FormatHandler {
    static final String TYPE = "application/vnd.pub.v2+json";
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("pub", List.of("dart", "flutter"), "pub",
            "Pub (Dart/Flutter)", List.of("tar.gz"));
    private static final List<Route> ROUTES = PubRoutes.all();
    private static final ProxyPolicy POLICY = new PubProxyPolicy();
    private static final String UPLOADS = ".pub-uploads/";

    private final DocumentCache documents = new DocumentCache();

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
        return POLICY;
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        ObjectNode o = Json.object();
        ObjectNode e = o.putObject("error");
        e.put("code", code == null ? "ERROR" : code);
        e.put("message", message == null ? "" : message);
        FormatResponse r = FormatResponse.status(status).body(TYPE, Json.bytes(o));
        if (status == 401 || status == 403) {
            // what dart pub reads: it prints the message, and forgets its token on a 401 only
            r.header("WWW-Authenticate", "Bearer realm=\"pub\", message=\"" + quoted(message) + "\"");
        }
        return r;
    }

    private static String quoted(String s) {
        return s == null ? "" : s.replaceAll("[\\p{Cntrl}]", " ").replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * An archive stored without the publish flow (a raw {@code PUT}, the artifacts API, a remote's
     * cache): named by its own pubspec, which must agree with its path.
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        String[] nv = PubNames.ofArchivePath(path);
        if (nv == null) {
            if (path.startsWith("api/packages/")) {
                return new ArtifactDescription(path.substring("api/packages/".length()), null, TYPE,
                        Map.of("pub_kind", "listing"));
            }
            throw new InvalidArtifactException("a pub repository holds archives at packages/{name}/versions/{version}.tar.gz");
        }
        PubArchive.Pubspec p;
        try (InputStream in = content.open()) {
            p = PubArchive.read(in);
        } catch (PubArchive.BadArchiveException e) {
            throw new InvalidArtifactException(e.getMessage());
        }
        if (!p.name().equals(nv[0]) || !p.version().equals(nv[1])) {
            throw new InvalidArtifactException("the archive's pubspec.yaml is " + p.name() + " " + p.version()
                    + ", its path says " + nv[0] + " " + nv[1]);
        }
        return description(p);
    }

    private static ArtifactDescription description(PubArchive.Pubspec p) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("pub_kind", "archive");
        attrs.put(PubListing.ATTR_PUBSPEC, p.json());
        return new ArtifactDescription(p.name(), p.version(), "application/gzip", attrs);
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case PubRoutes.NEW -> json(200, newUpload(repo));
            case PubRoutes.UPLOAD -> upload(req, repo);
            case PubRoutes.FINALIZE -> finish(repo, name(m), version(m));
            case PubRoutes.LISTING -> listing(repo, name(m));
            case PubRoutes.VERSION -> versionDoc(repo, name(m), version(m));
            case PubRoutes.ARCHIVE -> archive(repo, name(m), version(m));
            case PubRoutes.ARCHIVE_PUT -> put(req, repo, name(m), version(m));
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    private static String name(RouteMatch m) {
        String n = m.param("name");
        if (!PubNames.isName(n)) {
            throw FormatException.notFound("no package \"" + PubNames.printable(n) + "\": not a valid package name");
        }
        return n;
    }

    private static String version(RouteMatch m) {
        String v = m.param("version");
        if (!PubNames.isVersion(v)) {
            throw FormatException.notFound("no version \"" + PubNames.printable(v) + "\": not a valid version");
        }
        return v;
    }

    // --- publishing

    /** {@code GET api/packages/versions/new}: where to POST the archive; no fields are needed. */
    private static ObjectNode newUpload(RepositoryContext repo) {
        ObjectNode o = Json.object();
        o.put("url", repo.baseUrl() + "/api/packages/versions/upload");
        o.putObject("fields");
        return o;
    }

    /**
     * The multipart {@code POST} of {@code file}: streamed into a staging asset, its pubspec read and
     * checked, then recorded at its archive path (the bytes shared, not copied) unless that version
     * exists (409). Answers 204 with the finalize URL, as the spec says.
     */
    private FormatResponse upload(FormatRequest req, RepositoryContext repo) throws IOException {
        String boundary = MultipartReader.boundary(req.header("Content-Type").orElse(null))
                .orElseThrow(() -> FormatException.badRequest("the upload must be multipart/form-data with a boundary"));
        MultipartReader body = new MultipartReader(req.body(), boundary);
        String staging = UPLOADS + UUID.randomUUID() + PubNames.ARCHIVE_SUFFIX;
        StoredAsset staged = null;
        try {
            for (MultipartReader.Part part; (part = body.next()) != null;) {
                if (part.name().equals("file")) {
                    if (staged != null) {
                        throw FormatException.badRequest("the upload carries more than one file");
                    }
                    staged = repo.put(staging, part.body(), PutOptions.defaults()
                            .withOverwrite(PutOptions.Overwrite.DENY)
                            .withDescription(null, null, "application/gzip", Map.of("pub_kind", "upload")));
                }
                // other fields (a signed form's) are read past
            }
            if (staged == null) {
                throw FormatException.badRequest("the upload has no file field");
            }
            PubArchive.Pubspec p;
            try (InputStream in = staged.open()) {
                p = PubArchive.read(in);
            } catch (PubArchive.BadArchiveException e) {
                throw new InvalidArtifactException(e.getMessage());
            }
            String path = PubNames.archivePath(p.name(), p.version());
            if (repo.peek(path).isPresent()) {
                throw conflict(p.name(), p.version());
            }
            try {
                repo.putCopy(path, staged, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                        .withDescription(description(p)));
            } catch (FormatException e) {
                throw e.status() == 409 ? conflict(p.name(), p.version()) : e;
            }
            return FormatResponse.status(204).header("Location", repo.baseUrl() + "/api/packages/versions/finalize/"
                    + p.name() + "/" + p.version());
        } catch (MultipartReader.MalformedException e) {
            throw FormatException.badRequest("malformed multipart body: " + e.getMessage());
        } finally {
            if (staged != null) {
                try {
                    repo.delete(staging);
                } catch (IOException | RuntimeException ignored) {
                    // an orphan staging asset is listed nowhere a client looks
                }
            }
        }
    }

    private static FormatException conflict(String name, String version) {
        return new FormatException(409, "VERSION_EXISTS", "version " + version + " of package " + name
                + " already exists; published versions cannot be replaced");
    }

    /** {@code GET} of the finalize URL: the version is published (the upload stored it). */
    private static FormatResponse finish(RepositoryContext repo, String name, String version) throws IOException {
        if (repo.peek(PubNames.archivePath(name, version)).isEmpty()) {
            throw FormatException.notFound("no upload of " + name + " " + version + " to finalize");
        }
        ObjectNode o = Json.object();
        o.putObject("success").put("message", "Successfully uploaded " + name + " version " + version + ".");
        return json(200, o);
    }

    /** A raw {@code PUT} of an archive at its path: the pubspec must name the same package and version. */
    private static FormatResponse put(FormatRequest req, RepositoryContext repo, String name, String version)
            throws IOException {
        String path = PubNames.archivePath(name, version);
        if (repo.peek(path).isPresent()) {
            throw conflict(name, version);
        }
        try {
            // the description comes from describe(): the pubspec read from the stored bytes, checked against the path
            repo.put(path, req.body(), PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY));
        } catch (FormatException e) {
            throw e.status() == 409 ? conflict(name, version) : e;
        }
        ObjectNode o = Json.object();
        o.putObject("success").put("message", "Successfully uploaded " + name + " version " + version + ".");
        return json(201, o);
    }

    // --- reading

    /**
     * The version objects of {@code name} by version, without archive URLs: a hosted repository's from
     * its archives, a remote's from its upstream's listing, a virtual repository's members' merged (the
     * first member by priority wins a version that several have).
     */
    private Map<String, ObjectNode> versions(RepositoryContext repo, String name) throws IOException {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (Map<String, ObjectNode> vs : Members.values(repo, Members.bySource(h -> hostedVersions(h, name),
                r -> remoteVersions(r, name)))) {
            vs.forEach(out::putIfAbsent);
        }
        return out;
    }

    /** Built once per change below {@code packages/{name}/} (DocumentCache), never per request. */
    private Optional<Map<String, ObjectNode>> hostedVersions(RepositoryContext hosted, String name) throws IOException {
        String prefix = PubNames.packagePrefix(name);
        byte[] doc = documents.get(hosted, prefix, "versions:" + name, () -> {
            ArrayNode arr = Json.mapper().createArrayNode();
            for (StoredAsset a : hosted.list(prefix + "versions/")) {
                String[] nv = PubNames.ofArchivePath(a.path());
                if (nv != null && nv[0].equals(name)) {
                    arr.add(PubListing.versionOf(a, nv[1]));
                }
            }
            return Json.bytes(arr);
        }).bytes();
        return byVersion(doc);
    }

    /** The upstream's listing (fetched and cached as metadata by the core), read once per fetched copy. */
    private Optional<Map<String, ObjectNode>> remoteVersions(RepositoryContext remote, String name) throws IOException {
        Optional<StoredAsset> a = remote.get(PubNames.upstreamListingPath(name));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        byte[] doc = documents.get(remote.key() + "\0upstream:" + name, a.get().sha256(), () -> {
            ArrayNode arr = Json.mapper().createArrayNode();
            try (InputStream in = a.get().open()) {
                PubListing.upstreamVersions(in, name).values().forEach(u -> arr.add(u.version()));
            }
            return Json.bytes(arr);
        }).bytes();
        return byVersion(doc);
    }

    private static Optional<Map<String, ObjectNode>> byVersion(byte[] array) throws IOException {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (JsonNode v : Json.readStored(new java.io.ByteArrayInputStream(array))) {
            out.put(v.path("version").asText(), (ObjectNode) v);
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    /** {@code GET api/packages/{name}}: every version, with archive URLs on the repository asked. */
    private FormatResponse listing(RepositoryContext repo, String name) throws IOException {
        Map<String, ObjectNode> vs = versions(repo, name);
        if (vs.isEmpty()) {
            throw FormatException.notFound("package " + name + " was not found");
        }
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode v : vs.values()) {
            out.add(PubListing.withArchiveUrl(v, repo.baseUrl(), name));
        }
        byte[] body = Json.bytes(PubListing.listing(name, out));
        return FormatResponse.ok(TYPE, body).validators(DocumentCache.etag(body), null);
    }

    /** {@code GET api/packages/{name}/versions/{version}} (deprecated in the spec, still served). */
    private FormatResponse versionDoc(RepositoryContext repo, String name, String version) throws IOException {
        ObjectNode v = versions(repo, name).get(version);
        if (v == null) {
            throw FormatException.notFound("version " + version + " of package " + name + " was not found");
        }
        byte[] body = Json.bytes(PubListing.withArchiveUrl(v, repo.baseUrl(), name));
        return FormatResponse.ok(TYPE, body).validators(DocumentCache.etag(body), null);
    }

    /** The archive: the first repository (member) that has it; a remote fetches it from the listing's archive_url. */
    private static FormatResponse archive(RepositoryContext repo, String name, String version) throws IOException {
        String path = PubNames.archivePath(name, version);
        StoredAsset a = Members.first(repo, r -> r.get(path)).orElseThrow(() -> FormatException.notFound(
                "version " + version + " of package " + name + " has no archive here"));
        return FormatResponse.asset(a).contentType("application/octet-stream");
    }

    static FormatResponse json(int status, JsonNode body) {
        return FormatResponse.status(status).body(TYPE, Json.bytes(body));
    }

}
