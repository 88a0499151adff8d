package io.artifactkeeper.format.cran.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import org.osgi.service.component.annotations.Component;
import org.owasp.encoder.Encode;

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
import io.artifactkeeper.format.support.Members;

/**
 * CRAN-layout R package repositories under {@code /cran/{repo}/}: source packages in
 * {@code src/contrib/} (older versions in {@code src/contrib/Archive/{package}/}), Windows and macOS
 * binaries in {@code bin/windows/contrib/{r}/} and {@code bin/macosx/[{platform}/]contrib/{r}/}, each
 * folder with its {@code PACKAGES}, {@code PACKAGES.gz} and {@code PACKAGES.rds}. Packages are
 * uploaded with {@code PUT} of the file at its place; the DESCRIPTION inside says what it is.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=cran")
public final class CranFormat implements FormatHandler {
    static final String ATTR_FIELDS = "cran";
    static final String ATTR_TITLE = "cran_title";
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("cran", List.of(), "cran", "CRAN",
            List.of("tar.gz", "zip", "tgz"));
    private static final String TREE = "{tree:" + CranNames.TREE_REGEX + "}";

    static final String INDEX = "index";
    static final String FILE = "file";
    static final String UPLOAD = "upload";
    static final String ARCHIVE_FILE = "archive-file";
    static final String ARCHIVE_LIST = "archive-list";
    private static final List<Route> ROUTES = List.of(
            Route.read(INDEX, TREE + "/{index:PACKAGES(?:\\.gz|\\.rds)?}").metadata(),
            Route.read(ARCHIVE_FILE, "src/contrib/Archive/{pkg}/{file}"),
            Route.read(ARCHIVE_LIST, "src/contrib/Archive/{pkg}/").metadata(),
            Route.read(FILE, TREE + "/{file}"),
            Route.of(UPLOAD, "PUT", TREE + "/{file}", Access.WRITE));

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final DateTimeFormatter LISTING_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Generated indexes, by repository, folder and file; kept while what they were built from is unchanged. */
    private final DocumentCache documents = new DocumentCache();
    private final ProxyPolicy policy = new CranProxyPolicy();

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
        return policy;
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        Optional<CranNames.Location> loc = CranNames.locate(path);
        if (loc.isEmpty()) {
            return ArtifactDescription.fromPath(path);
        }
        CranNames.Location l = loc.get();
        Map<String, String> d;
        try {
            if (l.kind() == CranNames.Kind.WIN_BINARY) {
                try (var ch = content.channel()) {
                    d = CranArchive.fromZip(ch, l.file());
                }
            } else {
                try (InputStream in = content.open()) {
                    d = CranArchive.fromTarGz(in, l.file());
                }
            }
        } catch (CranArchive.BadPackageException e) {
            throw new InvalidArtifactException(e.getMessage());
        }
        Map<String, Object> attrs = new java.util.LinkedHashMap<>();
        attrs.put(ATTR_FIELDS, CranIndex.kept(d));
        if (d.get("Title") != null) {
            attrs.put(ATTR_TITLE, d.get("Title"));
        }
        return new ArtifactDescription(l.file().name(), l.file().version(), l.kind().contentType, attrs);
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case INDEX -> index(repo, m.param("tree"), m.param("index"));
            case FILE, ARCHIVE_FILE -> FormatResponse.asset(repo.get(req.path())
                    .orElseThrow(() -> FormatException.notFound(req.path() + " not found")));
            case ARCHIVE_LIST -> archiveListing(repo, m.param("pkg"));
            case UPLOAD -> upload(req, repo, m.param("tree"), m.param("file"));
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    // --- upload

    /**
     * Stores a package at its place, under the package's lock: a source package newer than the current
     * one becomes current and the older files move to {@code Archive/{package}/}; an older one goes
     * straight to the archive. A version already here, current or archived, is a 409. The core calls
     * {@link #describe} on the stored bytes before the file becomes visible.
     */
    private FormatResponse upload(FormatRequest req, RepositoryContext repo, String tree, String file) throws IOException {
        CranNames.Location loc = CranNames.locate(tree + "/" + file).orElseThrow(() -> FormatException.badRequest(
                "not a package file for " + tree + "/: expected {package}_{version}"
                        + CranNames.Kind.of(tree).extension + ", not " + CranDcf.printable(file)));
        CranNames.PackageFile pf = loc.file();
        boolean source = loc.kind() == CranNames.Kind.SOURCE;
        String direct = tree + "/" + file;
        String archived = CranNames.ARCHIVE + pf.name() + "/" + file;
        return repo.withLock("cran:" + tree + ":" + pf.name(), () -> {
            List<StoredAsset> current = currentFiles(repo, tree, pf.name());
            List<StoredAsset> same = new ArrayList<>(current);
            if (source) {
                same.addAll(repo.list(CranNames.ARCHIVE + pf.name() + "/"));
            }
            for (StoredAsset a : same) {
                // 1.0-1 and 1.0.1 are one version to R: either file makes the other a duplicate
                if (a.path().equals(direct) || a.path().equals(archived) || (CranNames.isVersion(a.version())
                        && CranNames.compareVersions(a.version(), pf.version()) == 0)) {
                    throw new FormatException(409, "VERSION_EXISTS", pf.name() + " " + pf.version()
                            + " is already in this repository (" + a.path() + "); a published version is never replaced");
                }
            }
            StoredAsset newest = null;
            for (StoredAsset a : current) {
                if (newest == null || CranNames.compareVersions(a.version(), newest.version()) > 0) {
                    newest = a;
                }
            }
            boolean older = source && newest != null && CranNames.compareVersions(pf.version(), newest.version()) < 0;
            String target = older ? archived : direct;
            repo.put(target, req.body(), PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY));
            if (source && !older) {
                for (StoredAsset old : current) {
                    moveToArchive(repo, old);
                }
            }
            return FormatResponse.text(201, (older ? "archived " : "created ") + target + "\n");
        });
    }

    /** The package's files directly in {@code tree} (not archived), with a version. */
    static List<StoredAsset> currentFiles(RepositoryContext hosted, String tree, String name) throws IOException {
        List<StoredAsset> out = new ArrayList<>();
        for (StoredAsset a : hosted.list(tree + "/" + name + "_")) {
            Optional<CranNames.Location> l = CranNames.locate(a.path());
            if (l.isPresent() && !l.get().archived() && l.get().tree().equals(tree) && l.get().file().name().equals(name)) {
                out.add(a);
            }
        }
        return out;
    }

    private static void moveToArchive(RepositoryContext repo, StoredAsset old) throws IOException {
        CranNames.Location l = CranNames.locate(old.path()).orElseThrow();
        String to = CranNames.ARCHIVE + l.file().name() + "/" + l.file().fileName();
        // the bytes stay where they are (content-addressed); the description goes along, not read again
        repo.putCopy(to, old, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.ALLOW)
                .withDescription(old.name(), old.version(), old.contentType(), old.attributes()));
        repo.delete(old.path());
    }

    // --- PACKAGES

    /** What one repository contributes to a folder's index, and a stamp that changes when it does. */
    private record Part(String stamp, RepositoryContext.IOSupplier<CranIndex> index) {
    }

    private Members.Lookup<Part> parts(String tree) {
        CranNames.Kind kind = CranNames.Kind.of(tree);
        return Members.bySource(h -> Optional.of(new Part(h.key() + "=" + h.contentStamp(tree + "/"),
                () -> hostedIndex(h, tree, kind))), r -> remotePart(r, tree, kind));
    }

    /** A hosted folder's index from what its packages' DESCRIPTIONs said when they were uploaded. */
    private static CranIndex hostedIndex(RepositoryContext hosted, String tree, CranNames.Kind kind) throws IOException {
        List<Map<String, String>> records = new ArrayList<>();
        for (StoredAsset a : hosted.list(tree + "/")) {
            Optional<CranNames.Location> l = CranNames.locate(a.path());
            if (l.isEmpty() || l.get().archived() || !l.get().tree().equals(tree)
                    || !(a.attributes().get(ATTR_FIELDS) instanceof Map<?, ?> fields)) {
                continue;
            }
            Map<String, String> r = new java.util.LinkedHashMap<>();
            List<String> columns = CranIndex.standardFields(kind);
            fields.forEach((k, v) -> {
                if (columns.contains(String.valueOf(k))) {
                    r.put(String.valueOf(k), String.valueOf(v));
                }
            });
            r.put("MD5sum", a.md5());
            records.add(r);
        }
        return CranIndex.of(kind, records);
    }

    /** A remote's index: its upstream's {@code PACKAGES} (or {@code PACKAGES.gz}), as the core cached it. */
    private static Optional<Part> remotePart(RepositoryContext remote, String tree, CranNames.Kind kind) throws IOException {
        Optional<StoredAsset> plain = remote.get(tree + "/PACKAGES");
        boolean gz = false;
        if (plain.isEmpty()) {
            plain = remote.get(tree + "/PACKAGES.gz");
            gz = true;
        }
        if (plain.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset a = plain.get();
        boolean gzipped = gz;
        return Optional.of(new Part(remote.key() + "=" + a.sha256(), () -> {
            byte[] bytes;
            try (InputStream in = a.open()) {
                bytes = readBounded(gzipped ? new GZIPInputStream(in) : in, CranDcf.Limits.PACKAGES.maxBytes());
            } catch (java.util.zip.ZipException e) {
                throw new FormatException(502, "BAD_UPSTREAM", "the upstream's PACKAGES.gz is not gzip: " + e.getMessage());
            }
            try {
                return CranIndex.parse(kind, bytes);
            } catch (CranDcf.DcfException e) {
                throw new FormatException(502, "BAD_UPSTREAM", "the upstream's PACKAGES is not usable: " + e.getMessage());
            }
        }));
    }

    private static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        if (b.length > max) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's PACKAGES is larger than " + max + " bytes");
        }
        return b;
    }

    /**
     * {@code PACKAGES}, {@code PACKAGES.gz} or {@code PACKAGES.rds} of a folder: the index of each
     * repository the request resolves through (one for a local or remote repository, its members for a
     * virtual one), merged so that the highest version of each package wins; built once per change.
     */
    private FormatResponse index(RepositoryContext repo, String tree, String file) throws IOException {
        CranNames.Kind kind = CranNames.Kind.of(tree);
        List<Members.Found<Part>> found = Members.all(repo, parts(tree));
        if (found.isEmpty() && Members.leaves(repo).contains(repo)) {
            throw FormatException.notFound("the upstream has no " + tree + "/PACKAGES");
        }
        StringBuilder stamp = new StringBuilder();
        for (Members.Found<Part> f : found) {
            stamp.append(f.value().stamp()).append(',');
        }
        DocumentCache.Document d = documents.get(repo.key() + "\0" + tree + "/" + file, stamp.toString(), () -> {
            List<CranIndex> indexes = new ArrayList<>();
            for (Members.Found<Part> f : found) {
                indexes.add(f.value().index().get());
            }
            CranIndex merged = CranIndex.merge(kind, indexes);
            return switch (file) {
                case "PACKAGES" -> merged.packages();
                case "PACKAGES.gz" -> merged.packagesGz();
                default -> merged.rds(2);
            };
        });
        String type = switch (file) {
            case "PACKAGES" -> TEXT;
            case "PACKAGES.gz" -> "application/x-gzip";
            default -> "application/octet-stream";
        };
        return d.response(type).header("Cache-Control", "no-cache");
    }

    // --- Archive listing

    /**
     * {@code src/contrib/Archive/{package}/}: the archived versions of a package as an HTML folder
     * listing (the hosted repositories a request resolves through; a remote's archive is fetched file
     * by file, by name).
     */
    private FormatResponse archiveListing(RepositoryContext repo, String pkg) throws IOException {
        if (!CranNames.isName(pkg)) {
            throw FormatException.notFound("no package " + CranDcf.printable(pkg));
        }
        String prefix = CranNames.ARCHIVE + pkg + "/";
        TreeMap<String, StoredAsset> files = new TreeMap<>();
        for (List<StoredAsset> l : Members.values(repo, Members.bySource(h -> Optional.of(h.list(prefix)),
                r -> Optional.empty()))) {
            for (StoredAsset a : l) {
                Optional<CranNames.Location> loc = CranNames.locate(a.path());
                if (loc.isPresent() && loc.get().archived()) {
                    files.putIfAbsent(loc.get().file().fileName(), a);
                }
            }
        }
        if (files.isEmpty()) {
            throw FormatException.notFound("no archived versions of " + pkg);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder sb = new StringBuilder();
        String title = "Index of " + Encode.forHtml("/src/contrib/Archive/" + pkg);
        sb.append("<!DOCTYPE html>\n<html><head><title>").append(title).append("</title></head><body>\n<h1>").append(title)
                .append("</h1>\n<pre>\n<a href=\"../\">Parent Directory</a>\n");
        for (Map.Entry<String, StoredAsset> e : files.entrySet()) {
            String name = e.getKey();
            sb.append("<a href=\"").append(Encode.forHtmlAttribute(Encode.forUriComponent(name))).append("\">")
                    .append(Encode.forHtml(name)).append("</a>").append(" ".repeat(Math.max(1, 40 - name.length())))
                    .append(LISTING_DATE.format(e.getValue().updatedAt())).append(' ')
                    .append(String.format(Locale.ROOT, "%10d", e.getValue().size())).append('\n');
        }
        sb.append("</pre>\n</body></html>\n");
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        byte[] body = out.toByteArray();
        return FormatResponse.ok("text/html; charset=utf-8", body).validators(DocumentCache.etag(body), null);
    }

    /** Remote repositories: indexes and listings are metadata (refreshed after a TTL), packages content. */
    static final class CranProxyPolicy implements ProxyPolicy {
        @Override
        public AssetKind kindOf(String path) {
            String file = path.substring(path.lastIndexOf('/') + 1);
            return file.isEmpty() || file.startsWith("PACKAGES") ? AssetKind.METADATA : AssetKind.CONTENT;
        }
    }
}
