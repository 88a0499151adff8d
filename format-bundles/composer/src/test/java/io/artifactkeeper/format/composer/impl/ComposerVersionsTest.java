package io.artifactkeeper.format.composer.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Versions normalized as Composer's version parser does, dev told from tagged, ordered newest first. */
class ComposerVersionsTest {

    @ParameterizedTest
    @CsvSource({"1.0.0,1.0.0.0", "v1.2,1.2.0.0", "1,1.0.0.0", "1.2.3.4,1.2.3.4", "1.0.0-beta1,1.0.0.0-beta1",
            "1.0.0-b2,1.0.0.0-beta2", "1.0.0-RC.3,1.0.0.0-RC3", "1.0.0-rc1,1.0.0.0-RC1", "1.0.0-alpha,1.0.0.0-alpha",
            "1.0.0-pl1,1.0.0.0-patch1", "1.0.0-stable,1.0.0.0", "1.0.0-Stable1,1.0.0.0-stable1", "1.0.0+build.5,1.0.0.0", "2.x-dev,2.9999999.9999999.9999999-dev",
            "1.2.x-dev,1.2.9999999.9999999-dev", "1.0.0-dev,1.0.0.0-dev", "dev-main,dev-main", "master,dev-master",
            "dev-feature.x,dev-feature.x", "20261207,20261207", "2026.12.07,2026.12.07.0"})
    void normalizesAsComposerDoes(String version, String normalized) {
        assertThat(ComposerVersions.normalize(version)).contains(normalized);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.0 beta", "dev-", "latest", "1.0/2", "../1.0", "1.0.0-gamma", "x.y.z", "-1"})
    void refusesWhatComposerRefuses(String version) {
        assertThat(ComposerVersions.normalize(version)).isEmpty();
    }

    @Test
    void devVersionsAreBranches() {
        assertThat(ComposerVersions.isDev("dev-main")).isTrue();
        assertThat(ComposerVersions.isDev("2.9999999.9999999.9999999-dev")).isTrue();
        assertThat(ComposerVersions.isDev("1.0.0.0-beta1")).isFalse();
        assertThat(ComposerVersions.isDev("1.0.0.0")).isFalse();
    }

    @Test
    void ordersNewestFirst() {
        List<String> vs = new ArrayList<>(List.of("1.0.0.0", "1.0.0.0-beta2", "10.0.0.0", "1.0.0.0-RC1", "2.0.0.0",
                "1.0.0.0-patch1", "1.0.0.0-alpha1", "1.0.0.0-beta10", "1.0.0.0-dev"));
        vs.sort(ComposerVersions.NEWEST_FIRST);
        assertThat(vs).containsExactly("10.0.0.0", "2.0.0.0", "1.0.0.0-patch1", "1.0.0.0", "1.0.0.0-RC1", "1.0.0.0-beta10",
                "1.0.0.0-beta2", "1.0.0.0-alpha1", "1.0.0.0-dev");
    }
}
