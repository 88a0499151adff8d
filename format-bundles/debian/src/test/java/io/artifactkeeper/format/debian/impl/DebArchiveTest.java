package io.artifactkeeper.format.debian.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.InvalidArtifactException;

/** Packages that dpkg-deb built (the fuzz seeds: control.tar.gz, .xz and .zst) read as dpkg reads them. */
class DebArchiveTest {
    private static InputStream seed(String name) {
        return DebArchiveTest.class.getResourceAsStream("DebianFuzzTestInputs/deb/" + name);
    }

    @Test
    void readsWhatDpkgDebBuilt() throws IOException {
        for (String f : new String[] {"seed.deb", "seed-xz.deb", "seed-zst.deb"}) {
            DebPackage p;
            try (InputStream in = seed(f)) {
                p = DebArchive.readControl(in);
            }
            assertThat(p.name()).isEqualTo("seed");
            assertThat(p.version()).isEqualTo("1:1.0-1");
            assertThat(p.architecture()).isEqualTo("all");
            assertThat(p.fileName()).as("the epoch is not part of the file name").isEqualTo("seed_1.0-1_all.deb");
            assertThat(p.poolPath("main")).isEqualTo("pool/main/s/seed/seed_1.0-1_all.deb");
            assertThat(p.control().get("Description")).isEqualTo("seed\n a seed package");
            try (InputStream in = seed(f)) {
                DebArchive.checkComplete(in);
            }
        }
    }

    @Test
    void controlParagraphsFollowPolicy() {
        Deb822.Paragraph p = Deb822.single("Package: x1\nDescription: short\n long\n .\n more\n");
        assertThat(p.simple("description")).isEqualTo("short");
        assertThat(p.text()).isEqualTo("Package: x1\nDescription: short\n long\n .\n more\n");
        assertThatThrownBy(() -> Deb822.single("Package: a\nPackage: b\n")).isInstanceOf(InvalidArtifactException.class);
        assertThatThrownBy(() -> Deb822.single(" continuation first\n")).isInstanceOf(InvalidArtifactException.class);
        assertThatThrownBy(() -> Deb822.single("no colon here\n")).isInstanceOf(InvalidArtifactException.class);
        assertThatThrownBy(() -> Deb822.single("A: 1\n\nB: 2\n")).isInstanceOf(InvalidArtifactException.class);
        assertThat(Deb822.parse("A: 1\n\n\nB: 2\n")).hasSize(2);
        assertThatThrownBy(() -> DebPackage.of(Deb822.single("Package: x1\nVersion: 1\nArchitecture: amd64\n Source: y\n")))
                .isInstanceOf(InvalidArtifactException.class);
    }
}
