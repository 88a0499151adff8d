package io.artifactkeeper.format.composer.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Enumeration;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * Hostile-input fuzz targets for composer: the uploaded dist zip and its composer.json (client
 * bytes), version strings, and an upstream's p2 document. Property: a result within bounds, or the
 * format's own refusal (400 for a client's bytes, 502 for an upstream's), never another exception;
 * what is accepted is safe to use (a zip whose every entry name stays inside its folder, a valid
 * package name, dist paths made only of safe segments below the package's folder).
 */
class ComposerFuzzTest {

    /** A dist upload: its composer.json found and read, or refused with a 400. */
    @FuzzTest(maxDuration = "30s")
    void dist(byte[] zip) throws IOException {
        ComposerManifest m;
        try {
            m = ComposerManifest.parse(ComposerArchive.composerJson(new SeekableInMemoryByteChannel(zip)));
        } catch (SafeArchive.ArchiveException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        assertThat(ComposerNames.isName(m.name())).isTrue();
        assertThat(m.metadata().path("name").asText()).isEqualTo(m.name());
        // read independently: every entry of an accepted zip stays inside the folder it is unpacked into
        try (ZipFile z = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get()) {
            for (Enumeration<ZipArchiveEntry> en = z.getEntries(); en.hasMoreElements();) {
                String name = en.nextElement().getName().replaceFirst("^(\\./)+", "");
                assertThat(SafeArchive.unsafe(name)).as("accepted entry %s", name).isFalse();
            }
        }
    }

    /** A composer.json: a manifest with a valid name, or a 400. */
    @FuzzTest(maxDuration = "30s")
    void composerJson(byte[] json) {
        ComposerManifest m;
        try {
            m = ComposerManifest.parse(json);
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        assertThat(ComposerNames.isName(m.name())).isTrue();
        assertThat(json.length).isLessThanOrEqualTo(ComposerArchive.MAX_COMPOSER_JSON);
        for (String f : java.util.List.of("require", "require-dev", "conflict", "provide", "replace", "suggest")) {
            JsonNode links = m.metadata().get(f);
            if (links != null && links.isObject()) {
                links.forEach(v -> assertThat(v.isTextual()).isTrue());
            }
        }
    }

    /** A version string: normalized or refused, never an exception; a normalized one is a version too. */
    @FuzzTest(maxDuration = "30s")
    void version(String version) {
        ComposerVersions.normalize(version).ifPresent(n -> {
            assertThat(n).doesNotContain("/").doesNotContain(" ");
            // a normalized version is a version too (not always the same again: Composer's own parser reads
            // "1-Stable0" as 1.0.0.0-stable0 and that as 1.0.0.0, a date version 0225025 as 0225.025 and that as
            // 0225.025.0.0; kept as Composer has them)
            assertThat(ComposerVersions.normalize(n)).isPresent();
            assertThat(ComposerVersions.compare(n, n)).isZero();
        });
    }

    /** An upstream's p2 document of a/b: its versions, or a 502; rewritten dist paths are safe. */
    @FuzzTest(maxDuration = "30s")
    void upstreamMetadata(byte[] doc) throws IOException {
        JsonNode n;
        try {
            n = Json.readUpstream(new ByteArrayInputStream(doc), 1 << 20, "the fuzzed document");
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(502);
            return;
        }
        try {
            for (ComposerMetadata.Entry e : ComposerMetadata.upstreamEntries(n, "a/b")) {
                assertThat(e.normalized()).isNotBlank();
                if (e.distPath() != null) {
                    assertThat(e.distPath()).startsWith("dist/a/b/");
                    assertThat(ComposerNames.nameOfDistPath(e.distPath())).isEqualTo("a/b");
                    assertThat(SafeArchive.unsafe(e.distPath())).isFalse();
                    for (String seg : e.distPath().split("/")) {
                        assertThat(seg).isNotEmpty().isNotEqualTo(".").isNotEqualTo("..");
                    }
                    assertThat(e.upstreamUrl()).isNotBlank();
                }
            }
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(502);
        }
    }
}
