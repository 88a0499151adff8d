package io.artifactkeeper.format.pypi.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.jsoup.parser.StreamParser;
import org.owasp.encoder.Encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.Json;

/**
 * Reads and writes simple index pages: PEP 503 HTML and PEP 691 JSON, with the PEP 592 (yanked),
 * PEP 658/714 (metadata files) and PEP 700 (versions, size, upload time) additions. Reading accepts
 * either form from an upstream (hostile bytes: HTML through jsoup as it streams, JSON through the
 * support layer's bounded Jackson); writing renders a {@link PypiProjectPage} with the URLs the caller
 * chooses (HTML escaped by OWASP Encoder, JSON written by Jackson).
 */
final class PypiSimpleIndex {
    static final String API_VERSION = "1.1";
    /** Largest upstream page read (PyPI's own project list is about 30 MB). */
    static final long MAX_UPSTREAM_PAGE_BYTES = 256L * 1024 * 1024;
    private static final java.util.regex.Pattern HASH_NAME = java.util.regex.Pattern.compile("[a-z0-9_]{1,32}");
    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("[0-9a-f]{1,256}");
    private static final DateTimeFormatter UPLOAD_TIME = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** An upstream page that cannot be read. */
    static final class PageException extends Exception {
        private static final long serialVersionUID = 1L;

        PageException(String message) {
            super(message);
        }
    }

    /** A project in a project list: its name as shown and normalized. */
    record Project(String displayName, String normalized) {
    }

    private PypiSimpleIndex() {
    }

    static String uploadTime(Instant t) {
        return t == null ? null : UPLOAD_TIME.format(t);
    }

