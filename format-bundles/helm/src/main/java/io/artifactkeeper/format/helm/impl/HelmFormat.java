package io.artifactkeeper.format.helm.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import io.artifactkeeper.format.support.MultipartReader;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.RepositoryType;
import io.artifactkeeper.api.format.StoredAsset;

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
    private static final ProxyPolicy POLICY = new HelmProxyPolicy();
    private static final Pattern PROV_FILE = Pattern.compile("(?m)^\\s+(\\S+\\.tgz):\\s*sha256:[0-9a-fA-F]{64}\\s*$");

    /** Parsed upstream indexes of remote repositories, by repository and upstream document digest. */
    private final Map<String, RemoteIndex> remoteIndexes = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, RemoteIndex> eldest) {
                    return size() > 32;
                }
            });

    private record RemoteIndex(String sha256, HelmIndex index, byte[] yaml, String etag) {
    }

    /** Merged indexes of virtual repositories, by repository, valid while the members' state is the same. */
    private final Map<String, VirtualIndex> virtualIndexes = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, VirtualIndex> eldest) {
                    return size() > 32;
                }
            });

    private record VirtualIndex(String state, byte[] yaml, String etag) {
    }

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return POLICY;
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("error", message == null ? code : message);
        return FormatResponse.json(status, HelmJson.write(o));
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
        String m = req.method();
        boolean read = m.equals("GET") || m.equals("HEAD");
        String path = req.path();
        if (path.equals(INDEX)) {
            return read ? index(req, repo) : notAllowed();
        }
        if (path.startsWith(HelmIndex.CHARTS)) {
            String file = path.substring(HelmIndex.CHARTS.length());
            if (!HelmIndex.isSafeFile(file)) {
                throw FormatException.badRequest("invalid chart file name: " + file);
            }
            return switch (m) {
                case "GET", "HEAD" -> FormatResponse.asset(chartFile(repo, file)
                        .orElseThrow(() -> FormatException.notFound("chart file " + file + " not found")));
                case "PUT" -> {
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
                case "DELETE" -> {
                    checkHosted(repo);
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
                default -> notAllowed();
            };
        }
        if (path.equals("api/charts")) {
            return switch (m) {
                case "POST" -> {
                    upload(req, repo);
                    yield saved();
                }
                case "GET", "HEAD" -> json(200, listing(index(repo)));
                default -> notAllowed();
            };
        }
        if (path.equals("api/prov")) {
            if (!m.equals("POST")) {
                return notAllowed();
            }
            uploadProv(req, repo);
            return saved();
        }
        if (path.startsWith("api/charts/")) {
            String[] seg = path.substring("api/charts/".length()).split("/");
            if (seg.length == 1 && read) {
                List<Map<String, Object>> versions = index(repo).versions(seg[0]);
                if (versions.isEmpty()) {
                    throw FormatException.notFound("chart not found");
                }
                return json(200, versions);
            }
            if (seg.length == 2) {
                if (read) {
                    for (Map<String, Object> v : index(repo).versions(seg[0])) {
                        if (seg[1].equals(v.get("version"))) {
                            return json(200, v);
                        }
                    }
                    throw FormatException.notFound("improper constraint: no chart version found for " + seg[0] + "-" + seg[1]);
                }
                if (m.equals("DELETE")) {
                    deleteVersion(repo, seg[0], seg[1]);
                    return deleted();
                }
            }
            return notAllowed();
        }
        if (path.isEmpty() || path.equals("health")) {
            return read ? json(200, Map.of("healthy", true)) : notAllowed();
        }
        throw FormatException.notFound("not found: " + path);
    }

    // --- index.yaml

    private FormatResponse index(FormatRequest req, RepositoryContext repo) throws IOException {
        switch (repo.type()) {
            case LOCAL, STAGING -> {
                return FormatResponse.asset(localIndex(repo)).contentType(YAML);
            }
            case REMOTE -> {
                RemoteIndex r = remoteIndex(repo);
                if (r == null) {
                    throw FormatException.notFound("the upstream has no index.yaml");
                }
                return conditional(req, r.yaml(), r.etag());
            }
            default -> {
                VirtualIndex v = virtualIndex(repo);
                return conditional(req, v.yaml(), v.etag());
            }
        }
    }

    private static FormatResponse conditional(FormatRequest req, byte[] body, String etag) {
        FormatResponse r = req.header("If-None-Match").map(v -> v.contains(etag)).orElse(false) ? FormatResponse.status(304)
                : FormatResponse.ok(YAML, body);
        return r.header("ETag", etag).header("Cache-Control", "no-cache");
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

    /** The index of any repository: stored charts, the upstream's (rewritten), or the members' merged. */
    HelmIndex index(RepositoryContext repo) throws IOException {
        return switch (repo.type()) {
            case LOCAL, STAGING -> HelmIndex.fromAssets(charts(repo));
            case REMOTE -> {
                RemoteIndex r = remoteIndex(repo);
                yield r == null ? new HelmIndex() : r.index();
            }
            case VIRTUAL -> {
                List<HelmIndex> parts = new ArrayList<>();
                for (RepositoryContext member : repo.members()) {
                    try {
                        parts.add(index(member));
                    } catch (FormatException e) {
                        // a member whose upstream is down must not hide the others
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
                yield HelmIndex.merge(parts);
            }
        };
    }

    /**
     * A virtual repository's merged index, rebuilt only when a member's state changed (its charts,
     * its upstream's index, or the member list), so that unchanged indexes keep their ETag.
     */
    private VirtualIndex virtualIndex(RepositoryContext repo) throws IOException {
        String state = state(repo);
        VirtualIndex known = virtualIndexes.get(repo.key());
        if (known != null && known.state().equals(state)) {
            return known;
        }
        byte[] yaml = index(repo).toYaml(Instant.now());
        VirtualIndex v = new VirtualIndex(state, yaml, etag(yaml));
        virtualIndexes.put(repo.key(), v);
        return v;
    }

    /** What a repository's index depends on, as a short string. */
    private String state(RepositoryContext repo) throws IOException {
        return switch (repo.type()) {
            case LOCAL, STAGING -> repo.key() + ":" + repo.contentStamp(HelmIndex.CHARTS);
            case REMOTE -> {
                try {
                    RemoteIndex r = remoteIndex(repo);
                    yield repo.key() + ":" + (r == null ? "none" : r.sha256());
                } catch (FormatException e) {
                    if (e.status() < 500) {
                        throw e;
                    }
                    yield repo.key() + ":down";
                }
            }
            case VIRTUAL -> {
                StringBuilder sb = new StringBuilder(repo.key()).append("(");
                for (RepositoryContext m : repo.members()) {
                    sb.append(state(m)).append(',');
                }
                yield sb.append(')').toString();
            }
        };
    }

    /** The upstream's index (cached as metadata by the core), parsed and pointed at this server; null when it has none. */
    private RemoteIndex remoteIndex(RepositoryContext repo) throws IOException {
        Optional<StoredAsset> raw = repo.get(INDEX);
        if (raw.isEmpty()) {
            return null;
        }
        StoredAsset a = raw.get();
        String key = repo.key();
        RemoteIndex known = remoteIndexes.get(key);
        if (known != null && known.sha256().equals(a.sha256())) {
            return known;
        }
        URI from = a.attributes().get("upstream_url") instanceof String s ? URI.create(s)
                : POLICY.upstreamUri(repo.upstreamUrl().orElseThrow(), INDEX);
        HelmIndex idx;
        try (InputStream in = a.open()) {
            idx = HelmIndex.parse(in).proxiedFrom(from);
        } catch (HelmYaml.YamlException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's index.yaml is not usable: " + e.getMessage());
        }
        byte[] yaml = idx.toYaml(a.updatedAt());
        RemoteIndex r = new RemoteIndex(a.sha256(), idx, yaml, etag(yaml));
        remoteIndexes.put(key, r);
        return r;
    }

    // --- chart files

    /** A chart or provenance file: stored, cached or fetched from where the upstream's index says, or through members. */
    Optional<StoredAsset> chartFile(RepositoryContext repo, String file) throws IOException {
        String path = HelmIndex.CHARTS + file;
        switch (repo.type()) {
            case VIRTUAL -> {
                for (RepositoryContext member : repo.members()) {
                    try {
                        Optional<StoredAsset> a = chartFile(member, file);
                        if (a.isPresent()) {
                            return a;
                        }
                    } catch (FormatException e) {
                        if (e.status() < 500) {
                            throw e;
                        }
                    }
                }
                return Optional.empty();
            }
            case REMOTE -> {
                // cached already: no upstream round trip, not even for the index
                for (StoredAsset cached : repo.list(path)) {
                    if (cached.path().equals(path)) {
                        return Optional.of(cached);
                    }
                }
                RemoteIndex idx;
                try {
                    idx = remoteIndex(repo);
                } catch (FormatException e) {
                    if (e.status() < 500) {
                        throw e;
                    }
                    idx = null;
                }
                URI u = null;
                if (idx != null) {
                    if (file.endsWith(".prov")) {
                        URI chart = idx.index().upstreamUrl(file.substring(0, file.length() - ".prov".length()));
                        u = chart == null ? null : URI.create(chart + ".prov");
                    } else {
                        u = idx.index().upstreamUrl(file);
                    }
                }
                // a chart newer than the cached index, or an upstream whose index names no URL for it:
                // the upstream's own charts/ folder
                return u != null ? repo.fetch(path, u, AssetKind.CONTENT) : repo.get(path);
            }
            default -> {
                return repo.get(path);
            }
        }
    }

    // --- uploads

    private void upload(FormatRequest req, RepositoryContext repo) throws IOException {
        checkHosted(repo);
        boolean force = force(req);
        Optional<String> boundary = MultipartReader.boundary(req.header("Content-Type").orElse(null));
        if (boundary.isEmpty()) {
            storeChart(repo, req.body(), null, force);
            return;
        }
        MultipartReader mp = new MultipartReader(req.body(), boundary.get());
        StoredAsset chart = null;
        boolean created = false;
        List<Prov> provs = new ArrayList<>();
        try {
            for (MultipartReader.Part p; (p = mp.next()) != null;) {
                switch (p.name()) {
                    case "chart" -> {
                        if (chart != null) {
                            throw FormatException.badRequest("one chart per request");
                        }
                        checkUploadName(p.filename(), ".tgz");
                        StoredAsset[] before = new StoredAsset[1];
                        chart = storeChart(repo, p.body(), null, force, before);
                        created = before[0] == null;
                    }
                    case "prov" -> {
                        checkUploadName(p.filename(), ".prov");
                        provs.add(readProv(p.body(), null));
                    }
                    default -> {
                        // other fields carry nothing we use
                    }
                }
            }
            if (chart == null) {
                throw FormatException.badRequest("no chart: send the .tgz as the body or as the form field \"chart\"");
            }
            for (Prov prov : provs) {
                saveProv(repo, prov, force);
            }
        } catch (IOException | RuntimeException e) {
            // all or nothing: a chart stored from this request goes again when the rest of it is refused
            if (chart != null && created) {
                repo.delete(chart.path());
                localIndex(repo);
            }
            if (e instanceof MultipartReader.MalformedException) {
                throw FormatException.badRequest("malformed multipart body: " + e.getMessage());
            }
            throw e;
        }
    }

    private void uploadProv(FormatRequest req, RepositoryContext repo) throws IOException {
        checkHosted(repo);
        boolean force = force(req);
        Optional<String> boundary = MultipartReader.boundary(req.header("Content-Type").orElse(null));
        if (boundary.isEmpty()) {
            storeProv(repo, req.body(), null, force);
            return;
        }
        MultipartReader mp = new MultipartReader(req.body(), boundary.get());
        boolean prov = false;
        try {
            for (MultipartReader.Part p; (p = mp.next()) != null;) {
                if (p.name().equals("prov")) {
                    checkUploadName(p.filename(), ".prov");
                    storeProv(repo, p.body(), null, force);
                    prov = true;
                }
            }
        } catch (MultipartReader.MalformedException e) {
            throw FormatException.badRequest("malformed multipart body: " + e.getMessage());
        }
        if (!prov) {
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
        checkHosted(repo);
        HelmArchive.Recording rec = new HelmArchive.Recording(body, PREFIX_BYTES);
        HelmChart chart;
        try {
            chart = HelmChart.parse(HelmArchive.chartYaml(rec, false));
        } catch (HelmArchive.PrefixExhaustedException e) {
            chart = null;
        } catch (HelmArchive.BadChartException e) {
            throw new InvalidArtifactException(e.getMessage());
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
        checkHosted(repo);
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
        checkHosted(repo);
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

    private static void checkHosted(RepositoryContext repo) {
        if (repo.type() == RepositoryType.REMOTE) {
            throw FormatException.methodNotAllowed("repository " + repo.key() + " is a remote (proxy) repository; "
                    + "it cannot be written to");
        }
        if (repo.type() == RepositoryType.VIRTUAL) {
            throw FormatException.badRequest("repository " + repo.key() + " is virtual; upload to one of its members");
        }
    }

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

    private FormatResponse notAllowed() {
        return renderError(405, "METHOD_NOT_ALLOWED", "method not allowed here");
    }

    private static FormatResponse saved() {
        return FormatResponse.json(201, "{\"saved\":true}");
    }

    private static FormatResponse deleted() {
        return FormatResponse.json(200, "{\"deleted\":true}");
    }

    private static FormatResponse json(int status, Object body) {
        return FormatResponse.status(status).body("application/json; charset=utf-8",
                HelmJson.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static String etag(byte[] b) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 40) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
