package io.artifactkeeper.wasm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.wasm.impl.abi.FormatWorld;
import io.artifactkeeper.wasm.impl.abi.WitFunction;
import io.artifactkeeper.wasm.impl.abi.WitType.Outcome;
import io.artifactkeeper.wasm.impl.engine.PluginCallException;
import io.artifactkeeper.wasm.impl.engine.PluginRuntime;

/**
 * A plugin as a format: registered with {@code format.key} = the plugin's key on the shared mount
 * {@code ext} (routes {@code /ext/{format_key}/{repo_key}/...}).
 * <ul>
 * <li>uploads (artifacts API or PUT here): {@code validate} (its error is a 400 with the plugin's
 * message), then {@code parse-metadata} for version and content type;</li>
 * <li>requests: {@code handle-request} when the plugin exports it; otherwise stored files by path
 * and the files of {@code generate-index}.</li>
 * </ul>
 * A failing plugin call (time, fuel, memory, trap, malformed result) answers 502 with the reason.
 */
final class WasmFormatHandler implements FormatHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WasmFormatHandler.class);
    static final String MOUNT = "ext";

    private final LoadedPlugin plugin;
    private final FormatDescriptor descriptor;

    WasmFormatHandler(LoadedPlugin plugin) {
        this.plugin = plugin;
        PluginManifest m = plugin.manifest;
        this.descriptor = new FormatDescriptor(m.formatKey(), List.of(), MOUNT,
                m.displayName() == null ? m.name() : m.displayName(), m.extensions());
    }

    @Override
    public FormatDescriptor descriptor() {
        return descriptor;
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
        if (plugin.module != null && plugin.module.requestHandler()) {
            return handleRequest(request, repository);
        }
        String path = request.path();
        switch (request.method()) {
            case "GET", "HEAD" -> {
                if (!path.isEmpty() && !path.endsWith("/")) {
                    Optional<StoredAsset> a = repository.get(path);
                    if (a.isPresent()) {
                        return FormatResponse.asset(a.get());
                    }
                }
                Outcome r = (Outcome) call(FormatWorld.GENERATE_INDEX, List.of(metadata(repository.list(""))));
                if (!r.ok()) {
                    throw new FormatException(500, "PLUGIN_ERROR", "plugin " + plugin.record.name()
                            + " could not build its index: " + r.value());
                }
                if (r.value() instanceof List<?> files) {
                    String want = path.isEmpty() ? "index.json" : path;
                    for (Object f : files) {
                        List<?> t = (List<?>) f;
                        String name = PluginPackage.trimSlashes((String) t.get(0));
                        if (name.equals(want) || (path.isEmpty() && files.size() == 1)) {
                            String type = name.endsWith(".json") ? "application/json"
                                    : Optional.ofNullable(URLConnection.guessContentTypeFromName(name))
                                            .orElse("application/octet-stream");
                            return FormatResponse.ok(type, (byte[]) t.get(1));
                        }
                    }
                }
                return renderError(404, "NOT_FOUND", "not found: " + path);
            }
            case "PUT" -> {
                if (path.isEmpty() || path.endsWith("/")) {
                    throw FormatException.badRequest("a PUT names a file");
                }
                StoredAsset a = repository.put(path, request.body(), PutOptions.defaults());
                return FormatResponse.json(201, "{\"path\":\"" + a.path().replace("\"", "\\\"") + "\",\"sha256\":\""
                        + a.sha256() + "\"}");
            }
            case "DELETE" -> {
                if (!repository.delete(path)) {
                    return renderError(404, "NOT_FOUND", "not found: " + path);
                }
                return FormatResponse.status(204);
            }
            default -> throw FormatException.methodNotAllowed(request.method() + " is not supported here");
        }
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
        String rel = "/" + request.path();
        List<Object> httpRequest = List.of(request.method(), rel, request.query() == null ? "" : request.query(), headers, body);
        String download = request.serverUrl() + "/api/v1/repositories/" + repository.key() + "/download";
        List<Object> ctx = List.of(repository.key(), repository.baseUrl(), download);
        Outcome r = (Outcome) call(FormatWorld.HANDLE_REQUEST, List.of(httpRequest, ctx, metadata(repository.list(""))));
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
