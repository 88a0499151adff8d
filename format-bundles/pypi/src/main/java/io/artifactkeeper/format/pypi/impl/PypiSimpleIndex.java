package io.artifactkeeper.format.pypi.impl;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads and writes simple index pages: PEP 503 HTML and PEP 691 JSON, with the PEP 592 (yanked),
 * PEP 658/714 (metadata files) and PEP 700 (versions, size, upload time) additions. Reading accepts
 * either form from an upstream; writing renders a {@link PypiProjectPage} with the URLs the caller
 * chooses.
 */
final class PypiSimpleIndex {
    static final String API_VERSION = "1.1";
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

    static boolean isJson(String contentType, String body) {
        if (contentType != null) {
            String ct = contentType.toLowerCase(Locale.ROOT);
            if (ct.contains("json")) {
                return true;
            }
            if (ct.contains("html")) {
                return false;
            }
        }
        return body.stripLeading().startsWith("{");
    }

    // ---------------------------------------------------------------------------------------------
    // reading

    /** A project page in either form; relative URLs are resolved against {@code pageUri}. */
    static PypiProjectPage parseProjectPage(String body, String contentType, URI pageUri, String project)
            throws PageException {
        return isJson(contentType, body) ? parseProjectJson(body, pageUri, project)
                : parseProjectHtml(body, pageUri, project);
    }

    static PypiProjectPage parseProjectHtml(String body, URI pageUri, String project) {
        List<PypiProjectPage.File> files = new ArrayList<>();
        URI[] base = {pageUri};
        PypiHtml.scan(body, (tag, attrs, text) -> {
            if (tag.equals("base")) {
                String h = attrs.get("href");
                if (h != null) {
                    base[0] = resolve(base[0], h);
                }
                return;
            }
            String href = attrs.get("href");
            if (href == null) {
                return;
            }
            URI u = resolve(base[0], href);
            if (u == null) {
                return;
            }
            Map<String, String> hashes = new LinkedHashMap<>();
            String frag = u.getRawFragment();
            if (frag != null) {
                int eq = frag.indexOf('=');
                if (eq > 0) {
                    hashes.put(frag.substring(0, eq).toLowerCase(Locale.ROOT), frag.substring(eq + 1).toLowerCase(Locale.ROOT));
                }
            }
            String url = withoutFragment(u);
            String filename = text.strip();
            if (filename.isEmpty()) {
                String path = u.getPath() == null ? "" : u.getPath();
                filename = path.substring(path.lastIndexOf('/') + 1);
            }
            String meta = attrs.containsKey("data-core-metadata") ? attrs.get("data-core-metadata")
                    : attrs.get("data-dist-info-metadata");
            boolean hasMeta = meta != null && !meta.equalsIgnoreCase("false");
            Map<String, String> metaHashes = new LinkedHashMap<>();
            if (hasMeta) {
                int eq = meta.indexOf('=');
                if (eq > 0) {
                    metaHashes.put(meta.substring(0, eq).toLowerCase(Locale.ROOT), meta.substring(eq + 1).toLowerCase(Locale.ROOT));
                }
            }
            boolean yanked = attrs.containsKey("data-yanked");
            String reason = yanked && !attrs.get("data-yanked").isEmpty() ? attrs.get("data-yanked") : null;
            String rp = attrs.get("data-requires-python");
            files.add(new PypiProjectPage.File(filename, PypiNames.versionOf(filename, project), url, hashes,
                    rp == null || rp.isBlank() ? null : rp, hasMeta, metaHashes, yanked, reason, null, null));
        });
        return new PypiProjectPage(PypiNames.normalize(project), files, List.of());
    }

