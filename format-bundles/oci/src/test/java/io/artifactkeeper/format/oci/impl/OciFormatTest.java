package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;

/** OCI behaviour the conformance kit does not cover, in process: error codes the clients and suites expect. */
class OciFormatTest {
    private MemoryWorld world;
    private FormatHarness h;

    @BeforeEach
    void world() throws Exception {
        world = new MemoryWorld(new OciFormat(), "http://registry.test");
        world.local("hosted");
        h = world.harness();
    }

    private static JsonNode error(Response r) throws Exception {
        JsonNode e = Json.readStored(new java.io.ByteArrayInputStream(r.body())).get("errors").get(0);
        assertThat(e.has("message")).isTrue();
        assertThat(e.has("detail")).isTrue();
        return e;
    }

    /** distribution-spec conformance: pulling ".INVALID_MANIFEST_NAME" is "not found", pushing it is "invalid". */
    @Test
    void aMalformedReferenceIsUnknownOnPullAndInvalidOnPush() throws Exception {
        for (String ref : new String[] {".INVALID_MANIFEST_NAME", "sha256:zz", "x".repeat(200)}) {
            Response get = h.get("hosted", "app/manifests/" + ref);
            assertThat(get.status()).as("GET %s: %s", ref, get).isEqualTo(404);
            assertThat(error(get).get("code").asText()).isEqualTo("MANIFEST_UNKNOWN");
            Response head = h.request("HEAD", "hosted", "app/manifests/" + ref).send();
            assertThat(head.status()).as("HEAD %s", ref).isEqualTo(404);
            Response rootGet = h.get("hosted", "manifests/" + ref);
            assertThat(rootGet.status()).as("GET at the root %s", ref).isEqualTo(404);
        }
        Response put = h.request("PUT", "hosted", "app/manifests/.INVALID_MANIFEST_NAME")
                .header("Content-Type", OciManifest.OCI_MANIFEST).body(OciConformanceTest.manifest("1")).send();
        assertThat(put.status()).as("%s", put).isEqualTo(400);
        assertThat(error(put).get("code").asText()).isEqualTo("MANIFEST_INVALID");
    }

    @Test
    void aMalformedSha256DigestIsCalledMalformed() throws Exception {
        Response blob = h.get("hosted", "app/blobs/sha256:zz");
        assertThat(blob.status()).isEqualTo(400);
        JsonNode e = error(blob);
        assertThat(e.get("code").asText()).isEqualTo("DIGEST_INVALID");
        assertThat(e.get("message").asText()).contains("malformed sha256 digest").doesNotContain("only sha256");
        Response put = h.request("PUT", "hosted", "app/manifests/sha256:" + "A".repeat(64))
                .header("Content-Type", OciManifest.OCI_MANIFEST).body(OciConformanceTest.manifest("1")).send();
        assertThat(error(put).get("message").asText()).contains("malformed sha256 digest");
        Response other = h.get("hosted", "app/blobs/sha512:" + "a".repeat(128));
        assertThat(error(other).get("message").asText()).contains("only sha256 digests are supported");
    }

    @Test
    void pushesToRemoteAndVirtualRepositoriesAreUnsupported() throws Exception {
        world.virtual("group", "hosted");
        Response v = h.request("POST", "group", "app/blobs/uploads/").send();
        assertThat(v.status()).isEqualTo(400);
        assertThat(error(v).get("code").asText()).isEqualTo("UNSUPPORTED");
        assertThat(world.writeAttempts()).isEmpty();
        Response reads = h.get("group", "app/tags/list");
        assertThat(reads.status()).as("a read of an unknown image is not a refused push").isEqualTo(404);
        assertThat(error(reads).get("code").asText()).isEqualTo("NAME_UNKNOWN");
    }

    @Test
    void unknownEndpointsAndMethodsAnswerInTheEnvelope() throws Exception {
        Response none = h.get("hosted", "app/nothing-here");
        assertThat(none.status()).isEqualTo(404);
        assertThat(error(none).get("code").asText()).isEqualTo("NAME_UNKNOWN");
        Response wrong = h.request("POST", "hosted", "app/tags/list").send();
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(error(wrong).get("code").asText()).isEqualTo("UNSUPPORTED");
        assertThat(wrong.header("Allow")).isPresent();
        Response name = h.get("hosted", "Bad_Name/tags/list");
        assertThat(error(name).get("code").asText()).isEqualTo("NAME_INVALID");
    }

    /** The manifest is served byte for byte as pushed (its digest is the digest of those bytes). */
    @Test
    void manifestsAreStoredAndServedAsPushed() throws Exception {
        OciConformanceTest.Pusher.push(h, "hosted", "1");
        String pretty = "{\n  \"schemaVersion\" : 2,\n  \"mediaType\" : \"" + OciManifest.OCI_MANIFEST + "\",\n"
                + OciConformanceTest.manifest("1").substring(OciConformanceTest.manifest("1").indexOf("\"config\"")) + "\n";
        byte[] bytes = pretty.getBytes(StandardCharsets.UTF_8);
        Response put = h.request("PUT", "hosted", "demo/manifests/pretty").header("Content-Type", OciManifest.OCI_MANIFEST)
                .body(bytes).send();
        assertThat(put.status()).as("%s", put).isEqualTo(201);
        assertThat(put.header("Docker-Content-Digest")).contains(OciDigest.of(bytes));
        Response byTag = h.get("hosted", "demo/manifests/pretty");
        assertThat(byTag.body()).isEqualTo(bytes);
        assertThat(byTag.header("Content-Type")).contains(OciManifest.OCI_MANIFEST);
        assertThat(h.get("hosted", "demo/manifests/" + OciDigest.of(bytes)).body()).isEqualTo(bytes);
    }
}
