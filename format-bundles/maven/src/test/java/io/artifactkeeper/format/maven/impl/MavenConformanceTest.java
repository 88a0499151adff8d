package io.artifactkeeper.format.maven.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * The maven format against the format kit, published as {@code mvn deploy} (Maven Resolver) does:
 * PUT the jar and its .sha1/.md5, the POM and its checksums, then GET the artifact's
 * maven-metadata.xml, add the version to what it says (or start one on a 404), and PUT that with its
 * checksums. The server serves the metadata it generates from the stored files; the client's upload
 * is checked and accepted.
 */
class MavenConformanceTest extends FormatConformance {
    static final String FOLDER = "org/example/demo/";

    @Override
    protected FormatHandler createHandler() {
        return new MavenFormat();
    }

    @Override
    protected void publish(Publisher p, String version) throws Exception {
        String dir = FOLDER + version + "/demo-" + version;
        put(p, dir + ".jar", ("jar of demo " + version + "\n").repeat(16).getBytes(StandardCharsets.UTF_8));
        put(p, dir + ".pom", ("<project><modelVersion>4.0.0</modelVersion><groupId>org.example</groupId>"
                + "<artifactId>demo</artifactId><version>" + version + "</version></project>").getBytes(StandardCharsets.UTF_8));
        // the client merges its version into what the repository says (a 404 starts a new document)
        Response have = p.request("GET", metadataPath()).send();
        MavenMetadata m = have.status() == 200 ? MavenMetadata.parse(have.body()) : new MavenMetadata();
        m.groupId = "org.example";
        m.artifactId = "demo";
        if (!m.versions.contains(version)) {
            m.versions.add(version);
        }
        m.recompute();
        m.lastUpdated = "20250101000000";
        put(p, metadataPath(), m.toXml());
    }

    /** A file and the checksums Maven Resolver uploads beside it. */
    private static void put(Publisher p, String path, byte[] body) throws Exception {
        p.send(p.request("PUT", path).body(body));
        p.send(p.request("PUT", path + ".sha1").body(hex("SHA-1", body)));
        p.send(p.request("PUT", path + ".md5").body(hex("MD5", body)));
    }

    static String hex(String algorithm, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(b));
    }

    @Override
    protected String contentPath(String version) {
        return FOLDER + version + "/demo-" + version + ".jar";
    }

    @Override
    protected String metadataPath() {
        return FOLDER + "maven-metadata.xml";
    }

    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.text().contains("<version>" + version + "</version>");
    }
}
