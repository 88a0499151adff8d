package io.artifactkeeper.format.nuget.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.InvalidArtifactException;

class NugetNuspecTest {

    private static NugetNuspec parse(String xml) {
        return NugetNuspec.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsMetadataAndDependencyGroupsInAnyNuspecNamespace() {
        NugetNuspec n = parse(NugetTestPackages.nuspec("My.Pkg", "1.0.0-rc.2", "    <dependencies>\n"
                + "      <group targetFramework=\"net6.0\"><dependency id=\"A\" version=\"[1.0, 2.0)\"/></group>\n"
                + "      <group targetFramework=\"netstandard2.0\"/>\n    </dependencies>\n"));
        assertThat(n.id()).isEqualTo("My.Pkg");
        assertThat(n.version().full()).isEqualTo("1.0.0-rc.2");
        assertThat(n.dependencyGroups()).hasSize(2);
        assertThat(n.v2Dependencies()).isEqualTo("A:[1.0, 2.0):net6.0|::netstandard2.0");
        NugetNuspec plain = parse("<package><metadata><id>P</id><version>2.0</version><authors>a</authors>"
                + "<description>d</description><dependencies><dependency id=\"Q\" version=\"1.0\"/></dependencies>"
                + "</metadata></package>");
        assertThat(plain.dependencyGroups()).containsExactly(new NugetNuspec.DependencyGroup("",
                java.util.List.of(new NugetNuspec.Dependency("Q", "1.0"))));
        assertThat(NugetNuspec.fromAttributes(n.attributes())).isEqualTo(n);
    }

    @Test
    void refusesDoctypesDeepNestingAndMissingFields() {
        for (String bad : new String[] {
            "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><package><metadata><id>&x;</id></metadata></package>",
            "<!DOCTYPE p SYSTEM \"http://127.0.0.1:1/x.dtd\"><package/>",
            "<package><metadata><id>X</id><version>1.0</version><authors>a</authors><description>" + "<b>".repeat(5000)
                    + "</description></metadata></package>",
            "<package><metadata><id>X</id><version>1.0</version><description>d</description></metadata></package>",
            "<package><metadata><id>X/../Y</id><version>1.0</version><authors>a</authors><description>d</description></metadata></package>",
            "<other/>", "", "not xml"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad.length() > 80 ? bad.substring(0, 80) : bad)
                    .isInstanceOf(InvalidArtifactException.class);
        }
    }
}
