package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class OciManifestTest {
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);
    static final String D3 = "sha256:" + "3".repeat(64);

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String image(String extra) {
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + D1 + "\",\"size\":10},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + D2 + "\",\"size\":20},"
                + "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + D3 + "\",\"size\":5,"
                + "\"urls\":[\"http://x\"]}]" + extra + "}";
    }

    @Test
    void imageManifestWithItsBlobs() throws Exception {
        OciManifest m = OciManifest.parse(b(image("")), "application/vnd.oci.image.manifest.v1+json");
        assertThat(m.index()).isFalse();
        assertThat(m.requiredBlobs()).extracting(OciManifest.Descriptor::digest).containsExactly(D1, D2);
        assertThat(m.effectiveArtifactType()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(m.subject()).isNull();
    }

    @Test
    void subjectArtifactTypeAndAnnotationsBecomeAttributes() throws Exception {
        OciManifest m = OciManifest.parse(b(image(",\"artifactType\":\"application/x-sbom\",\"subject\":{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + D3 + "\",\"size\":1},"
                + "\"annotations\":{\"k\":\"v\"}")), null);
        assertThat(m.attributes()).containsEntry("subject", D3).containsEntry("artifact_type", "application/x-sbom")
                .containsEntry("media_type", OciManifest.OCI_MANIFEST);
    }

    @Test
    void indexAndDockerManifestList() throws Exception {
        String idx = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + OciManifest.DOCKER_MANIFEST
                + "\",\"digest\":\"" + D1 + "\",\"size\":3,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        OciManifest m = OciManifest.parse(b(idx), OciManifest.DOCKER_LIST);
        assertThat(m.index()).isTrue();
        assertThat(m.mediaType()).isEqualTo(OciManifest.DOCKER_LIST);
        assertThat(m.manifests()).extracting(OciManifest.Descriptor::digest).containsExactly(D1);
        // no media type anywhere: recognised by shape
        assertThat(OciManifest.parse(b(idx), null).mediaType()).isEqualTo(OciManifest.OCI_INDEX);
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> OciManifest.parse(b("{not json"), null)).isInstanceOf(OciManifest.Invalid.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> OciManifest.parse(b("[]"), null)).hasMessageContaining("object");
        assertThatThrownBy(() -> OciManifest.parse(b("{\"schemaVersion\":1}"), null)).hasMessageContaining("schema 1");
        assertThatThrownBy(() -> OciManifest.parse(b(image("")), OciManifest.DOCKER_MANIFEST))
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> OciManifest.parse(b(image("").replace(D2, "sha256:zz")), null))
                .satisfies(e -> assertThat(((OciManifest.Invalid) e).code()).isEqualTo("DIGEST_INVALID"));
        assertThatThrownBy(() -> OciManifest.parse(b(image("").replace("\"size\":20", "\"size\":-1")), null))
                .hasMessageContaining("size");
        assertThatThrownBy(() -> OciManifest.parse(b("{\"schemaVersion\":2,\"mediaType\":\"" + OciManifest.OCI_MANIFEST
                + "\",\"layers\":[]}"), null)).hasMessageContaining("config");
        assertThatThrownBy(() -> OciManifest.parse(b("{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}"), null))
                .hasMessageContaining("unsupported");
    }

    /** Found by OciFuzzTest#json: the manifest answer is MANIFEST_INVALID, not a server error. */
    @Test
    void aManifestWithAnOutOfRangeNumberIsInvalid() {
        byte[] body = "{\"schemaVersion\":2,\"config\":{\"size\":1e99999999999}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OciManifest.parse(body, null)).isInstanceOf(OciManifest.Invalid.class)
                .satisfies(e -> assertThat(((OciManifest.Invalid) e).code()).isEqualTo("MANIFEST_INVALID"));
    }
}
