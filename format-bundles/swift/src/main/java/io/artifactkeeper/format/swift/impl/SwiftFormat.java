package io.artifactkeeper.format.swift.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import io.artifactkeeper.format.support.SemVer;

/**
 * The Swift package registry service (SE-0292) under {@code /swift/{repo}/}: release lists, release
 * metadata with the source archive's checksum, manifests (and their {@code swift-version} variants,
 * announced in {@code Link} headers), source archives, identifier lookups by repository URL, and
 * publishing ({@code PUT} multipart), for local, remote and virtual repositories. Every answer carries
 * {@code Content-Version: 1}; errors are problem details ({@code application/problem+json}).
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=swift")
public final class SwiftFormat implements FormatHandler {
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("swift", List.of(), "swift",
            "Swift Package Registry", List.of("zip"));
    private static final List<Route> ROUTES = SwiftRoutes.all();
    private static final ProxyPolicy POLICY = new SwiftProxyPolicy();
    private static final String JSON_TYPE = "application/json";
    private static final String PROBLEM = "application/problem+json";
    private static final String UPLOADS = ".swift-uploads/";
    private static final Pattern ACCEPT = Pattern.compile("application/vnd\\.swift\\.registry(?:\\.v([^+;]*))?(?:\\+([a-z]+))?");
    static final String ATTR_SCOPE = "swift_scope";
    static final String ATTR_NAME = "swift_name";
    static final String ATTR_METADATA = "swift_metadata";
    static final String ATTR_SIGNATURE = "swift_signature";
    static final String ATTR_SIGNATURE_FORMAT = "swift_signature_format";

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
        o.put("detail", message == null ? code : message);
        o.put("status", status);
        o.put("title", code == null ? "error" : code);
        FormatResponse r = FormatResponse.status(status).body(PROBLEM, Json.bytes(o)).header("Content-Version", "1")
                .header("Content-Language", "en");
        if (status == 401) {
            r.header("WWW-Authenticate", "Basic realm=\"Artifact Keeper\"");
        }
        return r;
    }

    /** Archives are stored by the publish route only; a remote's cached answers describe themselves lightly. */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) {
        String[] svn = SwiftNames.ofArchivePath(path);
        if (svn != null) {
            return new ArtifactDescription(svn[0] + "." + svn[1], svn[2], "application/zip", Map.of("swift_kind", "archive"));
        }
        if (path.startsWith(SwiftNames.UPSTREAM)) {
            return new ArtifactDescription(null, null, JSON_TYPE, Map.of("swift_kind", "upstream"));
        }
        throw new InvalidArtifactException("a swift repository stores releases through PUT {scope}/{name}/{version}");
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        checkAccept(req);
        RouteMatch m = req.route();
        return switch (m.name()) {
            case SwiftRoutes.LOGIN -> json(200, Json.object());
            case SwiftRoutes.IDENTIFIERS -> identifiers(req, repo);
            case SwiftRoutes.ARCHIVE -> archive(repo, scope(m), name(m), version(m.param("version")));
            case SwiftRoutes.MANIFEST -> manifest(req, repo, scope(m), name(m), version(m.param("version")));
            case SwiftRoutes.RELEASE -> release(repo, scope(m), name(m), version(strip(m.param("version"))));
            case SwiftRoutes.PUBLISH -> publish(req, repo, m.param("scope"), m.param("name"), m.param("version"));
            case SwiftRoutes.RELEASES -> releases(repo, scope(m), strip(name(m)));
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    /**
     * SE-0292 3.5: an Accept of the registry's media type names version 1 (or none); another number is
     * 415, something that is not a version 400. Other Accept values are answered as version 1.
     */
    static void checkAccept(FormatRequest req) {
        String accept = req.header("Accept").orElse("");
        for (String v : accept.split(",")) {
            String t = v.trim();
            int semi = t.indexOf(';');
            t = semi < 0 ? t : t.substring(0, semi).trim();
            if (!t.startsWith("application/vnd.swift.registry")) {
                continue;
            }
            Matcher m = ACCEPT.matcher(t);
            if (!m.matches() || (m.group(2) != null && !Set.of("json", "zip", "swift").contains(m.group(2)))) {
                throw new FormatException(400, "BAD_REQUEST", "invalid API version or media type in Accept: "
                        + SwiftNames.printable(t));
            }
            if (m.group(1) != null && !m.group(1).equals("1")) {
                throw m.group(1).matches("[0-9]+")
                        ? new FormatException(415, "UNSUPPORTED_MEDIA_TYPE", "unsupported API version " + m.group(1))
                        : new FormatException(400, "BAD_REQUEST", "invalid API version");
            }
        }
    }

    private static String scope(RouteMatch m) {
        String s = m.param("scope");
        if (!SwiftNames.isScope(s)) {
            throw FormatException.notFound("\"" + SwiftNames.printable(s) + "\" is not a package scope");
        }
        return s;
    }

    /** The name, allowing the {@code .json} a client may append to a JSON resource. */
    private static String name(RouteMatch m) {
        String n = m.param("name");
        String bare = strip(n);
        if (!SwiftNames.isName(bare)) {
            throw FormatException.notFound("\"" + SwiftNames.printable(n) + "\" is not a package name");
        }
        return n;
    }

    private static String strip(String s) {
        return s.endsWith(".json") ? s.substring(0, s.length() - ".json".length()) : s;
    }

    private static String version(String v) {
        if (!SwiftNames.isVersion(v)) {
            throw FormatException.notFound("\"" + SwiftNames.printable(v) + "\" is not a release version (SemVer 2.0)");
        }
        return v;
    }

    // ------------------------------------------------------------------ answers

    private static FormatResponse json(int status, JsonNode body) {
        return FormatResponse.status(status).body(JSON_TYPE, Json.bytes(body)).header("Content-Version", "1");
    }

    private static FormatResponse jsonWithValidators(JsonNode body) {
        byte[] b = Json.bytes(body);
        return FormatResponse.ok(JSON_TYPE, b).validators(DocumentCache.etag(b), null).header("Content-Version", "1");
    }

    private static String packageUrl(RepositoryContext repo, String scope, String name) {
        return repo.baseUrl() + "/" + scope + "/" + name;
    }

    // ------------------------------------------------------------------ releases

    /** A release as one repository knows it: its problem (a release that is unavailable), or null. */
    private record Listed(String version, JsonNode problem) {
    }

    /** The releases of a package, merged over members (the first member by priority wins a version). */
    private Map<String, Listed> releasesOf(RepositoryContext repo, String scope, String name) throws IOException {
        Map<String, Listed> out = new LinkedHashMap<>();
        for (List<Listed> l : Members.values(repo, Members.bySource(h -> hostedReleases(h, scope, name),
                r -> remoteReleases(r, scope, name)))) {
            for (Listed x : l) {
                out.putIfAbsent(x.version(), x);
            }
        }
        return out;
    }

    private Optional<List<Listed>> hostedReleases(RepositoryContext hosted, String scope, String name) throws IOException {
        String prefix = SwiftNames.packagePrefix(scope, name);
        byte[] doc = documents.get(hosted, prefix, "releases:" + prefix, () -> {
            ArrayNode arr = Json.mapper().createArrayNode();
            for (StoredAsset a : hosted.list(prefix)) {
                String[] svn = SwiftNames.ofArchivePath(a.path());
                if (svn != null && a.path().startsWith(prefix)) {
                    arr.add(svn[2]);
                }
            }
            return Json.bytes(arr);
        }).bytes();
        List<Listed> out = new ArrayList<>();
        for (JsonNode v : Json.readStored(new ByteArrayInputStream(doc))) {
            out.add(new Listed(v.asText(), null));
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    private static Optional<List<Listed>> remoteReleases(RepositoryContext remote, String scope, String name)
            throws IOException {
        Optional<StoredAsset> a = remote.get(SwiftNames.upstreamReleasesPath(scope, name));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        JsonNode doc;
        try (InputStream in = a.get().open()) {
            doc = Json.readUpstream(in, 16 << 20, "the upstream's release list of " + scope + "." + name);
        }
        if (!doc.path("releases").isObject()) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's release list has no releases object");
        }
        List<Listed> out = new ArrayList<>();
        doc.path("releases").fields().forEachRemaining(e -> {
            if (SwiftNames.isVersion(e.getKey())) {
                JsonNode p = e.getValue().get("problem");
                out.add(new Listed(e.getKey(), p != null && p.isObject() ? p : null));
            }
        });
        return Optional.of(out);
    }

    /** Available versions (no problem), highest precedence first. */
    private static List<String> available(Map<String, Listed> releases) {
        List<String> out = new ArrayList<>();
        for (Listed l : releases.values()) {
            if (l.problem() == null) {
                out.add(l.version());
            }
        }
        out.sort(SemVer.NEWEST_FIRST);
        return out;
    }

    /** {@code GET {scope}/{name}}: releases by precedence, highest first; the latest in a Link header. */
    private FormatResponse releases(RepositoryContext repo, String scope, String name) throws IOException {
        Map<String, Listed> all = releasesOf(repo, scope, name);
        if (all.isEmpty()) {
            throw FormatException.notFound("package " + scope + "." + name + " not found");
        }
        List<String> versions = new ArrayList<>(all.keySet());
        versions.sort(SemVer.NEWEST_FIRST);
        ObjectNode doc = Json.object();
        ObjectNode rel = doc.putObject("releases");
        String base = packageUrl(repo, scope, name);
        for (String v : versions) {
            ObjectNode o = rel.putObject(v);
            o.put("url", base + "/" + v);
            if (all.get(v).problem() != null) {
                o.set("problem", all.get(v).problem());
            }
        }
        FormatResponse r = jsonWithValidators(doc);
        List<String> avail = available(all);
        if (!avail.isEmpty()) {
            r.header("Link", "<" + base + "/" + avail.get(0) + ">; rel=\"latest-version\"");
        }
        return r;
    }

    /** {@code GET {scope}/{name}/{version}}: the release's id, resources (checksum), metadata; Links to its neighbours. */
    private FormatResponse release(RepositoryContext repo, String scope, String name, String version) throws IOException {
        ObjectNode doc = Members.first(repo, Members.bySource(h -> hostedRelease(h, scope, name, version),
                r -> remoteRelease(r, scope, name, version))).orElseThrow(() -> FormatException.notFound(
                        "release " + version + " of " + scope + "." + name + " not found"));
        FormatResponse r = jsonWithValidators(doc);
        List<String> avail = available(releasesOf(repo, scope, name));
        String base = packageUrl(repo, scope, name);
        List<String> links = new ArrayList<>();
        if (!avail.isEmpty()) {
            links.add("<" + base + "/" + avail.get(0) + ">; rel=\"latest-version\"");
        }
        int at = avail.indexOf(version);
        if (at > 0) {
            links.add("<" + base + "/" + avail.get(at - 1) + ">; rel=\"successor-version\"");
        }
        if (at >= 0 && at + 1 < avail.size()) {
            links.add("<" + base + "/" + avail.get(at + 1) + ">; rel=\"predecessor-version\"");
        }
        if (!links.isEmpty()) {
            r.header("Link", String.join(", ", links));
        }
        return r;
    }

    private static Optional<ObjectNode> hostedRelease(RepositoryContext hosted, String scope, String name, String version)
            throws IOException {
        Optional<StoredAsset> a = hosted.get(SwiftNames.archivePath(scope, name, version));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset z = a.get();
        ObjectNode doc = Json.object();
        doc.put("id", String.valueOf(z.attributes().getOrDefault(ATTR_SCOPE, scope)) + "."
                + z.attributes().getOrDefault(ATTR_NAME, name));
        doc.put("version", version);
        ObjectNode res = doc.putArray("resources").addObject();
        res.put("name", "source-archive");
        res.put("type", "application/zip");
        res.put("checksum", z.sha256());
        if (z.attributes().get(ATTR_SIGNATURE) instanceof String sig) {
            ObjectNode s = res.putObject("signing");
            s.put("signatureBase64Encoded", sig);
            s.put("signatureFormat", String.valueOf(z.attributes().getOrDefault(ATTR_SIGNATURE_FORMAT, "cms-1.0.0")));
        }
        Object meta = z.attributes().get(ATTR_METADATA);
        doc.set("metadata", meta == null ? Json.object() : Json.mapper().valueToTree(meta));
        doc.put("publishedAt", z.createdAt().toString());
        return Optional.of(doc);
    }

    private static Optional<ObjectNode> remoteRelease(RepositoryContext remote, String scope, String name, String version)
            throws IOException {
        Optional<StoredAsset> a = remote.get(SwiftNames.upstreamReleasePath(scope, name, version));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        JsonNode doc;
        try (InputStream in = a.get().open()) {
            doc = Json.readUpstream(in, 4 << 20, "the upstream's metadata of " + scope + "." + name + " " + version);
        }
        if (!(doc instanceof ObjectNode o) || !o.path("resources").isArray()) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's release metadata has no resources");
        }
        return Optional.of(o);
    }

    // ------------------------------------------------------------------ archives and manifests

    private static StoredAsset archiveAsset(RepositoryContext repo, String scope, String name, String version)
            throws IOException {
        String path = SwiftNames.archivePath(scope, name, version);
        return Members.first(repo, r -> r.get(path)).orElseThrow(() -> FormatException.notFound(
                "release " + version + " of " + scope + "." + name + " not found"));
    }

    /** {@code GET {scope}/{name}/{version}.zip}, with its digest (and signature, when signed) in headers. */
    private static FormatResponse archive(RepositoryContext repo, String scope, String name, String version)
            throws IOException {
        StoredAsset a = archiveAsset(repo, scope, name, version);
        FormatResponse r = FormatResponse.asset(a).contentType("application/zip").header("Content-Version", "1")
                .header("Cache-Control", "public, immutable")
                .header("Content-Disposition", "attachment; filename=\"" + name + "-" + version + ".zip\"")
                .header("Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(a.sha256())));
        if (a.attributes().get(ATTR_SIGNATURE) instanceof String sig) {
            r.header("X-Swift-Package-Signature-Format",
                    String.valueOf(a.attributes().getOrDefault(ATTR_SIGNATURE_FORMAT, "cms-1.0.0")));
            r.header("X-Swift-Package-Signature", sig);
        }
        return r;
    }

    /** The manifests of a release, read once per archive (by its checksum) from the archive itself. */
    private Map<String, String> manifestsOf(StoredAsset a) throws IOException {
        byte[] doc = documents.get("manifests\0" + a.sha256(), a.sha256(), () -> {
            Map<String, String> m;
            try (SeekableByteChannel ch = a.channel()) {
                m = SwiftArchive.manifests(ch);
            } catch (SwiftArchive.BadArchiveException e) {
                throw new FormatException(502, "BAD_ARCHIVE", "the release's source archive holds no manifest: "
                        + e.getMessage());
            }
            return Json.bytesOf(m);
        }).bytes();
        Map<String, String> out = new TreeMap<>();
        Json.readStored(new ByteArrayInputStream(doc)).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /**
     * {@code GET .../Package.swift}: the manifest, with a Link for each version-specific one; with
     * {@code ?swift-version=X}, {@code Package@swift-X.swift}, or a 303 to the unqualified manifest.
     */
    private FormatResponse manifest(FormatRequest req, RepositoryContext repo, String scope, String name, String version)
            throws IOException {
        StoredAsset a = archiveAsset(repo, scope, name, version);
        Map<String, String> manifests = manifestsOf(a);
        String url = packageUrl(repo, scope, name) + "/" + version + "/Package.swift";
        Optional<String> sv = req.queryParam("swift-version");
        String file = "Package.swift";
        if (sv.isPresent()) {
            file = "Package@swift-" + sv.get() + ".swift";
            if (!manifests.containsKey(file)) {
                return FormatResponse.status(303).header("Location", url).header("Content-Version", "1");
            }
        }
        String text = manifests.get(file);
        if (text == null) {
            throw FormatException.notFound("release " + version + " of " + scope + "." + name + " has no " + file);
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        FormatResponse r = FormatResponse.ok("text/x-swift", body).validators(DocumentCache.etag(body), null)
                .header("Content-Version", "1").header("Cache-Control", "public, immutable")
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"");
        if (sv.isEmpty()) {
            List<String> links = new ArrayList<>();
            for (Map.Entry<String, String> e : manifests.entrySet()) {
                String swift = SwiftArchive.swiftVersionOf(e.getKey());
                if (swift != null) {
                    String tools = SwiftArchive.toolsVersion(e.getValue());
                    links.add("<" + url + "?swift-version=" + swift + ">; rel=\"alternate\"; filename=\"" + e.getKey()
                            + "\"" + (tools != null ? "; swift-tools-version=\"" + tools + "\"" : ""));
                }
            }
            if (!links.isEmpty()) {
                r.header("Link", String.join(", ", links));
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ identifiers

    /** {@code GET identifiers?url=}: the packages whose metadata names that repository URL. */
    private FormatResponse identifiers(FormatRequest req, RepositoryContext repo) throws IOException {
        String url = req.queryParam("url").filter(u -> !u.isBlank()).orElseThrow(
                () -> FormatException.badRequest("the url query parameter is required"));
        if (url.length() > 2048) {
            throw FormatException.badRequest("the url is longer than 2048 characters");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (List<String> l : Members.values(repo, Members.bySource(h -> hostedIdentifiers(h, url),
                r -> remoteIdentifiers(r, url)))) {
            ids.addAll(l);
        }
        if (ids.isEmpty()) {
            throw FormatException.notFound("no package is registered for " + SwiftNames.printable(url));
        }
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("identifiers");
        ids.forEach(arr::add);
        return jsonWithValidators(o);
    }

    private Optional<List<String>> hostedIdentifiers(RepositoryContext hosted, String url) throws IOException {
        // one map of every repository URL to its packages, rebuilt once per change of the repository
        byte[] doc = documents.get(hosted, "", "identifiers", () -> {
            Map<String, Set<String>> byUrl = new TreeMap<>();
            for (StoredAsset a : hosted.list("")) {
                String[] svn = SwiftNames.ofArchivePath(a.path());
                if (svn == null) {
                    continue;
                }
                String id = a.attributes().getOrDefault(ATTR_SCOPE, svn[0]) + "." + a.attributes().getOrDefault(ATTR_NAME, svn[1]);
                for (String u : SwiftMetadata.repositoryUrls(a.attributes().get(ATTR_METADATA))) {
                    byUrl.computeIfAbsent(u, k -> new LinkedHashSet<>()).add(id);
                }
            }
            return Json.bytesOf(byUrl);
        }).bytes();
        JsonNode ids = Json.readStored(new ByteArrayInputStream(doc)).get(SwiftNames.normalizeUrl(url));
        if (ids == null) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        ids.forEach(i -> out.add(i.asText()));
        return Optional.of(out);
    }

    private static Optional<List<String>> remoteIdentifiers(RepositoryContext remote, String url) throws IOException {
        Optional<StoredAsset> a = remote.get(SwiftNames.upstreamIdentifiersPath(url));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        JsonNode doc;
        try (InputStream in = a.get().open()) {
            doc = Json.readUpstream(in, 1 << 20, "the upstream's identifiers");
        }
        List<String> out = new ArrayList<>();
        doc.path("identifiers").forEach(i -> {
            if (i.isTextual()) {
                out.add(i.asText());
            }
        });
        return Optional.of(out);
    }

    // ------------------------------------------------------------------ publish

    /**
     * {@code PUT {scope}/{name}/{version}}: the multipart body's {@code source-archive} is streamed into
     * a staging asset, checked (a zip with a manifest), and recorded at the release's path together with
     * the {@code metadata} (checked against the schema's types) and signatures; 409 when the release
     * exists. Answers 201 with the release's URL.
     */
    private FormatResponse publish(FormatRequest req, RepositoryContext repo, String scope, String name, String version)
            throws IOException {
        if (!SwiftNames.isScope(scope) || !SwiftNames.isName(name)) {
            throw FormatException.badRequest("\"" + SwiftNames.printable(scope + "." + name) + "\" is not a package "
                    + "identifier (SE-0292 3.6: scope of letters, digits and hyphens; name of letters, digits, - and _)");
        }
        if (!SwiftNames.isVersion(version)) {
            throw FormatException.badRequest("\"" + SwiftNames.printable(version) + "\" is not a version (SemVer 2.0)");
        }
        String path = SwiftNames.archivePath(scope, name, version);
        if (repo.peek(path).isPresent()) {
            throw exists(version);
        }
        String boundary = MultipartReader.boundary(req.header("Content-Type").orElse(null))
                .orElseThrow(() -> FormatException.badRequest("a release is published as multipart/form-data"));
        String staging = UPLOADS + UUID.randomUUID() + ".zip";
        StoredAsset staged = null;
        ObjectNode metadata = Json.object();
        String signature = null;
        try {
            MultipartReader body = new MultipartReader(req.body(), boundary);
            for (MultipartReader.Part part; (part = body.next()) != null;) {
                switch (part.name()) {
                    case "source-archive" -> {
                        if (staged != null) {
                            throw FormatException.badRequest("more than one source-archive");
                        }
                        staged = repo.put(staging, part.body(), PutOptions.defaults()
                                .withOverwrite(PutOptions.Overwrite.DENY)
                                .withDescription(null, null, "application/zip", Map.of("swift_kind", "upload")));
                    }
                    case "metadata" -> metadata = SwiftMetadata.read(part.body());
                    case "source-archive-signature" -> signature = Base64.getEncoder().encodeToString(signatureBytes(part));
                    default -> {
                        // metadata-signature and unknown sections: read past
                    }
                }
            }
            if (staged == null) {
                throw new FormatException(422, "UNPROCESSABLE", "the source-archive section is required");
            }
            String format = req.header("X-Swift-Package-Signature-Format").orElse(null);
            if (signature != null && (format == null || format.isBlank() || format.length() > 64)) {
                throw FormatException.badRequest("a signed archive needs its X-Swift-Package-Signature-Format header");
            }
            try (SeekableByteChannel ch = staged.channel()) {
                SwiftArchive.manifests(ch);
            } catch (SwiftArchive.BadArchiveException e) {
                throw new FormatException(422, "UNPROCESSABLE", e.getMessage());
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("swift_kind", "archive");
            attrs.put(ATTR_SCOPE, scope);
            attrs.put(ATTR_NAME, name);
            attrs.put(ATTR_METADATA, Json.mapper().convertValue(metadata, Map.class));
            if (signature != null) {
                attrs.put(ATTR_SIGNATURE, signature);
                attrs.put(ATTR_SIGNATURE_FORMAT, format);
            }
            try {
                repo.putCopy(path, staged, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                        .withDescription(scope + "." + name, version, "application/zip", attrs));
            } catch (FormatException e) {
                throw e.status() == 409 ? exists(version) : e;
            }
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
        return FormatResponse.status(201).header("Location", packageUrl(repo, scope, name) + "/" + version)
                .header("Content-Version", "1");
    }

    private static byte[] signatureBytes(MultipartReader.Part part) throws IOException {
        byte[] b = part.body().readNBytes(64 * 1024 + 1);
        if (b.length > 64 * 1024 || b.length == 0) {
            throw FormatException.badRequest("the signature is empty or larger than 64 KiB");
        }
        return b;
    }

    private static FormatException exists(String version) {
        return FormatException.conflict("a release with version " + version + " already exists");
    }
}
