package io.artifactkeeper.format.cocoapods.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.Json;

/**
 * A podspec in its JSON form ({@code pod ipc spec X.podspec > X.podspec.json}): read from a push,
 * checked ({@code name}, {@code version}; at most 1 MiB), and served with its {@code source} pointing
 * at the archive this server keeps.
 */
final class CocoapodsPodspec {
    static final int MAX_BYTES = 1 << 20;

    private CocoapodsPodspec() {
    }

    /** A pushed podspec: a JSON object with a valid name and version; anything else is a 400. */
    static ObjectNode read(InputStream in) throws IOException {
        JsonNode n = Json.readClient(in, MAX_BYTES, "the podspec");
        if (!(n instanceof ObjectNode o)) {
            throw FormatException.badRequest("the podspec is not a JSON object");
        }
        String name = o.path("name").isTextual() ? o.get("name").asText() : null;
        if (!CocoapodsNames.isName(name)) {
            throw FormatException.badRequest("the podspec has no valid name (letters, digits, _ + . -, at most 100)");
        }
        String version = o.path("version").isTextual() ? o.get("version").asText() : null;
        if (!CocoapodsNames.isVersion(version)) {
            throw FormatException.badRequest("the podspec of " + name + " has no valid version (like 1.2.3 or 1.2.3-beta.1)");
        }
        return o;
    }

    /**
     * {@code spec} with its {@code source} replaced: the archive at {@code url}, with its checksum and
     * type, as CocoaPods' http source reads it.
     */
    static ObjectNode withSource(ObjectNode spec, String url, String sha256, String file) {
        ObjectNode out = spec.deepCopy();
        ObjectNode src = Json.object();
        src.put("http", url);
        if (sha256 != null) {
            src.put("sha256", sha256);
        }
        String type = typeOf(file);
        if (type != null) {
            src.put("type", type);
        }
        out.set("source", src);
        return out;
    }

    /** CocoaPods' archive type of a file name ({@code zip}, {@code tgz}, ...), or null to let it guess. */
    static String typeOf(String file) {
        if (file.endsWith(".zip")) {
            return "zip";
        }
        if (file.endsWith(".tar.gz") || file.endsWith(".tgz")) {
            return "tgz";
        }
        return null;
    }

    /** The http URL of a podspec's source, when it has one that is http(s). */
    static URI httpSource(JsonNode spec) {
        String u = spec.path("source").path("http").asText(null);
        if (u == null) {
            return null;
        }
        try {
            URI uri = URI.create(u);
            return "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()) ? uri : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The file name a remote serves an upstream http source under: the URL's last segment if it is one. */
    static String localFile(URI source, String name, String version) {
        String p = source.getPath() == null ? "" : source.getPath();
        String last = p.substring(p.lastIndexOf('/') + 1);
        return CocoapodsNames.isFileName(last) ? last : name + "-" + version + ".zip";
    }
}
