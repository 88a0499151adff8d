package io.artifactkeeper.format.go.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile-input fuzz targets for what the go command (or an attacker) sends: a module zip (checked
 * against Go's module zip rules), go.mod, GOPROXY request paths and versions. Property: a result or
 * the format's refusal ({@link GoModuleZip.InvalidModuleZipException}, {@link GoRoute.BadEncodingException}:
 * both 4xx), never another exception; no accepted file path escapes the module root.
 */
class GoFuzzTest {
    private static Path zipFile;

    @BeforeAll
    static void tempFile() throws IOException {
        zipFile = Files.createTempFile("go-fuzz", ".zip");
    }

    @AfterAll
    static void removeTempFile() throws IOException {
        Files.deleteIfExists(zipFile);
    }

    @FuzzTest(maxDuration = "30s")
    void moduleZip(byte[] zip) throws IOException {
        Files.write(zipFile, zip);
        try {
            GoModuleZip.Contents c = GoModuleZip.check(zipFile, "example.com/demo", "v1.0.0");
            assertThat(c.unpackedBytes()).isNotNegative();
            c.goMod().ifPresent(m -> assertThat(m.length).isLessThanOrEqualTo((int) GoModuleZip.MAX_GO_MOD));
        } catch (GoModuleZip.InvalidModuleZipException e) {
            // 400
        }
    }

    @FuzzTest(maxDuration = "30s")
    void goMod(byte[] goMod) {
        try {
            // 'module ""' declares an empty path: the upload compares it with its URL and refuses it (400)
            GoModFile.modulePath(goMod).ifPresent(p -> assertThat(p).doesNotContain("\n"));
        } catch (IllegalArgumentException e) {
            // its documented refusal (not UTF-8), which the upload turns into a 400
            assertThat(e.getMessage()).contains("go.mod");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void route(byte[] raw) {
        String path = new String(raw, StandardCharsets.UTF_8);
        GoRoute r;
        try {
            r = GoRoute.parse(path).orElse(null);
        } catch (GoRoute.BadEncodingException e) {
            return;
        }
        if (r == null || r.problem() != null) {
            return;
        }
        for (String seg : r.module().split("/")) {
            assertThat(seg).isNotIn(".", "..");
        }
        if (r.version() != null) {
            String stored = GoRoute.filePath(r.module(), r.version(), r.kind() == GoRoute.Kind.LIST
                    || r.kind() == GoRoute.Kind.LATEST ? GoRoute.Kind.MOD : r.kind());
            for (String seg : stored.split("/")) {
                assertThat(seg).isNotIn(".", "..");
            }
            assertThat(stored).doesNotContain("\\");
        }
        GoModulePath.escape(r.module());
    }

    @FuzzTest(maxDuration = "30s")
    void version(byte[] raw) {
        String s = new String(raw, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        String a = nl < 0 ? s : s.substring(0, nl);
        String b = nl < 0 ? "v1.0.0" : s.substring(nl + 1);
        var va = GoVersion.parseCanonical(a);
        var vb = GoVersion.parseCanonical(b);
        if (va.isPresent() && vb.isPresent()) {
            int c = GoVersion.compare(va.get(), vb.get());
            assertThat(Integer.signum(GoVersion.compare(vb.get(), va.get()))).isEqualTo(-Integer.signum(c));
        }
        GoModulePath.checkModulePath(a);
        GoModulePath.checkFilePath(b);
        GoModulePath.unescape(a).ifPresent(u -> assertThat(GoModulePath.unescape(GoModulePath.escape(u))).contains(u));
    }
}
