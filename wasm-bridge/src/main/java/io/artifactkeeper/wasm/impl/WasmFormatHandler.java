package io.artifactkeeper.wasm.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import io.artifactkeeper.wasm.impl.abi.FormatWorld;
import io.artifactkeeper.wasm.impl.abi.WitFunction;
import io.artifactkeeper.wasm.impl.abi.WitType.Outcome;
import io.artifactkeeper.wasm.impl.engine.PluginCallException;
import io.artifactkeeper.wasm.impl.engine.PluginRuntime;

/**
 * A plugin as a format: registered with {@code format.key} = the plugin's key on the shared mount
 * {@code ext} (routes {@code /ext/{format_key}/{repo_key}/...}), its routes declared as data.
 * <ul>
 * <li>uploads (PUT here, or the artifacts API, which the core sends through the same route):
 * {@code validate} (its error is a 400 with the plugin's message), then {@code parse-metadata} for
 * version and content type; DELETE removes a file. Both are the bridge's for every plugin:
 * {@code handle-request} cannot store anything;</li>
 * <li>reads: {@code handle-request} when the plugin exports it; otherwise stored files by path and
 * the files of {@code generate-index}.</li>
 * </ul>
 * The repository type is never tested here: every read goes through {@link RepositoryContext#get}
 * (stored, fetched and cached by the core, or a member's) and {@link Members} (the leaves of a
 * virtual repository). What a plugin sees of a repository is the list of its artifacts' records: a
 * hosted repository's files, a remote's cached files, a virtual's leaves' merged (the first by
 * priority wins a path). The index of a repository that one leaf answers for is that leaf's own (a
 * hosted repository's generated one, or the upstream's file as a remote fetched it); of one that
 * several leaves answer for, {@code generate-index} over their merged records: index bytes are the
 * plugin's private format and are never merged (see README, "Remote and virtual repositories").
 * A failing plugin call (time, fuel, memory, trap, malformed result) answers 502 with the reason.
 */
