package io.artifactkeeper.format.generic.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenericFormatTest {

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", "JAVASCRIPT:alert(document.domain)", "data:text/html,<script>x</script>",
        "vbscript:x", "//evil.example/x", "\\\\evil.example\\x", "a b/", "x\"onmouseover=\"alert(1)", "normal-1.0.zip", "dir/"})
    void listingLinksStayOnThisServer(String child) {
        String href = GenericFormat.href(child);
        assertThat(href).startsWith("./");
        // resolved against the listing's own (http) URL: same scheme, same host, below the folder
        URI resolved = URI.create("https://registry.example/general/files/some/").resolve(href);
        assertThat(resolved.getScheme()).isEqualTo("https");
        assertThat(resolved.getHost()).isEqualTo("registry.example");
        assertThat(resolved.getPath()).startsWith("/general/files/some/");
    }
}
