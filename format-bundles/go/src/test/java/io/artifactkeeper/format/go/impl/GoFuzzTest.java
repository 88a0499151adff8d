package io.artifactkeeper.format.go.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.RouteTable;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * Hostile-input fuzz targets for what the go command (or an attacker) sends: a module zip (read in
 * place through SafeArchive and checked against Go's module zip rules), go.mod, .info, GOPROXY request
 * paths (matched by the format's routes, then decoded) and versions. Property of each: a result or the
 * format's own 4xx refusal ({@link ArchiveException} and {@link InvalidArtifactException}, both 400;
 * {@link GoRoute.BadEncodingException}, 400), never another exception (a 500); output bounded by the
 * input or the module limits; no accepted file path escapes the module root.
 */
class GoFuzzTest {
    private static final int MAX_INPUT = 1 << 20;
    private static final RouteTable ROUTES = new RouteTable(new GoFormat().routes());

    @FuzzTest(maxDuration = "30s")
    void moduleZip(byte[] zip) throws IOException {
        if (zip.length > MAX_INPUT) {
            return;
        }
        try {
            GoModuleZip.Contents c = GoModuleZip.check(ZipBytes.channel(zip), "example.com/demo", "v1.0.0");
            assertThat(c.unpackedBytes()).isBetween(0L, GoModuleZip.MAX_ZIP);
            assertThat(c.files()).isNotNegative();
            c.goMod().ifPresent(m -> assertThat((long) m.length).isLessThanOrEqualTo(GoModuleZip.MAX_GO_MOD));
            // what check accepted, goMod reads back the same
            assertThat(GoModuleZip.goMod(ZipBytes.channel(zip), "example.com/demo", "v1.0.0").isPresent())
                    .isEqualTo(c.goMod().isPresent());
        } catch (ArchiveException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(2000);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void goMod(byte[] goMod) {
        try {
            // 'module ""' declares an empty path: the upload compares it with its URL and refuses it (400)
            GoModFile.modulePath(goMod).ifPresent(p -> {
                assertThat(p).doesNotContain("\n");
                assertThat(p.length()).isLessThanOrEqualTo(goMod.length);
            });
        } catch (IllegalArgumentException e) {
            // its documented refusal (not UTF-8), which the upload turns into a 400
            assertThat(e.getMessage()).contains("go.mod");
        }
    }

    /** An uploaded .info, as the upload checks it: accepted, or a 400 naming the problem. */
    @FuzzTest(maxDuration = "30s")
    void info(byte[] info) throws Exception {
        GoRoute route = GoRoute.parse("example.com/demo/@v/v1.0.0.info").orElseThrow();
        try {
            GoUploads.checkInfo(info, route);
            assertThat(GoVersions.parseInfoVersion(info)).hasValueSatisfying(v -> assertThat(v.text()).isEqualTo("v1.0.0"));
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).hasSizeLessThan(4000);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void route(byte[] raw) throws GoRoute.BadEncodingException {
        String path = new String(raw, StandardCharsets.UTF_8);
        if (!(ROUTES.match("GET", path) instanceof RouteTable.Matched m) || m.match().is("sumdb")) {
            return;
        }
        GoRoute r;
        try {
            GoRoute.Kind kind = GoRoute.Kind.valueOf(m.match().name().toUpperCase(java.util.Locale.ROOT));
            r = GoRoute.of(kind, m.match().param("module"),
                    m.match().route().variables().contains("version") ? m.match().param("version") : null).orElse(null);
        } catch (GoRoute.BadEncodingException e) {
            return;
        }
        if (r == null || r.problem() != null) {
            return;
        }
        for (String seg : r.module().split("/")) {
            assertThat(seg).isNotIn(".", "..");
        }
        String stored = r.storagePath();
        for (String seg : stored.split("/")) {
            assertThat(seg).isNotIn(".", "..");
        }
        assertThat(stored).doesNotContain("\\").hasSizeLessThanOrEqualTo(2 * path.length() + 16);
        assertThat(GoRoute.parse(stored)).hasValueSatisfying(again -> assertThat(again.module()).isEqualTo(r.module()));
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
            assertThat(va.get().text()).isEqualTo(a);
        }
        GoModulePath.checkModulePath(a).ifPresent(m -> assertThat(m.length()).isLessThanOrEqualTo(a.length() * 2 + 200));
        GoModulePath.checkFilePath(b).ifPresent(m -> assertThat(m.length()).isLessThanOrEqualTo(b.length() * 2 + 200));
        GoModulePath.unescape(a).ifPresent(u -> assertThat(GoModulePath.unescape(GoModulePath.escape(u))).contains(u));
    }
}
