package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RouteTable;
import io.artifactkeeper.format.support.Json;

/**
 * Hostile-input fuzz targets for what the OCI registry reads from a client: a manifest or index (its
 * JSON read by the runtime's Jackson through the support layer's bounds, then validated here), and the
 * request path as the core routes it (the route table, then the image name, tag and digest checks).
 * Property: a result or the format's refusal ({@link OciManifest.Invalid}, a 4xx {@link FormatException}),
 * never another exception, and what a result leads to stays bounded and inside the image's folder.
 */
class OciFuzzTest {
    private static final String[] CONTENT_TYPES = {null, OciManifest.OCI_MANIFEST, OciManifest.OCI_INDEX,
        OciManifest.DOCKER_MANIFEST, OciManifest.DOCKER_LIST, "application/json; charset=utf-8"};
    private static final String[] METHODS = {"GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"};

    /** The first byte picks the request's Content-Type; the rest is the manifest body. */
    @FuzzTest(maxDuration = "30s")
    void manifest(byte[] data) {
        if (data.length == 0) {
            return;
        }
        String contentType = CONTENT_TYPES[(data[0] & 0xff) % CONTENT_TYPES.length];
        byte[] body = Arrays.copyOfRange(data, 1, data.length);
        OciManifest m;
        try {
            m = OciManifest.parse(body, contentType);
        } catch (OciManifest.Invalid e) {
            assertThat(e.code()).isIn("MANIFEST_INVALID", "DIGEST_INVALID");
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(m.mediaType()).isIn(OciManifest.OCI_MANIFEST, OciManifest.OCI_INDEX, OciManifest.DOCKER_MANIFEST,
                OciManifest.DOCKER_LIST);
        for (OciManifest.Descriptor d : m.requiredBlobs()) {
            assertThat(OciDigest.isWellFormed(d.digest())).isTrue();
            assertThat(d.size()).isNotNegative();
        }
        assertThat(m.requiredBlobs().size() + m.manifests().size()).isLessThanOrEqualTo(body.length);
        m.manifests().forEach(d -> assertThat(OciDigest.isWellFormed(d.digest())).isTrue());
        // what is recorded with the stored manifest is no larger than the manifest itself, give or take keys
        assertThat(Json.bytesOf(m.attributes()).length).isLessThanOrEqualTo(body.length * 6 + 256);
    }

    /** The first byte picks the method; the rest is the path below the repository. */
    @FuzzTest(maxDuration = "30s")
    void route(byte[] raw) {
        if (raw.length == 0) {
            return;
        }
        String method = METHODS[(raw[0] & 0xff) % METHODS.length];
        String path = new String(raw, 1, raw.length - 1, StandardCharsets.UTF_8);
        if (!(OciRoute.TABLE.match(method, path) instanceof RouteTable.Matched matched)) {
            return;
        }
        OciRoute r = OciRoute.of(matched.match());
        assertThat(r.op()).isNotBlank();
        if (!r.validName()) {
            return;
        }
        for (String seg : r.name().split("/")) {
            assertThat(seg).isNotIn(".", "..");
        }
        try {
            String stored = switch (r.op()) {
                case OciRoute.PULL_MANIFEST -> {
                    if (!OciManifests.isReference(r.reference())) {
                        yield null; // a pull of a malformed reference is a 404
                    }
                    yield OciRoute.manifestPath(r.name(), r.reference());
                }
                case OciRoute.PUSH_MANIFEST, OciRoute.DELETE_MANIFEST ->
                    OciRoute.manifestPath(r.name(), OciManifests.checkReference(r.reference()));
                case OciRoute.PULL_BLOB, OciRoute.DELETE_BLOB, OciRoute.REFERRERS ->
                    OciRoute.blobPath(r.name(), OciBlobs.checkDigest(r.reference()));
                default -> null;
            };
            if (stored != null) {
                assertThat(stored.split("/")).doesNotContain("..", ".", "");
                assertThat(stored).doesNotContain("\\").startsWith(r.prefix());
                assertThat(stored.length()).isLessThanOrEqualTo(path.length() + 16);
            }
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isIn("DIGEST_INVALID", "MANIFEST_INVALID");
        }
    }
}
