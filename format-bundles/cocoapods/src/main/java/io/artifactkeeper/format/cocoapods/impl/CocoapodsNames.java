package io.artifactkeeper.format.cocoapods.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Pod names, versions and the CDN layout: a pod's shard is the first three hex digits of the MD5 of
 * its name ({@code prefix_lengths: [1, 1, 1]}), its versions are listed in
 * {@code all_pods_versions_a_b_c.txt} and its podspecs live at
 * {@code Specs/a/b/c/NAME/VERSION/NAME.podspec.json}. Archives pushed here are stored at
 * {@code pods/NAME/VERSION/NAME-VERSION.zip} (or {@code .tar.gz}).
 */
final class CocoapodsNames {
    /** What CocoaPods accepts as a pod name: no whitespace, slashes or quotes; not starting with a dot. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_+.\\-]{0,99}");
    /** CocoaPods' versions: up to four numbers, an optional pre-release. */
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,9}(?:\\.[0-9]{1,9}){0,3}(?:-[0-9A-Za-z.\\-]{1,40})?");
    /** The file names of a release's source archive may use, below {@code pods/NAME/VERSION/}. */
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_+.\\-]{0,199}");

    private CocoapodsNames() {
    }

    static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches() && !s.contains("..");
    }

    static boolean isVersion(String s) {
        return s != null && VERSION.matcher(s).matches();
    }

    static boolean isFileName(String s) {
        return s != null && FILE.matcher(s).matches() && !s.contains("..");
    }

    /** The three shard digits of a pod. */
    static String[] shard(String name) {
        try {
            String h = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(name.getBytes(StandardCharsets.UTF_8)));
            return new String[] {h.substring(0, 1), h.substring(1, 2), h.substring(2, 3)};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String versionsFile(String[] shard) {
        return "all_pods_versions_" + shard[0] + "_" + shard[1] + "_" + shard[2] + ".txt";
    }

    static String podspecPath(String name, String version) {
        String[] s = shard(name);
        return "Specs/" + s[0] + "/" + s[1] + "/" + s[2] + "/" + name + "/" + version + "/" + name + ".podspec.json";
    }

    static String archiveDir(String name, String version) {
        return "pods/" + name + "/" + version + "/";
    }

    /** {name, version, file} of an archive path, or null. */
    static String[] ofArchivePath(String path) {
        String[] p = path.split("/");
        if (p.length != 4 || !p[0].equals("pods") || !isName(p[1]) || !isVersion(p[2]) || !isFileName(p[3])) {
            return null;
        }
        return new String[] {p[1], p[2], p[3]};
    }

    static String printable(String s) {
        String t = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }
}
