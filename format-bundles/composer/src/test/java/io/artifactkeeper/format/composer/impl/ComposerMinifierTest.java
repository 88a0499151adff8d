package io.artifactkeeper.format.composer.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.format.support.Json;

/** The minified metadata v2: differences only, "__unset" for removed keys, and back. */
class ComposerMinifierTest {

    private static JsonNode parse(String s) throws Exception {
        return Json.readStored(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void minifiesToDifferencesAndExpandsBack() throws Exception {
        List<ObjectNode> versions = List.of(
                (ObjectNode) parse("{\"name\":\"a/b\",\"version\":\"2.0.0\",\"require\":{\"php\":\">=8\"},\"extra\":{\"x\":1}}"),
                (ObjectNode) parse("{\"name\":\"a/b\",\"version\":\"1.0.0\",\"require\":{\"php\":\">=8\"},\"keywords\":[\"k\"]}"),
                (ObjectNode) parse("{\"name\":\"a/b\",\"version\":\"0.9.0\",\"require\":{\"php\":\">=7\"},\"keywords\":[\"k\"]}"));
        ArrayNode min = ComposerMinifier.minify(versions);
        assertThat(min.get(0)).isEqualTo(versions.get(0));
        assertThat(min.get(1).toString()).isEqualTo("{\"version\":\"1.0.0\",\"keywords\":[\"k\"],\"extra\":\"__unset\"}");
        assertThat(min.get(2).toString()).isEqualTo("{\"version\":\"0.9.0\",\"require\":{\"php\":\">=7\"}}");
        assertThat(ComposerMinifier.expand(min)).containsExactlyElementsOf(versions);
    }

    @Test
    void expandRefusesWhatIsNotAListOfObjects() throws Exception {
        assertThatThrownBy(() -> ComposerMinifier.expand(parse("{\"a\":1}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ComposerMinifier.expand(parse("[{\"a\":1},2]"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(ComposerMinifier.expand(parse("[]"))).isEmpty();
    }
}
