package io.artifactkeeper.format.rubygems.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.rubygems.impl.RubyMarshal.MarshalException;

/**
 * Hostile-input fuzz targets for every parser of client and upstream bytes: the .gem reader, the
 * YAML gemspec reader and the Marshal reader. Property: a result within bounds, or the format's own
 * refusal (a 4xx, a {@link MarshalException}), never another exception.
 */
class RubygemsFuzzTest {

    /** A .gem: refused with a 400, or a gemspec whose name, version and platform pass RubyGems' rules. */
    @FuzzTest(maxDuration = "30s")
    void gem(byte[] gem) throws IOException {
        GemSpec spec;
        try {
            spec = GemArchive.read(new ByteArrayInputStream(gem));
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertValid(spec);
    }

    /** The YAML of metadata.gz: refused with a 400, or a valid gemspec from which a quick gemspec is written. */
    @FuzzTest(maxDuration = "30s")
    void gemspecYaml(byte[] yaml) throws IOException {
        GemSpec spec;
        try {
            spec = GemSpecYaml.read(new ByteArrayInputStream(yaml));
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        assertValid(spec);
        // whatever was accepted is written as a quick gemspec that reads back as the same gem
        assertThat(GemMarshalDocs.readQuickSpec(GemMarshalDocs.quickSpec(spec)))
                .isEqualTo(new GemMarshalDocs.Tuple(spec.name(), spec.version(), spec.platform()));
    }

    /** Marshal from an upstream or a client: a MarshalException, or a value that writes and reads back the same. */
    @FuzzTest(maxDuration = "30s")
    void marshal(byte[] bytes) throws IOException {
        Object v;
        try {
            v = RubyMarshal.load(bytes, new RubyMarshal.Limits(32, 100_000));
        } catch (MarshalException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        if (writable(v, 0)) {
            assertThat(RubyMarshal.load(RubyMarshal.dump(v))).isEqualTo(v);
        }
    }

    /** Values the writer writes as the reader reads them (no self-references, no floats, no byte keys). */
    private static boolean writable(Object v, int depth) {
        if (depth > 30) {
            return false;
        }
        return switch (v) {
            case null -> true;
            case Boolean b -> true;
            case Long l -> true;
            case java.math.BigInteger b -> true;
            case String s -> s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
            case RubyMarshal.Sym s -> s.name().equals(new String(s.name().getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8)) && !s.name().contains("\uFFFD");
            case List<?> l -> l.stream().allMatch(x -> x != v && writable(x, depth + 1));
            case Map<?, ?> m -> m.entrySet().stream().allMatch(e -> e.getKey() != v && e.getValue() != v
                    && !(e.getKey() instanceof RubyMarshal.IdentityKey) && writable(e.getKey(), depth + 1)
                    && writable(e.getValue(), depth + 1));
            default -> false;
        };
    }

    private static void assertValid(GemSpec spec) {
        assertThat(GemNames.isName(spec.name())).isTrue();
        assertThat(GemNames.isVersion(spec.version())).isTrue();
        assertThat(GemNames.isPlatform(spec.platform())).isTrue();
        assertThat(spec.fullName()).doesNotContain("/").doesNotContain("..");
        for (GemSpec.Dependency d : spec.dependencies()) {
            assertThat(GemNames.isName(d.name())).isTrue();
            assertThat(d.requirement()).isNotEmpty();
        }
    }
}
