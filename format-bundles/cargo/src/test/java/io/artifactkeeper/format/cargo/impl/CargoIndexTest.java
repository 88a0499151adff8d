package io.artifactkeeper.format.cargo.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.InvalidArtifactException;

class CargoIndexTest {

    private static ObjectNode meta(String json) throws Exception {
        return (ObjectNode) CargoIndex.JSON.readTree(json);
    }

    @Test
    void publishMetadataBecomesAnIndexLineWithTheIndexFieldNames() throws Exception {
        ObjectNode m = meta("""
                {"name":"foo","vers":"0.1.0","deps":[
                  {"name":"rand","version_req":"^0.6","features":["i128"],"optional":false,"default_features":true,
                   "target":null,"kind":"normal","registry":null,"explicit_name_in_toml":null},
                  {"name":"ak-base","version_req":"^0.1","features":[],"optional":true,"default_features":false,
                   "target":"cfg(unix)","kind":"build","registry":"sparse+http://h/index/","explicit_name_in_toml":"base"}],
                 "features":{"default":["std"],"std":[],"extra":["dep:base"],"weak":["base?/x"]},
                 "links":"z","rust_version":"1.70","readme":"hello"}""");
        ObjectNode line = CargoIndex.lineFor(m, "ab".repeat(32));
        assertThat(line.toString()).isEqualTo("{\"name\":\"foo\",\"vers\":\"0.1.0\",\"deps\":["
                + "{\"name\":\"rand\",\"req\":\"^0.6\",\"features\":[\"i128\"],\"optional\":false,\"default_features\":true,"
                + "\"target\":null,\"kind\":\"normal\"},"
                + "{\"name\":\"base\",\"req\":\"^0.1\",\"features\":[],\"optional\":true,\"default_features\":false,"
                + "\"target\":\"cfg(unix)\",\"kind\":\"build\",\"registry\":\"sparse+http://h/index/\",\"package\":\"ak-base\"}],"
                + "\"cksum\":\"" + "ab".repeat(32) + "\",\"features\":{\"default\":[\"std\"],\"std\":[]},\"yanked\":false,"
                + "\"links\":\"z\",\"v\":2,\"features2\":{\"extra\":[\"dep:base\"],\"weak\":[\"base?/x\"]},"
                + "\"rust_version\":\"1.70\"}");
    }

    @Test
    void badMetadataIsRefused() throws Exception {
        assertThatThrownBy(() -> CargoIndex.lineFor(meta("{\"name\":\"a\",\"vers\":\"1.0.0\",\"deps\":[{\"name\":\"x\"}]}"), "0"))
                .isInstanceOf(InvalidArtifactException.class).hasMessageContaining("version requirement");
        assertThatThrownBy(() -> CargoIndex.lineFor(meta("{\"name\":\"a\",\"vers\":\"1.0.0\",\"features\":{\"f\":[1]}}"), "0"))
                .isInstanceOf(InvalidArtifactException.class);
    }

    @Test
    void parseMergeAndRoundTrip() throws Exception {
        byte[] a = "{\"name\":\"x\",\"vers\":\"1.0.0\",\"cksum\":\"a\"}\n\n{\"name\":\"x\",\"vers\":\"1.1.0\",\"cksum\":\"a\"}\n"
                .getBytes();
        byte[] b = "{\"name\":\"x\",\"vers\":\"1.1.0\",\"cksum\":\"b\"}\n{\"name\":\"x\",\"vers\":\"2.0.0\",\"cksum\":\"b\"}\n"
                .getBytes();
        List<ObjectNode> merged = CargoIndex.merge(List.of(CargoIndex.parse(new ByteArrayInputStream(a)),
                CargoIndex.parse(new ByteArrayInputStream(b))));
        assertThat(merged).extracting(l -> l.get("vers").asText() + "/" + l.get("cksum").asText())
                .containsExactly("1.0.0/a", "1.1.0/a", "2.0.0/b");
        assertThat(new String(CargoIndex.bytes(merged))).hasLineCount(3);
        assertThat(CargoIndex.findRelease(merged, "1.1.0+meta")).isNotNull();
        assertThat(CargoFormat.maxVersion(merged)).isEqualTo("2.0.0");
    }
}
