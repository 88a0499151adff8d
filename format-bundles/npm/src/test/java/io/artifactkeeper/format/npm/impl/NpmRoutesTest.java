package io.artifactkeeper.format.npm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.RouteTable;

class NpmRoutesTest {

    private static final RouteTable TABLE = new RouteTable(NpmRoutes.all());

    /** The route {@code method path} matches, with its variables. */
    private static RouteMatch match(String method, String path) {
        RouteTable.Result r = TABLE.match(method, path);
        assertThat(r).as(method + " " + path).isInstanceOf(RouteTable.Matched.class);
        return ((RouteTable.Matched) r).match();
    }

    private static String route(String method, String path) {
        return match(method, path).name();
    }

    @Test
    void packagesScopedOrNot() {
        assertThat(match("GET", "lodash").params()).containsEntry("name", "lodash");
        assertThat(match("GET", "@s/p").params()).containsEntry("name", "@s/p");
        assertThat(route("GET", "@s/p")).isEqualTo("packument");
        assertThat(route("PUT", "@s/p")).isEqualTo("publish");
        assertThat(match("PUT", "@s/p/-rev/3-ab").params()).containsEntry("name", "@s/p").containsEntry("rev", "3-ab");
        assertThat(route("PUT", "@s/p/-rev/3-ab")).isEqualTo("update-rev");
        assertThat(match("GET", "@s/p/1.0.0").params()).containsEntry("name", "@s/p").containsEntry("version", "1.0.0");
        assertThat(match("GET", "@s/p/-/p-1.0.0.tgz").params()).containsEntry("name", "@s/p")
                .containsEntry("file", "p-1.0.0.tgz");
        assertThat(route("GET", "@s/p/-/p-1.0.0.tgz")).isEqualTo("tarball");
        assertThat(route("DELETE", "p/-/p-1.0.0.tgz/-rev/2-x")).isEqualTo("delete-tarball-rev");
        assertThat(match("DELETE", "npm/r/@s/p/-/p-1.0.0.tgz/-rev/2-x").params()).containsEntry("mount", "npm")
                .containsEntry("repo", "r").containsEntry("name", "@s/p");
        assertThat(TABLE.match("GET", "@s")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(TABLE.match("GET", "a/b/c/d/e")).isInstanceOf(RouteTable.NoRoute.class);
        // a tarball is read or deleted, never written
        assertThat(TABLE.match("PUT", "p/-/p-1.0.0.tgz")).isInstanceOf(RouteTable.WrongMethod.class);
    }

    @Test
    void registryEndpoints() {
        assertThat(route("GET", "-/ping")).isEqualTo("ping");
        assertThat(route("GET", "-/whoami")).isEqualTo("whoami");
        assertThat(match("PUT", "-/user/org.couchdb.user:bob").params()).containsEntry("user", "bob");
        assertThat(route("PUT", "-/user/org.couchdb.user:bob/-rev/1-x")).isEqualTo("login-rev");
        assertThat(match("DELETE", "-/user/token/abc").params()).containsEntry("token", "abc");
        assertThat(route("POST", "-/npm/v1/security/advisories/bulk")).isEqualTo("audit");
        assertThat(match("POST", "-/npm/v1/security/audits/quick").params()).containsEntry("endpoint", "audits/quick");
        assertThat(TABLE.match("POST", "-/npm/v1/security/admin/reset")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(TABLE.match("POST", "-/npm/v1/security/audits/quick/more")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(route("GET", "-/v1/search")).isEqualTo("search");
        assertThat(match("GET", "-/package/@s/p/dist-tags").params()).containsEntry("name", "@s/p");
        assertThat(route("PUT", "-/package/@s/p/dist-tags")).isEqualTo("dist-tags-write");
        assertThat(match("GET", "-/package/p/dist-tags/beta").params()).containsEntry("tag", "beta");
        assertThat(route("DELETE", "-/package/p/dist-tags/beta")).isEqualTo("dist-tag-write");
        assertThat(match("GET", "packages/jquery").name()).isEqualTo("bower");
    }

    @Test
    void accessIsDeclaredPerRoute() {
        assertThat(match("PUT", "-/user/org.couchdb.user:bob").route().access()).isEqualTo(Access.NONE);
        assertThat(match("DELETE", "-/user/token/abc").route().access()).isEqualTo(Access.NONE);
        Route audit = match("POST", "-/npm/v1/security/audits/quick").route();
        assertThat(audit.access()).isEqualTo(Access.READ);
        assertThat(audit.allowedOnAnyRepositoryType()).isTrue();
        assertThat(match("PUT", "p/-rev/1-x").route().access()).isEqualTo(Access.DELETE);
        assertThat(match("PUT", "p").route().access()).isEqualTo(Access.WRITE);
        assertThat(match("PUT", "p").route().allowedOnAnyRepositoryType()).isFalse();
        assertThat(match("GET", "p").route().assetKind()).isEqualTo(AssetKind.METADATA);
        assertThat(match("GET", "p/-/p-1.0.0.tgz").route().assetKind()).isEqualTo(AssetKind.CONTENT);
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
}
