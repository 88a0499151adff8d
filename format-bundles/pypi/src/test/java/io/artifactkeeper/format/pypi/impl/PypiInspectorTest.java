package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

class PypiInspectorTest {

    static PypiNames.DistFile dist(String f, String project) {
        return PypiNames.parse(f, project).orElseThrow();
    }

    @Test
    void wheelMetadataIsServedAndDescribed() throws Exception {
        String md = PypiTestArchives.metadata("Demo_Pkg", "1.0", "Requires-Python: >=3.7", "Summary: A demo");
        byte[] whl = PypiTestArchives.wheel("demo_pkg", "1.0", md);
        PypiInspector.Inspection i = PypiInspector.inspect(dist("demo_pkg-1.0-py3-none-any.whl", null), PypiBytes.content(whl));
        assertThat(i.servesMetadata()).isTrue();
        assertThat(i.displayName()).isEqualTo("Demo_Pkg");
        assertThat(i.attributes()).containsEntry(PypiInspector.ATTR_REQUIRES_PYTHON, ">=3.7")
                .containsEntry(PypiInspector.ATTR_SUMMARY, "A demo")
                .containsEntry(PypiInspector.ATTR_METADATA_SHA256, PypiInspector.sha256(md.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void metadataMustAgreeWithTheFileName() throws Exception {
        byte[] whl = PypiTestArchives.wheel("demo", "1.0", PypiTestArchives.metadata("other", "1.0"));
        assertThatThrownBy(() -> PypiInspector.inspect(dist("demo-1.0-py3-none-any.whl", null), PypiBytes.content(whl)))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("other");
        byte[] whl2 = PypiTestArchives.wheel("demo", "1.0", PypiTestArchives.metadata("demo", "2.0"));
        assertThatThrownBy(() -> PypiInspector.inspect(dist("demo-1.0-py3-none-any.whl", null), PypiBytes.content(whl2)))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("2.0");
    }

    @Test
    void sdistMetadataIsServedOnlyWhenReliable() throws Exception {
        byte[] old = PypiTestArchives.tarGz(Map.of("demo-0.1/PKG-INFO",
                PypiTestArchives.metadata("demo", "0.1").getBytes(StandardCharsets.UTF_8)));
        PypiInspector.Inspection i = PypiInspector.inspect(dist("demo-0.1.tar.gz", "demo"), PypiBytes.content(old));
        assertThat(i.metadata().name()).isEqualTo("demo");
        assertThat(i.servesMetadata()).isFalse();
        assertThat(i.attributes()).doesNotContainKey(PypiInspector.ATTR_METADATA_SHA256);

        String v22 = "Metadata-Version: 2.2\nName: demo\nVersion: 0.2\nDynamic: Description\n\n";
        byte[] modern = PypiTestArchives.tarGz(Map.of("demo-0.2/PKG-INFO", v22.getBytes(StandardCharsets.UTF_8)));
        assertThat(PypiInspector.inspect(dist("demo-0.2.tar.gz", "demo"), PypiBytes.content(modern)).servesMetadata()).isTrue();

        String dyn = "Metadata-Version: 2.2\nName: demo\nVersion: 0.3\nDynamic: Requires-Dist\n\n";
        byte[] dynamic = PypiTestArchives.tarGz(Map.of("demo-0.3/PKG-INFO", dyn.getBytes(StandardCharsets.UTF_8)));
        assertThat(PypiInspector.inspect(dist("demo-0.3.tar.gz", "demo"), PypiBytes.content(dynamic)).servesMetadata()).isFalse();
    }

    @Test
    void sdistWithoutPkgInfoIsAcceptedWithoutMetadata() throws Exception {
        byte[] tgz = PypiTestArchives.tarGz(Map.of("demo-0.1/setup.py", new byte[10]));
        PypiInspector.Inspection i = PypiInspector.inspect(dist("demo-0.1.tar.gz", "demo"), PypiBytes.content(tgz));
        assertThat(i.metadata()).isNull();
        assertThat(i.version()).isEqualTo("0.1");
    }

    @Test
    void coreMetadataHeaders() {
        PypiCoreMetadata md = PypiCoreMetadata.parse(("Metadata-Version: 2.1\r\nName: x\r\nLicense: line one\r\n"
                + "        line two\r\nRequires-Dist: a\r\nRequires-Dist: b\r\n\r\nName: not a header\r\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(md.name()).isEqualTo("x");
        assertThat(md.first("license")).isEqualTo("line one\nline two");
        assertThat(md.all("Requires-Dist")).containsExactly("a", "b");
        assertThat(md.requiresPython()).isNull();
        assertThat(PypiCoreMetadata.atLeast("2.3", 2, 2)).isTrue();
        assertThat(PypiCoreMetadata.atLeast("1.2", 2, 2)).isFalse();
    }

    /**
     * Found by PypiFuzzTest#coreMetadata: "Metadata-Version: ." threw ArrayIndexOutOfBounds while an
     * sdist's PKG-INFO was checked (a 500 for the upload); such a version is simply not 2.2 or later.
     */
    @Test
    void aMetadataVersionWithoutNumbersIsNotReliable() throws Exception {
        for (String v : new String[] {".", "..", " . "}) {
            PypiCoreMetadata md = PypiCoreMetadata.parse(("Metadata-Version: " + v + "\nName: demo\nVersion: 1.0\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(md.reliableForSdist()).as(v).isFalse();
        }
        byte[] sdist = PypiTestArchives.tarGz(java.util.Map.of("demo-1.0/PKG-INFO",
                "Metadata-Version: .\nName: demo\nVersion: 1.0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        PypiInspector.Inspection i = PypiInspector.inspect(PypiNames.parse("demo-1.0.tar.gz", null).orElseThrow(),
                PypiBytes.content(sdist));
        assertThat(i.servesMetadata()).isFalse();
    }
}
