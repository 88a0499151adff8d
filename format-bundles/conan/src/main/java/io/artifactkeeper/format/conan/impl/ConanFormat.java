package io.artifactkeeper.format.conan.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

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
import io.artifactkeeper.format.conan.impl.ConanIndex.Rev;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * Conan 2's REST API (v2, with revisions) under {@code /conan/{repo}/}: the URL {@code conan remote
 * add} takes is {@code http://host/conan/{repo}}. Ping with the {@code revisions} capability, login
 * ({@code users/authenticate}: Basic in, a token out that Conan then sends as Bearer), recipe and
 * package revisions with their files, latest, search, deletes; local, remote (a Conan v2 upstream)
 * and virtual repositories. Errors are Artifactory's JSON ({@code {"errors":[{"status","message"}]}}),
 * which Conan prints as {@code status: message}.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=conan")
public final class ConanFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("conan", List.of(), "conan", "Conan",
            List.of("tgz"));
    private static final List<Route> ROUTES = ConanRoutes.all();
    private static final ProxyPolicy POLICY = new ConanProxyPolicy();
    /** Conan accepts exactly these two content types for its JSON answers. */
    static final String JSON_TYPE = "application/json";
    /** What Conan 2 reads from the ping: it refuses a remote that does not offer revisions. */
    static final String CAPABILITIES = "revisions";
    static final String TOKEN_NAME = "conan";
    /** How the platform's API tokens begin (the core's IdentityService.TOKEN_PREFIX). */
    static final String API_TOKEN_PREFIX = "ak_";

    private final DocumentCache documents = new DocumentCache();
    private final ConanResolver resolver = new ConanResolver(documents);

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
        ObjectNode e = o.putArray("errors").addObject();
        e.put("status", status);
        e.put("message", message == null || message.isBlank() ? code : message);
        return FormatResponse.status(status).body(JSON_TYPE, Json.bytes(o));
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case "ping", "ping-v2" -> FormatResponse.status(200).header("X-Conan-Server-Capabilities", CAPABILITIES)
                    .body("text/plain; charset=utf-8", new byte[0]);
            case "authenticate" -> authenticate(req, repo);
            case "check-credentials" -> checkCredentials(req);
            case "search" -> search(req, repo);
            case "recipe-revisions" -> revisions(resolver.recipeRevisions(repo, ref(m)), "Recipe not found: '" + ref(m) + "'");
            case "recipe-latest" -> latest(resolver.recipeLatest(repo, ref(m)), "Recipe not found: '" + ref(m) + "'");
            case "recipe-search" -> recipeSearch(repo, ref(m));
            case "recipe-files" -> files(resolver.recipeFiles(repo, ref(m), rrev(m)), "Recipe not found: '"
                    + ref(m) + "#" + rrev(m) + "'");
            case "recipe-file" -> file(repo, ConanIndex.recipeFile(ref(m), rrev(m), file(m)));
            case "recipe-revision-search" -> packagesSearch(repo, ref(m), rrev(m));
            case "package-revisions" -> revisions(resolver.packageRevisions(repo, ref(m), rrev(m), pkgid(m)),
                    packageNotFound(m, null));
            case "package-latest" -> latest(resolver.packageLatest(repo, ref(m), rrev(m), pkgid(m)), packageNotFound(m, null));
            case "package-files" -> files(resolver.packageFiles(repo, ref(m), rrev(m), pkgid(m), prev(m)),
                    packageNotFound(m, prev(m)));
            case "package-file" -> file(repo, ConanIndex.packageFile(ref(m), rrev(m), pkgid(m), prev(m), file(m)));
            case "recipe-upload" -> upload(req, repo, ref(m), rrev(m), null, null, file(m));
            case "package-upload" -> upload(req, repo, ref(m), rrev(m), pkgid(m), prev(m), file(m));
            case "recipe-delete" -> deleteAll(repo, ConanIndex.recipeRevision(ref(m), rrev(m)), "Recipe not found: '"
                    + ref(m) + "#" + rrev(m) + "'");
            case "packages-delete" -> deletePackages(repo, ref(m), rrev(m));
            case "package-delete" -> deleteAll(repo, ConanIndex.packagePrefix(ref(m), rrev(m), pkgid(m)),
                    packageNotFound(m, null));
            case "package-revision-delete" -> deleteAll(repo, ConanIndex.packageRevision(ref(m), rrev(m), pkgid(m),
                    prev(m)), packageNotFound(m, prev(m)));
            default -> throw new IllegalStateException("route without a handler: " + m.name());
        };
    }

    // ------------------------------------------------------------------ route variables

    private static ConanRef ref(RouteMatch m) {
        return ConanRef.of(m.param("name"), m.param("version"), m.param("user"), m.param("channel"));
    }

    private static String rrev(RouteMatch m) {
        return ConanRef.hash("recipe revision", m.param("rrev"));
    }

    private static String pkgid(RouteMatch m) {
        return ConanRef.hash("package id", m.param("pkgid"));
    }

    private static String prev(RouteMatch m) {
        return ConanRef.hash("package revision", m.param("prev"));
    }

    private static String file(RouteMatch m) {
        return ConanRef.fileName(m.param("file"));
    }

    private static String packageNotFound(RouteMatch m, String prev) {
        return "Binary package not found: '" + ref(m) + "#" + rrev(m) + ":" + pkgid(m) + (prev == null ? "" : "#" + prev)
                + "'";
    }

    // ------------------------------------------------------------------ login

    /**
     * {@code GET v2/users/authenticate} with Basic credentials: a new API token for the user (Conan keeps
     * it and sends it as Bearer). Where the password is one of our API tokens (it authenticated the
     * caller, but is no password), that token is the answer: it works as Bearer too.
     */
    private FormatResponse authenticate(FormatRequest req, RepositoryContext repo) throws IOException {
        String auth = req.header("Authorization").orElse("").trim();
        if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new FormatException(401, "UNAUTHORIZED", "Wrong user or password");
            }
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                String user = decoded.substring(0, colon);
                String password = decoded.substring(colon + 1);
                if (!req.caller().isAnonymous() && password.startsWith(API_TOKEN_PREFIX)) {
                    // the core accepted it as an API token already: it is no password to check (a failed password
                    // check would count against the user's login throttle), and it works as Conan's Bearer token
                    return token(password);
                }
                Optional<String> token = repo.issueApiToken(user, password, TOKEN_NAME);
                if (token.isPresent()) {
                    return token(token.get());
                }
            }
        } else if (auth.regionMatches(true, 0, "Bearer ", 0, 7) && !req.caller().isAnonymous()) {
            return token(auth.substring(7).trim());
        }
        throw new FormatException(401, "UNAUTHORIZED", "Wrong user or password");
    }

    private static FormatResponse token(String token) {
        return FormatResponse.status(200).body("text/plain; charset=utf-8", token.getBytes(StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store");
    }

    /** {@code GET v2/users/check_credentials}: the user name of a valid token; 401 otherwise. */
    private static FormatResponse checkCredentials(FormatRequest req) {
        if (req.caller().isAnonymous()) {
            throw new FormatException(401, "UNAUTHORIZED", "Logged user needed!");
        }
        return FormatResponse.status(200).body("text/plain; charset=utf-8",
                req.caller().username().getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ reads

    private FormatResponse search(FormatRequest req, RepositoryContext repo) throws IOException {
        String q = req.queryParam("q").orElse("");
        boolean ignoreCase = !req.queryParam("ignorecase").map(v -> v.equalsIgnoreCase("false")).orElse(false);
        ObjectNode o = Json.object();
        ArrayNode results = o.putArray("results");
        for (ConanRef r : resolver.search(repo, q, ignoreCase)) {
            results.add(r.display());
        }
        return json(o);
    }

    private static FormatResponse revisions(List<Rev> revs, String notFound) {
        if (revs.isEmpty()) {
            throw FormatException.notFound(notFound);
        }
        return json(ConanIndex.revisionsDocument(revs));
    }

    private static FormatResponse latest(Optional<Rev> rev, String notFound) {
        return json(ConanIndex.latestDocument(rev.orElseThrow(() -> FormatException.notFound(notFound))));
    }

    private static FormatResponse files(Optional<Set<String>> files, String notFound) {
        return json(ConanIndex.filesDocument(files.orElseThrow(() -> FormatException.notFound(notFound))));
    }

    private static FormatResponse file(RepositoryContext repo, String path) throws IOException {
        StoredAsset a = repo.get(path).orElseThrow(() -> FormatException.notFound("File not found: "
                + path.substring(ConanIndex.ROOT.length())));
        return FormatResponse.asset(a);
    }

    /** The packages of the recipe's latest revision. */
    private FormatResponse recipeSearch(RepositoryContext repo, ConanRef ref) throws IOException {
        Rev latest = resolver.recipeLatest(repo, ref).orElseThrow(() -> FormatException.notFound("Recipe not found: '"
                + ref + "'"));
        return packagesSearch(repo, ref, latest.revision());
    }

    private FormatResponse packagesSearch(RepositoryContext repo, ConanRef ref, String rrev) throws IOException {
        return json(resolver.packages(repo, ref, rrev).orElseThrow(() -> FormatException.notFound("Recipe not found: '"
                + ref + "#" + rrev + "'")));
    }

    private static FormatResponse json(ObjectNode o) {
        return json(Json.bytes(o));
    }

    private static FormatResponse json(byte[] body) {
        return FormatResponse.ok(JSON_TYPE, body).validators(DocumentCache.etag(body), null);
    }

    // ------------------------------------------------------------------ uploads

    /**
     * {@code PUT .../files/{file}}: stored as sent, checked against {@code X-Checksum-Sha1} /
     * {@code X-Checksum-Sha256} when Conan sends them, and against what the file is (a manifest, a
     * conaninfo.txt, a .tgz: {@link #describe}); nothing is stored when a check fails. A revision is
     * immutable: a file it already holds may be sent again only with the same bytes (409 otherwise),
     * except metadata files. A package needs its recipe revision complete first (404, as conan_server).
     */
    private FormatResponse upload(FormatRequest req, RepositoryContext repo, ConanRef ref, String rrev, String pkgid,
            String prev, String file) throws IOException {
        String path = pkgid == null ? ConanIndex.recipeFile(ref, rrev, file)
                : ConanIndex.packageFile(ref, rrev, pkgid, prev, file);
        String sha1 = checksum(req, "X-Checksum-Sha1", 40);
        String sha256 = checksum(req, "X-Checksum-Sha256", 64);
        String md5 = checksum(req, "X-Checksum-Md5", 32);
        if (req.header("X-Checksum-Deploy").map(v -> v.equalsIgnoreCase("true")).orElse(false)) {
            // Artifactory's deduplication probe: 201 only when this very file is here already
            Optional<StoredAsset> here = repo.peek(path);
            if (here.isPresent() && sha1 != null && here.get().sha1().equalsIgnoreCase(sha1)) {
                return FormatResponse.status(201);
            }
            throw FormatException.notFound("Not a checksum storage");
        }
        if (pkgid != null && repo.peek(ConanIndex.recipeFile(ref, rrev, ConanIndex.MANIFEST)).isEmpty()) {
            throw FormatException.notFound("Recipe not found: '" + ref + "#" + rrev + "' (upload the recipe first)");
        }
        PutOptions opts = PutOptions.defaults().withExpectedChecksums(sha256, sha1, md5)
                .withOverwrite(ConanRef.isMetadata(file) ? PutOptions.Overwrite.ALLOW : PutOptions.Overwrite.IF_IDENTICAL);
        if (file.equals(ConanIndex.MANIFEST)) {
            byte[] body = req.body().readNBytes(ConanManifest.MAX_BYTES + 1);
            ConanManifest manifest = ConanManifest.parse(body);
            // the manifest names the MD5 of the files uploaded before it: they must be those
            String dir = path.substring(0, path.length() - file.length());
            for (String listed : List.of("conanfile.py", ConanIndex.INFO)) {
                String want = manifest.files().get(listed);
                Optional<StoredAsset> stored = want == null ? Optional.empty() : repo.peek(dir + listed);
                if (stored.isPresent() && !want.equals(md5(stored.get()))) {
                    throw new InvalidArtifactException("conanmanifest.txt lists " + listed + " with MD5 " + want
                            + ", but the uploaded " + listed + " has " + md5(stored.get()));
                }
            }
            repo.putBytes(path, body, opts);
        } else {
            repo.put(path, req.body(), opts);
        }
        return FormatResponse.status(201);
    }

    /** A checksum header, when sent: lower-case hex of the right length, else 400. */
    private static String checksum(FormatRequest req, String header, int hexLength) {
        Optional<String> v = req.header(header).map(String::trim).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return null;
        }
        String s = v.get().toLowerCase(Locale.ROOT);
        if (s.length() != hexLength || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw FormatException.badRequest(header + " is not " + hexLength + " hex digits");
        }
        return s;
    }

    private static String md5(StoredAsset a) throws IOException {
        if (a.md5() != null) {
            return a.md5().toLowerCase(Locale.ROOT);
        }
        try (InputStream in = a.open()) {
            MessageDigest d = MessageDigest.getInstance("MD5");
            byte[] b = new byte[8192];
            for (int n; (n = in.read(b)) != -1;) {
                d.update(b, 0, n);
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ deletes

    private static FormatResponse deleteAll(RepositoryContext repo, String prefix, String notFound) throws IOException {
        List<StoredAsset> all = repo.list(prefix);
        if (all.isEmpty()) {
            throw FormatException.notFound(notFound);
        }
        for (StoredAsset a : all) {
            repo.delete(a.path());
        }
        return FormatResponse.status(200);
    }

    /** Every package of a recipe revision; the revision itself must be here. */
    private static FormatResponse deletePackages(RepositoryContext repo, ConanRef ref, String rrev) throws IOException {
        String revision = ConanIndex.recipeRevision(ref, rrev);
        if (repo.list(revision).isEmpty()) {
            throw FormatException.notFound("Recipe not found: '" + ref + "#" + rrev + "'");
        }
        for (StoredAsset a : repo.list(revision + "packages/")) {
            repo.delete(a.path());
        }
        return FormatResponse.status(200);
    }

    // ------------------------------------------------------------------ describe

    /**
     * A stored file's name and version (the recipe's) and, before it becomes visible, a check of what it
     * is: a {@code conanmanifest.txt} and a {@code conaninfo.txt} must read as such, a {@code .tgz} must
     * be a gzip-compressed tar without hostile entries. A failed check refuses the upload (400).
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        if (!path.startsWith(ConanIndex.ROOT)) {
            return ArtifactDescription.fromPath(path);
        }
        String[] p = path.substring(ConanIndex.ROOT.length()).split("/", 13);
        if (p.length < 8 || !p[4].equals("revisions")) {
            return ArtifactDescription.fromPath(path);
        }
        ConanRef ref = ConanRef.of(p[0], p[1], p[2], p[3]);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("conan_reference", ref.display());
        attrs.put("conan_recipe_revision", p[5]);
        String file;
        if (p[6].equals("files")) {
            file = String.join("/", java.util.Arrays.copyOfRange(p, 7, p.length));
        } else if (p.length >= 12 && p[6].equals("packages") && p[8].equals("revisions") && p[10].equals("files")) {
            attrs.put("conan_package_id", p[7]);
            attrs.put("conan_package_revision", p[9]);
            file = String.join("/", java.util.Arrays.copyOfRange(p, 11, p.length));
        } else {
            return ArtifactDescription.fromPath(path);
        }
        attrs.put("conan_file", file);
        check(file, content);
        return new ArtifactDescription(ref.name(), ref.version(), contentType(file), attrs);
    }

    private static void check(String file, AssetContent content) throws IOException {
        if (file.equals(ConanIndex.MANIFEST)) {
            ConanManifest.parse(read(content, ConanManifest.MAX_BYTES));
        } else if (file.equals(ConanIndex.INFO)) {
            ConanInfo.parse(read(content, ConanInfo.MAX_BYTES));
        } else if (file.endsWith(".tgz") && !ConanRef.isMetadata(file)) {
            try (InputStream in = content.open()) {
                SafeArchive.tarGz(in, SafeArchive.Limits.defaults(), (entry, body) -> true);
            } catch (SafeArchive.ArchiveException e) {
                throw new InvalidArtifactException(file + " is not a usable .tgz: " + e.getMessage());
            }
        }
    }

    private static byte[] read(AssetContent content, int max) throws IOException {
        if (content.size() > max) {
            throw new InvalidArtifactException("larger than " + max + " bytes");
        }
        try (InputStream in = content.open()) {
            return in.readNBytes(max + 1);
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".tgz")) {
            return "application/gzip";
        }
        if (file.endsWith(".txt") || file.endsWith(".py") || file.endsWith(".yml")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
