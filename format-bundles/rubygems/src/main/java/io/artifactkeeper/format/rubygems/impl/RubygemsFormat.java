package io.artifactkeeper.format.rubygems.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.rubygems.impl.RubygemsIndex.SpecsKind;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Members;

/**
 * RubyGems repositories under {@code /gems/{repo}/}: {@code gem push} and {@code gem yank}, the
 * compact index ({@code versions}, {@code info/{name}}, {@code names}) with the MD5 entity tags and
 * byte ranges bundler relies on, the legacy Marshal indexes ({@code specs.4.8.gz} and its latest and
 * prerelease variants, {@code quick/Marshal.4.8/*.gemspec.rz}), the dependency API and gem
 * downloads, for local, remote and virtual repositories. Errors are plain text, which gem and
 * bundler print as they are.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=rubygems")
public final class RubygemsFormat implements FormatHandler {

    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("rubygems", List.of(), "gems", "RubyGems",
            List.of("gem"));
    private static final ProxyPolicy POLICY = new RubygemsProxyPolicy();
    private static final List<Route> ROUTES = RubygemsRoutes.all();
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String MARSHAL = "application/octet-stream";
    private static final int MAX_FORM = 64 << 10;
    private static final int MAX_DEPENDENCY_GEMS = 200;

    private final DocumentCache cache = new DocumentCache();

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return POLICY;
    }

    @Override
    public List<Route> routes() {
        return ROUTES;
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        FormatResponse r = FormatResponse.text(status, (message == null ? code : message) + "\n");
        if (status == 401) {
            r.header("WWW-Authenticate", "Basic realm=\"Artifact Keeper\"");
        }
        return r;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch r = req.route();
        return switch (r.name()) {
            case "versions" -> compactIndex(req, repo, "versions");
            case "info" -> compactIndex(req, repo, "info/" + gemName(r.param("name")));
            case "names" -> compactIndex(req, repo, "names");
            case "specs" -> specs(repo, SpecsKind.of(r.param("specs")));
            case "quick" -> file(repo, GemNames.QUICK_DIR, r.param("file"), ".gemspec.rz", "application/x-deflate");
            case "gem" -> file(repo, GemNames.GEMS_DIR, r.param("file"), ".gem", "application/octet-stream");
            case "dependencies" -> dependencies(req, repo);
            case "upload" -> upload(req, repo, r.param("file"));
            case "push" -> pushed(new RubygemsPublisher(repo).push(req.body(), null));
            case "yank" -> yank(req, repo);
            default -> throw new IllegalStateException("route without a handler: " + r.name());
        };
    }

    private static String gemName(String name) {
        if (!GemNames.isName(name)) {
            throw FormatException.notFound("`" + GemSpecYaml.printable(name) + "` is not a gem name");
        }
        return name;
    }

    // ------------------------------------------------------------------ compact index

    /**
     * A compact index document: a remote's as its upstream served it, a hosted or virtual one's
     * generated (and kept until the repository changes). Its entity tag is the quoted MD5 of the
     * whole document, which bundler compares with the MD5 of the file it assembled; a {@code Range}
     * (bundler asks for what follows its copy, from its last byte) is answered with 206.
     */
    private FormatResponse compactIndex(FormatRequest req, RepositoryContext repo, String path) throws IOException {
        Optional<Optional<StoredAsset>> upstream = upstreamDocument(repo, path);
        byte[] body;
        Instant modified;
        if (upstream.isPresent()) {
            StoredAsset a = upstream.get().orElseThrow(() -> FormatException.notFound("This gem could not be found"));
            body = RubygemsIndex.readUpstream(a);
            modified = a.updatedAt();
        } else {
            refreshRemoteMembers(repo, path);
            DocumentCache.Document d = cache.get(repo, "", path, () -> build(repo, path));
            if (d.bytes().length == 0) {
                throw FormatException.notFound("This gem could not be found");
            }
            body = d.bytes();
            modified = d.builtAt();
        }
        return ranged(req, body, modified);
    }

    /**
     * For a remote, its upstream's document at {@code path} (empty inside when the upstream has none),
     * served as it is; empty for a hosted or virtual repository, which generate theirs.
     */
    private static Optional<Optional<StoredAsset>> upstreamDocument(RepositoryContext repo, String path)
            throws IOException {
        return Members.bySource(h -> Optional.<Optional<StoredAsset>>empty(), r -> Optional.of(r.get(path))).in(repo);
    }

    /**
     * Asks the remote members of a virtual repository for their document at {@code path} (the core
     * refreshes it once its TTL is over), so that a change upstream changes the virtual repository's
     * content stamp and the merged document is built again; a fresh copy costs no upstream request.
     */
    private static void refreshRemoteMembers(RepositoryContext repo, String path) throws IOException {
        Members.all(repo, Members.bySource(h -> Optional.empty(), r -> r.get(path)));
    }

    private static byte[] build(RepositoryContext repo, String path) throws IOException {
        return switch (path) {
            case "versions" -> RubygemsIndex.versions(repo, Instant.now());
            case "names" -> RubygemsIndex.names(repo);
            default -> RubygemsIndex.info(repo, path.substring("info/".length())).orElse(new byte[0]);
        };
    }

    static FormatResponse ranged(FormatRequest req, byte[] body, Instant modified) {
        String etag = '"' + GemCompactIndex.md5(body) + '"';
        FormatResponse whole = FormatResponse.ok(TEXT, body).validators(etag, modified)
                .header("Accept-Ranges", "bytes").header("Repr-Digest", "sha-256=:" + java.util.Base64.getEncoder()
                        .encodeToString(sha256(body)) + ":");
        String inm = req.header("If-None-Match").orElse(null);
        String range = req.header("Range").orElse(null);
        if (range == null || (inm != null && inm.contains(etag)) || req.method().equals("HEAD")) {
            return whole;
        }
        long[] r = parseRange(range, body.length);
        if (r == null) {
            return whole;
        }
        if (r[0] >= body.length) {
            return FormatResponse.status(416).header("Content-Range", "bytes */" + body.length).body(TEXT, new byte[0]);
        }
        byte[] part = java.util.Arrays.copyOfRange(body, (int) r[0], (int) r[1] + 1);
        return FormatResponse.status(206).body(TEXT, part).header("ETag", etag)
                .header("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + body.length);
    }

    /** One range {@code bytes=N-} or {@code bytes=N-M}; null for anything else (answered whole). */
    static long[] parseRange(String range, long size) {
        String s = range.trim();
        if (!s.startsWith("bytes=") || s.contains(",")) {
            return null;
        }
        String spec = s.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash <= 0) {
            return null;
        }
        try {
            long from = Long.parseLong(spec.substring(0, dash).trim());
            String to = spec.substring(dash + 1).trim();
            long end = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            if (from < 0 || (end < from && from < size)) {
                return null;
            }
            return new long[] {from, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ Marshal indexes

    private FormatResponse specs(RepositoryContext repo, SpecsKind kind) throws IOException {
        Optional<Optional<StoredAsset>> upstream = upstreamDocument(repo, kind.file);
        if (upstream.isPresent()) {
            return FormatResponse.asset(upstream.get().orElseThrow(() -> FormatException.notFound(kind.file + " not found")))
                    .contentType("application/octet-stream");
        }
        refreshRemoteMembers(repo, kind.file);
        return cache.get(repo, "", kind.file, () -> RubygemsIndex.specs(repo, kind)).response("application/octet-stream");
    }

    /** A .gem or quick gemspec: the first repository (member) that has it, fetched by a remote on a miss. */
    private static FormatResponse file(RepositoryContext repo, String dir, String file, String suffix, String type)
            throws IOException {
        if (!file.endsWith(suffix)) {
            throw FormatException.notFound("not found: " + file);
        }
        String path = dir + file;
        StoredAsset a = Members.first(repo, m -> m.get(path))
                .orElseThrow(() -> FormatException.notFound("not found: " + file));
        return FormatResponse.asset(a).contentType(type);
    }

    /** {@code GET api/v1/dependencies?gems=a,b}: every version of the gems with their runtime dependencies. */
    private static FormatResponse dependencies(FormatRequest req, RepositoryContext repo) throws IOException {
        String gems = req.queryParam("gems").orElse("");
        if (gems.isBlank()) {
            // bundler asks without gems to see whether the API is there
            return FormatResponse.ok(MARSHAL, new byte[0]);
        }
        Set<String> names = new LinkedHashSet<>();
        for (String n : gems.split(",")) {
            if (!n.isBlank()) {
                names.add(gemName(n.trim()));
            }
        }
        if (names.size() > MAX_DEPENDENCY_GEMS) {
            throw new FormatException(422, "TOO_MANY", "Too many gems (use --full-index instead)");
        }
        List<GemCompactIndex.Entry> all = new ArrayList<>();
        for (String n : names) {
            all.addAll(RubygemsIndex.entries(repo, n));
        }
        return FormatResponse.ok(MARSHAL, GemMarshalDocs.dependencies(all));
    }

    // ------------------------------------------------------------------ writes

    private static FormatResponse upload(FormatRequest req, RepositoryContext repo, String file) throws IOException {
        if (!file.endsWith(".gem")) {
            throw FormatException.badRequest("only .gem files are uploaded here");
        }
        return pushed(new RubygemsPublisher(repo).push(req.body(), file.substring(0, file.length() - 4)));
    }

    private static FormatResponse pushed(GemSpec spec) {
        return FormatResponse.text(200, "Successfully registered gem: " + spec.name() + " (" + spec.version()
                + (GemNames.RUBY.equals(spec.platform()) ? "" : "-" + spec.platform()) + ")");
    }

    /** {@code gem yank}: {@code gem_name}, {@code version} and {@code platform} in the form body or the query. */
    private static FormatResponse yank(FormatRequest req, RepositoryContext repo) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        byte[] body;
        try (InputStream in = req.body()) {
            body = in == null ? new byte[0] : in.readNBytes(MAX_FORM + 1);
        }
        if (body.length > MAX_FORM) {
            throw FormatException.badRequest("the yank form is larger than " + MAX_FORM + " bytes");
        }
        parseForm(new String(body, StandardCharsets.ISO_8859_1), form);
        for (Map.Entry<String, List<String>> e : req.queryParams().entrySet()) {
            if (!e.getValue().isEmpty()) {
                form.putIfAbsent(e.getKey(), e.getValue().get(0));
            }
        }
        String name = form.get("gem_name");
        String version = form.get("version");
        String platform = form.getOrDefault("platform", GemNames.RUBY);
        if (name == null || version == null) {
            throw FormatException.badRequest("gem_name and version are required");
        }
        new RubygemsPublisher(repo).yank(name, version, platform.isBlank() ? GemNames.RUBY : platform);
        return FormatResponse.text(200, "Successfully deleted gem: " + name + " (" + version + ")");
    }

    static void parseForm(String body, Map<String, String> out) {
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                throw FormatException.badRequest("the yank form is not URL-encoded");
            }
        }
    }

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
