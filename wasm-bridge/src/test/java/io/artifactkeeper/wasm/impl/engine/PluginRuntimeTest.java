package io.artifactkeeper.wasm.impl.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.wasm.impl.abi.FormatWorld;
import io.artifactkeeper.wasm.impl.abi.WitType.Outcome;

/** The example plugins (built by clang in generate-resources) through the engine, the ABI and the limits. */
class PluginRuntimeTest {
    static WasmEngine engine;

    @BeforeAll
    static void start() {
        engine = WasmEngine.start();
        System.out.printf("engine: %s, started in %d ms%n", engine.implementation(), engine.startMillis());
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static byte[] plugin(String name) throws Exception {
        Path p = Path.of(System.getProperty("ak.wasm.plugins", "target/plugins"), name, "plugin.wasm");
        assertThat(p).as("built by the Maven build (needs clang and lld: apt-get install clang lld)").exists();
        return Files.readAllBytes(p);
    }

    static PluginRuntime runtime(String name, CallLimits limits) throws Exception {
        return new PluginRuntime(engine, name, ModulePreparer.prepare(plugin(name), limits.maxMemoryBytes()), limits);
    }

    static final CallLimits NORMAL = new CallLimits(16 << 20, 1_000_000_000L, 10_000, 8 << 20);

    @Test
    void unityPackageFunctions() throws Exception {
        try (PluginRuntime rt = runtime("unitypkg", NORMAL)) {
            assertThat(rt.call(FormatWorld.FORMAT_KEY, List.of())).isEqualTo("unitypkg");
            byte[] gz = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            Outcome ok = (Outcome) rt.call(FormatWorld.VALIDATE, List.of("tools/cool-tool-1.2.3.unitypackage", gz));
            assertThat(ok.ok()).isTrue();
            Outcome bad = (Outcome) rt.call(FormatWorld.VALIDATE, List.of("x-1.0.unitypackage", "plain".getBytes()));
            assertThat(bad.ok()).isFalse();
            assertThat((String) bad.value()).contains("gzip");
            Outcome md = (Outcome) rt.call(FormatWorld.PARSE_METADATA, List.of("tools/cool-tool-1.2.3.unitypackage", gz));
            assertThat(md.ok()).isTrue();
            List<?> m = (List<?>) md.value();
            assertThat(m.get(0)).isEqualTo("tools/cool-tool-1.2.3.unitypackage");
            assertThat(m.get(1)).isEqualTo("1.2.3");
            assertThat(m.get(2)).isEqualTo("application/vnd.unity.package+gzip");
            assertThat(m.get(3)).isEqualTo((long) gz.length);
            Outcome idx = (Outcome) rt.call(FormatWorld.GENERATE_INDEX, List.of(List.of(
                    Arrays.asList("a/cool-tool-1.2.3.unitypackage", "1.2.3", "application/gzip", 19L, "ab".repeat(32)),
                    Arrays.asList("b/other-0.1.unitypackage", null, "application/gzip", 7L, null))));
            assertThat(idx.ok()).isTrue();
            List<?> files = (List<?>) idx.value();
            List<?> f = (List<?>) files.get(0);
            assertThat(f.get(0)).isEqualTo("index.json");
            String json = new String((byte[]) f.get(1), StandardCharsets.UTF_8);
            assertThat(json).contains("\"name\":\"cool-tool\"", "\"version\":\"1.2.3\"", "\"sha256\":\"" + "ab".repeat(32))
                    .contains("\"name\":\"other\"");
        }
    }

    @Test
    void wheelhouseServesASimpleIndex() throws Exception {
        try (PluginRuntime rt = runtime("wheelhouse", NORMAL)) {
            List<Object> arts = List.of(Arrays.asList("demo_pkg-1.0.0-py3-none-any.whl", "1.0.0", "application/zip", 10L,
                    "cd".repeat(32)));
            List<Object> req = List.of("GET", "/simple/demo-pkg/", "", List.of(), new byte[0]);
            List<Object> ctx = List.of("py", "http://h/ext/wheelhouse/py", "http://h/api/v1/repositories/py/download");
            Outcome r = (Outcome) rt.call(FormatWorld.HANDLE_REQUEST, List.of(req, ctx, arts));
            assertThat(r.ok()).isTrue();
            List<?> resp = (List<?>) r.value();
            assertThat(resp.get(0)).isEqualTo(200);
            String html = new String((byte[]) resp.get(2), StandardCharsets.UTF_8);
            assertThat(html).contains("href=\"http://h/api/v1/repositories/py/download/demo_pkg-1.0.0-py3-none-any.whl#sha256="
                    + "cd".repeat(32) + "\"");
            Outcome root = (Outcome) rt.call(FormatWorld.HANDLE_REQUEST, List.of(List.of("GET", "/simple/", "", List.of(),
                    new byte[0]), ctx, arts));
            assertThat(new String((byte[]) ((List<?>) root.value()).get(2), StandardCharsets.UTF_8)).contains("demo-pkg/");
        }
    }

    @Test
    void aLoopRunsOutOfFuel() throws Exception {
        try (PluginRuntime rt = runtime("runaway", new CallLimits(8 << 20, 20_000_000L, 60_000, 1 << 20))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> rt.call(FormatWorld.PARSE_METADATA, List.of("loop", new byte[0])))
                    .isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.kind()).isEqualTo(PluginCallException.Kind.FUEL))
                    .hasMessageContaining("ran out of fuel");
            System.out.printf("fuel of 20M ran out after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            // the plugin still works afterwards
            Outcome ok = (Outcome) rt.call(FormatWorld.PARSE_METADATA, List.of("fine", new byte[3]));
            assertThat(ok.ok()).isTrue();
        }
    }

    @Test
    void aLoopHitsTheTimeLimitWithoutFuelLimit() throws Exception {
        try (PluginRuntime rt = runtime("runaway", new CallLimits(8 << 20, Long.MAX_VALUE, 500, 1 << 20))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> rt.call(FormatWorld.PARSE_METADATA, List.of("loop", new byte[0])))
                    .isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.kind()).isEqualTo(PluginCallException.Kind.TIMEOUT))
                    .hasMessageContaining("time limit of 500 ms");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
            assertThat(((Outcome) rt.call(FormatWorld.PARSE_METADATA, List.of("fine", new byte[3]))).ok()).isTrue();
        }
    }

    @Test
    void memoryBombTrapAndMalformedResults() throws Exception {
        try (PluginRuntime rt = runtime("runaway", new CallLimits(8 << 20, 5_000_000_000L, 20_000, 1 << 20))) {
            assertThatThrownBy(() -> rt.call(FormatWorld.PARSE_METADATA, List.of("bomb", new byte[0])))
                    .isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.kind()).isEqualTo(PluginCallException.Kind.MEMORY))
                    .hasMessageContaining("memory limit of 8388608 bytes");
            assertThatThrownBy(() -> rt.call(FormatWorld.PARSE_METADATA, List.of("trap", new byte[0])))
                    .isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.kind()).isEqualTo(PluginCallException.Kind.TRAP));
            assertThatThrownBy(() -> rt.call(FormatWorld.PARSE_METADATA, List.of("wild", new byte[0])))
                    .isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.kind()).isEqualTo(PluginCallException.Kind.MALFORMED))
                    .hasMessageContaining("outside the plugin's memory");
            assertThatThrownBy(() -> rt.call(FormatWorld.PARSE_METADATA, List.of("badutf8", new byte[0])))
                    .isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.kind()).isEqualTo(PluginCallException.Kind.MALFORMED))
                    .hasMessageContaining("UTF-8");
            assertThat(((Outcome) rt.call(FormatWorld.PARSE_METADATA, List.of("fine", new byte[3]))).ok()).isTrue();
        }
    }

    @Test
    void costs() throws Exception {
        try (PluginRuntime rt = runtime("wheelhouse", NORMAL)) {
            rt.call(FormatWorld.FORMAT_KEY, List.of());
            long t0 = System.nanoTime();
            int n = 2000;
            for (int i = 0; i < n; i++) {
                rt.call(FormatWorld.FORMAT_KEY, List.of());
            }
            double perCall = (System.nanoTime() - t0) / 1e3 / n;
            byte[] mib = new byte[1 << 20];
            mib[0] = 'P';
            mib[1] = 'K';
            mib[2] = 3;
            mib[3] = 4;
            long t1 = System.nanoTime();
            rt.call(FormatWorld.VALIDATE, List.of("x-1.0-py3-none-any.whl", mib));
            double mibMs = (System.nanoTime() - t1) / 1e6;
            // a compute-bound call: the simple index over 1000 distributions, warmed up
            List<Object> arts = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                arts.add(Arrays.asList("pkg_" + (i % 300) + "-1." + i + "-py3-none-any.whl", "1." + i, "application/zip", 10L,
                        "ab".repeat(32)));
            }
            List<Object> req = List.of("GET", "/simple/", "", List.of(), new byte[0]);
            List<Object> ctx = List.of("py", "http://h/ext/wheelhouse/py", "http://h/api/v1/repositories/py/download");
            double first = 0;
            double last = 0;
            for (int i = 0; i < 30; i++) {
                long t2 = System.nanoTime();
                Outcome r = (Outcome) rt.call(FormatWorld.HANDLE_REQUEST, List.of(req, ctx, arts));
                last = (System.nanoTime() - t2) / 1e6;
                if (i == 0) {
                    first = last;
                }
                assertThat(r.ok()).isTrue();
            }
            System.out.printf("%s: context instantiation avg %.2f ms over %d; format-key call %.1f us; validate of 1 MiB %.1f ms; "
                    + "simple index of 1000 files: first %.1f ms, 30th %.1f ms%n",
                    engine.implementation(), rt.averageInstantiationMillis(), rt.instantiations(), perCall, mibMs, first, last);
            assertThat(perCall).isLessThan(5_000);
        }
    }
}
