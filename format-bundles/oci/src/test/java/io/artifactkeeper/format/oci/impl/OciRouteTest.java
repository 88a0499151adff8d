package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.RouteTable;

class OciRouteTest {

    private static Object match(String method, String path) {
        RouteTable.Result r = OciRoute.TABLE.match(method, path);
        return r instanceof RouteTable.Matched m ? OciRoute.of(m.match()) : r;
    }

    @Test
    void splitsNameAndEndpointFromTheEnd() {
        assertThat(match("GET", "app/demo/manifests/1.0"))
                .isEqualTo(new OciRoute(OciRoute.PULL_MANIFEST, "app/demo", "1.0"));
        assertThat(match("PUT", "a/manifests/b/manifests/sha256:ab"))
                .isEqualTo(new OciRoute(OciRoute.PUSH_MANIFEST, "a/manifests/b", "sha256:ab"));
        assertThat(match("HEAD", "x/blobs/sha256:00")).isEqualTo(new OciRoute(OciRoute.PULL_BLOB, "x", "sha256:00"));
        assertThat(match("DELETE", "x/blobs/sha256:00")).isEqualTo(new OciRoute(OciRoute.DELETE_BLOB, "x", "sha256:00"));
        // what clients send (the core's path keeps the trailing slash), and without it
        assertThat(match("POST", "x/y/blobs/uploads/")).isEqualTo(new OciRoute(OciRoute.START_UPLOAD, "x/y", null));
        assertThat(match("POST", "x/y/blobs/uploads")).isEqualTo(new OciRoute(OciRoute.START_UPLOAD, "x/y", null));
        assertThat(match("GET", "x/blobs/uploads/1234")).isEqualTo(new OciRoute(OciRoute.UPLOAD_STATUS, "x", "1234"));
        assertThat(match("PATCH", "x/blobs/uploads/1234")).isEqualTo(new OciRoute(OciRoute.UPLOAD_CHUNK, "x", "1234"));
        assertThat(match("PUT", "x/blobs/uploads/1234")).isEqualTo(new OciRoute(OciRoute.COMPLETE_UPLOAD, "x", "1234"));
        assertThat(match("DELETE", "x/blobs/uploads/1234")).isEqualTo(new OciRoute(OciRoute.CANCEL_UPLOAD, "x", "1234"));
        assertThat(match("GET", "x/tags/list")).isEqualTo(new OciRoute(OciRoute.TAGS, "x", null));
        assertThat(match("GET", "x/referrers/sha256:ab")).isEqualTo(new OciRoute(OciRoute.REFERRERS, "x", "sha256:ab"));
    }

    @Test
    void anImageMayLiveAtTheRepositoryRoot() {
        assertThat(match("GET", "manifests/latest")).isEqualTo(new OciRoute(OciRoute.PULL_MANIFEST, "", "latest"));
        assertThat(match("POST", "blobs/uploads/")).isEqualTo(new OciRoute(OciRoute.START_UPLOAD, "", null));
        assertThat(match("POST", "blobs/uploads")).isEqualTo(new OciRoute(OciRoute.START_UPLOAD, "", null));
        assertThat(match("GET", "tags/list")).isEqualTo(new OciRoute(OciRoute.TAGS, "", null));
        assertThat(OciRoute.manifestPath("", "latest")).isEqualTo("manifests/latest");
        assertThat(OciRoute.fullName("repo", "")).isEqualTo("repo");
        assertThat(OciRoute.fullName("repo", "a/b")).isEqualTo("repo/a/b");
    }

    @Test
    void unknownPathsWrongMethodsAndInvalidNames() {
        assertThat(match("GET", "x/something")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(match("GET", "x/manifests/a/b")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(match("POST", "x/tags/list")).isInstanceOf(RouteTable.WrongMethod.class);
        assertThat(((RouteTable.WrongMethod) match("PATCH", "x/manifests/1")).allowed())
                .contains("GET", "HEAD", "PUT", "DELETE");
        assertThat(OciRoute.parse("Upper/manifests/1").orElseThrow().validName()).isFalse();
        assertThat(OciRoute.parse("a--b/c__d/e.f/manifests/1").orElseThrow().validName()).isTrue();
        assertThat(OciRoute.parse("a_/manifests/1").orElseThrow().validName()).isFalse();
        assertThat(OciRoute.TAG.matcher("v1.0_rc-1").matches()).isTrue();
        assertThat(OciRoute.TAG.matcher(".hidden").matches()).isFalse();
        assertThat(OciRoute.TAG.matcher("x".repeat(129)).matches()).isFalse();
    }

    @Test
    void referencesAndDigestsSayWhatIsWrong() {
        assertThat(OciManifests.isReference(".INVALID_MANIFEST_NAME")).isFalse();
        assertThat(OciManifests.isReference("sha256:zz")).isFalse();
        assertThat(OciManifests.isReference("v1")).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OciBlobs.checkDigest("sha256:zz"))
                .hasMessageContaining("malformed sha256 digest").hasMessageNotContaining("only sha256");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OciBlobs.checkDigest("sha512:" + "a".repeat(128)))
                .hasMessageContaining("only sha256");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OciBlobs.checkDigest("nodigest"))
                .hasMessageContaining("malformed digest");
    }
}
