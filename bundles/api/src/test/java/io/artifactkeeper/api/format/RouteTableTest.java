package io.artifactkeeper.api.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class RouteTableTest {
    private final RouteTable oci = new RouteTable(List.of(
            Route.read("manifest", "{name+}/manifests/{reference}").metadata(),
            Route.of("putManifest", "PUT", "{name+}/manifests/{reference}", Access.WRITE),
            Route.read("blob", "{name+}/blobs/{digest:sha256:[a-f0-9]{64}}"),
            Route.read("tags", "{name+}/tags/list").metadata(),
            Route.read("root", "")));

    @Test
    void multiSegmentVariableTakesSlashes() {
        RouteMatch m = matched(oci.match("GET", "library/nginx/manifests/latest"));
        assertThat(m.name()).isEqualTo("manifest");
        assertThat(m.param("name")).isEqualTo("library/nginx");
        assertThat(m.param("reference")).isEqualTo("latest");
        assertThat(m.route().assetKind()).isEqualTo(AssetKind.METADATA);
    }

    @Test
    void regexVariableAndMethodChoice() {
        String d = "sha256:" + "a".repeat(64);
        assertThat(matched(oci.match("HEAD", "a/blobs/" + d)).param("digest")).isEqualTo(d);
        assertThat(oci.match("GET", "a/blobs/sha256:zz")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(matched(oci.match("PUT", "x/manifests/1")).name()).isEqualTo("putManifest");
    }

    @Test
    void wrongMethodNamesTheAllowedOnes() {
        RouteTable.Result r = oci.match("DELETE", "x/manifests/1");
        assertThat(r).isInstanceOf(RouteTable.WrongMethod.class);
        assertThat(((RouteTable.WrongMethod) r).allowed()).containsExactlyInAnyOrder("GET", "HEAD", "PUT");
    }

    @Test
    void emptyTemplateIsTheRootAndNothingElse() {
        assertThat(matched(oci.match("GET", "")).name()).isEqualTo("root");
        assertThat(oci.match("GET", "x")).isInstanceOf(RouteTable.NoRoute.class);
    }

    @Test
    void literalsAroundVariablesInOneSegment() {
        RouteTable go = new RouteTable(List.of(Route.read("info", "{module+}/@v/{version}.info")));
        RouteMatch m = matched(go.match("GET", "github.com/a/b/@v/v1.2.3.info"));
        assertThat(m.param("module")).isEqualTo("github.com/a/b");
        assertThat(m.param("version")).isEqualTo("v1.2.3");
        assertThat(go.match("GET", "github.com/a/b/@v/v1.2.3.mod")).isInstanceOf(RouteTable.NoRoute.class);
        // regex metacharacters in literals are literal
        RouteTable dots = new RouteTable(List.of(Route.read("x", "a.b/{f}")));
        assertThat(dots.match("GET", "aXb/c")).isInstanceOf(RouteTable.NoRoute.class);
    }

    @Test
    void writesAreHostedOnlyUnlessDeclaredOtherwise() {
        assertThat(Route.of("up", "PUT", "{f}", Access.WRITE).allowedOnAnyRepositoryType()).isFalse();
        assertThat(Route.of("del", "DELETE", "{f}", Access.DELETE).allowedOnAnyRepositoryType()).isFalse();
        assertThat(Route.of("login", "PUT", "-/user/{u}", Access.WRITE).anyRepositoryType()
                .allowedOnAnyRepositoryType()).isTrue();
        assertThat(Route.read("r", "{f}").allowedOnAnyRepositoryType()).isTrue();
    }

    @Test
    void malformedTemplatesAreRefusedAtDeclaration() {
        assertThatThrownBy(() -> Route.read("x", "{a+}/{b+}")).hasMessageContaining("at most one");
        assertThatThrownBy(() -> Route.read("x", "/lead")).hasMessageContaining("leading slash");
        assertThatThrownBy(() -> Route.read("x", "{a}/{a}")).hasMessageContaining("twice");
        assertThatThrownBy(() -> Route.read("x", "{a")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> Route.of("x", " ", "a", Access.READ)).hasMessageContaining("no method");
        assertThatThrownBy(() -> new RouteTable(List.of(Route.read("x", "a"), Route.read("x", "b"))))
                .hasMessageContaining("two routes");
    }

    private static RouteMatch matched(RouteTable.Result r) {
        assertThat(r).isInstanceOf(RouteTable.Matched.class);
        return ((RouteTable.Matched) r).match();
    }
}
