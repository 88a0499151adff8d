package io.artifactkeeper.format.pub.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.format.support.SemVer;

/**
 * Hostile-input fuzz targets for pub's parsers of client bytes: the uploaded archive (a tar.gz with
 * pubspec.yaml at its root) and pubspec.yaml itself. Property: a result within bounds, or the
 * format's own refusal (answered 400), never another exception.
 */
class PubFuzzTest {

    /** An accepted archive names a valid package and a SemVer version; anything else is a named refusal. */
    @FuzzTest(maxDuration = "30s")
    void archive(byte[] bytes) {
        try {
            PubArchive.Pubspec p = PubArchive.read(new ByteArrayInputStream(bytes));
            assertThat(PubNames.isName(p.name())).isTrue();
            assertThat(SemVer.isValid(p.version())).isTrue();
            assertThat(p.json()).containsEntry("name", p.name());
        } catch (PubArchive.BadArchiveException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** A pubspec is a mapping of JSON-compatible values, or a named refusal. */
    @FuzzTest(maxDuration = "30s")
    void pubspec(byte[] yaml) {
        try {
            Map<String, Object> m = PubYaml.readMap(yaml);
            // what is read can be written as the JSON of the listing
            assertThat(io.artifactkeeper.format.support.Json.mapper().valueToTree(m).isObject()).isTrue();
        } catch (PubYaml.YamlException e) {
            assertThat(e.getMessage()).isNotNull();
        }
    }
}
