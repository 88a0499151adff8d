package io.artifactkeeper.format.maven.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.maven.impl.MavenMetadata.InvalidMetadataException;
import io.artifactkeeper.format.maven.impl.MavenMetadataBuilder.Entry;

class MavenMetadataTest {
    static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    /** Found by MavenFuzzTest.metadata: a DEL in a value was written as a space, then read back trimmed. */
    @Test
    void whatIsWrittenReadsBackTheSame() throws Exception {
        byte[] xml = ("<metadata><groupId>\u007frg.example</groupId><artifactId>demo</artifactId>"
                + "<versioning><versions><version>1.0\u0085</version></versions></versioning></metadata>")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = MavenMetadata.parse(xml).toXml();
        assertThat(MavenMetadata.parse(out).toXml()).isEqualTo(out);
        assertThat(MavenMetadata.parse(out).groupId).isEqualTo("rg.example");
    }

    @Test
    void versionOrder() {
        List<String> v = new ArrayList<>(List.of("1.10", "1.0", "1.0-SNAPSHOT", "1.0-rc1", "1.0-alpha", "1.2", "1.0.1", "1.0-beta-2"));
        v.sort(MavenVersion.ORDER);
        assertThat(v).containsExactly("1.0-alpha", "1.0-beta-2", "1.0-rc1", "1.0-SNAPSHOT", "1.0", "1.0.1", "1.2", "1.10");
        assertThat(MavenVersion.ORDER.compare("1.0", "1.0.0")).isNotZero(); // distinct strings stay distinct
    }

    @Test
    void artifactLevelFromStoredFiles() {
        List<Entry> files = List.of(e("g/h/lib/1.0/lib-1.0.pom"), e("g/h/lib/1.0/lib-1.0.jar"), e("g/h/lib/1.10/lib-1.10.jar"),
                e("g/h/lib/2.0-SNAPSHOT/lib-2.0-20250101.120000-1.jar"), e("g/h/lib/1.2/lib-1.2.pom"),
                e("g/h/lib/junk/readme.txt"), e("g/h/lib/maven-metadata.xml"));
        MavenMetadata m = MavenMetadataBuilder.artifactLevel("g.h", "lib", files, NOW).orElseThrow();
        assertThat(m.versions).containsExactly("1.0", "1.2", "1.10", "2.0-SNAPSHOT");
        assertThat(m.latest).isEqualTo("2.0-SNAPSHOT");
        assertThat(m.release).isEqualTo("1.10");
        assertThat(m.lastUpdated).isEqualTo("20250304050607");
        String xml = new String(m.toXml(), StandardCharsets.UTF_8);
        assertThat(xml).contains("<groupId>g.h</groupId>", "<artifactId>lib</artifactId>", "<release>1.10</release>",
                "<lastUpdated>20250304050607</lastUpdated>");
        assertThat(MavenMetadataBuilder.artifactLevel("g.h", "other", files, NOW)).isEmpty();
    }

    @Test
    void snapshotVersionLevelPicksNewestPerClassifierAndExtension() throws Exception {
        String d = "g/lib/1.0-SNAPSHOT/";
        List<Entry> files = List.of(e(d + "lib-1.0-20250101.120000-1.jar"), e(d + "lib-1.0-20250101.120000-1.pom"),
                e(d + "lib-1.0-20250102.080000-2.jar"), e(d + "lib-1.0-20250102.080000-2.pom"),
                e(d + "lib-1.0-20250102.080000-2-sources.jar"));
        MavenMetadata m = MavenMetadataBuilder.versionLevel("g", "lib", "1.0-SNAPSHOT", files, NOW).orElseThrow();
        assertThat(m.snapshot.timestamp()).isEqualTo("20250102.080000");
        assertThat(m.snapshot.buildNumber()).isEqualTo(2);
        assertThat(m.snapshotVersions).extracting(MavenMetadata.SnapshotVersion::value).containsOnly("1.0-20250102.080000-2");
        assertThat(m.snapshotVersions).extracting(MavenMetadata.SnapshotVersion::classifier).contains("sources", (String) null);
        MavenMetadata back = MavenMetadata.parse(m.toXml());
        assertThat(back.version).isEqualTo("1.0-SNAPSHOT");
        assertThat(back.snapshotVersions).hasSize(3);
        assertThat(back.snapshot).isEqualTo(m.snapshot);

        // sbt/Ivy style literal snapshot files: served by their own name
        MavenMetadata lit = MavenMetadataBuilder.versionLevel("g", "lib", "1.0-SNAPSHOT",
                List.of(e(d + "lib-1.0-SNAPSHOT.jar")), NOW).orElseThrow();
        assertThat(lit.snapshot).isNull();
        assertThat(lit.snapshotVersions.get(0).value()).isEqualTo("1.0-SNAPSHOT");
    }

