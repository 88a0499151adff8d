package io.artifactkeeper.format.debian.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.osgi.service.component.annotations.Component;

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
import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Members;

/**
 * Debian (apt) repositories under {@code /debian/{repo}/}: packages in {@code pool/}, uploaded by
 * {@code PUT pool/{component}/...deb}, {@code POST upload} or dput's HTTP method
 * ({@code PUT incoming[/{dist}/{component}]/{file}}); per distribution {@code dists/{dist}/Release},
 * {@code InRelease} and {@code Release.gpg} (signed with the repository's key), {@code Packages}
 * (+ .gz, .xz) per component and architecture with packages of architecture {@code all} in each, and
 * {@code by-hash/SHA256/} copies; the public key at {@code gpg-key.asc}.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=debian")
public final class DebianFormat implements FormatHandler {
    static final String DEB_TYPE = "application/vnd.debian.binary-package";
    static final String ATTR_CONTROL = "deb_control";
    static final String ATTR_DIST = "deb_distribution";
    static final String ATTR_COMPONENT = "deb_component";
    static final String ATTR_ARCH = "deb_architecture";
    static final String DEFAULT_DIST = "stable";
    static final String DEFAULT_COMPONENT = "main";
    static final List<String> DEFAULT_ARCHES = List.of("amd64", "arm64");
    static final Pattern SUITE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    /** Bytes of an upload read before its control file must have been found. */
    static final int CONTROL_PREFIX = (int) DebArchive.MAX_CONTROL_MEMBER + 8192;
    static final int MAX_CHANGES = 1 << 20;
    static final long MAX_PACKAGES = 256L << 20;

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("debian", List.of(), "debian", "Debian",
            List.of("deb"));

    static final String KEY = "key";
    static final String DIST_KEY = "dist-key";
    static final String RELEASE = "release";
    static final String PACKAGES = "packages";
    static final String BY_HASH = "by-hash";
    static final String POOL = "pool";
    static final String PUT_POOL = "put-pool";
    static final String DELETE_POOL = "delete-pool";
    static final String UPLOAD = "upload";
    static final String INCOMING = "incoming";
    static final String INCOMING_TO = "incoming-to";
    private static final List<Route> ROUTES = List.of(
            Route.read(KEY, "gpg-key.asc").metadata(),
            Route.read(DIST_KEY, "dists/{dist}/gpg-key.asc").metadata(),
            Route.read(RELEASE, "dists/{dist}/{file:Release|InRelease|Release\\.gpg}").metadata(),
            Route.read(PACKAGES, "dists/{dist}/{component}/binary-{arch}/{file:Packages|Packages\\.gz|Packages\\.xz}").metadata(),
            Route.read(BY_HASH, "dists/{dist}/{component}/binary-{arch}/by-hash/SHA256/{hash:[0-9a-f]{64}}"),
            Route.read(POOL, "pool/{component}/{file+}"),
            Route.of(PUT_POOL, "PUT", "pool/{component}/{file+}", Access.WRITE),
            Route.of(DELETE_POOL, "DELETE", "pool/{component}/{file+}", Access.DELETE),
            Route.of(UPLOAD, "POST", "upload", Access.WRITE),
            Route.of(INCOMING, "PUT", "incoming/{file}", Access.WRITE),
            Route.of(INCOMING_TO, "PUT", "incoming/{dist}/{component}/{file}", Access.WRITE));

    private final DocumentCache documents = new DocumentCache();
    /** Built index sets (views, files, Release) by repository and distribution, each kept for one stamp. */
    private final Map<String, IndexSet> indexSets = new LinkedHashMap<>(32, 0.75f, true);
    private final boolean xz = DebArchive.xzAvailable();
    private final DebianIndex.Compressed compressed = new DebianIndex.Compressed();
    /** Index sets built so far (tests check that an unchanged repository is not indexed again). */
    private final java.util.concurrent.atomic.AtomicInteger builds = new java.util.concurrent.atomic.AtomicInteger();

    private static final ProxyPolicy POLICY = new ProxyPolicy() {
        @Override
        public AssetKind kindOf(String path) {
            return path.startsWith("dists/") && !path.contains("/by-hash/") ? AssetKind.METADATA : AssetKind.CONTENT;
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
        return POLICY;
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        if (path.endsWith(".deb")) {
            try (InputStream in = content.open()) {
                DebPackage p = DebArchive.readControl(in);
                return new ArtifactDescription(p.name(), p.version(), DEB_TYPE, Map.of());
            }
        }
        return ArtifactDescription.fromPath(path);
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case KEY, DIST_KEY -> {
                RepositorySigner s = repo.signing().signer()
                        .orElseThrow(() -> FormatException.notFound("repository " + repo.key() + " has no signing key"));
                yield FormatResponse.ok("application/pgp-keys", s.publicKeyText().getBytes(StandardCharsets.UTF_8))
                        .header("Cache-Control", "no-cache");
            }
            case RELEASE -> release(repo, suite(m.param("dist")), m.param("file"));
            case PACKAGES -> indexFile(repo, suite(m.param("dist")),
                    suite(m.param("component")) + "/binary-" + suite(m.param("arch")) + "/" + m.param("file"));
            case BY_HASH -> byHash(repo, suite(m.param("dist")), suite(m.param("component")) + "/binary-" + suite(m.param("arch")) + "/",
                    m.param("hash"));
            case POOL -> FormatResponse.asset(repo.get(poolPath(m))
                    .orElseThrow(() -> FormatException.notFound(poolPath(m) + " not found")));
            case PUT_POOL -> {
                String path = poolPath(m);
                if (!path.endsWith(".deb")) {
                    throw FormatException.badRequest("only binary packages (.deb) are stored in pool/");
                }
                StoredAsset a = store(repo, req.body(), distribution(req, repo), suite(m.param("component")), path);
                yield created(a);
            }
            case DELETE_POOL -> {
                if (!repo.delete(poolPath(m))) {
                    throw FormatException.notFound(poolPath(m) + " not found");
                }
                yield FormatResponse.status(204);
            }
            case UPLOAD -> created(store(repo, req.body(), distribution(req, repo), component(req, repo), null));
            case INCOMING -> incoming(repo, req, distribution(req, repo), component(req, repo), m.param("file"));
            case INCOMING_TO -> incoming(repo, req, suite(m.param("dist")), suite(m.param("component")), m.param("file"));
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    // ------------------------------------------------------------------ uploads

    private static String poolPath(RouteMatch m) {
        String component = suite(m.param("component"));
        String file = m.param("file");
        for (String seg : file.split("/")) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.indexOf('\\') >= 0 || seg.indexOf('\0') >= 0) {
                throw FormatException.badRequest("invalid pool path");
            }
        }
        return "pool/" + component + "/" + file;
    }

    /** A distribution, component or architecture name: letters, digits and ._+- only. */
    static String suite(String s) {
        if (s == null || !SUITE.matcher(s).matches()) {
            throw FormatException.badRequest("invalid distribution, component or architecture name");
        }
        return s;
    }

    private static String setting(RepositoryContext repo, String name, String dflt) {
        return repo.settings().get(name) instanceof String s && !s.isBlank() ? s.trim() : dflt;
    }

    private static String distribution(FormatRequest req, RepositoryContext repo) {
        return suite(req.queryParam("distribution").orElse(setting(repo, "distribution", DEFAULT_DIST)));
    }

    private static String component(FormatRequest req, RepositoryContext repo) {
        return suite(req.queryParam("component").orElse(setting(repo, "component", DEFAULT_COMPONENT)));
    }

    private static FormatResponse created(StoredAsset a) {
        return FormatResponse.json(201, "{\"path\":\"" + a.path() + "\",\"sha256\":\"" + a.sha256() + "\"}");
    }

    /**
     * Stores a package streaming: its control file is read from the first bytes (ar header,
     * debian-binary, control.tar), which are then replayed in front of the rest; once stored, the
     * whole archive is checked and a damaged one removed again. {@code path} null: the pool path
     * Debian's archive would give it.
     */
    StoredAsset store(RepositoryContext repo, InputStream body, String dist, String component, String path) throws IOException {
        return store(repo, body, dist, component, path, path == null ? null : path.substring(path.lastIndexOf('/') + 1));
    }

    /** As above; {@code file}, when given, must be the package's own file name (name_version_arch.deb). */
    private StoredAsset store(RepositoryContext repo, InputStream body, String dist, String component, String path, String file)
            throws IOException {
        Recording rec = new Recording(body, CONTROL_PREFIX);
        DebPackage pkg = DebArchive.readControl(rec);
        String target = path != null ? path : pkg.poolPath(component);
        if (file != null) {
            if (!file.equals(pkg.fileName())) {
                throw new InvalidArtifactException("the package is " + pkg.name() + " " + pkg.version() + " for " + pkg.architecture()
                        + "; its file name must be " + pkg.fileName() + ", not " + file);
            }
        }
        for (StoredAsset a : repo.findByName(pkg.name())) {
            if (pkg.version().equals(a.version()) && pkg.architecture().equals(a.attributes().get(ATTR_ARCH))) {
                throw FormatException.conflict(pkg.name() + " " + pkg.version() + " (" + pkg.architecture() + ") is already in "
                        + repo.key() + " at " + a.path() + "; a published version is never replaced");
            }
        }
        if (repo.peek(target).isPresent()) {
            throw FormatException.conflict(target + " already exists");
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put(ATTR_CONTROL, pkg.control().text());
        attrs.put(ATTR_DIST, dist);
        attrs.put(ATTR_COMPONENT, component);
        attrs.put(ATTR_ARCH, pkg.architecture());
        StoredAsset stored = repo.put(target, new SequenceInputStream(new ByteArrayInputStream(rec.recorded()), body),
                PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                        .withDescription(pkg.name(), pkg.version(), DEB_TYPE, attrs));
        try (InputStream in = stored.open()) {
            DebArchive.checkComplete(in);
        } catch (IOException | RuntimeException e) {
            repo.delete(target);
            throw e;
        }
        return stored;
    }

    /**
     * dput's HTTP method: a PUT of each file of an upload to the incoming folder, the .changes last.
     * Packages are stored as by {@code POST upload}; the .changes is checked (every .deb it names is
     * here with the size and MD5 it says) and not kept; .buildinfo files are accepted and not kept.
     */
    private FormatResponse incoming(RepositoryContext repo, FormatRequest req, String dist, String component, String file)
            throws IOException {
        if (file.endsWith(".deb")) {
            if (!file.equals(file.replaceAll("[^A-Za-z0-9._+~-]", ""))) {
                throw FormatException.badRequest("invalid file name");
            }
            return created(store(repo, req.body(), dist, component, null, file));
        }
        if (file.endsWith(".buildinfo")) {
            drain(req.body(), MAX_CHANGES);
            return FormatResponse.json(201, "{\"kept\":false}");
        }
        if (!file.endsWith(".changes")) {
            throw FormatException.badRequest("dput uploads here take binary packages (.deb), .buildinfo and .changes files");
        }
        byte[] bytes = drain(req.body(), MAX_CHANGES);
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("-----BEGIN PGP SIGNED MESSAGE-----")) {
            try {
                text = UpstreamRelease.clearSigned(bytes, null);
            } catch (UpstreamRelease.BadSignature e) {
                throw new InvalidArtifactException(e.getMessage());
            }
        }
        Deb822.Paragraph changes = Deb822.single(text);
        String files = changes.get("Files");
        if (files == null) {
            throw new InvalidArtifactException("the .changes file has no Files field");
        }
        List<String> missing = new ArrayList<>();
        for (String line : files.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[4].endsWith(".deb")) {
                continue;
            }
            boolean found = false;
            for (StoredAsset a : repo.list("pool/")) {
                if (a.path().endsWith("/" + f[4]) && String.valueOf(a.size()).equals(f[1]) && f[0].equalsIgnoreCase(a.md5())) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(f[4]);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidArtifactException("the .changes names packages not uploaded here (or with other contents): " + missing);
        }
        return FormatResponse.json(201, "{\"kept\":false}");
    }

    private static byte[] drain(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        if (b.length > max) {
            throw new FormatException(413, "TOO_LARGE", "at most " + max + " bytes");
        }
        return b;
    }

    // ------------------------------------------------------------------ indexes

    /** What one (non-virtual) repository contributes to a distribution: a stamp, and its view built on demand. */
    private record Part(String stamp, RepositoryContext.IOSupplier<DebianIndex.View> view) {
    }

    /** Everything served under {@code dists/{dist}/} for one stamp. */
    private record IndexSet(String stamp, SortedMap<String, byte[]> files, byte[] release, Optional<RepositorySigner> signer) {
    }

    private Members.Lookup<Part> parts(String dist) {
        return Members.bySource(r -> hostedPart(r, dist), r -> remotePart(r, dist));
    }

    private Optional<Part> hostedPart(RepositoryContext hosted, String dist) throws IOException {
        String stamp = hosted.contentStamp("pool/");
        String dflt = setting(hosted, "distribution", DEFAULT_DIST);
        return Optional.of(new Part("h:" + hosted.key() + "=" + stamp, () -> hostedView(hosted, dist, dflt)));
    }

    private DebianIndex.View hostedView(RepositoryContext hosted, String dist, String dflt) throws IOException {
        DebianIndex.View v = DebianIndex.View.empty(dist);
        v.components().add(setting(hosted, "component", DEFAULT_COMPONENT));
        v.architectures().addAll(list(hosted.settings().get("architectures"), DEFAULT_ARCHES));
        List<StoredAsset> debs = new ArrayList<>();
        for (StoredAsset a : hosted.list("pool/")) {
            if (dist.equals(a.attributes().get(ATTR_DIST)) && a.attributes().get(ATTR_CONTROL) instanceof String) {
                debs.add(a);
                v.components().add(String.valueOf(a.attributes().get(ATTR_COMPONENT)));
                String arch = String.valueOf(a.attributes().get(ATTR_ARCH));
                if (!arch.equals(DebianIndex.ALL)) {
                    v.architectures().add(arch);
                }
            }
        }
        if (debs.isEmpty() && !dist.equals(dflt)) {
            return null;
        }
        for (StoredAsset a : debs) {
            String stanza = DebianIndex.stanza((String) a.attributes().get(ATTR_CONTROL), a.path(), a.size(), a.md5(), a.sha1(),
                    a.sha256());
            String comp = String.valueOf(a.attributes().get(ATTR_COMPONENT));
            String arch = String.valueOf(a.attributes().get(ATTR_ARCH));
            if (arch.equals(DebianIndex.ALL)) {
                for (String each : v.architectures()) {
                    v.add(comp, each, stanza);
                }
            } else {
                v.add(comp, arch, stanza);
            }
        }
        return v;
    }

    private static Collection<String> list(Object setting, List<String> dflt) {
        List<String> out = new ArrayList<>();
        if (setting instanceof String s) {
            for (String x : s.split("[ ,]+")) {
                if (!x.isBlank()) {
                    out.add(suite(x.trim()));
                }
            }
        } else if (setting instanceof List<?> l) {
            for (Object x : l) {
                out.add(suite(String.valueOf(x)));
            }
        } else {
            return dflt;
        }
        return out;
    }

    /**
     * A remote's distribution as its upstream publishes it: the upstream's InRelease (or Release and
     * Release.gpg), verified against {@code upstream_public_key} where one is configured, and the
     * Packages files it lists, each checked against the Release's SHA256.
     */
    private Optional<Part> remotePart(RepositoryContext remote, String dist) throws IOException {
        Object k = remote.settings().get("upstream_public_key");
        PGPPublicKeyRingCollection keys = null;
        try {
            if (k instanceof String s && !s.isBlank()) {
                keys = UpstreamRelease.keys(s);
            }
            String base = "dists/" + dist + "/";
            // with a key to check, InRelease (one signed document, never out of step with its signature);
            // without one, Release, which every archive has (signed or not) and which the core caches
            Optional<StoredAsset> in = keys != null ? remote.get(base + "InRelease") : Optional.empty();
            if (in.isPresent()) {
                String text = UpstreamRelease.clearSigned(read(in.get(), UpstreamRelease.MAX_RELEASE), keys);
                return Optional.of(new Part("r:" + remote.key() + "=" + in.get().sha256(), () -> remoteView(remote, dist, text)));
            }
            Optional<StoredAsset> rel = remote.get(base + "Release");
            if (rel.isEmpty()) {
                return Optional.empty();
            }
            byte[] bytes = read(rel.get(), UpstreamRelease.MAX_RELEASE);
            String stamp = "r:" + remote.key() + "=" + rel.get().sha256();
            if (keys != null) {
                Optional<StoredAsset> sig = remote.get(base + "Release.gpg");
                if (sig.isEmpty()) {
                    throw new UpstreamRelease.BadSignature("the upstream's Release is not signed (no InRelease, no Release.gpg)");
                }
                UpstreamRelease.verify(bytes, read(sig.get(), 1 << 20), keys);
                stamp += "+" + sig.get().sha256();
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            return Optional.of(new Part(stamp, () -> remoteView(remote, dist, text)));
        } catch (UpstreamRelease.BadSignature e) {
            throw new FormatException(502, "BAD_UPSTREAM_SIGNATURE", "upstream of " + remote.key() + ", dists/" + dist + ": " + e.getMessage());
        }
    }

    private DebianIndex.View remoteView(RepositoryContext remote, String dist, String releaseText) throws IOException {
        Deb822.Paragraph rel;
        try {
            rel = Deb822.parse(releaseText, UpstreamRelease.MAX_RELEASE).get(0);
        } catch (FormatException | IndexOutOfBoundsException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's Release of " + dist + " is not usable: " + e.getMessage());
        }
        Set<String> wantArch = new TreeSet<>(list(remote.settings().get("architectures"), List.of()));
        Set<String> wantComp = new TreeSet<>(list(remote.settings().get("components"), List.of()));
        DebianIndex.View v = DebianIndex.View.empty(dist);
        for (String c : words(rel.get("Components"))) {
            if (SUITE.matcher(c).matches() && (wantComp.isEmpty() || wantComp.contains(c))) {
                v.components().add(c);
            }
        }
        for (String a : words(rel.get("Architectures"))) {
            if (SUITE.matcher(a).matches() && !a.equals(DebianIndex.ALL) && (wantArch.isEmpty() || wantArch.contains(a))) {
                v.architectures().add(a);
            }
        }
        Map<String, DebianIndex.Listed> sums = DebianIndex.sha256List(rel);
        boolean byHash = "yes".equalsIgnoreCase(rel.simple("Acquire-By-Hash"));
        for (String c : v.components()) {
            for (String a : v.architectures()) {
                String dir = c + "/binary-" + a + "/";
                for (String suffix : xz ? List.of("", ".gz", ".xz") : List.of("", ".gz")) {
                    DebianIndex.Listed l = sums.get(dir + "Packages" + suffix);
                    if (l == null) {
                        continue;
                    }
                    String path = "dists/" + dist + "/" + (byHash ? dir + "by-hash/SHA256/" + l.hash() : l.path());
                    StoredAsset got = remote.get(path).orElseThrow(() -> new FormatException(502, "BAD_UPSTREAM",
                            "the upstream lists " + l.path() + " in its Release but does not serve it"));
                    if (!got.sha256().equalsIgnoreCase(l.hash())) {
                        throw new FormatException(502, "BAD_UPSTREAM", "the upstream's " + l.path()
                                + " does not match the SHA256 its signed Release gives");
                    }
                    String text = new String(unpack(got, suffix), StandardCharsets.UTF_8);
                    for (Deb822.Paragraph p : Deb822.parse(text, (int) MAX_PACKAGES)) {
                        v.add(c, a, p.text());
                    }
                    break;
                }
            }
        }
        return v;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        if (s != null) {
            for (String w : s.trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    private static byte[] unpack(StoredAsset a, String suffix) throws IOException {
        try (InputStream raw = a.open()) {
            InputStream in = switch (suffix) {
                case ".gz" -> new GZIPInputStream(raw, 65536);
                case ".xz" -> DebArchive.Xz.decoder(raw, 64 * 1024);
                default -> raw;
            };
            byte[] b = in.readNBytes((int) MAX_PACKAGES + 1);
            if (b.length > MAX_PACKAGES) {
                throw new FormatException(502, "BAD_UPSTREAM", "the upstream's Packages is larger than " + MAX_PACKAGES + " bytes");
            }
            return b;
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's " + a.path() + " cannot be unpacked: " + e.getMessage());
        }
    }

    private static byte[] read(StoredAsset a, int max) throws IOException {
        try (InputStream in = a.open()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new FormatException(502, "BAD_UPSTREAM", a.path() + " is larger than " + max + " bytes");
            }
            return b;
        }
    }

    /**
     * The index set of {@code dist} in {@code repo}: its members' views merged (a repository that is
     * not virtual: its own), rebuilt only when a member's stamp or the signing configuration changed.
     */
    private IndexSet indexSet(RepositoryContext repo, String dist) throws IOException {
        List<Members.Found<Part>> found = Members.all(repo, parts(dist));
        StringBuilder stamp = new StringBuilder();
        for (Members.Found<Part> f : found) {
            stamp.append(f.value().stamp()).append(',');
        }
        var signing = repo.signing();
        stamp.append("|").append(signing.stamp()).append("|xz=").append(xz);
        String key = repo.key() + "\0" + dist;
        synchronized (indexSets) {
            IndexSet s = indexSets.get(key);
            if (s != null && s.stamp().equals(stamp.toString())) {
                return s;
            }
        }
        builds.incrementAndGet();
        List<DebianIndex.View> views = new ArrayList<>();
        for (Members.Found<Part> f : found) {
            DebianIndex.View v = f.value().view().get();
            if (v != null) {
                views.add(v);
            }
        }
        if (views.isEmpty()) {
            throw FormatException.notFound("distribution " + dist + " not found in " + repo.key());
        }
        DebianIndex.View merged = views.size() == 1 ? views.get(0) : DebianIndex.View.merge(dist, views);
        SortedMap<String, byte[]> files = DebianIndex.files(merged, xz, compressed);
        byte[] release = DebianIndex.release(setting(repo, "origin", repo.key()), merged, files, Instant.now());
        IndexSet s = new IndexSet(stamp.toString(), files, release, signing.metadataSigner());
        synchronized (indexSets) {
            indexSets.put(key, s);
            while (indexSets.size() > 128) {
                indexSets.remove(indexSets.keySet().iterator().next());
            }
        }
        return s;
    }

    int indexBuilds() {
        return builds.get();
    }

    private FormatResponse release(RepositoryContext repo, String dist, String file) throws IOException {
        IndexSet s = indexSet(repo, dist);
        String docKey = repo.key() + "\0" + dist + "\0" + file;
        DocumentCache.Document d = switch (file) {
            case "Release" -> documents.get(docKey, s.stamp(), s::release);
            case "InRelease" -> {
                RepositorySigner signer = s.signer().orElseThrow(() -> FormatException.notFound(
                        "repository " + repo.key() + " is not signed: no InRelease (use Release with trusted=yes, or configure a signing key)"));
                yield documents.get(docKey, s.stamp(), () -> signer.clearSign(s.release()));
            }
            default -> {
                RepositorySigner signer = s.signer().orElseThrow(() -> FormatException.notFound(
                        "repository " + repo.key() + " is not signed: no Release.gpg"));
                yield documents.get(docKey, s.stamp(), () -> signer.detachedSignature(s.release(), true));
            }
        };
        return fresh(d, file.equals("Release.gpg") ? "application/pgp-signature" : "text/plain; charset=utf-8");
    }

    private FormatResponse indexFile(RepositoryContext repo, String dist, String path) throws IOException {
        IndexSet s = indexSet(repo, dist);
        byte[] b = s.files().get(path);
        if (b == null) {
            throw FormatException.notFound("dists/" + dist + "/" + path + " not found");
        }
        DocumentCache.Document d = documents.get(repo.key() + "\0" + dist + "\0" + path, s.stamp(), () -> b);
        return fresh(d, contentType(path));
    }

    /**
     * A document under {@code dists/} with its entity tag and no Last-Modified: apt revalidates with
     * If-Modified-Since alone, and a Release rebuilt within the same second as the one a client holds
     * would be answered 304 (a second's resolution), leaving the client on the old index.
     */
    private static FormatResponse fresh(DocumentCache.Document d, String contentType) {
        return d.response(contentType).validators(d.etag(), null).header("Cache-Control", "no-cache");
    }

    private FormatResponse byHash(RepositoryContext repo, String dist, String dir, String hash) throws IOException {
        IndexSet s = indexSet(repo, dist);
        for (Map.Entry<String, byte[]> f : s.files().entrySet()) {
            if (f.getKey().startsWith(dir) && f.getKey().indexOf('/', dir.length()) < 0
                    && DebianIndex.hex("SHA-256", f.getValue()).equals(hash.toLowerCase(Locale.ROOT))) {
                DocumentCache.Document d = documents.get(repo.key() + "\0" + dist + "\0" + f.getKey(), s.stamp(), f::getValue);
                return d.response(contentType(f.getKey()));
            }
        }
        throw FormatException.notFound("no index file of dists/" + dist + "/" + dir + " has SHA256 " + hash);
    }

    private static String contentType(String path) {
        return path.endsWith(".gz") ? "application/gzip" : path.endsWith(".xz") ? "application/x-xz" : "text/plain; charset=utf-8";
    }

    /** Records what is read of an upload until its control file is found, so that it can be replayed. */
    static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final int limit;

        Recording(InputStream in, int limit) {
            super(in);
            this.limit = limit;
        }

        private void check() {
            if (seen.size() > limit) {
                throw new InvalidArtifactException("no control file within the first " + limit + " bytes of the package");
            }
        }

        @Override
        public int read() throws IOException {
            check();
            int c = super.read();
            if (c >= 0) {
                seen.write(c);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            int n = super.read(b, off, Math.min(len, 8192));
            if (n > 0) {
                seen.write(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() {
            // the body stays open: the rest of it is stored after the recorded bytes
        }

        byte[] recorded() {
            return seen.toByteArray();
        }
    }
}
