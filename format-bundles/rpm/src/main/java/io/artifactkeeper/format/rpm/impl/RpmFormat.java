package io.artifactkeeper.format.rpm.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
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
import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.api.signing.SigningSettings;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Members;

/**
 * RPM (yum/dnf) repositories under {@code /rpm/{repo}/}: packages at any path ending {@code .rpm}
 * (uploaded by {@code PUT}, or {@code POST upload} to {@code packages/{name}-{version}-{release}.{arch}.rpm}),
 * and the generated {@code repodata/}: {@code repomd.xml} (signed as {@code repomd.xml.asc} when the
 * repository has a signing key, whose public half is {@code repomd.xml.key}), primary, filelists and
 * other, and an uploaded {@code modules.yaml}. A remote serves its upstream's repodata as it is
 * (re-signed with its own key when it has one); a virtual one merges its members' packages and signs
 * the merged index with its key. Indexes are built once per change of what they are built from.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=rpm")
public final class RpmFormat implements FormatHandler {
    static final String REPOMD = "repodata/repomd.xml";
    static final String REPOMD_ASC = REPOMD + ".asc";
    static final String REPOMD_KEY = REPOMD + ".key";
    static final String MODULES = "repodata/modules.yaml";
    static final String PACKAGES = "packages/";
    static final String RPM_TYPE = "application/x-rpm";
    static final String XML_TYPE = "text/xml";
    static final int MAX_MODULES_BYTES = 64 << 20;
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("rpm", List.of(), "rpm", "RPM",
            List.of("rpm"));

    static final String R_REPOMD = "repomd";
    static final String R_REPOMD_ASC = "repomd-asc";
    static final String R_REPOMD_KEY = "repomd-key";
    static final String R_PUT_MODULES = "put-modules";
    static final String R_REPODATA = "repodata";
    static final String R_UPLOAD = "upload";
    static final String R_PUT = "put-package";
    static final String R_GET = "package";
    static final String R_DELETE = "delete-package";
    private static final List<Route> ROUTES = List.of(
            Route.read(R_REPOMD, REPOMD).metadata(),
            Route.read(R_REPOMD_ASC, REPOMD_ASC).metadata(),
            Route.read(R_REPOMD_KEY, REPOMD_KEY).metadata(),
            Route.of(R_PUT_MODULES, "PUT", MODULES, Access.WRITE),
            Route.read(R_REPODATA, "repodata/{file}").metadata(),
            Route.of(R_UPLOAD, "POST", "upload", Access.WRITE),
            Route.of(R_PUT, "PUT", "{path+}", Access.WRITE),
            Route.read(R_GET, "{path+}"),
            Route.of(R_DELETE, "DELETE", "{path+}", Access.DELETE));

    private final DocumentCache documents = new DocumentCache();
    private final ProxyPolicy policy = new RpmProxyPolicy(this::upstreamPackageUrls);

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
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case R_REPOMD -> view(repo).repomd();
            case R_REPOMD_ASC -> view(repo).signature();
            case R_REPOMD_KEY -> view(repo).key();
            case R_REPODATA -> view(repo).file("repodata/" + m.param("file"));
            case R_PUT_MODULES -> {
                storeModules(repo, req.body());
                yield created(MODULES);
            }
            case R_UPLOAD -> created(storePackage(repo, req.body(), null).path());
            case R_PUT -> created(storePackage(repo, req.body(), packagePath(m.param("path"))).path());
            case R_GET -> FormatResponse.asset(repo.get(m.param("path"))
                    .orElseThrow(() -> FormatException.notFound(m.param("path") + " not found")));
            case R_DELETE -> {
                String path = m.param("path");
                if (path.startsWith("repodata/") && !path.equals(MODULES)) {
                    throw FormatException.badRequest("the repodata is generated; delete packages instead");
                }
                if (!repo.delete(path)) {
                    throw FormatException.notFound(path + " not found");
                }
                yield FormatResponse.status(204);
            }
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    private static String packagePath(String path) {
        if (!path.endsWith(".rpm") || path.startsWith("repodata/")) {
            throw FormatException.badRequest("packages are stored at paths ending in .rpm outside repodata/ (or POST upload)");
        }
        return path;
    }

    private static FormatResponse created(String path) {
        return FormatResponse.status(201).body("application/json", io.artifactkeeper.format.support.Json.bytesOf(Map.of("path", path)));
    }

    // ------------------------------------------------------------------ uploads

    /**
     * Stores a package, streaming: the lead and both headers are read from the first bytes (refused
     * with 400 when malformed), which are then replayed in front of the rest of the body;
     * {@link #describe} checks the stored whole (size and payload digest) before it becomes visible.
     */
    StoredAsset storePackage(RepositoryContext repo, InputStream body, String path) throws IOException {
        SigningSettings signing = repo.signing();
        Recording rec = new Recording(body);
        RpmFile file = RpmFile.read(rec);
        RpmPackage pkg = RpmPackage.fromFile(file);
        byte[] prefix = rec.recorded();
        if (signing.signPackages() && signing.signer().isPresent() && !pkg.signed()) {
            // sign_packages: the repository's key signs the header, as rpmsign --addsign would
            prefix = signPackage(prefix, file, signing.signer().get());
        } else if (signing.requireSignatures() && !pkg.signed()) {
            throw FormatException.badRequest("repository " + repo.key() + " requires signed packages; " + pkg.nevra()
                    + " carries no OpenPGP signature (sign it with rpm --addsign)");
        }
        String target = path != null ? path : PACKAGES + pkg.fileName();
        byte[] signedPrefix = prefix;
        return repo.withLock("packages", () -> {
            for (StoredAsset a : repo.findByName(pkg.name())) {
                RpmPackage other = RpmPackage.fromMap(a.attributes());
                if (other != null && other.nevra().equals(pkg.nevra())) {
                    throw FormatException.conflict(pkg.nevra() + " is already stored at " + a.path());
                }
            }
            if (repo.peek(target).isPresent()) {
                throw FormatException.conflict(target + " already exists");
            }
            InputStream replay = new SequenceInputStream(new ByteArrayInputStream(signedPrefix), body);
            return repo.put(target, replay, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY));
        });
    }

    private static byte[] signPackage(byte[] prefix, RpmFile file, RepositorySigner signer) throws IOException {
        try {
            return RpmPackageSigner.sign(prefix, file, signer);
        } catch (UnsupportedOperationException e) {
            throw new FormatException(409, "SIGNING_KEY", "the repository's signing key cannot sign packages: " + e.getMessage());
        }
    }

    private static void storeModules(RepositoryContext repo, InputStream body) throws IOException {
        byte[] yaml = body.readNBytes(MAX_MODULES_BYTES + 1);
        if (yaml.length > MAX_MODULES_BYTES) {
            throw new FormatException(413, "TOO_LARGE", "modules.yaml is at most " + MAX_MODULES_BYTES + " bytes");
        }
        String text = new String(yaml, StandardCharsets.UTF_8);
        if (yaml.length == 0 || !(text.startsWith("---") || text.startsWith("document:") || text.startsWith("%YAML"))
                || text.indexOf('\0') >= 0) {
            throw FormatException.badRequest("modules.yaml is a stream of modulemd YAML documents (starting with ---)");
        }
        repo.putBytes(MODULES, yaml, PutOptions.defaults().withDescription(null, null, "application/x-yaml", Map.of()));
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        if (!path.endsWith(".rpm")) {
            return ArtifactDescription.fromPath(path);
        }
        RpmFile f;
        RpmPackage pkg;
        try (InputStream in = content.open()) {
            f = RpmFile.read(in);
            pkg = RpmPackage.fromFile(f);
            checkPayload(f, in, content.size());
        }
        Map<String, Object> attrs = new LinkedHashMap<>(pkg.toMap());
        return new ArtifactDescription(pkg.name(), pkg.evr(), RPM_TYPE, attrs);
    }

    static final int SIG_SIZE = 1000;
    static final int SIG_LONGSIZE = 270;
    static final int TAG_PAYLOADDIGEST = 5092;
    static final int TAG_PAYLOADDIGESTALGO = 5093;

    /**
     * The file is as long as its signature header says (header and payload), and the payload has the
     * digest its header says: a truncated or altered package is refused before anyone downloads it.
     */
    static void checkPayload(RpmFile f, InputStream payload, long fileSize) throws IOException {
        RpmHeader sig = f.signature();
        long declared = sig.has(SIG_LONGSIZE) ? sig.number(SIG_LONGSIZE, -1) : sig.number(SIG_SIZE, -1);
        if (declared >= 0 && f.headerStart() + declared != fileSize) {
            throw new RpmFormatException("the package is " + fileSize + " bytes; its signature header says "
                    + (f.headerStart() + declared) + " (truncated or altered)");
        }
        List<String> digest = f.header().strings(TAG_PAYLOADDIGEST);
        long algo = f.header().number(TAG_PAYLOADDIGESTALGO, 8);
        if (digest.isEmpty() || algo != 8) {
            return;
        }
        MessageDigest md = RepoDataWriter.digest();
        byte[] buf = new byte[65536];
        for (int n; (n = payload.read(buf)) != -1;) {
            md.update(buf, 0, n);
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equalsIgnoreCase(digest.get(0))) {
            throw new RpmFormatException("the payload's SHA-256 is " + actual + "; the header says " + digest.get(0)
                    + " (truncated or altered)");
        }
    }

    // ------------------------------------------------------------------ repodata

    /** What each repository a request resolves through contributes to the index. */
    private record Part(RepositoryContext repo, String stamp, boolean upstream,
            RepositoryContext.IOSupplier<List<RepoDataWriter.Entry>> entries,
            RepositoryContext.IOSupplier<byte[]> modules) {
    }

    private final Members.Lookup<Part> parts = Members.bySource(this::hostedPart, this::remotePart);

    private Optional<Part> hostedPart(RepositoryContext hosted) throws IOException {
        return Optional.of(new Part(hosted, hosted.key() + "=" + hosted.contentStamp(""), false, () -> hostedEntries(hosted),
                () -> {
                    Optional<StoredAsset> m = hosted.peek(MODULES);
                    return m.isEmpty() ? null : read(m.get());
                }));
    }

    private static List<RepoDataWriter.Entry> hostedEntries(RepositoryContext hosted) throws IOException {
        List<RepoDataWriter.Entry> out = new ArrayList<>();
        for (StoredAsset a : hosted.list("")) {
            if (!a.path().endsWith(".rpm")) {
                continue;
            }
            RpmPackage p = RpmPackage.fromMap(a.attributes());
            if (p != null) {
                out.add(new RepoDataWriter.Entry(p, a.path(), a.sha256(), a.size(), a.createdAt().getEpochSecond()));
            }
        }
        return out;
    }

    private Optional<Part> remotePart(RepositoryContext remote) throws IOException {
        Optional<StoredAsset> repomd = remote.get(REPOMD);
        if (repomd.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset md = repomd.get();
        return Optional.of(new Part(remote, remote.key() + "=" + md.sha256(), true, () -> upstreamEntries(remote, md),
                () -> upstreamModules(remote, md)));
    }

    private static Map<String, RepoDataReader.DataRef> refs(StoredAsset repomd) throws IOException {
        try (InputStream in = repomd.open()) {
            return RepoDataReader.repomd(in);
        }
    }

    private static List<RepoDataWriter.Entry> upstreamEntries(RepositoryContext remote, StoredAsset repomd) throws IOException {
        Map<String, RepoDataReader.DataRef> refs = refs(repomd);
        RepoDataReader.DataRef primary = refs.get("primary");
        if (primary == null) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's repomd.xml names no primary data");
        }
        List<RepoDataReader.Listed> listed;
        try (InputStream in = RepoDataReader.data(primary.href(), open(remote, primary.href()))) {
            listed = RepoDataReader.primary(in);
        }
        Map<String, List<RpmPackage.FileEntry>> files = Map.of();
        RepoDataReader.DataRef fl = refs.get("filelists");
        if (fl != null) {
            try (InputStream in = RepoDataReader.data(fl.href(), open(remote, fl.href()))) {
                files = RepoDataReader.filelists(in);
            }
        }
        Map<String, List<RpmPackage.Changelog>> changes = Map.of();
        RepoDataReader.DataRef other = refs.get("other");
        if (other != null) {
            try (InputStream in = RepoDataReader.data(other.href(), open(remote, other.href()))) {
                changes = RepoDataReader.other(in);
            }
        }
        List<RepoDataWriter.Entry> out = new ArrayList<>();
        for (RepoDataReader.Listed l : listed) {
            RpmPackage p = l.pkg();
            List<RpmPackage.FileEntry> f = files.getOrDefault(l.pkgid(), p.files());
            List<RpmPackage.Changelog> c = changes.getOrDefault(l.pkgid(), List.of());
            p = new RpmPackage(p.name(), p.arch(), p.epoch(), p.version(), p.release(), p.summary(), p.description(),
                    p.packager(), p.url(), p.license(), p.vendor(), p.group(), p.buildhost(), p.sourcerpm(), p.buildTime(),
                    p.installedSize(), p.archiveSize(), p.headerStart(), p.headerEnd(), p.provides(), p.requires(),
                    p.conflicts(), p.obsoletes(), f, c, Map.of());
            out.add(new RepoDataWriter.Entry(p, l.href(), l.pkgid(), l.size(), l.fileTime()));
        }
        return out;
    }

    private static byte[] upstreamModules(RepositoryContext remote, StoredAsset repomd) throws IOException {
        RepoDataReader.DataRef ref = refs(repomd).get("modules");
        if (ref == null || !ref.href().endsWith(".yaml")) {
            return null;
        }
        try (InputStream in = open(remote, ref.href())) {
            return in.readNBytes(MAX_MODULES_BYTES);
        }
    }

    private static InputStream open(RepositoryContext remote, String href) throws IOException {
        return remote.get(href).orElseThrow(() -> new FormatException(502, "BAD_UPSTREAM", "the upstream has no " + href))
                .open();
    }

    /** How a request's repository answers for repodata/. */
    private interface View {
        FormatResponse repomd() throws IOException;

        FormatResponse signature() throws IOException;

        FormatResponse key() throws IOException;

        FormatResponse file(String path) throws IOException;
    }

    private View view(RepositoryContext repo) throws IOException {
        List<Members.Found<Part>> found = Members.all(repo, parts);
        if (found.size() == 1 && found.get(0).repository() == repo && found.get(0).value().upstream()) {
            return new UpstreamView(repo);
        }
        if (found.isEmpty() && Members.leaves(repo).contains(repo)) {
            throw FormatException.notFound("the upstream has no repodata/repomd.xml");
        }
        SigningSettings signing = repo.signing();
        StringBuilder stamp = new StringBuilder();
        for (Members.Found<Part> f : found) {
            stamp.append(f.value().stamp()).append(',');
        }
        stamp.append('|').append(signing.stamp());
        return new GeneratedView(repo, found, stamp.toString(), signing);
    }

    /** The index written here, from the packages of every repository the request resolves through. */
    private final class GeneratedView implements View {
        private final RepositoryContext repo;
        private final List<Members.Found<Part>> found;
        private final String stamp;
        private final SigningSettings signing;

        GeneratedView(RepositoryContext repo, List<Members.Found<Part>> found, String stamp, SigningSettings signing) {
            this.repo = repo;
            this.found = found;
            this.stamp = stamp;
            this.signing = signing;
        }

        private String key(String name) {
            return repo.key() + '\0' + name;
        }

        /** Builds the whole set and caches each file under the same stamp; returns repomd.xml. */
        private byte[] build() throws IOException {
            List<RepoDataWriter.Entry> entries = new ArrayList<>();
            Set<String> locations = new LinkedHashSet<>();
            ByteArrayOutputStream modules = new ByteArrayOutputStream();
            for (Members.Found<Part> f : found) {
                for (RepoDataWriter.Entry e : f.value().entries().get()) {
                    // the first member that has a path serves it: the later ones' packages there are hidden
                    if (locations.add(e.location())) {
                        entries.add(e);
                    }
                }
                byte[] m = f.value().modules().get();
                if (m != null) {
                    modules.writeBytes(m);
                    if (m.length > 0 && m[m.length - 1] != '\n') {
                        modules.write('\n');
                    }
                }
            }
            RepoDataWriter.RepoData data = RepoDataWriter.write(entries, modules.size() == 0 ? null : modules.toByteArray());
            for (RepoDataWriter.DataFile file : data.files().values()) {
                documents.get(key(file.path()), stamp, file::bytes);
                // the plain names (as createrepo_c --simple-md-filenames) point at the same bytes
                documents.get(key(plainName(file)), stamp, file::bytes);
            }
            return data.repomd();
        }

        private DocumentCache.Document repomdDocument() throws IOException {
            return documents.get(key(REPOMD), stamp, this::build);
        }

        @Override
        public FormatResponse repomd() throws IOException {
            return repomdDocument().response(XML_TYPE).header("Cache-Control", "no-cache");
        }

        @Override
        public FormatResponse signature() throws IOException {
            RepositorySigner signer = signer(signing, repo);
            DocumentCache.Document md = repomdDocument();
            return documents.get(key(REPOMD_ASC), stamp + '|' + md.etag(), () -> signer.detachedSignature(md.bytes(), true))
                    .response("application/pgp-signature").header("Cache-Control", "no-cache");
        }

        @Override
        public FormatResponse key() throws IOException {
            return publicKey(signer(signing, repo));
        }

        @Override
        public FormatResponse file(String path) throws IOException {
            if (path.equals(MODULES)) {
                Optional<StoredAsset> own = repo.peek(MODULES);
                if (own.isPresent() && found.size() == 1) {
                    return FormatResponse.asset(own.get());
                }
            }
            repomdDocument();
            DocumentCache.Document d = documents.get(key(path), stamp, () -> {
                // evicted since the set was built: the set again (the same entries give the same bytes)
                build();
                return documents.get(key(path), stamp, () -> {
                    throw FormatException.notFound(path + " not found");
                }).bytes();
            });
            return d.response(path.endsWith(".gz") ? "application/gzip" : path.endsWith(".yaml") ? "application/x-yaml" : XML_TYPE);
        }
    }

    private static String plainName(RepoDataWriter.DataFile f) {
        String p = f.path();
        return "repodata/" + p.substring(p.indexOf('-') + 1);
    }

    /** A remote asked directly: its upstream's repodata as it is, re-signed when it has its own key. */
    private final class UpstreamView implements View {
        private final RepositoryContext remote;

        UpstreamView(RepositoryContext remote) {
            this.remote = remote;
        }

        private StoredAsset repomdAsset() throws IOException {
            return remote.get(REPOMD).orElseThrow(() -> FormatException.notFound("the upstream has no " + REPOMD));
        }

        @Override
        public FormatResponse repomd() throws IOException {
            return FormatResponse.asset(repomdAsset()).contentType(XML_TYPE);
        }

        @Override
        public FormatResponse signature() throws IOException {
            SigningSettings signing = remote.signing();
            Optional<RepositorySigner> own = signing.metadataSigner();
            if (own.isEmpty()) {
                return passThrough(REPOMD_ASC);
            }
            StoredAsset md = repomdAsset();
            return documents.get(remote.key() + '\0' + REPOMD_ASC, md.sha256() + '|' + signing.stamp(),
                    () -> own.get().detachedSignature(read(md), true)).response("application/pgp-signature");
        }

        @Override
        public FormatResponse key() throws IOException {
            Optional<RepositorySigner> own = remote.signing().metadataSigner();
            return own.isPresent() ? publicKey(own.get()) : passThrough(REPOMD_KEY);
        }

        @Override
        public FormatResponse file(String path) throws IOException {
            return passThrough(path);
        }

        private FormatResponse passThrough(String path) throws IOException {
            return FormatResponse.asset(remote.get(path).orElseThrow(() -> FormatException.notFound(path + " not found")));
        }
    }

    private static RepositorySigner signer(SigningSettings signing, RepositoryContext repo) {
        return signing.metadataSigner().orElseThrow(() -> FormatException.notFound(
                "repository " + repo.key() + " has no signing key for its metadata (POST /api/v1/signing/repositories/"
                        + repo.key() + "/config)"));
    }

    private static FormatResponse publicKey(RepositorySigner signer) {
        byte[] text = signer.publicKeyText().getBytes(StandardCharsets.UTF_8);
        return FormatResponse.ok("application/pgp-keys", text).validators(DocumentCache.etag(text), null);
    }

    /**
     * For the remote's proxy policy: the upstream's packages that primary.xml places under another base
     * ({@code xml:base}), by their path here. Read once per upstream repomd.xml.
     */
    private Map<String, String> upstreamPackageUrls(RepositoryContext remote) throws IOException {
        Optional<StoredAsset> repomd = remote.get(REPOMD);
        if (repomd.isEmpty()) {
            return Map.of();
        }
        StoredAsset md = repomd.get();
        DocumentCache.Document d = documents.get(remote.key() + "\0urls", md.sha256(), () -> {
            Map<String, String> urls = new LinkedHashMap<>();
            RepoDataReader.DataRef primary = refs(md).get("primary");
            if (primary != null) {
                try (InputStream in = RepoDataReader.data(primary.href(), open(remote, primary.href()))) {
                    for (RepoDataReader.Listed l : RepoDataReader.primary(in)) {
                        if (l.base() != null && !l.base().isEmpty()) {
                            String base = l.base().endsWith("/") ? l.base() : l.base() + "/";
                            urls.put(l.href(), base + l.href());
                        }
                    }
                }
            }
            return io.artifactkeeper.format.support.Json.bytesOf(urls);
        });
        Map<String, String> out = new LinkedHashMap<>();
        io.artifactkeeper.format.support.Json.readStored(new ByteArrayInputStream(d.bytes())).fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static byte[] read(StoredAsset a) throws IOException {
        try (InputStream in = a.open()) {
            return in.readAllBytes();
        }
    }

    /** Keeps the bytes read through it, for replaying the headers in front of the rest of the body. */
    static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                seen.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                seen.write(b, off, n);
            }
            return n;
        }

        byte[] recorded() {
            return seen.toByteArray();
        }
    }
}
