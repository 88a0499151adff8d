package io.artifactkeeper.format.rubygems.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.rubygems.impl.RubyMarshal.MarshalException;
import io.artifactkeeper.format.rubygems.impl.RubyMarshal.Sym;
import io.artifactkeeper.format.rubygems.impl.RubyMarshal.UserDef;

/**
 * The Marshal reader against bytes Ruby 3.1 wrote ({@code src/test/resources/.../ruby/}, made with
 * {@code Marshal.dump} by the Ruby on this machine), and the writer against the reader and Ruby's bytes.
 */
class RubyMarshalTest {

    static byte[] ruby(String name) throws Exception {
        try (InputStream in = RubyMarshalTest.class.getResourceAsStream("ruby/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsRubysScalarsIntegersAndLinks() throws Exception {
        List<?> v = (List<?>) RubyMarshal.load(ruby("ruby-misc"));
        assertThat(new ArrayList<Object>(v.subList(0, 19))).containsExactly(null, true, false, 0L, 1L, -1L, 122L, 123L, -123L, -124L, 255L, 256L,
                -256L, 65536L, (1L << 30) - 1, -(1L << 30), 1L << 30,
                BigInteger.TWO.pow(64).add(BigInteger.valueOf(5)), BigInteger.TWO.pow(70).negate());
        assertThat(v.get(19)).isEqualTo(1.5);
        // found by RubygemsFuzzTest#marshal: a 4-byte Fixnum beyond 2^30 and the Bignum we write for it are one value
        assertThat(RubyMarshal.load(new byte[] {4, 8, 'i', 4, 0, 0, 0, 0x42})).isEqualTo(0x42000000L);
        assertThat(RubyMarshal.load(RubyMarshal.dump(0x42000000L))).isEqualTo(0x42000000L);
        assertThat(v.get(20)).isEqualTo("bin");
        assertThat(v.get(21)).isEqualTo(new Sym("sym"));
        assertThat(v.get(22)).as("a symbol link").isEqualTo(new Sym("sym"));
        assertThat(v.get(23)).isEqualTo(Map.of("k", List.of(1L, "k")));
        assertThat(v.get(24)).isInstanceOfSatisfying(UserDef.class, t -> assertThat(t.className()).isEqualTo("Time"));
    }

    @Test
    void writesIntegersAsRubyDoes() throws Exception {
        List<?> v = (List<?>) RubyMarshal.load(ruby("ruby-misc"));
        for (Object x : v.subList(0, 19)) {
            assertThat(RubyMarshal.load(RubyMarshal.dump(x))).isEqualTo(x);
        }
        // byte for byte: the first 19 values of Ruby's array are written exactly as Ruby wrote them
        byte[] ours = RubyMarshal.dump(new ArrayList<Object>(v.subList(0, 19)));
        byte[] theirs = ruby("ruby-misc");
        // Ruby's array holds 25 values (length byte 25 + 5 = 30), ours 19 (24): compare what follows the length
        assertThat(Arrays.copyOfRange(ours, 4, ours.length)).isEqualTo(Arrays.copyOfRange(theirs, 4, ours.length));
    }

    /** The dependency API's answer: an array of hashes with symbol keys, written byte for byte as Ruby does. */
    @Test
    void writesTheDependencyAnswerByteForByteAsRuby() throws Exception {
        byte[] theirs = ruby("ruby-deps");
        Object v = RubyMarshal.load(theirs);
        assertThat(RubyMarshal.dump(v)).isEqualTo(theirs);
        Map<Object, Object> first = new LinkedHashMap<>();
        first.put(new Sym("name"), "demo");
        first.put(new Sym("number"), "1.0.0");
        first.put(new Sym("platform"), "ruby");
        first.put(new Sym("dependencies"), List.of(List.of("json", ">= 1.0, < 3")));
        assertThat((List<?>) v).first().isEqualTo(first);
    }

    @Test
    void readsRubysSpecsListWithObjectLinks() throws Exception {
        List<GemMarshalDocs.Tuple> t = GemMarshalDocs.readSpecs(new java.io.ByteArrayInputStream(TestGems.gzip(ruby("ruby-specs.4.8"))));
        assertThat(t).containsExactly(new GemMarshalDocs.Tuple("demo", "1.0.0", "ruby"),
                new GemMarshalDocs.Tuple("demo", "1.1", "ruby"), new GemMarshalDocs.Tuple("other", "1.0.0", "java"));
    }

    @Test
    void readsRubysQuickGemspec() throws Exception {
        assertThat(GemMarshalDocs.readQuickSpec(ruby("ruby-demo-1.0.0.gemspec.rz")))
                .isEqualTo(new GemMarshalDocs.Tuple("demo", "1.0.0", "ruby"));
    }

    @Test
    void refusesWhatIsNotMarshalOrExceedsItsBounds() {
        // a string claiming 2^30 bytes in a 10-byte input
        assertThatThrownBy(() -> RubyMarshal.load(new byte[] {4, 8, '"', 4, 0, 0, 0, 64, 'a'})).isInstanceOf(MarshalException.class);
        // a link to an object never read
        assertThatThrownBy(() -> RubyMarshal.load(new byte[] {4, 8, '@', 6})).isInstanceOf(MarshalException.class);
        // a symbol link to a symbol never read
        assertThatThrownBy(() -> RubyMarshal.load(new byte[] {4, 8, ';', 0})).isInstanceOf(MarshalException.class);
        // not version 4.8
        assertThatThrownBy(() -> RubyMarshal.load(new byte[] {3, 0, '0'})).isInstanceOf(MarshalException.class);
        // nesting beyond the depth bound: [[[[...]]]]
        byte[] deep = new byte[2 + 2 * 100 + 1];
        deep[0] = 4;
        deep[1] = 8;
        for (int i = 0; i < 100; i++) {
            deep[2 + 2 * i] = '[';
            deep[3 + 2 * i] = 6;
        }
        deep[deep.length - 1] = '0';
        assertThatThrownBy(() -> RubyMarshal.load(deep)).isInstanceOf(MarshalException.class).hasMessageContaining("deeper");
        // bytes after the value
        assertThatThrownBy(() -> RubyMarshal.load(new byte[] {4, 8, '0', '0'})).isInstanceOf(MarshalException.class);
    }
}
