package io.artifactkeeper.format.maven.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MavenPathTest {

    /** Found by MavenFuzzTest.path: a group folder with a dot named a group whose folder is another path. */
    @Test
    void aGroupFolderWithADotIsNotMavenLayout() {
        assertThat(MavenPath.parse("a.b/x/demo/1.0/demo-1.0.jar")).isEmpty();
        assertThat(MavenPath.parse("a/b/demo/1.0/demo-1.0.jar")).isPresent();
        // found by MavenFuzzTest.path too: a folder path (trailing slash) is no file
        assertThat(MavenPath.parse("a/b/demo/1.0/demo-1.0.jar/")).isEmpty();
        assertThat(IvyPath.parse("org.example/demo/1.0/ivys/ivy.xml/")).isEmpty();
        assertThat(IvyPath.parse("org.example/demo/1.0/ivys/ivy.xml")).isPresent();
    }

    @Test
    void releaseWithClassifierAndCompoundExtension() {
        MavenPath p = MavenPath.parse("org/example/demo/1.0/demo-1.0-sources.jar").orElseThrow();
        assertThat(p.groupId()).isEqualTo("org.example");
        assertThat(p.artifactId()).isEqualTo("demo");
        assertThat(p.version()).isEqualTo("1.0");
        assertThat(p.classifier()).isEqualTo("sources");
        assertThat(p.extension()).isEqualTo("jar");
        assertThat(p.snapshot()).isFalse();
        assertThat(p.name()).isEqualTo("org.example:demo");
        assertThat(MavenPath.parse("org/example/demo/1.0/demo-1.0.tar.gz").orElseThrow().extension()).isEqualTo("tar.gz");
        assertThat(MavenPath.parse("org/example/demo/1.0/demo-1.0.jar.asc").orElseThrow().extension()).isEqualTo("jar.asc");
        assertThat(MavenPath.parse("org/example/demo/1.0/demo-1.0.pom").orElseThrow().isPom()).isTrue();
    }

    @Test
    void timestampedAndLiteralSnapshots() {
        MavenPath t = MavenPath.parse("a/b/lib/1.0-SNAPSHOT/lib-1.0-20250101.120000-3.jar").orElseThrow();
        assertThat(t.snapshot()).isTrue();
        assertThat(t.timestamped()).isTrue();
        assertThat(t.timestamp()).isEqualTo("20250101.120000");
        assertThat(t.buildNumber()).isEqualTo(3);
        assertThat(t.fileVersion()).isEqualTo("1.0-20250101.120000-3");
        assertThat(t.classifier()).isNull();
        MavenPath tc = MavenPath.parse("a/b/lib/1.0-SNAPSHOT/lib-1.0-20250101.120000-3-tests.jar").orElseThrow();
        assertThat(tc.classifier()).isEqualTo("tests");
        MavenPath l = MavenPath.parse("a/b/lib/1.0-SNAPSHOT/lib-1.0-SNAPSHOT.pom").orElseThrow();
        assertThat(l.timestamped()).isFalse();
        assertThat(l.fileVersion()).isEqualTo("1.0-SNAPSHOT");
    }

    @Test
    void refusesWhatIsNotTheLayout() {
        assertThat(MavenPath.parse("demo-1.0.jar")).isEmpty();
        assertThat(MavenPath.parse("org/demo/1.0/other-1.0.jar")).isEmpty();
        assertThat(MavenPath.parse("org/demo/1.0/demo-1.1.jar")).isEmpty();
        assertThat(MavenPath.parse("org/demo/1.0/demo-1.0")).isEmpty();
        assertThat(MavenPath.parse("org/demo/1.0/demo-1.0-.jar")).isEmpty();
        assertThat(MavenPath.parse("org/demo/1.0-SNAPSHOT/demo-1.0-2025.jar")).isEmpty();
        assertThat(MavenPath.parse("org/demo/maven-metadata.xml")).isEmpty();
        assertThat(MavenPath.isMetadata("org/demo/maven-metadata.xml")).isTrue();
    }

    @Test
    void checksumSuffixes() {
        assertThat(Checksum.ofPath("a/b-1.jar.sha1")).isEqualTo(Checksum.SHA1);
        assertThat(Checksum.ofPath("a/b-1.jar.sha512")).isEqualTo(Checksum.SHA512);
        assertThat(Checksum.ofPath("a/b-1.jar")).isNull();
        assertThat(Checksum.SHA1.basePath("a/b-1.jar.sha1")).isEqualTo("a/b-1.jar");
        assertThat(Checksum.SHA1.parseUpload("A9993E364706816ABA3E25717850C26C9CD0D89D  abc.txt\n".getBytes()))
                .isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(Checksum.SHA1.parseUpload("nope".getBytes())).isNull();
        assertThat(Checksum.SHA1.of("abc".getBytes())).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    @Test
    void ivyPaths() {
        IvyPath p = IvyPath.parse("org.example/demo/1.0/jars/demo.jar").orElseThrow();
        assertThat(p.name()).isEqualTo("org.example:demo");
        assertThat(p.revision()).isEqualTo("1.0");
        assertThat(p.type()).isEqualTo("jar");
        IvyPath d = IvyPath.parse("org.example/demo/1.0-SNAPSHOT/ivys/ivy.xml").orElseThrow();
        assertThat(d.isIvyDescriptor()).isTrue();
        assertThat(d.mutable()).isTrue();
        IvyPath plugin = IvyPath.parse("org.example/plug/scala_2.12/sbt_1.0/0.1/jars/plug.jar").orElseThrow();
        assertThat(plugin.revision()).isEqualTo("0.1");
        assertThat(IvyPath.parse("org.example/demo/1.0/demo.jar")).isEmpty();
        assertThat(IvyPath.parse("org.example/demo/x/1.0/jars/demo.jar")).isEmpty();
        assertThat(IvyPath.parse("org.example/demo/1.0/jars/noext")).isEmpty();
    }

    /** Found by MavenFuzzTest#path: an empty segment gave an artifact with an empty artifactId. */
    @Test
    void emptySegmentsAreNoArtifactPath() {
        assertThat(MavenPath.parse("ormp//1/-1.0[")).isEmpty();
        assertThat(MavenPath.parse("org//demo/1.0/demo-1.0.jar")).isEmpty();
        assertThat(MavenPath.parse("org/example/demo//demo-.jar")).isEmpty();
        assertThat(MavenPath.parse("org/example/demo/1.0/demo-1.0.jar")).isPresent();
    }

    /** The same for Ivy paths (found by extending MavenFuzzTest#path to IvyPath). */
    @Test
    void emptySegmentsAreNoIvyPath() {
        assertThat(IvyPath.parse("org//1.0/jars/x.jar")).isEmpty();
        assertThat(IvyPath.parse("/demo/1.0/jars/demo.jar")).isEmpty();
        assertThat(IvyPath.parse("org.example/demo/1.0/jars/demo.jar")).isPresent();
    }
}
