package io.artifactkeeper.format.maven.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.format.maven.impl.MavenMetadata.InvalidMetadataException;

/**
 * Hostile-input fuzz targets for the XML and paths Maven clients send: {@code maven-metadata.xml}
 * (parsed, merged, written back), an uploaded POM (checked against its path), and artifact paths.
 * Property: a result or {@link InvalidMetadataException} (400), never another exception; metadata
 * that was accepted writes back to XML that parses again.
 */
class MavenFuzzTest {
    private static final MavenPath POM_PATH = MavenPath.parse("org/example/demo/1.0/demo-1.0.pom").orElseThrow();

    @FuzzTest(maxDuration = "30s")
    void metadata(byte[] xml) throws InvalidMetadataException {
        MavenMetadata m;
        try {
            m = MavenMetadata.parse(xml);
        } catch (InvalidMetadataException e) {
            return;
        }
        m.hasVersioning();
        MavenMetadata merged = MavenMetadata.merge(List.of(m, m));
        merged.recompute();
        byte[] out = merged.toXml();
        MavenMetadata again = MavenMetadata.parse(out);
        assertThat(again.toXml()).isEqualTo(out);
    }

    @FuzzTest(maxDuration = "30s")
    void pom(byte[] xml) {
        try {
            MavenPom.check(xml, POM_PATH);
        } catch (InvalidMetadataException e) {
            // 400
        }
    }

    @FuzzTest(maxDuration = "30s")
    void path(byte[] raw) {
        String path = new String(raw, StandardCharsets.UTF_8);
        MavenPath.isMetadata(path);
        MavenPath.parse(path).ifPresent(p -> {
            assertThat(p.artifactId()).isNotEmpty();
            assertThat(p.version()).isNotEmpty();
            p.artifactFolder();
            p.name();
            p.snapshot();
            p.isPom();
        });
        IvyPath.parse(path).ifPresent(p -> {
            assertThat(p.organisation()).isNotEmpty();
            assertThat(p.module()).isNotEmpty();
            assertThat(p.revision()).isNotEmpty();
            assertThat(p.extension()).isNotEmpty();
        });
    }
}