    /** Whether an upstream page is JSON: by its content type, else by its first byte. */
    static boolean isJson(String contentType, InputStream body) throws IOException {
        if (contentType != null) {
            String ct = contentType.toLowerCase(Locale.ROOT);
            if (ct.contains("json")) {
                return true;
            }
            if (ct.contains("html")) {
                return false;
            }
        }
        body.mark(4096);
        try {
            for (int i = 0; i < 4096; i++) {
                int c = body.read();
                if (c < 0) {
                    return false;
                }
                if (!Character.isWhitespace(c)) {
                    return c == '{';
                }
            }
            return false;
        } finally {
            body.reset();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // reading

    /** A project page in either form (the stream must support mark); relative URLs resolve against {@code pageUri}. */
    static PypiProjectPage parseProjectPage(InputStream body, String contentType, URI pageUri, String project)
            throws PageException, IOException {
        return isJson(contentType, body) ? parseProjectJson(body, pageUri, project)
                : parseProjectHtml(body, pageUri, project);
    }

    static PypiProjectPage parseProjectPage(String body, String contentType, URI pageUri, String project)
            throws PageException, IOException {
        return parseProjectPage(stream(body), contentType, pageUri, project);
    }

    static PypiProjectPage parseProjectHtml(InputStream body, URI pageUri, String project) throws IOException {
        List<PypiProjectPage.File> files = new ArrayList<>();
        anchors(body, pageUri, a -> {
            URI u = absolute(a);
            if (u == null) {
                return;
            }
            Map<String, String> hashes = new LinkedHashMap<>();
            String frag = u.getRawFragment();
            if (frag != null) {
                int eq = frag.indexOf('=');
                if (eq > 0) {
                    putHash(hashes, frag.substring(0, eq), frag.substring(eq + 1));
                }
            }
            String url = withoutFragment(u);
            String filename = a.text().strip();
            if (filename.isEmpty()) {
                String path = u.getPath() == null ? "" : u.getPath();
                filename = path.substring(path.lastIndexOf('/') + 1);
            }
            String meta = a.hasAttr("data-core-metadata") ? a.attr("data-core-metadata")
                    : a.hasAttr("data-dist-info-metadata") ? a.attr("data-dist-info-metadata") : null;
            boolean hasMeta = meta != null && !meta.equalsIgnoreCase("false");
            Map<String, String> metaHashes = new LinkedHashMap<>();
            if (hasMeta) {
                int eq = meta.indexOf('=');
                if (eq > 0) {
                    putHash(metaHashes, meta.substring(0, eq), meta.substring(eq + 1));
                }
            }
            boolean yanked = a.hasAttr("data-yanked");
            String reason = yanked && !a.attr("data-yanked").isEmpty() ? a.attr("data-yanked") : null;
            String rp = a.attr("data-requires-python");
            files.add(new PypiProjectPage.File(filename, PypiNames.versionOf(filename, project), url, hashes,
                    rp.isBlank() ? null : rp, hasMeta, metaHashes, yanked, reason, null, null));
        });
        return new PypiProjectPage(PypiNames.normalize(project), files, List.of());
    }

    static PypiProjectPage parseProjectHtml(String body, URI pageUri, String project) throws IOException {
        return parseProjectHtml(stream(body), pageUri, project);
    }

    static PypiProjectPage parseProjectJson(InputStream body, URI pageUri, String project) throws PageException, IOException {
        JsonNode root = upstreamJson(body, "upstream project page");
        if (!root.path("files").isArray()) {
            throw new PageException("upstream project page has no files list");
        }
        List<PypiProjectPage.File> files = new ArrayList<>();
        for (JsonNode f : root.get("files")) {
            if (!f.path("filename").isTextual() || !f.path("url").isTextual()) {
                continue;
            }
            String filename = f.get("filename").asText();
            URI u = resolve(pageUri, f.get("url").asText());
            if (u == null) {
                continue;
            }
            Map<String, String> hashes = stringMap(f.get("hashes"));
            JsonNode meta = f.has("core-metadata") ? f.get("core-metadata") : f.get("dist-info-metadata");
            boolean hasMeta = meta != null && !meta.isNull() && !(meta.isBoolean() && !meta.asBoolean());
            JsonNode y = f.get("yanked");
            boolean yanked = y != null && !y.isNull() && !(y.isBoolean() && !y.asBoolean());
            String reason = y != null && y.isTextual() && !y.asText().isEmpty() ? y.asText() : null;
            Long size = f.path("size").isIntegralNumber() ? f.get("size").asLong() : null;
            String rp = f.path("requires-python").isTextual() && !f.get("requires-python").asText().isBlank()
                    ? f.get("requires-python").asText() : null;
            String ut = f.path("upload-time").isTextual() ? f.get("upload-time").asText() : null;
            files.add(new PypiProjectPage.File(filename, PypiNames.versionOf(filename, project), withoutFragment(u),
                    hashes, rp, hasMeta, meta != null && meta.isObject() ? stringMap(meta) : Map.of(), yanked, reason, size,
                    ut));
        }
        List<String> versions = new ArrayList<>();
        for (JsonNode v : root.path("versions")) {
            if (v.isTextual()) {
                versions.add(v.asText());
            }
        }
        return new PypiProjectPage(PypiNames.normalize(project), files, versions);
    }

    /** A project list in either form (the stream must support mark). */
    static List<Project> parseProjectList(InputStream body, String contentType) throws PageException, IOException {
        List<Project> out = new ArrayList<>();
        if (isJson(contentType, body)) {
            JsonNode root = upstreamJson(body, "upstream project list");
            if (!root.path("projects").isArray()) {
                throw new PageException("upstream project list has no projects");
            }
            for (JsonNode p : root.get("projects")) {
                String n = p.path("name").asText(null);
                if (p.path("name").isTextual() && PypiNames.isValidName(n)) {
                    out.add(new Project(n, PypiNames.normalize(n)));
                }
            }
            return out;
        }
        anchors(body, null, a -> {
            String n = a.text().strip();
            if (PypiNames.isValidName(n)) {
                out.add(new Project(n, PypiNames.normalize(n)));
            }
        });
        return out;
    }

    static List<Project> parseProjectList(String body, String contentType) throws PageException, IOException {
        return parseProjectList(stream(body), contentType);
    }

    private static InputStream stream(String s) {
        return new java.io.ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode upstreamJson(InputStream body, String what) throws PageException, IOException {
        try {
            return Json.readUpstream(body, MAX_UPSTREAM_PAGE_BYTES, what);
        } catch (FormatException e) {
            throw new PageException(e.getMessage());
        }
    }

    /**
     * Each {@code <a>} of an upstream HTML page, as jsoup parses it while it streams (a project list
     * of PyPI's size is never held as a tree: each anchor is dropped once seen). A {@code <base href>}
     * changes what relative links resolve against, as in a browser.
     */
    private static void anchors(InputStream body, URI pageUri, Consumer<Element> each) throws IOException {
        try (StreamParser parser = new StreamParser(Parser.htmlParser())) {
            parser.parse(new java.io.InputStreamReader(body, StandardCharsets.UTF_8),
                    pageUri == null ? "" : pageUri.toString());
            Iterator<Element> it = parser.iterator();
            while (it.hasNext()) {
                Element e = it.next();
                if (e.normalName().equals("a")) {
                    each.accept(e);
                    e.remove();
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** An anchor's link resolved against the page (and its base), http or https only. */
    private static URI absolute(Element a) {
        if (!a.hasAttr("href")) {
            return null;
        }
        String base = a.baseUri();
        try {
            return resolve(base.isEmpty() ? null : new URI(base), a.attr("href"));
        } catch (java.net.URISyntaxException e) {
            return resolve(null, a.attr("href"));
        }
    }

    private static Map<String, String> stringMap(JsonNode o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o != null && o.isObject()) {
            o.properties().forEach(e -> {
                if (e.getValue().isTextual()) {
                    putHash(out, e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }

    /**
     * Keeps a hash an upstream names only when it looks like one (a hashlib name, hex digits): whatever
     * else an upstream writes there would reach the pages served here (found by PypiFuzzTest#upstreamPage:
     * a name with '<' made a link that no URI parser reads back).
     */
    private static void putHash(Map<String, String> into, String name, String value) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (HASH_NAME.matcher(n).matches() && HEX.matcher(v).matches()) {
            into.putIfAbsent(n, v);
        }
    }

    private static URI resolve(URI base, String href) {
        try {
            URI h = new URI(href.strip());
            URI r = base == null ? h : base.resolve(h);
            String scheme = r.getScheme() == null ? "" : r.getScheme().toLowerCase(Locale.ROOT);
            return scheme.equals("http") || scheme.equals("https") ? r : null;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String withoutFragment(URI u) {
        String s = u.toString();
        int hash = s.indexOf('#');
        return hash < 0 ? s : s.substring(0, hash);
    }

    // ---------------------------------------------------------------------------------------------
    // writing

    /** A project page; {@code urlOf} gives each file's absolute URL (without fragment). */
    static String renderProjectPage(PypiProjectPage page, PypiMediaType type, Function<PypiProjectPage.File, String> urlOf) {
        return type.isJson() ? projectJson(page, urlOf) : projectHtml(page, urlOf);
    }

    private static String projectHtml(PypiProjectPage page, Function<PypiProjectPage.File, String> urlOf) {
        StringBuilder sb = new StringBuilder(256 + page.files().size() * 256);
        sb.append("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"")
                .append(API_VERSION).append("\">\n    <title>Links for ").append(Encode.forHtml(page.name()))
                .append("</title>\n  </head>\n  <body>\n    <h1>Links for ").append(Encode.forHtml(page.name()))
                .append("</h1>\n");
        for (PypiProjectPage.File f : page.files()) {
            String href = urlOf.apply(f);
            Map.Entry<String, String> h = preferredHash(f.hashes());
            if (h != null) {
                href = href + "#" + h.getKey() + "=" + h.getValue();
            }
            sb.append("    <a href=\"").append(Encode.forHtml(href)).append('"');
            if (f.requiresPython() != null) {
                // PEP 503: < and > of the specifier are entity-encoded
                sb.append(" data-requires-python=\"").append(Encode.forHtml(f.requiresPython())).append('"');
            }
            if (f.hasMetadata()) {
                Map.Entry<String, String> mh = preferredHash(f.metadataHashes());
                String v = mh == null ? "true" : mh.getKey() + "=" + mh.getValue();
                // PEP 714 names it data-core-metadata; older clients read data-dist-info-metadata
                sb.append(" data-dist-info-metadata=\"").append(Encode.forHtml(v)).append('"');
                sb.append(" data-core-metadata=\"").append(Encode.forHtml(v)).append('"');
            }
            if (f.yanked()) {
                sb.append(" data-yanked=\"").append(f.yankedReason() == null ? "" : Encode.forHtml(f.yankedReason()))
                        .append('"');
            }
            sb.append('>').append(Encode.forHtml(f.filename())).append("</a><br/>\n");
        }
        sb.append("  </body>\n</html>\n");
        return sb.toString();
    }

    private static String projectJson(PypiProjectPage page, Function<PypiProjectPage.File, String> urlOf) {
        boolean sizes = page.files().stream().allMatch(f -> f.size() != null);
        ObjectNode root = Json.object();
        root.putObject("meta").put("api-version", sizes ? API_VERSION : "1.0");
        root.put("name", page.name());
        if (sizes) {
            ArrayNode versions = root.putArray("versions");
            page.allVersions().forEach(versions::add);
        }
        ArrayNode files = root.putArray("files");
        for (PypiProjectPage.File f : page.files()) {
            ObjectNode o = files.addObject().put("filename", f.filename()).put("url", urlOf.apply(f));
            hashes(o.putObject("hashes"), f.hashes());
            if (f.requiresPython() != null) {
                o.put("requires-python", f.requiresPython());
            }
            if (f.hasMetadata()) {
                if (f.metadataHashes().isEmpty()) {
                    o.put("core-metadata", true).put("dist-info-metadata", true);
                } else {
                    hashes(o.putObject("core-metadata"), f.metadataHashes());
                    hashes(o.putObject("dist-info-metadata"), f.metadataHashes());
                }
            }
            if (!f.yanked()) {
                o.put("yanked", false);
            } else if (f.yankedReason() == null) {
                o.put("yanked", true);
            } else {
                o.put("yanked", f.yankedReason());
            }
            if (f.size() != null) {
                o.put("size", f.size());
            }
            if (f.uploadTime() != null) {
                o.put("upload-time", f.uploadTime());
            }
        }
        return Json.string(root);
    }

    /** The project list; each project links to {@code simpleUrl + normalized + "/"}. */
    static String renderProjectList(List<Project> projects, PypiMediaType type, String simpleUrl) {
        if (type.isJson()) {
            ObjectNode root = Json.object();
            root.putObject("meta").put("api-version", API_VERSION);
            ArrayNode list = root.putArray("projects");
            for (Project p : projects) {
                list.addObject().put("name", p.displayName());
            }
            return Json.string(root);
        }
        StringBuilder sb = new StringBuilder(128 + projects.size() * 64);
        sb.append("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"")
                .append(API_VERSION).append("\">\n    <title>Simple index</title>\n  </head>\n  <body>\n");
        for (Project p : projects) {
            sb.append("    <a href=\"").append(Encode.forHtml(simpleUrl + p.normalized() + "/")).append("\">")
                    .append(Encode.forHtml(p.displayName())).append("</a><br/>\n");
        }
        return sb.append("  </body>\n</html>\n").toString();
    }

    private static Map.Entry<String, String> preferredHash(Map<String, String> hashes) {
        if (hashes.isEmpty()) {
            return null;
        }
        String sha = hashes.get("sha256");
        if (sha != null) {
            return Map.entry("sha256", sha);
        }
        return hashes.entrySet().iterator().next();
    }

    private static void hashes(ObjectNode into, Map<String, String> hashes) {
        hashes.forEach(into::put);
    }
}
