package io.artifactkeeper.format.conan.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A recipe and one binary package as {@code conan create} leaves them in the cache and
 * {@code conan upload} sends them: the recipe's {@code conanfile.py}, {@code conan_export.tgz} and
 * {@code conanmanifest.txt} (its revision the MD5 of the manifest's file lines, Conan's "hash"
 * revision mode), the package's {@code conan_package.tgz}, {@code conaninfo.txt} and manifest.
 */
record ConanSamples(String name, String version, String rrev, Map<String, byte[]> recipeFiles, String pkgid,
        String prev, Map<String, byte[]> packageFiles) {

    static ConanSamples of(String name, String version) throws IOException {
        return of(name, version, "");
    }

    /** {@code marker} changes the contents (another revision of the same version). */
    static ConanSamples of(String name, String version, String marker) throws IOException {
        byte[] conanfile = ("from conan import ConanFile\n\nclass Pkg(ConanFile):\n    name = \"" + name + "\"\n    version = \""
                + version + "\"\n    settings = \"os\", \"arch\"\n    # " + marker + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] conandata = ("sources:\n  \"" + version + "\":\n    url: https://example.org/" + name + ".tgz\n")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> exported = new TreeMap<>();
        exported.put("conanfile.py", conanfile);
        exported.put("conandata.yml", conandata);
        byte[] manifest = manifest(exported);
        Map<String, byte[]> recipe = new TreeMap<>();
        recipe.put("conan_export.tgz", tgz(Map.of("conandata.yml", conandata)));
        recipe.put("conanfile.py", conanfile);
        recipe.put("conanmanifest.txt", manifest);
        String rrev = md5(summary(exported));

        byte[] info = ("[settings]\narch=x86_64\nos=Linux\n\n[options]\nshared=False\n\n[requires]\n").getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> packaged = new TreeMap<>();
        packaged.put("conaninfo.txt", info);
        packaged.put("include/" + name + ".h", ("#define " + name.toUpperCase().replace('-', '_') + "_VERSION \"" + version
                + marker + "\"\n").getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> pkg = new TreeMap<>();
        pkg.put("conan_package.tgz", tgz(Map.of("include/" + name + ".h", packaged.get("include/" + name + ".h"))));
        pkg.put("conaninfo.txt", info);
        pkg.put("conanmanifest.txt", manifest(packaged));
        String pkgid = sha1(info);
        String prev = md5(summary(packaged));
        return new ConanSamples(name, version, rrev, recipe, pkgid, prev, pkg);
    }

    /** {@code name/version/_/_}, the reference's path form. */
    String refPath() {
        return name + "/" + version + "/_/_";
    }

    String recipeBase() {
        return "v2/conans/" + refPath() + "/revisions/" + rrev;
    }

    String packageBase() {
        return recipeBase() + "/packages/" + pkgid + "/revisions/" + prev;
    }

    /** Conan uploads in sorted name order: the archives first, the manifest last. */
    List<String> recipeUploadOrder() {
        return new ArrayList<>(new TreeMap<>(recipeFiles).keySet());
    }

    List<String> packageUploadOrder() {
        return new ArrayList<>(new TreeMap<>(packageFiles).keySet());
    }

    static byte[] manifest(Map<String, byte[]> files) {
        return ("1700000000\n" + summary(files)).getBytes(StandardCharsets.UTF_8);
    }

    static String summary(Map<String, byte[]> files) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(files).forEach((k, v) -> b.append(k).append(": ").append(md5(v)).append('\n'));
        return b.toString();
    }

    static byte[] tgz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : new LinkedHashMap<>(entries).entrySet()) {
                TarArchiveEntry t = new TarArchiveEntry(e.getKey());
                t.setSize(e.getValue().length);
                tar.putArchiveEntry(t);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static String md5(String s) {
        return md5(s.getBytes(StandardCharsets.UTF_8));
    }

    static String md5(byte[] b) {
        return digest("MD5", b);
    }

    static String sha1(byte[] b) {
        return digest("SHA-1", b);
    }

    static String sha256(byte[] b) {
        return digest("SHA-256", b);
    }

    static String digest(String alg, byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
