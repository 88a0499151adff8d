package io.artifactkeeper.format.oci.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OciJsonTest {

    @Test
    void parsesAllValueKinds() throws Exception {
        Object v = OciJson.parse(" {\"a\":[1,-2.5e3,true,false,null],\"s\":\"x\\u00e9\\n\\\"\",\"o\":{}} ");
        Map<String, Object> m = OciJson.object(v);
        assertThat(m).containsOnlyKeys("a", "s", "o");
        assertThat(OciJson.array(m.get("a"))).containsExactly(1L, new BigDecimal("-2.5e3"), true, false, OciJson.NULL);
        assertThat(m.get("s")).isEqualTo("x\u00e9\n\"");
        assertThat(OciJson.object(m.get("o"))).isEmpty();
    }

    @Test
    void refusesMalformedInput() {
        for (String bad : new String[] {"", "{", "{\"a\":1,}", "[1 2]", "{\"a\":1}x", "{'a':1}", "01", "\"\u0001\"",
            "{\"a\":1,\"a\":2}", "tru", "[" .repeat(100) + "]".repeat(100)}) {
            assertThatThrownBy(() -> OciJson.parse(bad)).as(bad).isInstanceOf(OciJson.JsonException.class);
        }
        assertThatThrownBy(() -> OciJson.parse(new byte[] {'"', (byte) 0xff, '"'})).isInstanceOf(OciJson.JsonException.class);
    }

    @Test
    void writesAndReadsBack() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a\"b\\c\td");
        m.put("list", List.of(1L, "x", Map.of("k", true)));
        m.put("nothing", null);
        String json = OciJson.write(m);
        assertThat(json).isEqualTo("{\"name\":\"a\\\"b\\\\c\\td\",\"list\":[1,\"x\",{\"k\":true}],\"nothing\":null}");
        assertThat(OciJson.object(OciJson.parse(json.getBytes(StandardCharsets.UTF_8))).get("name")).isEqualTo("a\"b\\c\td");
    }

    /** Found by OciFuzzTest#json: BigDecimal's NumberFormatException escaped (a 500 for a manifest PUT). */
    @Test
    void aNumberWithAnExponentBeyondRangeIsMalformedJson() {
        for (String bad : new String[] {"1e99999999999", "[0.5E-2147483649]", "{\"size\":1e1000890123456}"}) {
            assertThatThrownBy(() -> OciJson.parse(bad)).as(bad).isInstanceOf(OciJson.JsonException.class)
                    .hasMessageContaining("out of range");
        }
    }
}
