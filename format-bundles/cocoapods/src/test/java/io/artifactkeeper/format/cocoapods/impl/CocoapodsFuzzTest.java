package io.artifactkeeper.format.cocoapods.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for cocoapods' parsers of client (and upstream) bytes: the pushed
 * podspec JSON, the source archive (zip or tar.gz) and an upstream's versions file. Property: a
 * result within bounds, or the format's own refusal (4xx), never another exception.
 */
class CocoapodsFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void podspec(byte[] json) throws IOException {
        try {
            var spec = CocoapodsPodspec.read(new ByteArrayInputStream(json));
            assertThat(CocoapodsNames.isName(spec.get("name").asText())).isTrue();
            assertThat(CocoapodsNames.isVersion(spec.get("version").asText())).isTrue();
            String path = CocoapodsNames.podspecPath(spec.get("name").asText(), spec.get("version").asText());
            assertThat(path).doesNotContain("..").startsWith("Specs/");
        } catch (FormatException e) {
            assertThat(e.status()).isBetween(400, 499);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void sourceArchive(byte[] bytes) {
        try {
            CocoapodsArchive.Kind kind = CocoapodsArchive.kindOf(java.util.Arrays.copyOf(bytes, Math.min(4, bytes.length)));
            int files = kind == CocoapodsArchive.Kind.ZIP ? CocoapodsArchive.checkZip(new SeekableInMemoryByteChannel(bytes))
                    : CocoapodsArchive.checkTarGz(new ByteArrayInputStream(bytes));
            assertThat(files).isPositive();
        } catch (CocoapodsArchive.BadArchiveException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void versionsFile(byte[] text) {
        var pods = CocoapodsFormat.parseVersions(List.of(new String(text, java.nio.charset.StandardCharsets.UTF_8).split("\n")));
        pods.forEach((name, versions) -> {
            assertThat(CocoapodsNames.isName(name)).isTrue();
            versions.forEach(v -> assertThat(CocoapodsNames.isVersion(v)).isTrue());
        });
    }
}
