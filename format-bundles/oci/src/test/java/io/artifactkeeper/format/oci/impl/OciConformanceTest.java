package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.tck.format.FormatConformance;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * The OCI registry through the in-process format kit. A version of the sample image {@code demo} is a
 * tag; it is pushed as docker, podman and skopeo push: {@code POST blobs/uploads/} for a session,
 * {@code PUT} of the session with {@code ?digest=} for the config and for the layer, then {@code PUT} of
 * the manifest by tag. The content is the version's layer blob; the metadata is {@code tags/list}.
 */
class OciConformanceTest extends FormatConformance {
    static final String IMAGE = "demo";

    @Override
    protected FormatHandler createHandler() {
        return new OciFormat();
    }

    static byte[] layer(String version) {
        return ("layer of " + IMAGE + " " + version + "\n").repeat(32).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] config(String version) {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"version\":\"" + version + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String manifest(String version) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + OciManifest.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + OciDigest.of(config(version))
                + "\",\"size\":" + config(version).length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + OciDigest.of(layer(version))
                + "\",\"size\":" + layer(version).length + "}]}";
    }

    @Override
    protected void publish(Publisher p, String version) {
        pushBlob(p, config(version));
        pushBlob(p, layer(version));
        p.send(p.request("PUT", IMAGE + "/manifests/" + version).header("Content-Type", OciManifest.OCI_MANIFEST)
                .body(manifest(version)));
    }

    /** The same push outside the kit's publisher, for the format's own tests. */
    static final class Pusher {
        private Pusher() {
        }

        static void push(io.artifactkeeper.tck.format.FormatHarness h, String repo, String version) {
            for (byte[] blob : new byte[][] {config(version), layer(version)}) {
                Response started = h.request("POST", repo, IMAGE + "/blobs/uploads/").send();
                String location = started.header("Location").orElseThrow();
                String uuid = location.substring(location.indexOf("/blobs/uploads/") + "/blobs/uploads/".length());
                assertThat(h.request("PUT", repo, IMAGE + "/blobs/uploads/" + uuid + "?digest=" + OciDigest.of(blob))
                        .body(blob).send().status()).isEqualTo(201);
            }
            assertThat(h.request("PUT", repo, IMAGE + "/manifests/" + version).header("Content-Type",
                    OciManifest.OCI_MANIFEST).body(manifest(version)).send().status()).isEqualTo(201);
        }
    }

    /** A session, then the bytes and the digest in the closing PUT (what skopeo and podman send). */
    static void pushBlob(Publisher p, byte[] blob) {
        Response started = p.send(p.request("POST", IMAGE + "/blobs/uploads/"));
        assertThat(started.status()).as("%s", started).isEqualTo(202);
        String location = started.header("Location").orElseThrow();
        String uuid = location.substring(location.indexOf("/blobs/uploads/") + "/blobs/uploads/".length());
        Response done = p.send(p.request("PUT", IMAGE + "/blobs/uploads/" + uuid + "?digest=" + OciDigest.of(blob))
                .header("Content-Type", "application/octet-stream").body(blob));
        assertThat(done.status()).as("%s", done).isEqualTo(201);
        assertThat(done.header("Docker-Content-Digest")).contains(OciDigest.of(blob));
    }

    @Override
    protected String contentPath(String version) {
        return IMAGE + "/blobs/" + OciDigest.of(layer(version));
    }

    @Override
    protected String metadataPath() {
        return IMAGE + "/tags/list";
    }

    @Override
    protected boolean lists(Response metadata, String version) {
        return metadata.status() == 200 && metadata.text().contains("\"" + version + "\"");
    }
}
