package io.artifactkeeper.format.rubygems.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.InvalidArtifactException;

/** The YAML gemspec reader: Ruby's tags tolerated, never turned into Java objects; bounded; strict about identity. */
class GemSpecYamlTest {

    private static GemSpec read(String yaml) {
        return GemSpecYaml.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsWhatGemBuildWrites() {
        GemSpec s = read(TestGems.gemspec("demo", "1.10", "ruby"));
        assertThat(s.name()).isEqualTo("demo");
        assertThat(s.version()).as("1.10 stays text").isEqualTo("1.10");
        assertThat(s.platform()).isEqualTo("ruby");
        assertThat(s.date()).isEqualTo("2026-01-02");
        assertThat(s.authors()).containsExactly("Tess Ter");
        assertThat(s.email()).containsExactly("tess@example.test");
        assertThat(s.licenses()).containsExactly("MIT");
        assertThat(s.metadata()).isEqualTo(Map.of("source_code_uri", "https://example.test/src"));
        assertThat(s.requiredRuby()).containsExactly(new GemSpec.Req(">=", "2.7.0"));
        assertThat(s.dependencies()).containsExactly(
                new GemSpec.Dependency("json", "runtime", List.of(new GemSpec.Req(">=", "1.0"), new GemSpec.Req("<", "3"))),
                new GemSpec.Dependency("rake", "development", List.of(new GemSpec.Req("~>", "13.0"))));
        assertThat(s.runtimeDependencies()).extracting(GemSpec.Dependency::name).containsExactly("json");
    }

    @Test
    void readsOlderAndPlatformShapes() {
        GemSpec s = read("""
                --- !ruby/object:Gem::Specification
                name: native
                version: 2.0.0
                platform: !ruby/object:Gem::Platform
                  cpu: x86_64
                  os: linux
                  version:
                dependencies:
                - !ruby/object:Gem::Dependency
                  name: ffi
                  version_requirements: !ruby/object:Gem::Version::Requirement
                    requirements:
                    - - ">="
                      - !ruby/object:Gem::Version
                        version: 1.2.3
                """);
        assertThat(s.fullName()).isEqualTo("native-2.0.0-x86_64-linux");
        assertThat(s.dependencies().get(0).requirement()).containsExactly(new GemSpec.Req(">=", "1.2.3"));
        assertThat(s.requiredRuby()).isEqualTo(GemSpec.ANY);
    }

    /**
     * Java type tags (global {@code !!} tags) are refused outright by SnakeYAML's tag inspector; Ruby's
     * local tags give the plain value under them, never an object of some class.
     */
    @Test
    void javaTagsAreRefusedAndRubyTagsConstructNothing() {
        assertThatThrownBy(() -> read("""
                name: demo
                version: 1.0.0
                summary: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://x.test/"]]]]
                """)).isInstanceOf(InvalidArtifactException.class).hasMessageContaining("Global tag is not allowed");
        GemSpec s = read("name: demo\nversion: 1.0.0\nsummary: !ruby/object:Kernel [system, 'id']\nhomepage: !ruby/str x\n");
        assertThat(s.summary()).as("a sequence is no summary").isNull();
        assertThat(s.homepage()).isEqualTo("x");
    }

    @Test
    void refusesWhatIsNotAGemspec() {
        for (String bad : List.of("", "- a\n- b\n", "name: demo\n", "name: demo\nversion: '1.0 beta'\n",
                "name: ../x\nversion: 1.0.0\n", "name: demo\nversion: 1.0.0\nplatform: a/b\n",
                "name: demo\nversion: 1.0.0\ndependencies: x\n",
                "name: demo\nversion: 1.0.0\ndependencies:\n- name: x\n  type: :weird\n",
                "name: demo\nversion: 1.0.0\nrequired_ruby_version:\n  requirements:\n  - ['=~', '1']\n",
                "name: demo\nversion: 1.0.0\nspecification_version: four\n", "name: [unclosed\n")) {
            assertThatThrownBy(() -> read(bad)).as(bad).isInstanceOf(InvalidArtifactException.class);
        }
    }

    @Test
    void aliasBombsAndHugeDocumentsAreRefused() {
        StringBuilder bomb = new StringBuilder("name: demo\nversion: 1.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            bomb.append("]\n");
        }
        assertThatThrownBy(() -> read(bomb.toString())).isInstanceOf(InvalidArtifactException.class);
        String huge = "name: demo\nversion: 1.0.0\ndescription: " + "x".repeat(GemSpecYaml.MAX_CODE_POINTS + 10) + "\n";
        assertThatThrownBy(() -> read(huge)).isInstanceOf(InvalidArtifactException.class);
    }
}
