package io.artifactkeeper.format.go.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoModulePathTest {

    @Test
    void caseEncodingRoundTrips() {
        assertThat(GoModulePath.escape("github.com/Azure/azure-sdk")).isEqualTo("github.com/!azure/azure-sdk");
        assertThat(GoModulePath.unescape("github.com/!azure/azure-sdk")).contains("github.com/Azure/azure-sdk");
        assertThat(GoModulePath.unescape("github.com/Azure/x")).as("upper case is not a valid encoding").isEmpty();
        assertThat(GoModulePath.unescape("github.com/!/x")).isEmpty();
        assertThat(GoModulePath.unescape("github.com/x!")).isEmpty();
        assertThat(GoModulePath.unescape("v1.0.0-!r!c1")).contains("v1.0.0-RC1");
    }

    @Test
    void modulePaths() {
        assertThat(GoModulePath.checkModulePath("example.com/lib")).isEmpty();
        assertThat(GoModulePath.checkModulePath("example.com/lib/v2")).isEmpty();
        assertThat(GoModulePath.checkModulePath("github.com/Azure/go-autorest")).isEmpty();
        assertThat(GoModulePath.checkModulePath("gopkg.in/yaml.v3")).isEmpty();
        assertThat(GoModulePath.checkModulePath("lib")).get().asString().contains("missing dot");
        assertThat(GoModulePath.checkModulePath("Example.com/lib")).get().asString().contains("first path element");
        assertThat(GoModulePath.checkModulePath("example.com/../x")).isPresent();
        assertThat(GoModulePath.checkModulePath("example.com//x")).isPresent();
        assertThat(GoModulePath.checkModulePath("example.com/x/v1")).get().asString().contains("major version");
        assertThat(GoModulePath.checkModulePath("example.com/x/v0")).isPresent();
        assertThat(GoModulePath.checkModulePath("example.com/x/v02")).isPresent();
        assertThat(GoModulePath.checkModulePath("example.com/a b")).isPresent();
        assertThat(GoModulePath.checkModulePath("example.com/.hidden")).isPresent();
        assertThat(GoModulePath.checkModulePath("example.com/com1")).isPresent();
        assertThat(GoModulePath.checkModulePath("example.com/abc~1")).isPresent();
    }

    @Test
    void filePaths() {
        assertThat(GoModulePath.checkFilePath("pkg/a.go")).isEmpty();
        assertThat(GoModulePath.checkFilePath("docs/read me (1).txt")).isEmpty();
        assertThat(GoModulePath.checkFilePath("../evil.go")).isPresent();
        assertThat(GoModulePath.checkFilePath("a/./b")).isPresent();
        assertThat(GoModulePath.checkFilePath("/abs")).isPresent();
        assertThat(GoModulePath.checkFilePath("a\\b")).isPresent();
        assertThat(GoModulePath.checkFilePath("a:b")).isPresent();
        assertThat(GoModulePath.checkFilePath("nul.txt")).isPresent();
        assertThat(GoModulePath.checkFilePath("x/")).isPresent();
    }

    @Test
    void majorSuffix() {
        assertThat(GoModulePath.splitMajor("example.com/x")).contains("");
        assertThat(GoModulePath.splitMajor("example.com/x/v3")).contains("/v3");
        assertThat(GoModulePath.splitMajor("example.com/x/v1")).isEmpty();
        assertThat(GoModulePath.splitMajor("example.com/v2x")).contains("");
        assertThat(GoModulePath.splitMajor("gopkg.in/yaml.v2")).contains(".v2");
    }
}
