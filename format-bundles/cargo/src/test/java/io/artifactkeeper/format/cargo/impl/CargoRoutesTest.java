package io.artifactkeeper.format.cargo.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.RouteTable;

class CargoRoutesTest {
    private static final RouteTable TABLE = new RouteTable(CargoRoutes.all());

    private static RouteMatch match(String method, String path) {
        RouteTable.Result r = TABLE.match(method, path);
        assertThat(r).as(method + " " + path).isInstanceOf(RouteTable.Matched.class);
        return ((RouteTable.Matched) r).match();
    }

    private static boolean none(String method, String path) {
        return TABLE.match(method, path) instanceof RouteTable.NoRoute;
    }

    @Test
    void theIndexAtTheRepositoryRootAndUnderIndex() {
        assertThat(match("GET", "config.json").name()).isEqualTo("config");
        assertThat(match("GET", "index/config.json").name()).isEqualTo("config-in-index");
        for (String prefix : new String[] {"", "index/"}) {
            RouteMatch serde = match("GET", prefix + "se/rd/serde");
            assertThat(serde.params()).containsEntry("dir", "se/rd").containsEntry("name", "serde");
            assertThat(match("GET", prefix + "1/a").params()).containsEntry("dir", "1").containsEntry("name", "a");
            assertThat(match("GET", prefix + "2/ab").params()).containsEntry("dir", "2");
            assertThat(match("GET", prefix + "3/f/foo").params()).containsEntry("dir", "3/f").containsEntry("name", "foo");
            assertThat(match("GET", prefix + "de/mo/demo").route().access()).isEqualTo(Access.READ);
            assertThat(none("GET", prefix + "3/foo")).isTrue();
            assertThat(none("GET", prefix + "abc/de/abcdef")).isTrue();
        }
        assertThat(none("GET", "index/")).isTrue();
        assertThat(none("GET", "")).isTrue();
    }

    @Test
    void theWebApiNeverMeetsAnIndexRoute() {
        assertThat(match("GET", "api/v1/crates").name()).isEqualTo("search");
        assertThat(match("PUT", "api/v1/crates/new").name()).isEqualTo("publish");
        assertThat(match("PUT", "api/v1/crates/new").route().access()).isEqualTo(Access.WRITE);
        assertThat(TABLE.match("GET", "api/v1/crates/new")).isInstanceOf(RouteTable.WrongMethod.class);
        RouteMatch dl = match("GET", "api/v1/crates/serde/1.0.0/download");
        assertThat(dl.name()).isEqualTo("download");
        assertThat(dl.params()).containsEntry("name", "serde").containsEntry("version", "1.0.0");
        assertThat(match("DELETE", "api/v1/crates/serde/1.0.0+b.1/yank").params()).containsEntry("version", "1.0.0+b.1");
        assertThat(match("DELETE", "api/v1/crates/serde/1.0.0/yank").route().access()).isEqualTo(Access.WRITE);
        assertThat(match("PUT", "api/v1/crates/serde/1.0.0/unyank").name()).isEqualTo("unyank");
        assertThat(match("GET", "api/v1/crates/serde/owners").name()).isEqualTo("owners");
        assertThat(match("PUT", "api/v1/crates/serde/owners").name()).isEqualTo("owners-change");
        assertThat(none("GET", "api/v1/crates/serde/1.0.0/other")).isTrue();
        // two-character segments that are API words do not make an index path
        assertThat(none("GET", "api/v1/serde")).isTrue();
        // "v1/ab/x" has the shape of an index path: the handler finds no such name there (404)
    }
}
