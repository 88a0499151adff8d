package io.artifactkeeper.format.go.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

class GoModuleZipTest {

    private static final String P = "example.com/Lib@v1.2.0/";

    private static GoModuleZip.Contents check(RawZip z) throws Exception {
        return check(z.bytes());
    }

    private static GoModuleZip.Contents check(byte[] zip) throws Exception {
        return GoModuleZip.check(ZipBytes.channel(zip), "example.com/Lib", "v1.2.0");
    }

    private void rejected(RawZip z, String why) {
        assertThatThrownBy(() -> check(z)).isInstanceOf(ArchiveException.class).hasMessageContaining(why);
    }

    @Test
    void aProperModuleZip() throws Exception {
        GoModuleZip.Contents c = check(new RawZip().add(P + "go.mod", "module example.com/Lib\n").add(P + "lib.go", "package lib\n")
                .add(P + "LICENSE", "MIT").add(P + "vendor/modules.txt", "# none\n").add(P + "sub/", new byte[0]));
        assertThat(c.files()).isEqualTo(4);
        assertThat(new String(c.goMod().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("module example.com/Lib\n");
        assertThat(check(new RawZip().add(P + "lib.go", "package lib\n")).goMod()).isEmpty();
    }

    @Test
    void everyRule() throws Exception {
        rejected(new RawZip().add("example.com/Lib@v1.2.1/a.go", "x"), "outside the module");
        rejected(new RawZip().add("lib.go", "x"), "outside the module");
        // SafeArchive refuses names that climb out, backslashes and control characters before go's own rules
        rejected(new RawZip().add(P + "../../evil.go", "x"), "unsafe entry name");
        rejected(new RawZip().add(P + "a/./b.go", "x"), "invalid path element");
        rejected(new RawZip().add(P + "a.go", "x").add(P + "a.go", "y"), "duplicate file \"a.go\"");
        rejected(new RawZip().add(P + "README", "x").add(P + "readme", "y"), "case folding");
        rejected(new RawZip().add(P + "a", "x").add(P + "A/b.go", "y"), "collides");
        rejected(new RawZip().add(P + "GO.MOD", "module example.com/Lib\n"), "spelled");
        rejected(new RawZip().add(P + "inner/go.mod", "module example.com/Lib/inner\n").add(P + "inner/x.go", "x"),
                "nested module");
        rejected(new RawZip().add(P + "vendor/example.org/dep/dep.go", "x"), "vendored package");
        rejected(new RawZip().add(P + "a\\b.go", "x"), "unsafe entry name");
        rejected(new RawZip().add(P + "a:b.go", "x"), "invalid char");
        rejected(new RawZip().add(P + "bomb.bin", new byte[10_000_000], 1000), "more than the 1000 bytes");
        rejected(new RawZip().add(P + "short.bin", new byte[10], 1000), "declares 1000");
        rejected(new RawZip().add(P + "huge.bin", new byte[10], 600L << 20), "larger than");
        rejected(new RawZip().add(P + "go.mod", new byte[10], 17L << 20), "at most");
    }

    @Test
    void notAZip() throws Exception {
        assertThatThrownBy(() -> check("hello".getBytes(StandardCharsets.UTF_8))).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("not a zip");
    }

    @Test
    void vendoredPackagesAsTheGoCommandSeesThem() {
        assertThat(GoModuleZip.isVendoredPackageFile("vendor/modules.txt")).isFalse();
        assertThat(GoModuleZip.isVendoredPackageFile("vendor/a/b.go")).isTrue();
        // the go command's offset quirk: it leaves this out of the zips it makes, so no go-made zip has it
        assertThat(GoModuleZip.isVendoredPackageFile("x/vendor/a.go")).isTrue();
        assertThat(GoModuleZip.isVendoredPackageFile("x/vendors/a.go")).isFalse();
        assertThat(GoModuleZip.isVendoredPackageFile("vendorx/a/b.go")).isFalse();
    }

    /**
     * Found by GoFuzzTest#moduleZip: a file too short for a zip end record made ZipFile throw
     * EOFException, which is no ZipException and escaped as an IOException (an upload answered 500);
     * SafeArchive answers it as what it is.
     */
    @Test
    void aFileTooShortForAZipIsRefused() throws Exception {
        for (byte[] b : new byte[][] {new byte[0], "PK".getBytes(StandardCharsets.ISO_8859_1), new byte[21]}) {
            assertThatThrownBy(() -> check(b)).isInstanceOf(ArchiveException.class).hasMessageContaining("not a zip");
        }
    }

    @Test
    void theGoModIsReadBackFromTheStoredZip() throws Exception {
        byte[] z = new RawZip().add(P + "lib.go", "package lib\n").add(P + "go.mod", "module example.com/Lib\n").bytes();
        assertThat(GoModuleZip.goMod(ZipBytes.channel(z), "example.com/Lib", "v1.2.0"))
                .hasValueSatisfying(m -> assertThat(new String(m, StandardCharsets.UTF_8)).isEqualTo("module example.com/Lib\n"));
        assertThat(GoModuleZip.goMod(ZipBytes.channel(new RawZip().add(P + "lib.go", "x").bytes()), "example.com/Lib",
                "v1.2.0")).isEmpty();
    }
}
