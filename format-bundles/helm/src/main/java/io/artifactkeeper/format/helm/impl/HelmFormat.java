package io.artifactkeeper.format.helm.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.Access;
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
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;
import io.artifactkeeper.format.support.MultipartReader;

/**
 * Helm chart repositories under {@code /helm/{repo}/}: {@code index.yaml}, charts and provenance
 * files at {@code charts/{file}}, and ChartMuseum's API ({@code POST api/charts} raw or multipart,
 * {@code POST api/prov}, listing, {@code DELETE api/charts/{name}/{version}}).
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=helm")
public final class HelmFormat implements FormatHandler {
    static final String INDEX = "index.yaml";
    static final String ATTR_CHART = "chart";
    static final String ATTR_STAMP = "charts_stamp";
    static final String YAML = "application/x-yaml";
    static final String CHART_TYPE = "application/gzip";
    static final String PROV_TYPE = "application/pgp-signature";
    /** Chart.yaml is the first file of archives that helm packages; it is looked for in this much of the body. */
    static final int PREFIX_BYTES = 1024 * 1024;
    static final int MAX_PROV_BYTES = 1024 * 1024;
    private static final String UPLOADS = ".uploads/";
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("helm", List.of(), "helm", "Helm",
            List.of("tgz", "prov"));
    private static final Pattern PROV_FILE = Pattern.compile("(?m)^\\s+(\\S+\\.tgz):\\s*sha256:[0-9a-fA-F]{64}\\s*$");

    static final String INDEX_ROUTE = "index";
    static final String CHART_FILE = "chart-file";
    static final String PUT_CHART_FILE = "put-chart-file";
    static final String DELETE_CHART_FILE = "delete-chart-file";
    static final String UPLOAD = "upload";
    static final String LIST = "list";
    static final String UPLOAD_PROV = "upload-prov";
    static final String VERSIONS = "versions";
    static final String VERSION = "version";
    static final String DELETE_VERSION = "delete-version";
    static final String HEALTH = "health";
    private static final List<Route> ROUTES = List.of(
            Route.read(INDEX_ROUTE, INDEX).metadata(),
            Route.read(CHART_FILE, "charts/{file}"),
            Route.of(PUT_CHART_FILE, "PUT", "charts/{file}", Access.WRITE),
            Route.of(DELETE_CHART_FILE, "DELETE", "charts/{file}", Access.DELETE),
            Route.of(UPLOAD, "POST", "api/charts", Access.WRITE),
            Route.read(LIST, "api/charts").metadata(),
            Route.of(UPLOAD_PROV, "POST", "api/prov", Access.WRITE),
            Route.read(VERSIONS, "api/charts/{name}").metadata(),
            Route.read(VERSION, "api/charts/{name}/{version}").metadata(),
            Route.of(DELETE_VERSION, "DELETE", "api/charts/{name}/{version}", Access.DELETE),
            Route.read(HEALTH, "health"),
            Route.read(HEALTH + "@root", ""));

    /** Generated index.yaml documents (a remote's rewritten, a virtual's merged) and remotes' chart URLs. */
    private final DocumentCache documents = new DocumentCache();
    private final ProxyPolicy policy = new HelmProxyPolicy(this::upstreamChartUrl);

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return policy;
    }

    @Override
    public List<Route> routes() {
        return ROUTES;
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        return FormatResponse.status(status).body("application/json",
                Json.bytesOf(Map.of("error", message == null ? code : message)));
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        if (path.equals(INDEX)) {
            return new ArtifactDescription(null, null, YAML, Map.of());
        }
        if (path.endsWith(".tgz")) {
            HelmChart c;
            try (InputStream in = content.open()) {
                c = HelmChart.parse(HelmArchive.chartYaml(in, true));
            } catch (HelmArchive.BadChartException e) {
                throw new InvalidArtifactException(e.getMessage());
            }
            return new ArtifactDescription(c.name(), c.version(), CHART_TYPE, Map.of(ATTR_CHART, c.metadata()));
        }
        if (path.endsWith(".prov")) {
            return new ArtifactDescription(fileOf(path), null, PROV_TYPE, Map.of());
        }
        return ArtifactDescription.fromPath(path);
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case INDEX_ROUTE -> indexYaml(repo);
            case CHART_FILE -> FormatResponse.asset(repo.get(HelmIndex.CHARTS + file(m))
                    .orElseThrow(() -> FormatException.notFound("chart file " + file(m) + " not found")));
            case PUT_CHART_FILE -> {
                String file = file(m);
                boolean force = force(req);
                if (file.endsWith(".prov")) {
                    storeProv(repo, req.body(), file, force);
                } else if (file.endsWith(".tgz")) {
                    storeChart(repo, req.body(), file, force);
                } else {
                    throw FormatException.badRequest("charts are .tgz files, provenance files .tgz.prov");
                }
                yield saved();
            }
            case DELETE_CHART_FILE -> {
                String file = file(m);
                String path = HelmIndex.CHARTS + file;
                boolean any = repo.delete(path);
                if (file.endsWith(".tgz")) {
                    any |= repo.delete(path + ".prov");
                }
                if (!any) {
                    throw FormatException.notFound("chart file " + file + " not found");
                }
                localIndex(repo);
                yield deleted();
            }
            case UPLOAD -> {
                upload(req, repo);
                yield saved();
            }
            case LIST -> json(200, listing(index(repo)));
            case UPLOAD_PROV -> {
                uploadProv(req, repo);
                yield saved();
            }
            case VERSIONS -> {
                List<Map<String, Object>> versions = index(repo).versions(m.param("name"));
                if (versions.isEmpty()) {
                    throw FormatException.notFound("chart not found");
                }
                yield json(200, versions);
            }
            case VERSION -> {
                String name = m.param("name");
                String version = m.param("version");
                for (Map<String, Object> v : index(repo).versions(name)) {
                    if (version.equals(v.get("version"))) {
                        yield json(200, v);
                    }
                }
                throw FormatException.notFound("improper constraint: no chart version found for " + name + "-" + version);
            }
            case DELETE_VERSION -> {
                deleteVersion(repo, m.param("name"), m.param("version"));
                yield deleted();
            }
            case HEALTH, HEALTH + "@root" -> json(200, Map.of("healthy", true));
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    /** A chart or provenance file name from the path; the template keeps it to one segment. */
    private static String file(RouteMatch m) {
        String file = m.param("file");
        if (!HelmIndex.isSafeFile(file)) {
            throw FormatException.badRequest("invalid chart file name: " + file);
        }
        return file;
    }

    // --- index.yaml

    /**
     * One repository's index.yaml: a hosted repository's stored document, or a remote's upstream document
     * rewritten to point here (generated once per upstream document). {@code stamp} changes whenever the
     * document does.
     */
    private record Part(String stamp, FormatResponse response, RepositoryContext.IOSupplier<byte[]> yaml) {
    }

    /** What each repository a request resolves through contributes to its index. */
    private final Members.Lookup<Part> parts = Members.bySource(this::hostedPart, this::remotePart);

    private Optional<Part> hostedPart(RepositoryContext hosted) throws IOException {
        StoredAsset idx = localIndex(hosted);
        return Optional.of(new Part(hosted.key() + "=" + idx.sha256(), FormatResponse.asset(idx).contentType(YAML),
                () -> read(idx)));
    }

    private Optional<Part> remotePart(RepositoryContext remote) throws IOException {
        Optional<StoredAsset> raw = remote.get(INDEX);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset a = raw.get();
        DocumentCache.Document d = documents.get(remote.key() + "\0" + INDEX, a.sha256(),
                () -> upstreamIndex(remote, a).toYaml(a.updatedAt()));
        return Optional.of(new Part(remote.key() + "=" + a.sha256(), d.response(YAML).header("Cache-Control", "no-cache"),
                d::bytes));
    }

    /**
     * {@code index.yaml}: a repository answering for itself serves its own document; otherwise (the
     * members of a virtual repository) the members' documents merged, kept while no member's changed.
     */
    private FormatResponse indexYaml(RepositoryContext repo) throws IOException {
        List<Members.Found<Part>> found = Members.all(repo, parts);
        if (found.size() == 1 && found.get(0).repository() == repo) {
            return found.get(0).value().response();
        }
        if (found.isEmpty() && Members.leaves(repo).contains(repo)) {
            throw FormatException.notFound("the upstream has no index.yaml");
        }
        StringBuilder stamp = new StringBuilder();
        for (Members.Found<Part> f : found) {
            stamp.append(f.value().stamp()).append(',');
        }
        DocumentCache.Document d = documents.get(repo.key() + "\0merged", stamp.toString(),
                () -> merged(found).toYaml(Instant.now()));
        return d.response(YAML).header("Cache-Control", "no-cache");
    }

    private static HelmIndex merged(List<Members.Found<Part>> found) throws IOException {
        List<HelmIndex> indexes = new ArrayList<>();
        for (Members.Found<Part> f : found) {
            indexes.add(HelmIndex.parse(new ByteArrayInputStream(f.value().yaml().get())));
        }
        return HelmIndex.merge(indexes);
    }

    /** The index of any repository, for the ChartMuseum API: its own document, or its members' merged. */
    HelmIndex index(RepositoryContext repo) throws IOException {
        return merged(Members.all(repo, parts));
    }

    /**
     * The stored index of a hosted repository, rebuilt only when the charts changed since it was
     * written: it keeps the repository's content stamp of {@code charts/} (one indexed query, no
     * listing) it was built at. Writers rebuild it right away; a chart that arrived another way (the
     * artifacts API) is picked up on the next read.
     */
    StoredAsset localIndex(RepositoryContext repo) throws IOException {
        String stamp = repo.contentStamp(HelmIndex.CHARTS);
        Optional<StoredAsset> cur = repo.get(INDEX);
        if (cur.isPresent() && stamp.equals(cur.get().attributes().get(ATTR_STAMP))) {
            return cur.get();
        }
        return repo.withLock(INDEX, () -> {
            // the stamp before the listing: a chart stored in between makes the next read rebuild again
            String now = repo.contentStamp(HelmIndex.CHARTS);
            Optional<StoredAsset> again = repo.get(INDEX);
            if (again.isPresent() && now.equals(again.get().attributes().get(ATTR_STAMP))) {
                return again.get();
            }
            byte[] yaml = HelmIndex.fromAssets(charts(repo)).toYaml(Instant.now());
            return repo.putBytes(INDEX, yaml, PutOptions.defaults().withKind(AssetKind.METADATA)
                    .withDescription(null, null, YAML, Map.of(ATTR_STAMP, now)));
        });
    }

    private static List<StoredAsset> charts(RepositoryContext repo) throws IOException {
        List<StoredAsset> out = new ArrayList<>();
        for (StoredAsset a : repo.list(HelmIndex.CHARTS)) {
            if (HelmIndex.isChartPath(a.path())) {
                out.add(a);
            }
        }
        return out;
    }

    /** The upstream's index (as the core cached it), parsed and pointed at this server. */
    private HelmIndex upstreamIndex(RepositoryContext remote, StoredAsset a) throws IOException {
        URI from = a.attributes().get("upstream_url") instanceof String s ? URI.create(s)
                : policy.upstreamUri(remote.upstreamUrl().orElseThrow(), INDEX);
        try (InputStream in = a.open()) {
            return HelmIndex.parse(in).proxiedFrom(from);
        } catch (HelmYaml.YamlException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's index.yaml is not usable: " + e.getMessage());
        }
    }

    /**
     * Where the upstream serves chart {@code file}, as its index.yaml names it (the core asks on a cache
     * miss, then fetches and caches); the URLs of one upstream document are read from it once.
     */
    private Optional<URI> upstreamChartUrl(RepositoryContext remote, String file) throws IOException {
        Optional<StoredAsset> raw = remote.get(INDEX);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset a = raw.get();
        DocumentCache.Document d = documents.get(remote.key() + "\0urls", a.sha256(),
                () -> Json.bytesOf(upstreamIndex(remote, a).upstreamUrls()));
        JsonNode url = Json.readStored(new ByteArrayInputStream(d.bytes())).get(file);
        return url == null || !url.isTextual() ? Optional.empty() : Optional.of(URI.create(url.asText()));
    }

    private static byte[] read(StoredAsset a) throws IOException {
        try (InputStream in = a.open()) {
            return in.readAllBytes();
        }
    }

    // --- uploads

    /** Sees one part of a multipart body. */
    @FunctionalInterface
    private interface PartHandler {
        void accept(MultipartReader.Part part) throws IOException;
    }

    /** Hands each part of a multipart body to {@code handler}; false when the body is not multipart. */
    private static boolean eachPart(FormatRequest req, PartHandler handler) throws IOException {
        Optional<String> boundary = MultipartReader.boundary(req.header("Content-Type").orElse(null));
        if (boundary.isEmpty()) {
            return false;
        }
        MultipartReader mp = new MultipartReader(req.body(), boundary.get());
        try {
            for (MultipartReader.Part p; (p = mp.next()) != null;) {
                handler.accept(p);
            }
        } catch (MultipartReader.MalformedException e) {
            throw FormatException.badRequest("malformed multipart body: " + e.getMessage());
        }
        return true;
    }

    /** {@code POST api/charts}: the chart as the body, or as the field "chart" with "prov" fields beside it. */
    private void upload(FormatRequest req, RepositoryContext repo) throws IOException {
        boolean force = force(req);
        StoredAsset[] chart = new StoredAsset[1];
        boolean[] created = new boolean[1];
        List<Prov> provs = new ArrayList<>();
        try {
            boolean multipart = eachPart(req, p -> {
                switch (p.name()) {
                    case "chart" -> {
                        if (chart[0] != null) {
                            throw FormatException.badRequest("one chart per request");
                        }
                        checkUploadName(p.filename(), ".tgz");
                        StoredAsset[] before = new StoredAsset[1];
                        chart[0] = storeChart(repo, p.body(), null, force, before);
                        created[0] = before[0] == null;
                    }
                    case "prov" -> {
                        checkUploadName(p.filename(), ".prov");
                        provs.add(readProv(p.body(), null));
                    }
                    default -> {
                        // other fields carry nothing we use
                    }
                }
            });
            if (!multipart) {
                storeChart(repo, req.body(), null, force);
                return;
            }
            if (chart[0] == null) {
                throw FormatException.badRequest("no chart: send the .tgz as the body or as the form field \"chart\"");
            }
            for (Prov prov : provs) {
                saveProv(repo, prov, force);
            }
        } catch (IOException | RuntimeException e) {
            // all or nothing: a chart stored from this request goes again when the rest of it is refused
            if (chart[0] != null && created[0]) {
                repo.delete(chart[0].path());
                localIndex(repo);
            }
            throw e;
        }
    }

    /** {@code POST api/prov}: the provenance file as the body, or as "prov" fields. */
    private void uploadProv(FormatRequest req, RepositoryContext repo) throws IOException {
        boolean force = force(req);
        boolean[] prov = new boolean[1];
        boolean multipart = eachPart(req, p -> {
            if (p.name().equals("prov")) {
                checkUploadName(p.filename(), ".prov");
                storeProv(repo, p.body(), null, force);
                prov[0] = true;
            }
        });
        if (!multipart) {
            storeProv(repo, req.body(), null, force);
        } else if (!prov[0]) {
            throw FormatException.badRequest("no provenance file: send it as the body or as the form field \"prov\"");
        }
    }

    /** A client's file name is not used for storage, but one that tries to leave the folder is refused. */
    private static void checkUploadName(String filename, String suffix) {
        if (filename == null || filename.isEmpty()) {
            return;
        }
        if (filename.contains("/") || filename.contains("\\") || filename.contains("..") || filename.indexOf('\0') >= 0) {
            throw FormatException.badRequest("invalid file name: " + filename);
        }
        if (!filename.endsWith(suffix)) {
            throw FormatException.badRequest("file " + filename + " is not a " + suffix + " file");
        }
    }

    /**
     * Stores a chart archive at {@code charts/{name}-{version}.tgz}, streaming: {@code Chart.yaml} is
     * read from the first bytes (helm packages put it first), which are then replayed in front of the
     * rest of the body; the core hashes and stores while {@link #describe} checks the whole archive.
     * When {@code Chart.yaml} comes later in the archive, the chart goes to a temporary path first
     * and is then linked (not copied) to its name.
     */
    StoredAsset storeChart(RepositoryContext repo, InputStream body, String expectedFile, boolean force) throws IOException {
        return storeChart(repo, body, expectedFile, force, new StoredAsset[1]);
    }

    /** As above; {@code previous[0]} is set to the asset the chart replaced (with {@code force}), if any. */
    private StoredAsset storeChart(RepositoryContext repo, InputStream body, String expectedFile, boolean force,
            StoredAsset[] previous) throws IOException {
        HelmArchive.Recording rec = new HelmArchive.Recording(body, PREFIX_BYTES);
        HelmChart chart;
        try {
            chart = HelmChart.parse(HelmArchive.chartYaml(rec, false));
        } catch (HelmArchive.BadChartException e) {
            if (!rec.exhausted()) {
                throw new InvalidArtifactException(e.getMessage());
            }
            // Chart.yaml comes later: describe() finds it in the stored bytes
            chart = null;
        }
        InputStream replay = new SequenceInputStream(new ByteArrayInputStream(rec.recorded()), body);
        PutOptions opts = PutOptions.defaults().withOverwrite(force ? PutOptions.Overwrite.ALLOW : PutOptions.Overwrite.DENY);
        StoredAsset stored;
        if (chart != null) {
            String path = HelmIndex.CHARTS + checkFile(chart, expectedFile);
            previous[0] = repo.get(path).orElse(null);
            if (!force && previous[0] != null) {
                throw exists(chart);
            }
            stored = repo.put(path, replay, opts);
        } else {
            String tmp = UPLOADS + UUID.randomUUID() + ".tgz";
            StoredAsset t = repo.put(tmp, replay, PutOptions.defaults());
            try {
                HelmChart c = new HelmChart(t.name(), t.version(), Map.of());
                String path = HelmIndex.CHARTS + checkFile(c, expectedFile);
                previous[0] = repo.get(path).orElse(null);
                if (!force && previous[0] != null) {
                    throw exists(c);
                }
                stored = repo.putCopy(path, t, opts.withDescription(t.name(), t.version(), CHART_TYPE, t.attributes()));
            } finally {
                repo.delete(tmp);
            }
        }
        localIndex(repo);
        return stored;
    }

    private static FormatException exists(HelmChart c) {
        return FormatException.conflict("file already exists: " + c.fileName()
                + " (chart " + c.name() + " version " + c.version() + "); add ?force to replace it");
    }

    private static String checkFile(HelmChart chart, String expectedFile) {
        String file = chart.fileName();
        if (expectedFile != null && !expectedFile.equals(file)) {
            throw new InvalidArtifactException("the chart is " + chart.name() + " version " + chart.version()
                    + "; its file name here must be " + file + ", not " + expectedFile);
        }
        return file;
    }

    /** A provenance file read and checked, not yet stored. */
    private record Prov(String chartFile, byte[] bytes) {
        String file() {
            return chartFile + ".prov";
        }
    }

    /** Stores a provenance file beside the chart it signs, named by its "files:" section. */
    void storeProv(RepositoryContext repo, InputStream body, String expectedFile, boolean force) throws IOException {
        saveProv(repo, readProv(body, expectedFile), force);
    }

    private static Prov readProv(InputStream body, String expectedFile) throws IOException {
        byte[] prov = body.readNBytes(MAX_PROV_BYTES + 1);
        if (prov.length > MAX_PROV_BYTES) {
            throw new FormatException(413, "TOO_LARGE", "a provenance file is at most " + MAX_PROV_BYTES + " bytes");
        }
        String text = new String(prov, StandardCharsets.UTF_8);
        if (!text.contains("-----BEGIN PGP SIGNED MESSAGE-----")) {
            throw new InvalidArtifactException("not a provenance file: no PGP signed message");
        }
        Matcher f = PROV_FILE.matcher(text);
        if (!f.find()) {
            throw new InvalidArtifactException("the provenance file names no chart archive in its files: section");
        }
        String chartFile = f.group(1);
        if (!HelmIndex.isSafeFile(chartFile)) {
            throw new InvalidArtifactException("invalid chart file name in the provenance file: " + chartFile);
        }
        Prov p = new Prov(chartFile, prov);
        if (expectedFile != null && !expectedFile.equals(p.file())) {
            throw new InvalidArtifactException("the provenance file signs " + chartFile + "; its file name here must be " + p.file());
        }
        return p;
    }

    private static void saveProv(RepositoryContext repo, Prov prov, boolean force) throws IOException {
        String path = HelmIndex.CHARTS + prov.file();
        if (!force && repo.get(path).isPresent()) {
            throw FormatException.conflict("file already exists: " + prov.file() + "; add ?force to replace it");
        }
        Optional<StoredAsset> chart = repo.get(HelmIndex.CHARTS + prov.chartFile());
        repo.putBytes(path, prov.bytes(), PutOptions.defaults()
                .withOverwrite(force ? PutOptions.Overwrite.ALLOW : PutOptions.Overwrite.DENY)
                .withDescription(chart.map(StoredAsset::name).orElse(prov.chartFile()),
                        chart.map(StoredAsset::version).orElse(null), PROV_TYPE, Map.of()));
    }

    private void deleteVersion(RepositoryContext repo, String name, String version) throws IOException {
        List<String> paths = new ArrayList<>();
        for (StoredAsset a : repo.findByName(name)) {
            if (version.equals(a.version()) && name.equals(a.name()) && HelmIndex.isChartPath(a.path())) {
                paths.add(a.path());
            }
        }
        if (paths.isEmpty()) {
            throw FormatException.notFound("improper constraint: no chart version found for " + name + "-" + version);
        }
        for (String p : paths) {
            repo.delete(p);
            repo.delete(p + ".prov");
        }
        localIndex(repo);
    }

    // --- helpers

    private static boolean force(FormatRequest req) {
        return req.queryParams().containsKey("force")
                && !req.queryParam("force").map(v -> v.equalsIgnoreCase("false") || v.equals("0")).orElse(false);
    }

    private static String fileOf(String path) {
        String f = path.substring(path.lastIndexOf('/') + 1);
        return f.endsWith(".tgz.prov") ? f.substring(0, f.length() - ".tgz.prov".length()) : f;
    }

    private static Map<String, Object> listing(HelmIndex idx) {
        return new LinkedHashMap<>(idx.entries());
    }

    private static FormatResponse saved() {
        return FormatResponse.json(201, "{\"saved\":true}");
    }

    private static FormatResponse deleted() {
        return FormatResponse.json(200, "{\"deleted\":true}");
    }

    private static FormatResponse json(int status, Object body) {
        return FormatResponse.status(status).body("application/json; charset=utf-8", Json.bytesOf(body));
    }
}