    @Test
    void mergeUnionsVersionsAndRecomputes() throws Exception {
        MavenMetadata a = MavenMetadata.parse(("<metadata><groupId>g</groupId><artifactId>lib</artifactId><versioning>"
                + "<latest>1.1-SNAPSHOT</latest><release>1.0</release><versions><version>1.0</version><version>1.1-SNAPSHOT</version>"
                + "</versions><lastUpdated>20250101000000</lastUpdated></versioning></metadata>").getBytes());
        MavenMetadata b = MavenMetadata.parse(("<?xml version=\"1.0\"?><metadata xmlns=\"http://maven.apache.org/METADATA/1.1.0\">"
                + "<groupId>g</groupId><artifactId>lib</artifactId><versioning><release>2.0</release><versions><version>1.0</version>"
                + "<version>2.0</version></versions><lastUpdated>20250202000000</lastUpdated></versioning></metadata>").getBytes());
        MavenMetadata m = MavenMetadata.merge(List.of(a, b));
        assertThat(m.versions).containsExactly("1.0", "1.1-SNAPSHOT", "2.0");
        assertThat(m.latest).isEqualTo("2.0");
        assertThat(m.release).isEqualTo("2.0");
        assertThat(m.lastUpdated).isEqualTo("20250202000000");
    }

    @Test
    void pluginGroupMetadataMerges() throws Exception {
        MavenMetadata a = MavenMetadata.parse("<metadata><plugins><plugin><name>A</name><prefix>a</prefix><artifactId>a-maven-plugin</artifactId></plugin></plugins></metadata>".getBytes());
        MavenMetadata b = MavenMetadata.parse("<metadata><plugins><plugin><prefix>b</prefix><artifactId>b-maven-plugin</artifactId></plugin></plugins></metadata>".getBytes());
        MavenMetadata m = MavenMetadata.merge(List.of(a, b));
        assertThat(m.plugins).extracting(MavenMetadata.Plugin::prefix).containsExactly("a", "b");
        assertThat(new String(m.toXml(), StandardCharsets.UTF_8)).doesNotContain("<versioning>");
    }

    @Test
    void refusesMalformedAndHostileDocuments() {
        assertThatThrownBy(() -> MavenMetadata.parse("<metadata><versioning>".getBytes())).isInstanceOf(InvalidMetadataException.class);
        assertThatThrownBy(() -> MavenMetadata.parse("<project/>".getBytes())).isInstanceOf(InvalidMetadataException.class);
        assertThatThrownBy(() -> MavenMetadata.parse(("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<metadata><groupId>&x;</groupId></metadata>").getBytes())).isInstanceOf(InvalidMetadataException.class);
    }

    @Test
    void pomMustMatchItsPath() throws Exception {
        MavenPath p = MavenPath.parse("org/ex/lib/1.0/lib-1.0.pom").orElseThrow();
        MavenPom.check("<project><groupId>org.ex</groupId><artifactId>lib</artifactId><version>1.0</version></project>".getBytes(), p);
        MavenPom.check("<project><parent><groupId>org.ex</groupId><version>1.0</version></parent><artifactId>lib</artifactId></project>".getBytes(), p);
        assertThatThrownBy(() -> MavenPom.check("<project><groupId>org.ex</groupId><artifactId>other</artifactId></project>".getBytes(), p))
                .hasMessageContaining("artifactId");
        assertThatThrownBy(() -> MavenPom.check("not xml".getBytes(), p)).isInstanceOf(InvalidMetadataException.class);
    }

    @Test
    void folderListing() {
        var kids = FolderListing.children("g/lib/", List.of("g/lib/1.0/lib-1.0.jar", "g/lib/1.0/lib-1.0.pom", "g/lib/maven-metadata.xml",
                "g/other/x"));
        assertThat(kids).containsExactly("1.0/", "maven-metadata.xml");
        assertThat(new String(FolderListing.html("/r/g/lib/", kids, true), StandardCharsets.UTF_8))
                .contains("<a href=\"./1.0/\">1.0/</a>", "<a href=\"../\">");
    }

    static Entry e(String path) {
        return new Entry(path, NOW);
    }
}
