package io.artifactkeeper.format.maven.impl;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.TreeSet;

import org.owasp.encoder.Encode;

import io.artifactkeeper.format.support.PathCodec;

/**
 * An HTML index of a folder's direct children, as Apache httpd writes it: one {@code <a href>} per
 * child, folders ending in '/'. Browsers read it, and so do Ivy's URL lister and coursier, which
 * find versions of dynamic revisions by parsing the links (both take a leading "./").
 */
public final class FolderListing {

    private FolderListing() {
    }

    /** The direct children of {@code folder} (ending in '/' or empty) among {@code paths}. */
    public static TreeSet<String> children(String folder, Collection<String> paths) {
        TreeSet<String> out = new TreeSet<>();
        for (String p : paths) {
            if (!p.startsWith(folder) || p.length() == folder.length()) {
                continue;
            }
            String rest = p.substring(folder.length());
            int slash = rest.indexOf('/');
            out.add(slash < 0 ? rest : rest.substring(0, slash + 1));
        }
        return out;
    }

    /**
     * The page. A link is "./" and the child's name percent-encoded: always a relative path resolved
     * against the page's own http(s) URL, so a stored name such as {@code javascript:alert(1)} (a
     * valid group or artifact id) cannot become a link with a scheme of its own.
     */
    public static byte[] html(String title, Collection<String> children, boolean withParent) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html>\n<head><title>Index of ").append(Encode.forHtml(title))
                .append("</title></head>\n<body>\n<h1>Index of ").append(Encode.forHtml(title)).append("</h1>\n<pre>\n");
        if (withParent) {
            sb.append("<a href=\"../\">../</a>\n");
        }
        for (String c : children) {
            sb.append("<a href=\"").append(Encode.forHtmlAttribute("./" + PathCodec.encodePath(c))).append("\">")
                    .append(Encode.forHtml(c)).append("</a>\n");
        }
        sb.append("</pre>\n</body>\n</html>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
