package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.AssetKind;

class OciProxyPolicyTest {
    private final OciProxyPolicy p = new OciProxyPolicy();

    @Test
    void mapsStoredPathsOntoTheUpstreamV2Api() {
        assertThat(p.upstreamUri(URI.create("http://reg:5000"), "library/app/manifests/1.0"))
                .hasToString("http://reg:5000/v2/library/app/manifests/1.0");
        assertThat(p.upstreamUri(URI.create("http://reg:5000/"), "app/blobs/sha256:ab"))
                .hasToString("http://reg:5000/v2/app/blobs/sha256:ab");
        // another registry's repository as the upstream
        assertThat(p.upstreamUri(URI.create("http://ak:8080/v2/up"), "app/tags/list"))
                .hasToString("http://ak:8080/v2/up/app/tags/list");
    }

    @Test
    void tagsAreMetadataDigestsAreContent() {
        assertThat(p.kindOf("app/manifests/latest")).isEqualTo(AssetKind.METADATA);
        assertThat(p.kindOf("app/manifests/sha256:" + "a".repeat(64))).isEqualTo(AssetKind.CONTENT);
        assertThat(p.kindOf("app/blobs/sha256:" + "a".repeat(64))).isEqualTo(AssetKind.CONTENT);
        assertThat(p.kindOf("app/tags/list")).isEqualTo(AssetKind.METADATA);
        assertThat(p.kindOf("app/referrers/sha256:" + "a".repeat(64))).isEqualTo(AssetKind.METADATA);
        assertThat(p.upstreamHeaders("app/manifests/latest").get("Accept")).contains(OciManifest.OCI_INDEX,
                OciManifest.DOCKER_MANIFEST);
    }

    @Test
    void challengeNamesTokenEndpointServiceAndScope() {
        assertThat(OciErrors.challenge("http://127.0.0.1:8080", "repo/app", "pull"))
                .isEqualTo("Bearer realm=\"http://127.0.0.1:8080/v2/token\",service=\"127.0.0.1:8080\","
                        + "scope=\"repository:repo/app:pull\"");
        assertThat(OciErrors.challenge("https://reg.example.com", null, "pull"))
                .isEqualTo("Bearer realm=\"https://reg.example.com/v2/token\",service=\"reg.example.com\"");
        assertThat(OciErrors.specCode("CHECKSUM_MISMATCH")).isEqualTo("DIGEST_INVALID");
        assertThat(OciErrors.specCode("MANIFEST_BLOB_UNKNOWN")).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    }
}
