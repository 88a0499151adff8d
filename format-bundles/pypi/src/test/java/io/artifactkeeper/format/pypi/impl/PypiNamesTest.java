package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PypiNamesTest {

    @Test
    void normalizesRunsOfSeparatorsAndCase() {
        assertThat(PypiNames.normalize("Friendly-Bard")).isEqualTo("friendly-bard");
        assertThat(PypiNames.normalize("FRIENDLY._-BARD")).isEqualTo("friendly-bard");
        assertThat(PypiNames.normalize("zope.interface")).isEqualTo("zope-interface");
        assertThat(PypiNames.normalize("a__b")).isEqualTo("a-b");
    }

    @Test
    void validNamesFollowPep508() {
        assertThat(PypiNames.isValidName("requests")).isTrue();
        assertThat(PypiNames.isValidName("Zope.Interface")).isTrue();
        assertThat(PypiNames.isValidName("a")).isTrue();
        assertThat(PypiNames.isValidName("-lead")).isFalse();
        assertThat(PypiNames.isValidName("trail.")).isFalse();
        assertThat(PypiNames.isValidName("../etc")).isFalse();
        assertThat(PypiNames.isValidName("a b")).isFalse();
        assertThat(PypiNames.isValidName("")).isFalse();
    }

    @Test
    void parsesWheelNames() {
        PypiNames.DistFile w = PypiNames.parse("My_Pkg-1.0.2-py3-none-any.whl", null).orElseThrow();
        assertThat(w.distType()).isEqualTo(PypiNames.DistType.WHEEL);
        assertThat(w.project()).isEqualTo("My_Pkg");
        assertThat(w.normalizedProject()).isEqualTo("my-pkg");
        assertThat(w.version()).isEqualTo("1.0.2");
        assertThat(PypiNames.parse("pkg-1.0-1-cp311-cp311-manylinux_2_17_x86_64.whl", null).orElseThrow().version())
                .isEqualTo("1.0");
        assertThat(PypiNames.parse("pkg-1.0-py3.whl", null)).isEmpty();
    }

    @Test
    void parsesSdistNamesWithAndWithoutAHint() {
        assertThat(PypiNames.parse("demo-0.1.tar.gz", null).orElseThrow().version()).isEqualTo("0.1");
        PypiNames.DistFile legacy = PypiNames.parse("Foo-Bar-2.0.zip", "foo.bar").orElseThrow();
        assertThat(legacy.distType()).isEqualTo(PypiNames.DistType.SDIST_ZIP);
        assertThat(legacy.project()).isEqualTo("Foo-Bar");
        assertThat(legacy.version()).isEqualTo("2.0");
        assertThat(PypiNames.parse("demo.tar.gz", null)).isEmpty();
        assertThat(PypiNames.parse("demo-1.0.egg", null)).isEmpty();
    }

    @Test
    void refusesFileNamesThatCouldLeaveTheirFolder() {
        assertThat(PypiNames.isSafeSegment("demo-1.0.tar.gz")).isTrue();
        assertThat(PypiNames.isSafeSegment("pkg-1.0+local.1-py3-none-any.whl")).isTrue();
        assertThat(PypiNames.isSafeSegment("../../evil-1.0.tar.gz")).isFalse();
        assertThat(PypiNames.isSafeSegment("a/b-1.0.tar.gz")).isFalse();
        assertThat(PypiNames.isSafeSegment("a\\b-1.0.tar.gz")).isFalse();
        assertThat(PypiNames.isSafeSegment("..")).isFalse();
        assertThat(PypiNames.isSafeSegment(".hidden-1.0.tar.gz")).isFalse();
        assertThat(PypiNames.isSafeSegment("x%2f-1.0.tar.gz")).isFalse();
        assertThat(PypiNames.isSafeSegment("nul\0-1.0.tar.gz")).isFalse();
        assertThat(PypiNames.parse("..%2f..%2fx-1.0.tar.gz", null)).isEmpty();
    }

    @Test
    void versionsCompareAsWheelNamesWriteThem() {
        assertThat(PypiNames.sameVersion("1.0_1", "1.0-1")).isTrue();
        assertThat(PypiNames.sameVersion("1.0RC1", "1.0rc1")).isTrue();
        assertThat(PypiNames.sameVersion("1.0", "1.1")).isFalse();
        assertThat(PypiNames.versionOf("demo-0.3.tar.gz", "demo")).isEqualTo("0.3");
        assertThat(PypiNames.versionOf("weird", "demo")).isEqualTo("unknown");
    }
}
