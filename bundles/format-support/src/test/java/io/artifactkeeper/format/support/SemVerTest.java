package io.artifactkeeper.format.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SemVerTest {
    @Test
    void precedenceAsTheSpecOrdersIt() {
        List<String> v = new ArrayList<>(List.of("1.0.0", "1.0.0-rc.1", "1.0.0-alpha.beta", "1.0.0-beta.11",
                "1.0.0-alpha", "1.0.0-beta", "1.0.0-alpha.1", "1.0.0-beta.2", "2.0.0", "1.10.0", "1.9.0"));
        v.sort(SemVer.ORDER);
        assertThat(v).containsExactly("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.9.0", "1.10.0", "2.0.0");
    }

    @Test
    void strictAndLenient() {
        assertThat(SemVer.isValid("1.2.3-rc.1+build.5")).isTrue();
        assertThat(SemVer.isValid("v1.2.3")).isFalse();
        assertThat(SemVer.isValid("1.2")).isFalse();
        assertThat(SemVer.isValid("01.2.3")).isFalse();
        assertThat(SemVer.isValid("1.2.3-01")).isFalse();
        assertThat(SemVer.parseLenient("v1.2").orElseThrow().patch()).isZero();
        assertThat(SemVer.parse("1.2.3+b").orElseThrow().compareTo(SemVer.parse("1.2.3").orElseThrow())).isZero();
        assertThat(SemVer.parse("9".repeat(300) + ".0.0")).isEmpty();
        assertThat(SemVer.parse("99999999999999999999.0.0").orElseThrow()
                .compareTo(SemVer.parse("9999999999999999999.0.0").orElseThrow())).isPositive();
    }

    @Test
    void nonVersionsSortFirst() {
        List<String> v = new ArrayList<>(List.of("1.0.0", "latest", "0.1.0", "abc"));
        v.sort(SemVer.ORDER);
        assertThat(v).containsExactly("abc", "latest", "0.1.0", "1.0.0");
        assertThat(SemVer.NEWEST_FIRST.compare("2.0.0", "1.0.0")).isNegative();
    }
}
