package io.artifactkeeper.wasm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.http.ApiExtension;

/**
 * {@code /api/v1/plugins} (administrators): list, show, install from Git or a ZIP, enable,
 * disable, reload, uninstall. {@code {id}} is the plugin's id or its format key.
 */
@Component(service = ApiExtension.class, property = {ApiExtension.PREFIX_PROPERTY + "=plugins",
    ApiExtension.ACCESS_PROPERTY + "=" + ApiExtension.ACCESS_ADMIN})
public final class PluginsApi implements ApiExtension {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_UPLOAD = 4 * PluginPackage.MAX_FILE;

    private final WasmPluginManager manager;

    @Activate
    public PluginsApi(@Reference WasmPluginManager manager) {
        this.manager = manager;
    }

    @Override
    public FormatResponse handle(FormatRequest req) throws IOException {
        String path = PluginPackage.trimSlashes(req.path());
        String[] seg = path.isEmpty() ? new String[0] : path.split("/");
        String method = req.method();
        if (seg.length == 0) {
            require(method, "GET");
            List<Object> items = new ArrayList<>();
            for (LoadedPlugin p : manager.plugins()) {
                items.add(manager.toJson(p));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("items", items);
            m.put("total", items.size());
            m.put("runtime", manager.engineJson());
            return json(200, m);
        }
        if (seg[0].equals("install") && seg.length == 2) {
            require(method, "POST");
            if (seg[1].equals("git")) {
                Map<String, Object> body = readJson(req);
                String url = string(body, "url");
                if (url == null) {
                    throw FormatException.badRequest("url is required");
                }
                return json(201, summary(manager.installGit(url, string(body, "ref"), string(body, "path"))));
            }
            if (seg[1].equals("zip")) {
                return json(201, summary(manager.installZip(zipFrom(req))));
            }
            throw FormatException.notFound("no such endpoint: install/" + seg[1]);
        }
        if (seg.length == 1) {
            return switch (method) {
                case "GET", "HEAD" -> json(200, manager.toJson(manager.require(seg[0])));
                case "DELETE" -> {
                    manager.uninstall(seg[0]);
                    yield FormatResponse.status(204);
                }
                default -> throw FormatException.methodNotAllowed(method + " is not allowed here");
            };
        }
        if (seg.length == 2) {
            require(method, "POST");
            LoadedPlugin p = switch (seg[1]) {
                case "enable" -> manager.enable(seg[0]);
                case "disable" -> manager.disable(seg[0]);
                case "reload" -> manager.reload(seg[0]);
                default -> throw FormatException.notFound("no such endpoint: " + path);
            };
            return json(200, manager.toJson(p));
        }
        throw FormatException.notFound("no such endpoint: /api/v1/plugins/" + path);
    }

    private static void require(String method, String expected) {
        if (!method.equals(expected) && !(expected.equals("GET") && method.equals("HEAD"))) {
            throw FormatException.methodNotAllowed(method + " is not allowed here; use " + expected);
        }
    }

    private static Map<String, Object> summary(LoadedPlugin p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.record.id().toString());
        m.put("name", p.record.name());
        m.put("version", p.record.version());
        m.put("format_key", p.record.formatKey());
        m.put("state", p.state());
        return m;
    }

    private static FormatResponse json(int status, Object body) throws IOException {
        return FormatResponse.status(status).body("application/json", JSON.writeValueAsBytes(body));
    }

    private static String string(Map<String, Object> m, String k) {
        Object o = m.get(k);
        if (o != null && !(o instanceof String)) {
            throw FormatException.badRequest(k + " must be a string");
        }
        return o == null || ((String) o).isBlank() ? null : (String) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(FormatRequest req) throws IOException {
        byte[] b;
        try (InputStream in = req.body()) {
            b = in.readNBytes(1024 * 1024);
        }
        if (b.length == 0) {
            throw FormatException.badRequest("expected a JSON body {\"url\", \"ref\", \"path\"}");
        }
        try {
            Object o = JSON.readValue(b, Object.class);
            if (!(o instanceof Map)) {
                throw FormatException.badRequest("expected a JSON object");
            }
            return (Map<String, Object>) o;
        } catch (JacksonException e) {
            throw FormatException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** The ZIP from multipart field {@code file}, or the raw body. */
    private static byte[] zipFrom(FormatRequest req) throws IOException {
        if (req.contentLength() > MAX_UPLOAD) {
            throw new FormatException(413, "TOO_LARGE", "plugin archives are limited to " + MAX_UPLOAD + " bytes");
        }
        byte[] body;
        try (InputStream in = req.body()) {
            body = in.readNBytes((int) MAX_UPLOAD + 1);
        }
        if (body.length > MAX_UPLOAD) {
            throw new FormatException(413, "TOO_LARGE", "plugin archives are limited to " + MAX_UPLOAD + " bytes");
        }
        String ct = req.header("Content-Type").orElse("");
        if (ct.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            byte[] file = Multipart.field(body, ct, "file");
            if (file == null) {
                throw FormatException.badRequest("multipart field 'file' is missing");
            }
            return file;
        }
        if (body.length == 0) {
            throw FormatException.badRequest("send the plugin ZIP as multipart field 'file'");
        }
        return body;
    }

    /** A minimal multipart/form-data reader: the content of one named field. */
    static final class Multipart {
        private Multipart() {
        }

        static byte[] field(byte[] body, String contentType, String name) {
            String boundary = null;
            for (String part : contentType.split(";")) {
                String t = part.trim();
                if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                    boundary = t.substring(9);
                    if (boundary.startsWith("\"") && boundary.endsWith("\"") && boundary.length() > 1) {
                        boundary = boundary.substring(1, boundary.length() - 1);
                    }
                }
            }
            if (boundary == null) {
                throw FormatException.badRequest("multipart body without a boundary");
            }
            // RFC 2046: 1 to 70 characters. A longer one would make every search below cost its length per
            // byte of a body of up to MAX_UPLOAD bytes.
            if (boundary.isEmpty() || boundary.length() > 70) {
                throw FormatException.badRequest("a multipart boundary has 1 to 70 characters");
            }
            byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            int pos = indexOf(body, delim, 0);
            while (pos >= 0) {
                int start = pos + delim.length;
                if (start + 2 <= body.length && body[start] == '-' && body[start + 1] == '-') {
                    return null;
                }
                start += 2; // CRLF
                int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
                if (headersEnd < 0) {
                    return null;
                }
                String headers = new String(body, start, headersEnd - start, StandardCharsets.ISO_8859_1);
                int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headersEnd + 4);
                if (next < 0) {
                    throw FormatException.badRequest("truncated multipart body");
                }
                for (String h : headers.split("\r\n")) {
                    String lower = h.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-disposition:") && (lower.contains("name=\"" + name + "\"")
                            || lower.contains("name=" + name + ";") || lower.endsWith("name=" + name))) {
                        return java.util.Arrays.copyOfRange(body, headersEnd + 4, next);
                    }
                }
                pos = next + 2;
            }
            return null;
        }

        private static int indexOf(byte[] hay, byte[] needle, int from) {
            outer:
            for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
