package io.artifactkeeper.format.nuget.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class NugetVersionTest {

    private static NugetVersion v(String s) {
        return NugetVersion.parse(s).orElseThrow();
    }

    @Test
    void normalizesAsNugetDoes() {
        assertThat(v("1.0").normalized()).isEqualTo("1.0.0");
        assertThat(v("01.002.0003").normalized()).isEqualTo("1.2.3");
        assertThat(v("1.0.0.0").normalized()).isEqualTo("1.0.0");
        assertThat(v("1.0.0.4").normalized()).isEqualTo("1.0.0.4");
        assertThat(v("1.0.0-Beta.1+Git.abc").normalized()).isEqualTo("1.0.0-Beta.1");
        assertThat(v("1.0.0-Beta.1+Git.abc").lower()).isEqualTo("1.0.0-beta.1");
        assertThat(v("1.0.0-Beta.1+Git.abc").full()).isEqualTo("1.0.0-Beta.1+Git.abc");
        assertThat(v("1.0.0-beta.1").isSemVer2()).isTrue();
        assertThat(v("1.0.0-beta").isSemVer2()).isFalse();
        assertThat(v("1.0.0+meta").isSemVer2()).isTrue();
        for (String bad : List.of("", "1", "a.b", "1.0.0-", "1.0.0-01", "1.0.0-a..b", "1.0.0/x", "1.2.3.4.5", "1.0.0+")) {
            assertThat(NugetVersion.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void ordersAsNugetDoes() {
        List<String> sorted = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-BETA", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.0.1", "1.0.1", "1.10.0", "2.0.0");
        List<NugetVersion> shuffled = new ArrayList<>(sorted.stream().map(NugetVersionTest::v).toList());
        java.util.Collections.reverse(shuffled);
        java.util.Collections.sort(shuffled);
        assertThat(shuffled.stream().map(NugetVersion::normalized).toList()).isEqualTo(sorted);
        assertThat(v("1.0.0+a")).isEqualTo(v("1.0.0.0+b"));
    }
}
