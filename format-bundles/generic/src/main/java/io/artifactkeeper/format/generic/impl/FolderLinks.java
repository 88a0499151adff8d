package io.artifactkeeper.format.generic.impl;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.artifactkeeper.format.support.PathCodec;

/**
 * The children an upstream's folder page names (Artifact Keeper's own, Apache httpd's and nginx's
 * autoindex, Artifactory's): the quoted {@code href}s that are a single relative segment, a folder's
 * ending in '/'. Everything else (parents, absolute or scheme links, sort links with a query) is
 * left out. The page is hostile input: only names come out of it, and they are rendered again by
 * {@link GenericFormat#page}, never copied.
 */
final class FolderLinks {
    /** Most children taken from one page. */
    static final int MAX_LINKS = 10_000;
    /** A bounded, backtracking-free match per {@code href}: a hostile page costs linear time. */
    private static final Pattern HREF = Pattern.compile("(?i)href\\s{0,8}=\\s{0,8}(?:\"([^\"<>]{1,1024})\"|'([^'<>]{1,1024})')");

    private FolderLinks() {
    }

    static Set<String> children(String html) {
        Set<String> out = new TreeSet<>();
        Matcher m = HREF.matcher(html);
        while (m.find() && out.size() < MAX_LINKS) {
            String child = child(m.group(1) != null ? m.group(1) : m.group(2));
            if (child != null) {
                out.add(child);
            }
        }
        return out;
    }

    /** The child a link names, or null. */
    static String child(String href) {
        String h = href.trim().replace("&amp;", "&");
        if (h.startsWith("./")) {
            h = h.substring(2);
        }
        boolean folder = h.endsWith("/");
        String name = folder ? h.substring(0, h.length() - 1) : h;
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf(':') >= 0 || name.indexOf('?') >= 0
                || name.indexOf('#') >= 0) {
            return null;
        }
        String decoded;
        try {
            decoded = PathCodec.decode(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (decoded.equals(".") || decoded.equals("..") || decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0
                || decoded.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return null;
        }
        return folder ? decoded + "/" : decoded;
    }
}
