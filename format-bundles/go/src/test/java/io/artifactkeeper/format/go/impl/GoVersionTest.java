package io.artifactkeeper.format.go.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class GoVersionTest {

    @Test
    void onlyCanonicalVersions() {
        for (String ok : List.of("v0.0.1", "v1.2.3", "v1.2.3-rc.1", "v2.0.0+incompatible", "v0.0.0-20240102030405-abcdef123456",
                "v1.0.0-beta-2")) {
            assertThat(GoVersion.parseCanonical(ok)).as(ok).isPresent();
        }
        for (String bad : List.of("1.2.3", "v1", "v1.2", "v01.2.3", "v1.02.3", "v1.2.3+meta", "v1.2.3-01", "latest", "master",
                "v1.2.3-", "v1.2.3-rc..1")) {
            assertThat(GoVersion.parseCanonical(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void semverOrder() {
        List<String> sorted = List.of("v0.9.0", "v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta.2",
                "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v1.0.1", "v1.10.0", "v2.0.0+incompatible");
        List<String> shuffled = new java.util.ArrayList<>(sorted);
        java.util.Collections.reverse(shuffled);
        assertThat(shuffled.stream().map(v -> GoVersion.parseCanonical(v).orElseThrow()).sorted(GoVersion.ORDER)
                .map(GoVersion::text).toList()).isEqualTo(sorted);
    }

    @Test
    void pseudoVersions() {
        assertThat(GoVersion.parseCanonical("v0.0.0-20240102030405-abcdef123456").orElseThrow().isPseudo()).isTrue();
        assertThat(GoVersion.parseCanonical("v1.2.4-0.20240102030405-abcdef123456").orElseThrow().isPseudo()).isTrue();
        assertThat(GoVersion.parseCanonical("v1.2.3-pre.0.20240102030405-abcdef123456").orElseThrow().isPseudo()).isTrue();
        assertThat(GoVersion.parseCanonical("v1.2.3-rc.1").orElseThrow().isPseudo()).isFalse();
    }

    @Test
    void majorVersionMustMatchThePath() {
        assertThat(v("v1.0.0").checkPathMajor("example.com/x", "")).isEmpty();
        assertThat(v("v2.0.0").checkPathMajor("example.com/x", "")).get().asString().contains("should be v0 or v1");
        assertThat(v("v2.0.0+incompatible").checkPathMajor("example.com/x", "")).isEmpty();
        assertThat(v("v1.0.0+incompatible").checkPathMajor("example.com/x", "")).isPresent();
        assertThat(v("v2.1.0").checkPathMajor("example.com/x/v2", "/v2")).isEmpty();
        assertThat(v("v3.0.0").checkPathMajor("example.com/x/v2", "/v2")).isPresent();
        assertThat(v("v2.0.0+incompatible").checkPathMajor("example.com/x/v2", "/v2")).isPresent();
    }

    private static GoVersion v(String s) {
        return GoVersion.parseCanonical(s).orElseThrow();
    }
}
