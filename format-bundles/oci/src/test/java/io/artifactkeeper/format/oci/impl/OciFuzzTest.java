package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for what the OCI registry reads from a client: the JSON of a manifest
 * or index (its own small parser), the manifest validation, and the request path (image name,
 * tag or digest). Property: a result or the format's refusal ({@link OciJson.JsonException},
 * {@link OciManifest.Invalid}, a 4xx {@link FormatException}), never another exception; a parsed
 * document writes back to JSON that parses to the same value.
 */
class OciFuzzTest {
    private static final String[] CONTENT_TYPES = {null, OciManifest.OCI_MANIFEST, OciManifest.OCI_INDEX,
        OciManifest.DOCKER_MANIFEST, OciManifest.DOCKER_LIST, "application/json; charset=utf-8"};

    @FuzzTest(maxDuration = "30s")
    void json(byte[] data) throws OciJson.JsonException {
        Object v;
        try {
            v = OciJson.parse(data);
        } catch (OciJson.JsonException e) {
            return;
        }
        String again = OciJson.write(v);
        assertThat(OciJson.write(OciJson.parse(again))).isEqualTo(again);
    }

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
            return;
        }
        assertThat(m.mediaType()).isNotNull();
        for (OciManifest.Descriptor d : m.requiredBlobs()) {
            assertThat(OciDigest.isWellFormed(d.digest())).isTrue();
            assertThat(d.size()).isNotNegative();
        }
        m.manifests().forEach(d -> assertThat(d.digest()).isNotNull());
        OciJson.write(m.attributes());
        m.effectiveArtifactType();
    }

    @FuzzTest(maxDuration = "30s")
    void route(byte[] raw) {
        String path = new String(raw, StandardCharsets.UTF_8);
        OciRoute r = OciRoute.parse(path);
        if (r == null || !r.validName()) {
            return;
        }
        for (String seg : r.name().split("/")) {
            assertThat(seg).isNotIn(".", "..");
        }
        if (r.kind() == OciRoute.Kind.MANIFEST) {
            String ref;
            try {
                ref = OciManifests.checkReference(r.reference());
            } catch (FormatException e) {
                assertThat(e.status()).isEqualTo(400);
                return;
            }
            String stored = OciRoute.manifestPath(r.name(), ref);
            assertThat(stored.split("/")).doesNotContain("..", ".");
            assertThat(stored).doesNotContain("\\");
        } else if (r.kind() == OciRoute.Kind.BLOB || r.kind() == OciRoute.Kind.REFERRERS) {
            try {
                OciBlobs.checkDigest(r.reference());
            } catch (FormatException e) {
                assertThat(e.status()).isEqualTo(400);
                return;
            }
            assertThat(OciRoute.blobPath(r.name(), r.reference()).split("/")).doesNotContain("..", ".");
        }
    }
}
