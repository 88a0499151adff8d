package io.artifactkeeper.format.cocoapods.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
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
 * CocoaPods spec repositories in the CDN layout under {@code /cocoapods/{repo}/} (what
 * {@code pod repo add-cdn} reads: {@code CocoaPods-version.yml}, {@code all_pods.txt}, the sharded
 * {@code all_pods_versions_a_b_c.txt} and {@code Specs/a/b/c/NAME/VERSION/NAME.podspec.json}), pushes
 * of a podspec JSON with its source archive ({@code POST api/pods}; the podspec's {@code source} then
 * names the archive kept here), and downloads, for local, remote and virtual repositories. Errors are
 * trunk's {@code {"error": "..."}}.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=cocoapods")
public final class CocoapodsFormat implements FormatHandler {
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("cocoapods", List.of(), "cocoapods",
            "CocoaPods", List.of("podspec.json", "zip", "tar.gz"));
    private static final List<Route> ROUTES = CocoapodsRoutes.all();
    private static final ProxyPolicy POLICY = new CocoapodsProxyPolicy();
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON_TYPE = "application/json";
    private static final String UPLOADS = ".cocoapods-uploads/";
    static final String ATTR_PODSPEC = "cocoapods_podspec";
    /** What the CDN answers: shards of one hex digit each, and the client versions it serves. */
    static final String VERSION_YML = "---\nmin: 1.0.0\nlast: 1.16.2\nprefix_lengths:\n- 1\n- 1\n- 1\n";

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
        o.put("error", message == null ? code : message);
        FormatResponse r = FormatResponse.status(status).body(JSON_TYPE, Json.bytes(o));
        if (status == 401) {
            r.header("WWW-Authenticate", "Basic realm=\"Artifact Keeper\"");
        }
        return r;
    }

    /** Archives are stored through the push only; a remote's cached CDN files describe themselves lightly. */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) {
        String[] nvf = CocoapodsNames.ofArchivePath(path);
        if (nvf != null) {
            return new ArtifactDescription(nvf[0], nvf[1], null, Map.of("cocoapods_kind", "archive"));
        }
        if (path.startsWith("Specs/") || path.endsWith(".txt")) {
            return new ArtifactDescription(null, null, null, Map.of("cocoapods_kind", "cdn"));
        }
        throw new InvalidArtifactException("a cocoapods repository stores pods through POST api/pods");
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case CocoapodsRoutes.VERSION_YML -> text("text/yaml; charset=utf-8", VERSION_YML);
            case CocoapodsRoutes.ALL_PODS -> text(TEXT, lines(allPods(repo)));
            case CocoapodsRoutes.DEPRECATED -> text(TEXT, lines(deprecated(repo)));
            case CocoapodsRoutes.VERSIONS -> versionsFile(repo, new String[] {m.param("a"), m.param("b"), m.param("c")});
            case CocoapodsRoutes.PODSPEC -> podspec(repo, m);
            case CocoapodsRoutes.ARCHIVE -> archive(repo, m);
            case CocoapodsRoutes.PUSH, CocoapodsRoutes.PUSH_V1 -> push(req, repo);
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    private static FormatResponse text(String type, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return FormatResponse.ok(type, b).validators(DocumentCache.etag(b), null);
    }

    private static String lines(Iterable<String> l) {
        StringBuilder sb = new StringBuilder();
        for (String s : l) {
            sb.append(s).append('\n');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ the pods a repository has

    /** Pods and their versions, by name: a hosted repository's from its archives, cached per change below pods/. */
    private Map<String, TreeSet<String>> hostedPods(RepositoryContext hosted) throws IOException {
        byte[] doc = documents.get(hosted, "pods/", "pods", () -> {
            Map<String, List<String>> pods = new TreeMap<>();
            for (StoredAsset a : hosted.list("pods/")) {
                String[] nvf = CocoapodsNames.ofArchivePath(a.path());
                if (nvf != null && a.attributes().containsKey(ATTR_PODSPEC)) {
                    pods.computeIfAbsent(nvf[0], k -> new ArrayList<>()).add(nvf[1]);
                }
            }
            return Json.bytesOf(pods);
        }).bytes();
        Map<String, TreeSet<String>> out = new TreeMap<>();
        Json.readStored(new ByteArrayInputStream(doc)).fields().forEachRemaining(e -> {
            TreeSet<String> vs = versionSet();
            e.getValue().forEach(v -> vs.add(v.asText()));
            out.put(e.getKey(), vs);
        });
        return out;
    }

    private static TreeSet<String> versionSet() {
        return new TreeSet<>(SemVer::compareStrings);
    }

    private Optional<List<String>> hostedAllPods(RepositoryContext hosted) throws IOException {
        return Optional.of(new ArrayList<>(hostedPods(hosted).keySet()));
    }

    private static Optional<List<String>> remoteLines(RepositoryContext remote, String path) throws IOException {
        Optional<StoredAsset> a = remote.get(path);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        try (InputStream in = a.get().open()) {
            byte[] b = in.readNBytes(64 << 20);
            for (String l : new String(b, StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) {
                    out.add(l.trim());
                }
            }
        }
        return Optional.of(out);
    }

    private List<String> allPods(RepositoryContext repo) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (List<String> l : Members.values(repo, Members.bySource(this::hostedAllPods,
                r -> remoteLines(r, "all_pods.txt")))) {
            l.stream().filter(CocoapodsNames::isName).forEach(names::add);
        }
        return new ArrayList<>(names);
    }

    private static List<String> deprecated(RepositoryContext repo) throws IOException {
        TreeSet<String> paths = new TreeSet<>();
        for (List<String> l : Members.values(repo, Members.bySource(h -> Optional.of(List.<String>of()),
                r -> remoteLines(r, "deprecated_podspecs.txt")))) {
            l.stream().filter(p -> p.startsWith("Specs/") && p.length() < 512).forEach(paths::add);
        }
        return new ArrayList<>(paths);
    }

    /** {@code all_pods_versions_a_b_c.txt}: {@code NAME/V1/V2} for each pod of that shard, merged over members. */
    private FormatResponse versionsFile(RepositoryContext repo, String[] shard) throws IOException {
        String file = CocoapodsNames.versionsFile(shard);
        Map<String, TreeSet<String>> pods = new TreeMap<>();
        for (Map<String, TreeSet<String>> m : Members.values(repo, Members.bySource(
                h -> Optional.of(hostedPods(h)), r -> remoteLines(r, file).map(CocoapodsFormat::parseVersions)))) {
            m.forEach((name, vs) -> {
                if (java.util.Arrays.equals(CocoapodsNames.shard(name), shard)) {
                    pods.computeIfAbsent(name, k -> versionSet()).addAll(vs);
                }
            });
        }
        StringBuilder sb = new StringBuilder();
        pods.forEach((name, vs) -> sb.append(name).append('/').append(String.join("/", vs)).append('\n'));
        return text(TEXT, sb.toString());
    }

    /** An upstream's versions file: lines {@code NAME/V1/V2}; malformed names and versions are left out. */
    static Map<String, TreeSet<String>> parseVersions(List<String> lines) {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (String l : lines) {
            String[] p = l.split("/");
            if (p.length < 2 || !CocoapodsNames.isName(p[0])) {
                continue;
            }
            TreeSet<String> vs = out.computeIfAbsent(p[0], k -> versionSet());
            for (int i = 1; i < p.length; i++) {
                if (CocoapodsNames.isVersion(p[i])) {
                    vs.add(p[i]);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ podspecs and archives

    private static String pod(RouteMatch m) {
        String pod = m.param("pod");
        if (!CocoapodsNames.isName(pod)) {
            throw FormatException.notFound("\"" + CocoapodsNames.printable(pod) + "\" is not a pod name");
        }
        return pod;
    }

    private static String version(RouteMatch m) {
        String v = m.param("version");
        if (!CocoapodsNames.isVersion(v)) {
            throw FormatException.notFound("\"" + CocoapodsNames.printable(v) + "\" is not a pod version");
        }
        return v;
    }

    /** {@code Specs/a/b/c/NAME/V/NAME.podspec.json}: the podspec, its source on the repository asked. */
    private FormatResponse podspec(RepositoryContext repo, RouteMatch m) throws IOException {
        String pod = pod(m);
        String version = version(m);
        String[] shard = CocoapodsNames.shard(pod);
        if (!m.param("file").equals(pod + ".podspec.json") || !m.param("a").equals(shard[0])
                || !m.param("b").equals(shard[1]) || !m.param("c").equals(shard[2])) {
            throw FormatException.notFound("no podspec at this path: " + pod + "'s is " + CocoapodsNames.podspecPath(pod, version));
        }
        String base = repo.baseUrl();
        ObjectNode spec = Members.first(repo, Members.bySource(h -> hostedPodspec(h, pod, version, base),
                r -> remotePodspec(r, pod, version, base))).orElseThrow(() -> FormatException.notFound(
                        "no podspec of " + pod + " " + version));
        byte[] b = Json.bytes(spec);
        return FormatResponse.ok(JSON_TYPE, b).validators(DocumentCache.etag(b), null);
    }

    private static Optional<StoredAsset> hostedArchive(RepositoryContext hosted, String pod, String version)
            throws IOException {
        for (StoredAsset a : hosted.list(CocoapodsNames.archiveDir(pod, version))) {
            if (CocoapodsNames.ofArchivePath(a.path()) != null && a.attributes().containsKey(ATTR_PODSPEC)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static Optional<ObjectNode> hostedPodspec(RepositoryContext hosted, String pod, String version, String base)
            throws IOException {
        Optional<StoredAsset> a = hostedArchive(hosted, pod, version);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        JsonNode spec = Json.mapper().valueToTree(a.get().attributes().get(ATTR_PODSPEC));
        if (!(spec instanceof ObjectNode o)) {
            return Optional.empty();
        }
        String file = a.get().path().substring(a.get().path().lastIndexOf('/') + 1);
        return Optional.of(CocoapodsPodspec.withSource(o, base + "/" + a.get().path(), a.get().sha256(), file));
    }

    /** An upstream's podspec; an http source is served from here (the remote fetches it from the upstream's URL). */
    private static Optional<ObjectNode> remotePodspec(RepositoryContext remote, String pod, String version, String base)
            throws IOException {
        Optional<StoredAsset> a = remote.get(CocoapodsNames.podspecPath(pod, version));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n;
        try (InputStream in = a.get().open()) {
            n = Json.readUpstream(in, CocoapodsPodspec.MAX_BYTES, "the upstream's podspec of " + pod);
        }
        if (!(n instanceof ObjectNode o)) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's podspec of " + pod + " is not a JSON object");
        }
        java.net.URI src = CocoapodsPodspec.httpSource(o);
        if (src == null) {
            // a git source (trunk's pods): the client clones it itself
            return Optional.of(o);
        }
        String file = CocoapodsPodspec.localFile(src, pod, version);
        ObjectNode out = CocoapodsPodspec.withSource(o, base + "/" + CocoapodsNames.archiveDir(pod, version) + file,
                o.path("source").path("sha256").asText(null), file);
        return Optional.of(out);
    }

    /** {@code pods/NAME/V/FILE}: the first repository (member) that has it; a remote fetches the podspec's source. */
    private static FormatResponse archive(RepositoryContext repo, RouteMatch m) throws IOException {
        String pod = pod(m);
        String version = version(m);
        String file = m.param("file");
        if (!CocoapodsNames.isFileName(file)) {
            throw FormatException.notFound("no archive " + CocoapodsNames.printable(file));
        }
        String path = CocoapodsNames.archiveDir(pod, version) + file;
        StoredAsset a = Members.first(repo, r -> r.get(path)).orElseThrow(() -> FormatException.notFound(
                "no archive " + file + " of " + pod + " " + version));
        return FormatResponse.asset(a).contentType(file.endsWith(".zip") ? "application/zip" : "application/octet-stream");
    }

    // ------------------------------------------------------------------ push

    /**
     * {@code POST api/pods}: multipart {@code podspec} (the podspec JSON; a file name, when sent, must be
     * {@code NAME.podspec.json}) and {@code source} (a zip or tar.gz). The archive is streamed into a
     * staging asset, checked whole, and kept at {@code pods/NAME/V/NAME-V.zip} (or {@code .tar.gz}); the
     * podspec is served with its {@code source} naming it. 409 when the version exists.
     */
    private FormatResponse push(FormatRequest req, RepositoryContext repo) throws IOException {
        String boundary = MultipartReader.boundary(req.header("Content-Type").orElse(null))
                .orElseThrow(() -> FormatException.badRequest("a push is multipart/form-data with podspec and source"));
        String staging = UPLOADS + UUID.randomUUID();
        StoredAsset staged = null;
        ObjectNode spec = null;
        String specFile = null;
        try {
            MultipartReader body = new MultipartReader(req.body(), boundary);
            for (MultipartReader.Part part; (part = body.next()) != null;) {
                if (part.name().equals("podspec")) {
                    if (spec != null) {
                        throw FormatException.badRequest("more than one podspec");
                    }
                    specFile = part.filename();
                    spec = CocoapodsPodspec.read(part.body());
                } else if (part.name().equals("source")) {
                    if (staged != null) {
                        throw FormatException.badRequest("more than one source archive");
                    }
                    staged = repo.put(staging, part.body(), PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                            .withDescription(null, null, "application/octet-stream", Map.of("cocoapods_kind", "upload")));
                }
            }
            if (spec == null || staged == null) {
                throw FormatException.badRequest("a push needs a podspec and a source part");
            }
            String name = spec.get("name").asText();
            String version = spec.get("version").asText();
            if (specFile != null && !specFile.equals(name + ".podspec.json") && !specFile.equals(name + ".podspec")) {
                throw FormatException.badRequest("the podspec file " + CocoapodsNames.printable(specFile) + " is not named "
                        + "after its pod " + name + " (" + name + ".podspec.json)");
            }
            if (!repo.list(CocoapodsNames.archiveDir(name, version)).isEmpty()) {
                throw exists(name, version);
            }
            CocoapodsArchive.Kind kind;
            try (InputStream in = staged.open()) {
                kind = CocoapodsArchive.kindOf(in.readNBytes(4));
            } catch (CocoapodsArchive.BadArchiveException e) {
                throw FormatException.badRequest(e.getMessage());
            }
            try {
                if (kind == CocoapodsArchive.Kind.ZIP) {
                    try (SeekableByteChannel ch = staged.channel()) {
                        CocoapodsArchive.checkZip(ch);
                    }
                } else {
                    try (InputStream in = staged.open()) {
                        CocoapodsArchive.checkTarGz(in);
                    }
                }
            } catch (CocoapodsArchive.BadArchiveException e) {
                throw FormatException.badRequest(e.getMessage());
            }
            String path = CocoapodsNames.archiveDir(name, version) + name + "-" + version + kind.suffix;
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("cocoapods_kind", "archive");
            attrs.put(ATTR_PODSPEC, Json.mapper().convertValue(spec, Map.class));
            StoredAsset kept;
            try {
                kept = repo.putCopy(path, staged, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                        .withDescription(name, version, kind == CocoapodsArchive.Kind.ZIP ? "application/zip" : "application/gzip",
                                attrs));
            } catch (FormatException e) {
                throw e.status() == 409 ? exists(name, version) : e;
            }
            ObjectNode o = Json.object();
            o.put("name", name);
            o.put("version", version);
            o.put("podspec_url", repo.baseUrl() + "/" + CocoapodsNames.podspecPath(name, version));
            o.put("source_url", repo.baseUrl() + "/" + kept.path());
            return FormatResponse.status(201).body(JSON_TYPE, Json.bytes(o)).header("Location", o.get("podspec_url").asText());
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

    private static FormatException exists(String name, String version) {
        return FormatException.conflict("pod " + name + " " + version + " exists already; published versions cannot be replaced");
    }
}
