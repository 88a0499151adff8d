package io.artifactkeeper.format.nuget.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Hostile-input fuzz targets for the bytes a NuGet client uploads: the .nupkg (a zip read through
 * SafeArchive) and the .nuspec (XML read by the hardened JDK parser). Property: the package's metadata
 * within its bounds (a valid id, a parseable version, bounded fields and dependencies), or the format's
 * 400 with a message; never another exception.
 */
class NugetFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void nupkg(byte[] zip) throws IOException {
        try {
            NugetPackageReader.Read r = NugetPackageReader.read(new SeekableInMemoryByteChannel(zip));
            assertThat(r.nuspecBytes().length).isLessThanOrEqualTo(NugetNuspec.MAX_BYTES);
            checkBounds(r.nuspec());
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void nuspec(byte[] xml) {
        try {
            checkBounds(NugetNuspec.parse(xml));
        } catch (FormatException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    private static void checkBounds(NugetNuspec n) {
        assertThat(NugetNuspec.isValidId(n.id())).isTrue();
        assertThat(NugetVersion.parse(n.version().full())).contains(n.version());
        assertThat(n.description()).isNotBlank().hasSizeLessThanOrEqualTo(NugetNuspec.MAX_TEXT);
        assertThat(n.authors()).isNotBlank().hasSizeLessThanOrEqualTo(NugetNuspec.MAX_TEXT);
        int deps = n.dependencyGroups().stream().mapToInt(g -> g.dependencies().size()).sum();
        assertThat(deps).isLessThanOrEqualTo(NugetNuspec.MAX_DEPENDENCIES);
        // what is kept with the stored package reads back the same
        assertThat(NugetNuspec.fromAttributes(n.attributes())).isEqualTo(n);
    }
}
