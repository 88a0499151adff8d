package io.artifactkeeper.wasm.impl.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ModulePreparerTest {

    static byte[] plugin(String name) throws Exception {
        return Files.readAllBytes(Path.of(System.getProperty("ak.wasm.plugins", "target/plugins"), name, "plugin.wasm"));
    }

    /** A component: header 0d 00 01 00, then the given sections. */
    static byte[] component(int[] ids, byte[][] contents) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {0, 'a', 's', 'm', 0x0d, 0, 1, 0});
        for (int i = 0; i < ids.length; i++) {
            o.write(ids[i]);
            WasmBinary.writeU32(o, contents[i].length);
            o.writeBytes(contents[i]);
        }
        return o.toByteArray();
    }

    @Test
    void examplesAreValidMeteredAndCapped() throws Exception {
        ModulePreparer.Prepared p = ModulePreparer.prepare(plugin("unitypkg"), 4 << 20);
        assertThat(p.fuelMetered()).isTrue();
        assertThat(p.maxPages()).isEqualTo(64);
        assertThat(p.requestHandler()).isFalse();
        assertThat(p.unwrappedComponent()).isFalse();
        assertThat(ModulePreparer.prepare(plugin("wheelhouse"), 4 << 20).requestHandler()).isTrue();
    }

    @Test
    void aComponentWrappingOneModuleIsUnwrapped() throws Exception {
        byte[] core = plugin("unitypkg");
        byte[] c = component(new int[] {0, 1, 11}, new byte[][] {{4, 'n', 'a', 'm', 'e'}, core, {0}});
        ModulePreparer.Prepared p = ModulePreparer.prepare(c, 4 << 20);
        assertThat(p.unwrappedComponent()).isTrue();
        assertThat(p.fuelMetered()).isTrue();
    }

    @Test
    void otherComponentsAreRefusedWithAdvice() throws Exception {
        byte[] core = plugin("unitypkg");
        assertThatThrownBy(() -> ModulePreparer.prepare(component(new int[] {1, 1}, new byte[][] {core, core}), 4 << 20))
                .isInstanceOf(InvalidModuleException.class).hasMessageContaining("2 core modules")
                .hasMessageContaining("core module instead");
        assertThatThrownBy(() -> ModulePreparer.prepare(component(new int[] {10, 1}, new byte[][] {{0}, core}), 4 << 20))
                .hasMessageContaining("has imports");
    }

    @Test
    void refusesWhatBreaksTheContract() throws Exception {
        assertThatThrownBy(() -> ModulePreparer.prepare("not wasm".getBytes(), 1 << 20)).hasMessageContaining("not a WebAssembly");
        // a module with memory but without the handler exports
        byte[] empty = {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0};
        assertThatThrownBy(() -> ModulePreparer.prepare(empty, 1 << 20)).hasMessageContaining("does not export 'cabi_realloc'");
        // initial memory larger than the cap
        assertThatThrownBy(() -> ModulePreparer.prepare(plugin("unitypkg"), 65536)).hasMessageContaining("memory starts at");
    }
}
