package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OciRouteTest {

    @Test
    void splitsNameAndEndpointFromTheEnd() {
        assertThat(OciRoute.parse("app/demo/manifests/1.0"))
                .isEqualTo(new OciRoute(OciRoute.Kind.MANIFEST, "app/demo", "1.0"));
        assertThat(OciRoute.parse("a/manifests/b/manifests/sha256:ab"))
                .isEqualTo(new OciRoute(OciRoute.Kind.MANIFEST, "a/manifests/b", "sha256:ab"));
        assertThat(OciRoute.parse("x/blobs/sha256:00")).isEqualTo(new OciRoute(OciRoute.Kind.BLOB, "x", "sha256:00"));
        assertThat(OciRoute.parse("x/y/blobs/uploads/")).isEqualTo(new OciRoute(OciRoute.Kind.UPLOAD_START, "x/y", null));
        assertThat(OciRoute.parse("x/y/blobs/uploads")).isEqualTo(new OciRoute(OciRoute.Kind.UPLOAD_START, "x/y", null));
        assertThat(OciRoute.parse("x/blobs/uploads/1234")).isEqualTo(new OciRoute(OciRoute.Kind.UPLOAD, "x", "1234"));
        assertThat(OciRoute.parse("x/tags/list")).isEqualTo(new OciRoute(OciRoute.Kind.TAGS, "x", null));
        assertThat(OciRoute.parse("x/referrers/sha256:ab")).isEqualTo(new OciRoute(OciRoute.Kind.REFERRERS, "x", "sha256:ab"));
    }

    @Test
    void anImageMayLiveAtTheRepositoryRoot() {
        OciRoute r = OciRoute.parse("manifests/latest");
        assertThat(r).isEqualTo(new OciRoute(OciRoute.Kind.MANIFEST, "", "latest"));
        assertThat(r.prefix()).isEmpty();
        assertThat(OciRoute.manifestPath("", "latest")).isEqualTo("manifests/latest");
        assertThat(OciRoute.fullName("repo", "")).isEqualTo("repo");
        assertThat(OciRoute.fullName("repo", "a/b")).isEqualTo("repo/a/b");
    }

    @Test
    void unknownPathsAndInvalidNames() {
        assertThat(OciRoute.parse("x/something")).isNull();
        assertThat(OciRoute.parse("x/manifests/a/b")).isNull();
        assertThat(OciRoute.parse("Upper/manifests/1").validName()).isFalse();
        assertThat(OciRoute.parse("a--b/c__d/e.f/manifests/1").validName()).isTrue();
        assertThat(OciRoute.parse("a_/manifests/1").validName()).isFalse();
        assertThat(OciRoute.TAG.matcher("v1.0_rc-1").matches()).isTrue();
        assertThat(OciRoute.TAG.matcher(".hidden").matches()).isFalse();
        assertThat(OciRoute.TAG.matcher("x".repeat(129)).matches()).isFalse();
    }
}
