package io.artifactkeeper.format.generic.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Component;
import org.owasp.encoder.Encode;

import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;

/**
 * The generic format: any file at any path under {@code /general/{repo}/}. GET/HEAD serve it,
 * PUT stores it (replacing what was there), DELETE removes it; a path ending in '/' lists a folder.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=generic")
public final class GenericFormat implements FormatHandler {

    // "/generic/" too: Artifact Keeper's own clients and suites use that spelling
    private static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("generic", List.of("raw"), "general",
            "Generic", List.of()).withMountAliases("generic");

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        String path = req.path();
        switch (req.method()) {
            case "GET", "HEAD" -> {
                if (path.isEmpty() || path.endsWith("/")) {
                    return listing(repo, path);
                }
                Optional<StoredAsset> a = repo.get(path);
                if (a.isPresent()) {
                    return FormatResponse.asset(a.get());
                }
                if (!repo.list(path + "/").isEmpty()) {
                    return FormatResponse.status(301).header("Location", repo.baseUrl() + "/" + path + "/");
                }
                return FormatResponse.notFound();
            }
            case "PUT", "POST" -> {
                if (path.isEmpty() || path.endsWith("/")) {
                    throw FormatException.badRequest("a file path is required");
                }
                StoredAsset a = repo.put(path, req.body(), PutOptions.defaults().withExpectedChecksums(
                        req.header("X-Checksum-Sha256").orElse(null), req.header("X-Checksum-Sha1").orElse(null),
                        req.header("X-Checksum-Md5").orElse(null)));
                String json = "{\"path\":\"" + jsonEscape(a.path()) + "\",\"size_bytes\":" + a.size()
                        + ",\"checksum_sha256\":\"" + a.sha256() + "\"}";
                return FormatResponse.json(201, json).header("Location", repo.baseUrl() + "/" + a.path());
            }
            case "DELETE" -> {
                return repo.delete(path) ? FormatResponse.status(204) : FormatResponse.notFound();
            }
            default -> {
                return FormatResponse.text(405, "method not allowed").header("Allow", "GET, HEAD, PUT, POST, DELETE");
            }
        }
    }

    /**
     * A plain HTML index of the folder's direct children. Names are whatever uploaders chose, so every
     * link is relative and starts with {@code ./} (a child named {@code javascript:alert(1)} is a
     * path, never a scheme), each segment is percent-encoded, and all of it goes through OWASP
     * Encoder for its HTML context.
     */
    private static FormatResponse listing(RepositoryContext repo, String folder) throws IOException {
        TreeSet<String> children = new TreeSet<>();
        for (StoredAsset a : repo.list(folder)) {
            String rest = a.path().substring(folder.length());
            int slash = rest.indexOf('/');
            children.add(slash < 0 ? rest : rest.substring(0, slash + 1));
        }
        if (children.isEmpty() && !folder.isEmpty()) {
            return FormatResponse.notFound();
        }
        String title = Encode.forHtml("Index of /" + repo.key() + "/" + folder);
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title></head><body><h1>").append(title).append("</h1><ul>\n");
        for (String c : children) {
            sb.append("<li><a href=\"").append(Encode.forHtmlAttribute(href(c))).append("\">").append(Encode.forHtml(c))
                    .append("</a></li>\n");
        }
        sb.append("</ul></body></html>\n");
        return FormatResponse.ok("text/html; charset=utf-8", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A relative link to a child: {@code ./} and the percent-encoded name (a folder keeps its slash). */
    static String href(String child) {
        boolean folder = child.endsWith("/");
        String name = folder ? child.substring(0, child.length() - 1) : child;
        return "./" + Encode.forUriComponent(name) + (folder ? "/" : "");
    }

    static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