    @SuppressWarnings("unchecked")
    static PypiProjectPage parseProjectJson(String body, URI pageUri, String project) throws PageException {
        Object root;
        try {
            root = PypiJson.parse(body);
        } catch (PypiJson.JsonException e) {
            throw new PageException("upstream project page is not JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("files") instanceof List<?> list)) {
            throw new PageException("upstream project page has no files list");
        }
        List<PypiProjectPage.File> files = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> f) || !(f.get("filename") instanceof String filename)
                    || !(f.get("url") instanceof String href)) {
                continue;
            }
            URI u = resolve(pageUri, href);
            if (u == null) {
                continue;
            }
            Map<String, String> hashes = stringMap(f.get("hashes"));
            Object meta = f.containsKey("core-metadata") ? f.get("core-metadata") : f.get("dist-info-metadata");
            boolean hasMeta = meta != null && !Boolean.FALSE.equals(meta);
            Object y = f.get("yanked");
            boolean yanked = y != null && !Boolean.FALSE.equals(y);
            String reason = y instanceof String s && !s.isEmpty() ? s : null;
            Long size = f.get("size") instanceof Number n ? n.longValue() : null;
            String rp = f.get("requires-python") instanceof String s && !s.isBlank() ? s : null;
            String ut = f.get("upload-time") instanceof String s ? s : null;
            files.add(new PypiProjectPage.File(filename, PypiNames.versionOf(filename, project), withoutFragment(u),
                    hashes, rp, hasMeta, meta instanceof Map<?, ?> ? stringMap(meta) : Map.of(), yanked, reason, size,
                    ut));
        }
        List<String> versions = new ArrayList<>();
        if (m.get("versions") instanceof List<?> vs) {
            for (Object v : vs) {
                if (v instanceof String s) {
                    versions.add(s);
                }
            }
        }
        return new PypiProjectPage(PypiNames.normalize(project), files, versions);
    }

    /** A project list in either form. */
    static List<Project> parseProjectList(String body, String contentType) throws PageException {
        List<Project> out = new ArrayList<>();
        if (isJson(contentType, body)) {
            Object root;
            try {
                root = PypiJson.parse(body);
            } catch (PypiJson.JsonException e) {
                throw new PageException("upstream project list is not JSON: " + e.getMessage());
            }
            if (!(root instanceof Map<?, ?> m) || !(m.get("projects") instanceof List<?> list)) {
                throw new PageException("upstream project list has no projects");
            }
            for (Object o : list) {
                if (o instanceof Map<?, ?> p && p.get("name") instanceof String n && PypiNames.isValidName(n)) {
                    out.add(new Project(n, PypiNames.normalize(n)));
                }
            }
            return out;
        }
        PypiHtml.scan(body, (tag, attrs, text) -> {
            String n = text.strip();
            if (tag.equals("a") && PypiNames.isValidName(n)) {
                out.add(new Project(n, PypiNames.normalize(n)));
            }
        });
        return out;
    }

    private static Map<String, String> stringMap(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (k instanceof String ks && v instanceof String vs) {
                    out.put(ks.toLowerCase(Locale.ROOT), vs.toLowerCase(Locale.ROOT));
                }
            });
        }
        return out;
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
                .append(API_VERSION).append("\">\n    <title>Links for ").append(PypiHtml.escape(page.name()))
                .append("</title>\n  </head>\n  <body>\n    <h1>Links for ").append(PypiHtml.escape(page.name()))
                .append("</h1>\n");
        for (PypiProjectPage.File f : page.files()) {
            String href = urlOf.apply(f);
            Map.Entry<String, String> h = preferredHash(f.hashes());
            if (h != null) {
                href = href + "#" + h.getKey() + "=" + h.getValue();
            }
            sb.append("    <a href=\"").append(PypiHtml.escape(href)).append('"');
            if (f.requiresPython() != null) {
                sb.append(" data-requires-python=\"").append(PypiHtml.escape(f.requiresPython())).append('"');
            }
            if (f.hasMetadata()) {
                Map.Entry<String, String> mh = preferredHash(f.metadataHashes());
                String v = mh == null ? "true" : mh.getKey() + "=" + mh.getValue();
                // PEP 714 names it data-core-metadata; older clients read data-dist-info-metadata
                sb.append(" data-dist-info-metadata=\"").append(PypiHtml.escape(v)).append('"');
                sb.append(" data-core-metadata=\"").append(PypiHtml.escape(v)).append('"');
            }
            if (f.yanked()) {
                sb.append(" data-yanked=\"").append(f.yankedReason() == null ? "" : PypiHtml.escape(f.yankedReason()))
                        .append('"');
            }
            sb.append('>').append(PypiHtml.escape(f.filename())).append("</a><br/>\n");
        }
        sb.append("  </body>\n</html>\n");
        return sb.toString();
    }

    private static String projectJson(PypiProjectPage page, Function<PypiProjectPage.File, String> urlOf) {
        boolean sizes = page.files().stream().allMatch(f -> f.size() != null);
        StringBuilder sb = new StringBuilder(256 + page.files().size() * 384);
        sb.append("{\"meta\":{\"api-version\":").append(PypiJson.quote(sizes ? API_VERSION : "1.0"))
                .append("},\"name\":").append(PypiJson.quote(page.name()));
        if (sizes) {
            sb.append(",\"versions\":[");
            List<String> versions = page.allVersions();
            for (int i = 0; i < versions.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(PypiJson.quote(versions.get(i)));
            }
            sb.append(']');
        }
        sb.append(",\"files\":[");
        boolean first = true;
        for (PypiProjectPage.File f : page.files()) {
            sb.append(first ? "" : ",").append("{\"filename\":").append(PypiJson.quote(f.filename()))
                    .append(",\"url\":").append(PypiJson.quote(urlOf.apply(f))).append(",\"hashes\":")
                    .append(hashesJson(f.hashes()));
            first = false;
            if (f.requiresPython() != null) {
                sb.append(",\"requires-python\":").append(PypiJson.quote(f.requiresPython()));
            }
            if (f.hasMetadata()) {
                String v = f.metadataHashes().isEmpty() ? "true" : hashesJson(f.metadataHashes());
                sb.append(",\"core-metadata\":").append(v).append(",\"dist-info-metadata\":").append(v);
            }
            sb.append(",\"yanked\":").append(!f.yanked() ? "false"
                    : f.yankedReason() == null ? "true" : PypiJson.quote(f.yankedReason()));
            if (f.size() != null) {
                sb.append(",\"size\":").append(f.size());
            }
            if (f.uploadTime() != null) {
                sb.append(",\"upload-time\":").append(PypiJson.quote(f.uploadTime()));
            }
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    /** The project list; each project links to {@code simpleUrl + normalized + "/"}. */
    static String renderProjectList(List<Project> projects, PypiMediaType type, String simpleUrl) {
        StringBuilder sb = new StringBuilder(128 + projects.size() * 64);
        if (type.isJson()) {
            sb.append("{\"meta\":{\"api-version\":").append(PypiJson.quote(API_VERSION)).append("},\"projects\":[");
            for (int i = 0; i < projects.size(); i++) {
                sb.append(i == 0 ? "" : ",").append("{\"name\":").append(PypiJson.quote(projects.get(i).displayName()))
                        .append('}');
            }
            return sb.append("]}").toString();
        }
        sb.append("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"")
                .append(API_VERSION).append("\">\n    <title>Simple index</title>\n  </head>\n  <body>\n");
        for (Project p : projects) {
            sb.append("    <a href=\"").append(PypiHtml.escape(simpleUrl + p.normalized() + "/")).append("\">")
                    .append(PypiHtml.escape(p.displayName())).append("</a><br/>\n");
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

    private static String hashesJson(Map<String, String> hashes) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            sb.append(first ? "" : ",").append(PypiJson.quote(e.getKey())).append(':').append(PypiJson.quote(e.getValue()));
            first = false;
        }
        return sb.append('}').toString();
    }
}
