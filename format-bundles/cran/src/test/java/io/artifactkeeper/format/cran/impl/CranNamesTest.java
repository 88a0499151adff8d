package io.artifactkeeper.format.cran.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CranNamesTest {

    @Test
    void versionsCompareAsPackageVersionDoes() {
        assertThat(CranNames.compareVersions("1.10.0", "1.9.9")).isPositive();
        assertThat(CranNames.compareVersions("1.0-1", "1.0.1")).isZero();
        assertThat(CranNames.compareVersions("1.0", "1.0.0")).isNegative();
        assertThat(CranNames.compareVersions("2.01", "2.1")).isZero();
        assertThat(CranNames.compareVersions("1.99999999999999999999", "1.100000000000000000000")).isNegative();
    }

    @Test
    void namesVersionsAndFiles() {
        assertThat(CranNames.isName("data.table")).isTrue();
        assertThat(CranNames.isName("R6")).isTrue();
        assertThat(CranNames.isName("a")).isFalse();
        assertThat(CranNames.isName("pkg.")).isFalse();
        assertThat(CranNames.isName("9lives")).isFalse();
        assertThat(CranNames.isName("my_pkg")).isFalse();
        assertThat(CranNames.isVersion("1")).isFalse();
        assertThat(CranNames.isVersion("1.0-3")).isTrue();
        assertThat(CranNames.parseFile("data.table_1.14.8.tar.gz")).hasValueSatisfying(f -> {
            assertThat(f.name()).isEqualTo("data.table");
            assertThat(f.version()).isEqualTo("1.14.8");
        });
        assertThat(CranNames.parseFile("x_1.0.tar.gz")).isEmpty();
        assertThat(CranNames.parseFile("abc_1.0.tar.bz2")).isEmpty();
    }

    @Test
    void locatesPackagesInTheirFolders() {
        assertThat(CranNames.locate("src/contrib/abc_1.0.tar.gz")).hasValueSatisfying(l -> {
            assertThat(l.kind()).isEqualTo(CranNames.Kind.SOURCE);
            assertThat(l.archived()).isFalse();
        });
        assertThat(CranNames.locate("src/contrib/Archive/abc/abc_1.0.tar.gz")).hasValueSatisfying(l ->
                assertThat(l.archived()).isTrue());
        assertThat(CranNames.locate("src/contrib/Archive/other/abc_1.0.tar.gz")).isEmpty();
        assertThat(CranNames.locate("bin/windows/contrib/4.2/abc_1.0.zip")).hasValueSatisfying(l ->
                assertThat(l.kind()).isEqualTo(CranNames.Kind.WIN_BINARY));
        assertThat(CranNames.locate("bin/windows/contrib/4.2/abc_1.0.tar.gz")).isEmpty();
        assertThat(CranNames.locate("bin/macosx/big-sur-arm64/contrib/4.3/abc_1.0.tgz")).hasValueSatisfying(l ->
                assertThat(l.tree()).isEqualTo("bin/macosx/big-sur-arm64/contrib/4.3"));
        assertThat(CranNames.locate("bin/macosx/contrib/4.2/abc_1.0.tgz")).isPresent();
        assertThat(CranNames.locate("src/abc_1.0.tar.gz")).isEmpty();
    }
}
