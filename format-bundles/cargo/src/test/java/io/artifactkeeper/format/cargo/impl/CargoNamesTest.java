package io.artifactkeeper.format.cargo.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CargoNamesTest {

    @Test
    void indexPathsFollowTheNameLengthLayoutInLowercase() {
        assertThat(CargoNames.indexPath("a")).isEqualTo("index/1/a");
        assertThat(CargoNames.indexPath("ab")).isEqualTo("index/2/ab");
        assertThat(CargoNames.indexPath("abc")).isEqualTo("index/3/a/abc");
        assertThat(CargoNames.indexPath("Cargo")).isEqualTo("index/ca/rg/cargo");
        assertThat(CargoNames.nameOfIndexPath("se/rd/serde")).isEqualTo("serde");
        assertThat(CargoNames.nameOfIndexPath("3/a/abc")).isEqualTo("abc");
        assertThat(CargoNames.nameOfIndexPath("xx/rd/serde")).isNull();
        assertThat(CargoNames.nameOfIndexPath("3/b/abc")).isNull();
        assertThat(CargoNames.prefix("Cargo")).isEqualTo("Ca/rg");
    }

    @Test
    void namesAndVersions() {
        assertThat(CargoNames.invalidName("serde_json")).isNull();
        assertThat(CargoNames.invalidName("my-crate2")).isNull();
        assertThat(CargoNames.invalidName("2fast")).contains("invalid");
        assertThat(CargoNames.invalidName("bad name")).contains("invalid");
        assertThat(CargoNames.invalidName("../etc")).contains("invalid");
        assertThat(CargoNames.invalidName("nul")).contains("reserved");
        assertThat(CargoNames.invalidName("a".repeat(65))).contains("longer");
        assertThat(CargoNames.isVersion("1.0.0")).isTrue();
        assertThat(CargoNames.isVersion("1.0.0-alpha.1+build.5")).isTrue();
        assertThat(CargoNames.isVersion("1.0")).isFalse();
        assertThat(CargoNames.isVersion("01.0.0")).isFalse();
        assertThat(CargoNames.isPrerelease("1.0.0-alpha+b")).isTrue();
        assertThat(CargoNames.isPrerelease("1.0.0+b-1")).isFalse();
        assertThat(CargoNames.cratePath("Foo-Bar", "1.0.0-rc.1")).isEqualTo("crates/foo-bar/foo-bar-1.0.0-rc.1.crate");
        assertThat(CargoNames.ofCratePath("crates/foo-bar/foo-bar-1.0.0-rc.1.crate")).containsExactly("foo-bar", "1.0.0-rc.1");
        assertThat(CargoNames.ofCratePath("crates/foo/bar-1.0.0.crate")).isNull();
    }

    @Test
    void dlTemplates() {
        assertThat(CargoProxyPolicy.expand("https://x/api/v1/crates", "Serde", "1.0.0", "ab"))
                .isEqualTo("https://x/api/v1/crates/Serde/1.0.0/download");
        assertThat(CargoProxyPolicy.expand("https://x/{prefix}/{lowerprefix}/{crate}-{version}-{sha256-checksum}", "Serde",
                "1.0.0", "ab")).isEqualTo("https://x/Se/rd/se/rd/Serde-1.0.0-ab");
        assertThat(CargoProxyPolicy.indexRoot(java.net.URI.create("sparse+https://index.crates.io/")))
                .isEqualTo("https://index.crates.io/");
        assertThat(CargoProxyPolicy.indexRoot(java.net.URI.create("http://h:1/cargo/repo")))
                .isEqualTo("http://h:1/cargo/repo/index/");
        assertThat(CargoProxyPolicy.indexRoot(java.net.URI.create("http://h:1/cargo/repo/index/")))
                .isEqualTo("http://h:1/cargo/repo/index/");
    }
}
