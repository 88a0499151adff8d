package io.artifactkeeper.format.maven.impl;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.TreeSet;

/**
 * An HTML index of a folder's direct children, as Apache httpd writes it: one {@code <a href>} per
 * child, folders ending in '/'. Browsers read it, and so do Ivy's URL lister and coursier, which
 * find versions of dynamic revisions by parsing the links.
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

    public static byte[] html(String title, Collection<String> children, boolean withParent) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html>\n<head><title>Index of ").append(escape(title))
                .append("</title></head>\n<body>\n<h1>Index of ").append(escape(title)).append("</h1>\n<pre>\n");
        if (withParent) {
            sb.append("<a href=\"../\">../</a>\n");
        }
        for (String c : children) {
            sb.append("<a href=\"").append(escape(encode(c))).append("\">").append(escape(c)).append("</a>\n");
        }
        sb.append("</pre>\n</body>\n</html>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(String name) {
        return io.artifactkeeper.format.support.PathCodec.encodePath(name);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
