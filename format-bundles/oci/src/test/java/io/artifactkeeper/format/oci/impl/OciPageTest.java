package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class OciPageTest {
    private static final List<String> TAGS = List.of("a", "b", "c", "d", "e");

    @Test
    void pagesWithNAndLast() {
        OciPage p1 = OciPage.of(TAGS, "2", null);
        assertThat(p1.items()).containsExactly("a", "b");
        assertThat(p1.next()).contains("n=2&last=b");
        OciPage p2 = OciPage.of(TAGS, "2", "b");
        assertThat(p2.items()).containsExactly("c", "d");
        OciPage p3 = OciPage.of(TAGS, "2", "d");
        assertThat(p3.items()).containsExactly("e");
        assertThat(p3.next()).isEmpty();
    }

    @Test
    void withoutNEverythingAfterLast() {
        assertThat(OciPage.of(TAGS, null, null).items()).isEqualTo(TAGS);
        assertThat(OciPage.of(TAGS, null, "bb").items()).containsExactly("c", "d", "e");
        assertThat(OciPage.of(TAGS, null, null).next()).isEqualTo(Optional.empty());
        assertThat(OciPage.of(TAGS, "0", null).items()).isEmpty();
    }
}
