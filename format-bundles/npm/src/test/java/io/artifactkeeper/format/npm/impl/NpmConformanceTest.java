package io.artifactkeeper.format.npm.impl;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;

/**
 * npm against the in-process format kit. A version is published as {@code npm publish} sends it:
 * {@code PUT /@tck%2fdemo} with the packument (one version, its dist checksums, dist-tags) and the
 * tarball base64-encoded in {@code _attachments}, named after the scoped name. Clients read the
 * packument at {@code @tck%2fdemo} and the tarball at {@code @tck/demo/-/demo-VERSION.tgz}.
 */
class NpmConformanceTest extends FormatConformance {
    static final String NAME = "@tck/demo";

    @Override
    protected FormatHandler createHandler() {
        return new NpmFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        p.send(p.request("PUT", "@tck%2fdemo").header("Content-Type", "application/json")
                .header("npm-command", "publish").body(publishBody(NAME, version, tarball(NAME, version), p.baseUrl())));
    }

    @Override
    protected String contentPath(String version) {
        return NAME + "/-/demo-" + version + ".tgz";
    }

    /** The encoded form npm asks for (and which the kit can tell from a tarball URL in the upstream log). */
    @Override
    protected String metadataPath() {
        return "@tck%2fdemo";
    }

    /** A package tarball as npm packs it: a tar.gz of {@code package/package.json} and a file. */
    static byte[] tarball(String name, String version) throws Exception {
        return NpmTarballTest.tgz(new String[] {"package/package.json", "0",
            "{\"name\":\"" + name + "\",\"version\":\"" + version + "\"}"},
                new String[] {"package/index.js", "0", "module.exports = '" + name + " " + version + "';\n"});
    }

    /** The body of {@code npm publish} (npm 10: the manifest, dist checksums, the attachment). */
    static byte[] publishBody(String name, String version, byte[] tgz, String registry) throws Exception {
        String basename = name.substring(name.indexOf('/') + 1);
        Map<String, Object> dist = new LinkedHashMap<>();
        dist.put("integrity", "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(tgz)));
        dist.put("shasum", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(tgz)));
        dist.put("tarball", registry + "/" + name + "/-/" + basename + "-" + version + ".tgz");
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("name", name);
        manifest.put("version", version);
        manifest.put("main", "index.js");
        manifest.put("_id", name + "@" + version);
        manifest.put("_nodeVersion", "22.0.0");
        manifest.put("_npmVersion", "10.8.0");
        manifest.put("dist", dist);
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("content_type", "application/octet-stream");
        attachment.put("data", Base64.getEncoder().encodeToString(tgz));
        attachment.put("length", tgz.length);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("_id", name);
        doc.put("name", name);
        doc.put("description", "the kit's sample");
        doc.put("dist-tags", Map.of("latest", version));
        doc.put("versions", Map.of(version, manifest));
        doc.put("access", null);
        doc.put("_attachments", Map.of(name + "-" + version + ".tgz", attachment));
        return NpmPackument.JSON.writeValueAsBytes(doc);
    }
}
