package io.artifactkeeper.format.cargo.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.cargo.impl.CargoRoutes.Kind;
import io.artifactkeeper.format.cargo.impl.CargoRoutes.Route;

class CargoRoutesTest {

    @Test
    void indexAndWebApiPaths() {
        assertThat(CargoRoutes.parse("index/config.json").kind()).isEqualTo(Kind.CONFIG);
        assertThat(CargoRoutes.parse("index/se/rd/serde")).isEqualTo(new Route(Kind.INDEX_FILE, "serde", null));
        assertThat(CargoRoutes.parse("index/1/a")).isEqualTo(new Route(Kind.INDEX_FILE, "a", null));
        assertThat(CargoRoutes.parse("index/se/rd/other").kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(CargoRoutes.parse("index/").kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(CargoRoutes.parse("api/v1/crates/new").kind()).isEqualTo(Kind.PUBLISH);
        assertThat(CargoRoutes.parse("api/v1/crates").kind()).isEqualTo(Kind.SEARCH);
        assertThat(CargoRoutes.parse("api/v1/crates/serde/1.0.0/download"))
                .isEqualTo(new Route(Kind.DOWNLOAD, "serde", "1.0.0"));
        assertThat(CargoRoutes.parse("api/v1/crates/serde/1.0.0+b.1/yank")).isEqualTo(new Route(Kind.YANK, "serde", "1.0.0+b.1"));
        assertThat(CargoRoutes.parse("api/v1/crates/serde/1.0.0/unyank").kind()).isEqualTo(Kind.UNYANK);
        assertThat(CargoRoutes.parse("api/v1/crates/serde/owners")).isEqualTo(new Route(Kind.OWNERS, "serde", null));
        assertThat(CargoRoutes.parse("api/v1/crates/serde/1.0/download").kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(CargoRoutes.parse("api/v1/crates/serde/1.0.0/other").kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(CargoRoutes.parse("config.json").kind()).isEqualTo(Kind.UNKNOWN);
    }
}