final class WasmFormatHandler implements FormatHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WasmFormatHandler.class);
    static final String MOUNT = "ext";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The root's index when generate-index writes several files. */
    static final String DEFAULT_INDEX = "index.json";

    private final LoadedPlugin plugin;
    private final FormatDescriptor descriptor;
    private final List<String> extensions;
    private final boolean requestHandler;
    private final List<Route> routes;
    private final ProxyPolicy proxyPolicy;
    private final DocumentCache documents = new DocumentCache();

    WasmFormatHandler(LoadedPlugin plugin) {
        this.plugin = plugin;
        PluginManifest m = plugin.manifest;
        this.descriptor = new FormatDescriptor(m.formatKey(), List.of(), MOUNT,
                m.displayName() == null ? m.name() : m.displayName(), m.extensions());
        this.extensions = usableExtensions(m.extensions());
        this.requestHandler = plugin.module != null && plugin.module.requestHandler();
        this.routes = routes(requestHandler, extensions);
        this.proxyPolicy = new ProxyPolicy() {
            @Override
            public AssetKind kindOf(String path) {
                return isArtifact(path) ? AssetKind.CONTENT : AssetKind.METADATA;
            }
        };
    }

    /** Extensions usable in a route template (a brace or a slash in one would be a manifest oddity). */
    static List<String> usableExtensions(List<String> declared) {
        List<String> out = new ArrayList<>();
        for (String e : declared) {
            if (e != null && !e.isEmpty() && e.indexOf('{') < 0 && e.indexOf('}') < 0 && e.indexOf('/') < 0) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The routes of a plugin, as data. Every plugin: {@code PUT {path+}} stores a file (validate,
     * parse-metadata) and {@code DELETE {path+}} deletes one; they write, so the core refuses them on
     * remote and virtual repositories.
     * <ul>
     * <li>With handle-request: the plugin answers every other path and method itself: GET, HEAD and
     * OPTIONS need read access; POST and PATCH write access, as before routes were data. Those are
     * allowed on remote and virtual repositories too: handle-request gets the
     * repository's records and answers bytes, it has no way to store anything, so what the core's
     * refusal protects (a remote's cache, a virtual's members) cannot be touched, and a protocol call
     * such as a search POST is as valid on a remote or virtual repository as on a hosted one.</li>
     * <li>Without: {@code ""} the repository's index (metadata); {@code {path+}} ending with one of the
     * plugin's declared extensions an artifact (content: cached for good by a remote); any other
     * {@code {path+}} a file generate-index writes or another stored file (metadata: a remote
     * refreshes it after the TTL, since only the declared extensions say what never changes).</li>
     * </ul>
     */
    static List<Route> routes(boolean requestHandler, List<String> extensions) {
        List<Route> r = new ArrayList<>();
        r.add(Route.of("upload", "PUT", "{path+}", Access.WRITE));
        r.add(Route.of("delete", "DELETE", "{path+}", Access.DELETE));
        if (requestHandler) {
            // {path:.*}: the root and trailing slashes too (PEP 503 pages end with one)
            r.add(Route.of("request", "GET HEAD OPTIONS", "{path:.*}", Access.READ).metadata());
            Route call = Route.of("request-call", "POST PATCH", "{path:.*}", Access.WRITE);
            r.add(call.anyRepositoryType()); // declared reason: handle-request stores nothing, it answers bytes
            return List.copyOf(r);
        }
        r.add(Route.read("index", "").metadata());
        if (!extensions.isEmpty()) {
            StringBuilder alt = new StringBuilder();
            for (String e : extensions) {
                alt.append(alt.isEmpty() ? "" : "|").append(Pattern.quote(e));
            }
            r.add(Route.read("artifact", "{path:[^/]+(?:/[^/]+)*(?:" + alt + ")}"));
        }
        r.add(Route.read("file", "{path+}").metadata());
        return List.copyOf(r);
    }

    /** Whether this handler's routes and descriptor are still those of {@code p} (after a reload). */
    boolean servesAs(LoadedPlugin p) {
        boolean rh = p.module != null && p.module.requestHandler();
        return rh == requestHandler && usableExtensions(p.manifest.extensions()).equals(extensions)
                && descriptor.extensions().equals(p.manifest.extensions());
    }

    @Override
    public FormatDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return proxyPolicy;
    }

    /** Whether the plugin's declared extensions say {@code path} is an artifact (content that never changes). */
    boolean isArtifact(String path) {
        for (String e : extensions) {
            if (path.endsWith(e)) {
                return true;
            }
        }
        return false;
    }

    private Object call(WitFunction f, List<?> args) {
        PluginRuntime rt = plugin.runtime;
        if (rt == null) {
            throw new FormatException(503, "PLUGIN_UNAVAILABLE", "plugin " + plugin.record.name() + " is not loaded: "
                    + plugin.stats.lastError());
        }
        long t0 = System.nanoTime();
        try {
            Object r = rt.call(f, args);
            plugin.stats.success(System.nanoTime() - t0);
            return r;
        } catch (PluginCallException e) {
            plugin.stats.failure(System.nanoTime() - t0, e);
            LOG.warn("plugin call failed: {}", e.getMessage());
            throw new FormatException(502, "PLUGIN_FAILED", e.getMessage());
        }
    }

    private byte[] readCapped(AssetContent content) throws IOException {
        long max = plugin.limits.maxPayloadBytes();
        if (content.size() > max) {
            throw new FormatException(413, "TOO_LARGE", "plugin formats take artifacts of at most " + max
                    + " bytes (this one has " + content.size() + ")");
        }
        try (InputStream in = content.open()) {
            return in.readAllBytes();
        }
    }

    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        byte[] data = readCapped(content);
        Outcome v = (Outcome) call(FormatWorld.VALIDATE, List.of(path, data));
        if (!v.ok()) {
            throw new InvalidArtifactException(String.valueOf(v.value()));
        }
        Outcome m = (Outcome) call(FormatWorld.PARSE_METADATA, List.of(path, data));
        if (!m.ok()) {
            throw new InvalidArtifactException(String.valueOf(m.value()));
        }
        List<?> md = (List<?>) m.value();
        String version = (String) md.get(1);
        String contentType = (String) md.get(2);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("plugin", plugin.record.name());
        attrs.put("plugin_version", plugin.record.version());
        String name = ArtifactDescription.fromPath(path).name();
        return new ArtifactDescription(name, version, contentType == null || contentType.isBlank() ? null : contentType, attrs);
    }

    /** WIT metadata records of a repository's artifacts. */
    static List<Object> metadata(List<StoredAsset> assets) {
        List<Object> out = new ArrayList<>(assets.size());
        for (StoredAsset a : assets) {
            out.add(java.util.Arrays.asList(a.path(), a.version(), a.contentType() == null ? "application/octet-stream"
                    : a.contentType(), a.size(), a.sha256()));
        }
        return out;
    }

    @Override
    public FormatResponse handle(FormatRequest request, RepositoryContext repository) throws IOException {
        RouteMatch m = request.route();
        return switch (m.name()) {
            case "upload" -> {
                StoredAsset a = repository.put(m.param("path"), request.body(), PutOptions.defaults());
                yield FormatResponse.json(201, JSON.writeValueAsString(new Uploaded(a.path(), a.sha256())));
            }
            case "delete" -> {
                if (!repository.delete(m.param("path"))) {
                    throw FormatException.notFound("not found: " + m.param("path"));
                }
                yield FormatResponse.status(204);
            }
            case "request", "request-call" -> handleRequest(request, repository);
            case "artifact" -> repository.get(m.param("path")).map(FormatResponse::asset)
                    .orElseThrow(() -> FormatException.notFound("not found: " + m.param("path")));
            case "index" -> index(repository);
            case "file" -> file(repository, m.param("path"));
            default -> throw new IllegalStateException("route " + m.name() + " has no handler");
        };
    }

    /** The answer to an upload. */
    record Uploaded(String path, String sha256) {
    }

    /** What one leaf of a repository holds for a request: its artifacts' records, and its file at the path. */
    private record Leaf(List<StoredAsset> records, StoredAsset file) {
        boolean holdsAnything() {
            return file != null || !records.isEmpty();
        }
    }

    /**
     * The records a leaf contributes: its files (hosted) or cached files (remote) that are artifacts.
     * When the plugin declares extensions, other files (a remote's cached copy of its upstream's index
     * among them) are not artifacts; without extensions every file counts.
     */
    private List<StoredAsset> records(RepositoryContext leaf) throws IOException {
        List<StoredAsset> out = new ArrayList<>();
        for (StoredAsset a : leaf.list("")) {
            if (extensions.isEmpty() || isArtifact(a.path())) {
                out.add(a);
            }
        }
        return out;
    }

    /** The merged records of the leaves, the first by priority winning a path (the file a GET would serve). */
    private static List<StoredAsset> merged(List<Leaf> leaves) {
        Map<String, StoredAsset> byPath = new LinkedHashMap<>();
        for (Leaf l : leaves) {
            for (StoredAsset a : l.records()) {
                byPath.putIfAbsent(a.path(), a);
            }
        }
        return new ArrayList<>(byPath.values());
    }

    /** The repository's leaves that hold anything, in priority order; a failing member skipped by the one policy. */
    private List<Leaf> leaves(RepositoryContext repository, String path) throws IOException {
        List<Leaf> out = new ArrayList<>();
        for (Leaf l : Members.values(repository, leaf -> Optional.of(new Leaf(records(leaf),
                path == null ? null : leaf.get(path).orElse(null))))) {
            if (l.holdsAnything()) {
                out.add(l);
            }
        }
        return out;
    }

    /** {@code GET /}: the index file, when generate-index writes one (or one of them is index.json). */
    private FormatResponse index(RepositoryContext repository) throws IOException {
        List<GeneratedFile> files = generate(repository, merged(leaves(repository, null)));
        String name = files.size() == 1 ? files.get(0).name() : DEFAULT_INDEX;
        return file(repository, name);
    }

    /**
     * A file that is not an artifact: an index file or another stored file. One leaf holding anything:
     * its file at that path (a hosted repository's stored file, a remote's upstream file, fetched and
     * cached with the TTL by the core), else its generated one. Several leaves: the generated one over
     * their merged records, else the first leaf's file.
     */
    private FormatResponse file(RepositoryContext repository, String path) throws IOException {
        List<Leaf> leaves = leaves(repository, path);
        if (leaves.size() == 1 && leaves.get(0).file() != null) {
            return FormatResponse.asset(leaves.get(0).file());
        }
        for (GeneratedFile f : generate(repository, merged(leaves))) {
            if (f.name().equals(path)) {
                return FormatResponse.ok(contentType(f.name()), f.bytes()).validators(DocumentCache.etag(f.bytes()), null);
            }
        }
        for (Leaf l : leaves) {
            if (l.file() != null) {
                return FormatResponse.asset(l.file());
            }
        }
        throw FormatException.notFound("not found: " + path);
    }

    record GeneratedFile(String name, byte[] bytes) {
    }

    /**
     * generate-index over {@code records} of {@code repository}; none when the plugin has no index.
     * Kept until the records or the plugin's module change: generate-index is a function of its input
     * (the plugin has no files, network or environment), so an unchanged repository costs no call.
     */
    private List<GeneratedFile> generate(RepositoryContext repository, List<StoredAsset> records) throws IOException {
        return unpack(documents.get(repository.key() + "\0generate-index", stamp(records),
                () -> pack(generateNow(records))).bytes());
    }

    private List<GeneratedFile> generateNow(List<StoredAsset> records) {
        Outcome r = (Outcome) call(FormatWorld.GENERATE_INDEX, List.of(metadata(records)));
        if (!r.ok()) {
            throw new FormatException(500, "PLUGIN_ERROR", "plugin " + plugin.record.name() + " could not build its index: "
                    + r.value());
        }
        List<GeneratedFile> out = new ArrayList<>();
        if (r.value() instanceof List<?> files) {
            for (Object f : files) {
                List<?> t = (List<?>) f;
                out.add(new GeneratedFile(PluginPackage.trimSlashes((String) t.get(0)), (byte[]) t.get(1)));
            }
        }
        return out;
    }

    /** What generate-index sees of {@code records}, and which module sees it. */
    private String stamp(List<StoredAsset> records) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        d.update(String.valueOf(plugin.record.wasmSha256()).getBytes(StandardCharsets.UTF_8));
        for (StoredAsset a : records) {
            d.update(('\n' + a.path() + '\0' + a.version() + '\0' + a.contentType() + '\0' + a.size() + '\0' + a.sha256())
                    .getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** The files of one generate-index answer as one cached document: count, then (name, bytes) each length-prefixed. */
    static byte[] pack(List<GeneratedFile> files) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bo);
        out.writeInt(files.size());
        for (GeneratedFile f : files) {
            byte[] name = f.name().getBytes(StandardCharsets.UTF_8);
            out.writeInt(name.length);
            out.write(name);
            out.writeInt(f.bytes().length);
            out.write(f.bytes());
        }
        return bo.toByteArray();
    }

    static List<GeneratedFile> unpack(byte[] packed) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(packed));
        int n = in.readInt();
        List<GeneratedFile> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            out.add(new GeneratedFile(name, in.readNBytes(in.readInt())));
        }
        return out;
    }

    static String contentType(String name) {
        return name.endsWith(".json") ? "application/json"
                : Optional.ofNullable(URLConnection.guessContentTypeFromName(name)).orElse("application/octet-stream");
    }

    private FormatResponse handleRequest(FormatRequest request, RepositoryContext repository) throws IOException {
        long max = plugin.limits.maxPayloadBytes();
        if (request.contentLength() > max) {
            throw new FormatException(413, "TOO_LARGE", "request bodies for plugins are limited to " + max + " bytes");
        }
        byte[] body;
        try (InputStream in = request.body()) {
            body = in == null ? new byte[0] : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        }
        if (body.length > max) {
            throw new FormatException(413, "TOO_LARGE", "request bodies for plugins are limited to " + max + " bytes");
        }
        List<Object> headers = new ArrayList<>();
        for (String h : new String[] {"Accept", "Content-Type", "User-Agent", "If-None-Match", "Accept-Encoding"}) {
            request.header(h).ifPresent(v -> headers.add(List.of(h.toLowerCase(), v)));
        }
        // the same records for every repository type: a virtual's leaves merged, a remote's cached files
        String rel = "/" + request.path();
        List<Object> httpRequest = List.of(request.method(), rel, request.query() == null ? "" : request.query(), headers, body);
        String download = request.serverUrl() + "/api/v1/repositories/" + repository.key() + "/download";
        List<Object> ctx = List.of(repository.key(), repository.baseUrl(), download);
        Outcome r = (Outcome) call(FormatWorld.HANDLE_REQUEST, List.of(httpRequest, ctx, metadata(merged(leaves(repository, null)))));
        if (!r.ok()) {
            throw new FormatException(500, "PLUGIN_ERROR", "plugin " + plugin.record.name() + ": " + r.value());
        }
        List<?> resp = (List<?>) r.value();
        int status = (Integer) resp.get(0);
        if (status < 100 || status > 599) {
            throw new FormatException(502, "PLUGIN_FAILED", "plugin " + plugin.record.name() + " answered status " + status);
        }
        FormatResponse out = FormatResponse.status(status);
        String contentType = null;
        for (Object o : (List<?>) resp.get(1)) {
            List<?> h = (List<?>) o;
            String name = (String) h.get(0);
            String value = (String) h.get(1);
            if (name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0 || value.indexOf('\n') >= 0
                    || value.indexOf('\r') >= 0) {
                throw new FormatException(502, "PLUGIN_FAILED", "plugin " + plugin.record.name() + " returned a malformed header");
            }
            if (name.equalsIgnoreCase("Content-Type")) {
                contentType = value;
            } else if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
                out.header(name, value);
            }
        }
        byte[] bytes = (byte[]) resp.get(2);
        if (bytes.length > 0 || contentType != null) {
            out.body(contentType == null ? "application/octet-stream" : contentType, bytes);
        }
        return out;
    }

    static List<Object> emptyList() {
        return Collections.emptyList();
    }
}
