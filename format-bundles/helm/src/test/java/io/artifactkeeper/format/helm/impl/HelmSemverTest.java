package io.artifactkeeper.format.helm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class HelmSemverTest {
    @Test
    void newestFirst() {
        List<String> v = new ArrayList<>(List.of("1.0.0-alpha", "0.9.0", "1.0.0", "1.0.0-alpha.1", "0.10.0", "v2", "1.0.0-beta",
                "1.0.0-alpha.beta", "1.0.0-rc.1", "1.0.0-beta.11", "1.0.0-beta.2", "garbage"));
        v.sort(HelmSemver.NEWEST_FIRST);
        assertThat(v).containsExactly("v2", "1.0.0", "1.0.0-rc.1", "1.0.0-beta.11", "1.0.0-beta.2", "1.0.0-beta",
                "1.0.0-alpha.beta", "1.0.0-alpha.1", "1.0.0-alpha", "0.10.0", "0.9.0", "garbage");
    }

    @Test
    void validity() {
        assertThat(HelmSemver.isValid("1.2.3")).isTrue();
        assertThat(HelmSemver.isValid("v1.2")).isTrue();
        assertThat(HelmSemver.isValid("1.2.3-rc.1+build.5")).isTrue();
        assertThat(HelmSemver.isValid("1.2.3/../x")).isFalse();
        assertThat(HelmSemver.isValid("latest")).isFalse();
        assertThat(HelmSemver.isValid("01.2.3")).isFalse();
    }
}
