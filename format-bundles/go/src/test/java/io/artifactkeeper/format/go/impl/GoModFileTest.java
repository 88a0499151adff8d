package io.artifactkeeper.format.go.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class GoModFileTest {

    private static java.util.Optional<String> path(String s) {
        return GoModFile.modulePath(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void moduleDirectiveForms() {
        assertThat(path("module example.com/a\n\ngo 1.19\n")).contains("example.com/a");
        assertThat(path("// comment\nmodule   \"example.com/b\" // trailing\n")).contains("example.com/b");
        assertThat(path("module (\n  example.com/c\n)\n")).contains("example.com/c");
        assertThat(path("go 1.19\nrequire example.com/x v1.0.0\n")).isEmpty();
        assertThat(path("modules example.com/d\n")).isEmpty();
    }
}
