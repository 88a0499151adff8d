package io.artifactkeeper.format.go.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.InvalidArtifactException;

class GoRouteTest {

    @Test
    void theGoproxyPaths() throws Exception {
        GoRoute list = GoRoute.parse("github.com/!azure/sdk/@v/list").orElseThrow();
        assertThat(list.kind()).isEqualTo(GoRoute.Kind.LIST);
        assertThat(list.module()).isEqualTo("github.com/Azure/sdk");
        assertThat(list.storagePath()).isEqualTo("github.com/!azure/sdk/@v/list");
        GoRoute latest = GoRoute.parse("example.com/a/@latest").orElseThrow();
        assertThat(latest.kind()).isEqualTo(GoRoute.Kind.LATEST);
        GoRoute zip = GoRoute.parse("example.com/a/v2/@v/v2.1.0-!r!c1.zip").orElseThrow();
        assertThat(zip.kind()).isEqualTo(GoRoute.Kind.ZIP);
        assertThat(zip.version()).isEqualTo("v2.1.0-RC1");
        assertThat(zip.valid()).isTrue();
        assertThat(zip.storagePath()).isEqualTo("example.com/a/v2/@v/v2.1.0-!r!c1.zip");
        assertThat(GoRoute.parse("example.com/a/@v/v1.0.0.info").orElseThrow().kind()).isEqualTo(GoRoute.Kind.INFO);
        assertThat(GoRoute.parse("example.com/a/@v/v1.0.0.mod").orElseThrow().kind()).isEqualTo(GoRoute.Kind.MOD);
        assertThat(GoRoute.parse("example.com/a/@v/")).isEmpty();
        assertThat(GoRoute.parse("example.com/a/@v/v1.0.0.tar")).isEmpty();
        assertThat(GoRoute.parse("example.com/a")).isEmpty();
        assertThatThrownBy(() -> GoRoute.parse("example.com/A/@v/list")).isInstanceOf(GoRoute.BadEncodingException.class);
    }

    @Test
    void invalidModulesAndVersionsAreNamed() throws Exception {
        assertThat(GoRoute.parse("example.com/a/@v/v1.0.info").orElseThrow().problem()).contains("canonical");
        assertThat(GoRoute.parse("example.com/a/@v/v2.0.0.info").orElseThrow().problem()).contains("should be v0 or v1");
        assertThat(GoRoute.parse("example.com/a/@v/v2.0.0+incompatible.info").orElseThrow().valid()).isTrue();
        assertThat(GoRoute.parse("example.com/a/v2/@v/v3.0.0.info").orElseThrow().problem()).contains("should be v2");
        assertThat(GoRoute.parse("nodot/a/@v/list").orElseThrow().problem()).contains("missing dot");
    }

    @Test
    void incompatibleVersionsHaveNoGoMod() throws Exception {
        GoRoute r = GoRoute.parse("example.com/a/@v/v2.0.0+incompatible.zip").orElseThrow();
        byte[] plain = new RawZip().add("example.com/a@v2.0.0+incompatible/a.go", "package a\n").bytes();
        assertThat(GoUploads.checkZip(ZipBytes.content(plain), r).goMod()).isEmpty();
        byte[] withMod = new RawZip().add("example.com/a@v2.0.0+incompatible/go.mod", "module example.com/a\n").bytes();
        assertThatThrownBy(() -> GoUploads.checkZip(ZipBytes.content(withMod), r)).isInstanceOf(InvalidArtifactException.class)
                .hasMessageContaining("+incompatible");
    }

    @Test
    void theGoModMustNameTheModule() throws Exception {
        GoRoute r = GoRoute.parse("example.com/a/@v/v1.0.0.zip").orElseThrow();
        byte[] z = new RawZip().add("example.com/a@v1.0.0/go.mod", "module example.com/b\n").bytes();
        assertThatThrownBy(() -> GoUploads.checkZip(ZipBytes.content(z), r)).hasMessageContaining("declares module path \"example.com/b\"");
    }
}
