package io.artifactkeeper.format.maven.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.w3c.dom.Element;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.format.maven.impl.MavenMetadata.InvalidMetadataException;
import io.artifactkeeper.format.maven.impl.MavenMetadata.Xml;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;

/**
 * Hostile-input fuzz targets for the XML and paths Maven clients send: {@code maven-metadata.xml}
 * (parsed, merged, written back), an uploaded POM (checked against its path, and deployed through the
 * format), and artifact paths. Property: a result or the format's own refusal
 * ({@link InvalidMetadataException}, a 400 with nothing stored), never another exception; output
 * bounded by the input.
 */
class MavenFuzzTest {
    private static final String POM = "org/example/demo/1.0/demo-1.0.pom";
    private static final MavenPath POM_PATH = MavenPath.parse(POM).orElseThrow();
    private static final MemoryWorld WORLD = new MemoryWorld(new MavenFormat(), "http://fuzz.test");
    private static final FormatHarness HARNESS = WORLD.harness();

    static {
        // the same POM path is deployed with every input
        WORLD.local("r").setting(RepositoryFiles.ALLOW_REDEPLOY, true);
    }

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
        // escaping grows a character to at most a few bytes; merging a document with itself adds nothing
        assertThat(out.length).as("written back").isLessThanOrEqualTo(8 * xml.length + 4096);
        MavenMetadata again = MavenMetadata.parse(out);
        assertThat(again.toXml()).isEqualTo(out);
    }

    @FuzzTest(maxDuration = "30s")
    void pom(byte[] xml) throws Exception {
        boolean accepted;
        try {
            MavenPom.check(xml, POM_PATH);
            accepted = true;
        } catch (InvalidMetadataException e) {
            accepted = false;
        }
        if (accepted) {
            // an accepted POM is a <project> naming the path's artifactId (or a property not resolvable here)
            Element project = Xml.parse(xml, "project").getDocumentElement();
            String artifactId = Xml.text(project, "artifactId");
            assertThat(artifactId).isNotNull();
            assertThat(artifactId.equals("demo") || artifactId.contains("${")).as(artifactId).isTrue();
        }
        // deployed through the format: stored exactly when accepted, else its own 400 and nothing stored
        WORLD.repository("r").contents().keySet().forEach(p -> WORLD.repository("r").delete(p));
        Response r = HARNESS.request("PUT", "r", POM).body(xml).send();
        assertThat(r.status()).as("%s", r).isEqualTo(accepted ? 201 : 400);
        assertThat(r.body().length).as("the answer").isLessThanOrEqualTo(2 * xml.length + 4096);
        assertThat(WORLD.repository("r").contents().containsKey(POM)).isEqualTo(accepted);
    }

    @FuzzTest(maxDuration = "30s")
    void path(byte[] raw) {
        String path = new String(raw, StandardCharsets.UTF_8);
        MavenPath.isMetadata(path);
        MavenPath.parse(path).ifPresent(p -> {
            assertThat(p.artifactId()).isNotEmpty();
            assertThat(p.version()).isNotEmpty();
            assertThat(p.artifactFolder().length()).isLessThanOrEqualTo(path.length());
            assertThat(path).startsWith(p.artifactFolder() + p.version() + "/" + p.artifactId() + "-");
            p.name();
            p.snapshot();
            p.isPom();
        });
        IvyPath.parse(path).ifPresent(p -> {
            assertThat(p.organisation()).isNotEmpty();
            assertThat(p.module()).isNotEmpty();
            assertThat(p.revision()).isNotEmpty();
            assertThat(p.extension()).isNotEmpty();
            assertThat(path).startsWith(p.organisation() + "/" + p.module() + "/").endsWith("/" + p.file());
        });
    }
}
