package io.artifactkeeper.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.artifactkeeper.api.format.Caller;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.RouteMatch;
import jakarta.servlet.http.HttpServletRequest;

/** A servlet request seen through the format SPI. */
final class FormatRequestImpl implements FormatRequest {
    private final HttpServletRequest req;
    private final String path;
    private final String rawPath;
    private final Caller caller;
    private final String serverUrl;
    private final String repositoryKey;
    private Map<String, List<String>> params;
    private RouteMatch match;

    /** A request under the mount that names no repository. */
    FormatRequestImpl(HttpServletRequest req, String path, String rawPath, Caller caller, String serverUrl) {
        this(req, path, rawPath, caller, serverUrl, null);
    }

    FormatRequestImpl(HttpServletRequest req, String path, String rawPath, Caller caller, String serverUrl,
            String repositoryKey) {
        this.req = req;
        this.path = path;
        this.rawPath = rawPath;
        this.caller = caller;
        this.serverUrl = serverUrl;
        this.repositoryKey = repositoryKey;
    }

    /** The route the core matched (formats that declare routes). */
    FormatRequestImpl match(RouteMatch m) {
        this.match = m;
        return this;
    }

    @Override
    public Optional<RouteMatch> match() {
        return Optional.ofNullable(match);
    }

    @Override
    public Optional<String> repositoryKey() {
        return Optional.ofNullable(repositoryKey);
    }

    @Override
    public String method() {
        return req.getMethod().toUpperCase();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String rawPath() {
        return rawPath;
    }

    @Override
    public String query() {
        return req.getQueryString() == null ? "" : req.getQueryString();
    }

    @Override
    public Optional<String> queryParam(String name) {
        List<String> v = queryParams().get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    @Override
    public Map<String, List<String>> queryParams() {
        if (params == null) {
            // parsed from the query string only: a form body is the format's to read
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (String pair : query().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
            params = m;
        }
        return params;
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(req.getHeader(name));
    }

    @Override
    public InputStream body() {
        try {
            return req.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long contentLength() {
        return req.getContentLengthLong();
    }

    @Override
    public Caller caller() {
        return caller;
    }

    @Override
    public String serverUrl() {
        return serverUrl;
    }
}
