package io.artifactkeeper.format.npm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.format.npm.impl.NpmRoutes.Kind;
import io.artifactkeeper.format.npm.impl.NpmRoutes.Route;

class NpmRoutesTest {

    @Test
    void packagesScopedOrNot() {
        assertThat(NpmRoutes.parse("lodash")).isEqualTo(new Route(Kind.PACKUMENT, "lodash", null, null));
        assertThat(NpmRoutes.parse("@s/p")).isEqualTo(new Route(Kind.PACKUMENT, "@s/p", null, null));
        assertThat(NpmRoutes.parse("@s/p/-rev/3-ab")).isEqualTo(new Route(Kind.PACKUMENT_REV, "@s/p", null, "3-ab"));
        assertThat(NpmRoutes.parse("@s/p/1.0.0")).isEqualTo(new Route(Kind.VERSION, "@s/p", "1.0.0", null));
        assertThat(NpmRoutes.parse("@s/p/-/p-1.0.0.tgz")).isEqualTo(new Route(Kind.TARBALL, "@s/p", "p-1.0.0.tgz", null));
        assertThat(NpmRoutes.parse("p/-/p-1.0.0.tgz/-rev/2-x")).isEqualTo(new Route(Kind.TARBALL_REV, "p", "p-1.0.0.tgz", "2-x"));
        assertThat(NpmRoutes.parse("@s").kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(NpmRoutes.parse("a/b/c/d/e").kind()).isEqualTo(Kind.UNKNOWN);
    }

    @Test
    void registryEndpoints() {
        assertThat(NpmRoutes.parse("-/ping").kind()).isEqualTo(Kind.PING);
        assertThat(NpmRoutes.parse("-/whoami").kind()).isEqualTo(Kind.WHOAMI);
        assertThat(NpmRoutes.parse("-/user/org.couchdb.user:bob")).isEqualTo(new Route(Kind.LOGIN, "bob", null, null));
        assertThat(NpmRoutes.parse("-/user/token/abc")).isEqualTo(new Route(Kind.LOGOUT, null, "abc", null));
        assertThat(NpmRoutes.parse("-/npm/v1/security/advisories/bulk").kind()).isEqualTo(Kind.AUDIT);
        assertThat(NpmRoutes.parse("-/npm/v1/security/audits/quick").arg()).isEqualTo("audits/quick");
        assertThat(NpmRoutes.parse("-/v1/search").kind()).isEqualTo(Kind.SEARCH);
        assertThat(NpmRoutes.parse("-/package/@s/p/dist-tags")).isEqualTo(new Route(Kind.DIST_TAGS, "@s/p", null, null));
        assertThat(NpmRoutes.parse("-/package/p/dist-tags/beta")).isEqualTo(new Route(Kind.DIST_TAG, "p", "beta", null));
        assertThat(NpmRoutes.parse("packages/jquery")).isEqualTo(new Route(Kind.BOWER_PACKAGE, "jquery", null, null));
    }

    @Test
    void names() {
        assertThat(NpmNames.isPublishable("@scope/my-pkg.js")).isTrue();
        assertThat(NpmNames.isPublishable("Upper")).isFalse();
        assertThat(NpmNames.isPublishable(".hidden")).isFalse();
        assertThat(NpmNames.isValid("JSONStream")).isTrue();
        assertThat(NpmNames.isValid("a b")).isFalse();
        assertThat(NpmNames.versionOfTarball("@s/p", "p-1.2.3-beta.1.tgz")).isEqualTo("1.2.3-beta.1");
        assertThat(NpmNames.versionOfTarball("p", "q-1.0.0.tgz")).isNull();
        assertThat(NpmNames.isSafeFile("..")).isFalse();
        assertThat(NpmNames.isSafeFile("a/b.tgz")).isFalse();
    }

    @Test
    void proxyPolicyEncodesScopesAndSortsKinds() {
        NpmProxyPolicy p = new NpmProxyPolicy();
        URI up = URI.create("http://up:1/npm/r/");
        assertThat(p.upstreamUri(up, "@s/p/package.json").toString()).isEqualTo("http://up:1/npm/r/@s%2fp");
        assertThat(p.upstreamUri(up, "p/package.json").toString()).isEqualTo("http://up:1/npm/r/p");
        assertThat(p.upstreamUri(up, "@s/p/-/p-1.0.0.tgz").toString()).isEqualTo("http://up:1/npm/r/@s/p/-/p-1.0.0.tgz");
        assertThat(p.kindOf("p/package.json")).isEqualTo(AssetKind.METADATA);
        assertThat(p.kindOf("p/-/p-1.0.0.tgz")).isEqualTo(AssetKind.CONTENT);
        assertThat(p.upstreamHeaders("p/package.json")).containsEntry("Accept", "application/json");
    }

    @Test
    void tarballsAreFetchedOnlyFromTheUpstreamsOrigin() {
        URI up = URI.create("https://registry.example:443/npm/");
        assertThat(NpmResolver.sameOrigin(URI.create("https://registry.example/p/-/p-1.0.0.tgz"), up)).isTrue();
        assertThat(NpmResolver.sameOrigin(URI.create("http://registry.example/p/-/p-1.0.0.tgz"), up)).isFalse();
        assertThat(NpmResolver.sameOrigin(URI.create("https://evil.example/p/-/p-1.0.0.tgz"), up)).isFalse();
        assertThat(NpmResolver.sameOrigin(URI.create("https://registry.example:8443/p.tgz"), up)).isFalse();
        assertThat(NpmResolver.sameOrigin(URI.create("p/-/p-1.0.0.tgz"), up)).isFalse();
    }
}
