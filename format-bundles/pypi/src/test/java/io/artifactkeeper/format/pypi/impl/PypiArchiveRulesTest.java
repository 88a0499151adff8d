package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * What pypi reads from the archives it is sent (through SafeArchive): a wheel's METADATA, an sdist's
 * PKG-INFO, and every entry name checked on the way.
 */
class PypiArchiveRulesTest {

    static PypiNames.DistFile dist(String filename) {
        return PypiNames.parse(filename, null).orElseThrow();
    }

    static byte[] wheelMetadata(byte[] wheel, String filename) throws Exception {
        return PypiInspector.wheelMetadata(PypiBytes.content(wheel), dist(filename));
    }

    @Test
    void readsWheelMetadata() throws Exception {
        String md = PypiTestArchives.metadata("My.Pkg", "1.0", "Requires-Python: >=3.8");
        byte[] whl = PypiTestArchives.wheel("my_pkg", "1.0", md);
        assertThat(new String(wheelMetadata(whl, "my_pkg-1.0-py3-none-any.whl"), StandardCharsets.UTF_8)).isEqualTo(md);
    }

    @Test
    void picksTheDistInfoOfTheFileNameWhenThereAreSeveral() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("other-2.0.dist-info/METADATA", PypiTestArchives.metadata("other", "2.0").getBytes(StandardCharsets.UTF_8));
        m.put("pkg-1.0.dist-info/METADATA", PypiTestArchives.metadata("pkg", "1.0").getBytes(StandardCharsets.UTF_8));
        assertThat(new String(wheelMetadata(PypiTestArchives.zip(m), "pkg-1.0-py3-none-any.whl"), StandardCharsets.UTF_8))
                .contains("Name: pkg");
        Map<String, byte[]> none = new LinkedHashMap<>();
        none.put("a-1.0.dist-info/METADATA", new byte[] {1});
        none.put("b-1.0.dist-info/METADATA", new byte[] {1});
        assertThatThrownBy(() -> wheelMetadata(PypiTestArchives.zip(none), "pkg-1.0-py3-none-any.whl"))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("several .dist-info");
    }

    @Test
    void refusesWhatIsNotAZip() {
        assertThatThrownBy(() -> wheelMetadata("not a zip at all, just text".repeat(5).getBytes(StandardCharsets.UTF_8),
                "pkg-1.0-py3-none-any.whl")).isInstanceOf(ArchiveException.class).hasMessageContaining("not a zip");
        assertThatThrownBy(() -> wheelMetadata(new byte[3], "pkg-1.0-py3-none-any.whl")).isInstanceOf(ArchiveException.class);
    }

    @Test
    void refusesAWheelWithoutMetadata() throws Exception {
        byte[] z = PypiTestArchives.zip(Map.of("pkg/__init__.py", new byte[] {1}));
        assertThatThrownBy(() -> wheelMetadata(z, "pkg-1.0-py3-none-any.whl")).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("no .dist-info/METADATA");
    }

    @Test
    void refusesAMetadataBomb() throws Exception {
        byte[] huge = new byte[PypiInspector.MAX_METADATA_BYTES + 1];
        byte[] z = PypiTestArchives.zip(Map.of("pkg-1.0.dist-info/METADATA", huge));
        assertThat(z.length).isLessThan(100_000);
        // zeros compress beyond SafeArchive's ratio limit before the metadata cap is reached
        assertThatThrownBy(() -> wheelMetadata(z, "pkg-1.0-py3-none-any.whl")).isInstanceOf(ArchiveException.class)
                .hasMessageMatching("(?s).*(at most|expands more than).*");
        byte[] text = ("Name: pkg\n" + "x".repeat(120)).repeat(PypiInspector.MAX_METADATA_BYTES / 100).getBytes(StandardCharsets.UTF_8);
        byte[] z2 = PypiTestArchives.zip(Map.of("pkg-1.0.dist-info/METADATA", text));
        assertThatThrownBy(() -> wheelMetadata(z2, "pkg-1.0-py3-none-any.whl")).isInstanceOf(ArchiveException.class)
                .hasMessageMatching("(?s).*(at most|expands more than).*");
    }

    @Test
    void refusesAMetadataBombThatLiesAboutItsSize() throws Exception {
        byte[] huge = new byte[PypiInspector.MAX_METADATA_BYTES * 4];
        byte[] z = PypiTestArchives.zip(Map.of("pkg-1.0.dist-info/METADATA", huge));
        // make the central directory claim 100 bytes
        int cd = indexOf(z, new byte[] {0x50, 0x4b, 0x01, 0x02}, 0);
        z[cd + 24] = 100;
        z[cd + 25] = 0;
        z[cd + 26] = 0;
        z[cd + 27] = 0;
        assertThatThrownBy(() -> wheelMetadata(z, "pkg-1.0-py3-none-any.whl")).isInstanceOf(ArchiveException.class);
    }

    @Test
    void detectsCorruptEntries() throws Exception {
        byte[] z = PypiTestArchives.wheel("pkg", "1.0", PypiTestArchives.metadata("pkg", "1.0"));
        // the CRC-32 of METADATA, in its central directory entry (the name follows the 46-byte fixed part)
        int cd = indexOf(z, new byte[] {0x50, 0x4b, 0x01, 0x02}, 0);
        int name = indexOf(z, "pkg-1.0.dist-info/METADATA".getBytes(StandardCharsets.US_ASCII), cd);
        z[name - 46 + 16] ^= 0x55;
        assertThatThrownBy(() -> wheelMetadata(z, "pkg-1.0-py3-none-any.whl")).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("CRC");
    }

    @Test
    void findsPkgInfoAnywhereInATarGz() throws Exception {
        String pkgInfo = PypiTestArchives.metadata("demo", "0.1");
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("demo-0.1/setup.py", "x".repeat(3000).getBytes(StandardCharsets.UTF_8));
        m.put("demo-0.1/" + "deep/".repeat(30) + "file.txt", new byte[10]);
        m.put("demo-0.1/src/PKG-INFO", "Name: not this one\n".getBytes(StandardCharsets.UTF_8));
        m.put("demo-0.1/PKG-INFO", pkgInfo.getBytes(StandardCharsets.UTF_8));
        byte[] tgz = PypiTestArchives.tarGz(m);
        assertThat(new String(PypiInspector.tarGzPkgInfo(new ByteArrayInputStream(tgz)), StandardCharsets.UTF_8))
                .isEqualTo(pkgInfo);
        assertThat(PypiInspector.tarGzPkgInfo(new ByteArrayInputStream(PypiTestArchives.tarGz(Map.of("x/y", new byte[1])))))
                .isNull();
    }

    @Test
    void refusesWhatIsNotATarGz() throws Exception {
        assertThatThrownBy(() -> PypiInspector.tarGzPkgInfo(new ByteArrayInputStream("plain".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("gzip");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write("this is not a tar header".repeat(40).getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> PypiInspector.tarGzPkgInfo(new ByteArrayInputStream(out.toByteArray())))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("tar");
        byte[] tgz = PypiTestArchives.tarGz(Map.of("demo-0.1/PKG-INFO", new byte[5000]));
        byte[] cut = Arrays.copyOf(tgz, tgz.length / 2);
        assertThatThrownBy(() -> PypiInspector.tarGzPkgInfo(new ByteArrayInputStream(cut))).isInstanceOf(ArchiveException.class);
    }

    @Test
    void refusesZipSlipEntriesInWheelsAndSdistZips() throws Exception {
        String md = PypiTestArchives.metadata("pkg", "1.0");
        for (String evil : new String[] {"../../evil.py", "pkg/../../evil.py", "/etc/cron.d/x", "pkg\\..\\..\\x.py",
            "C:/Windows/x.dll"}) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("pkg-1.0.dist-info/METADATA", md.getBytes(StandardCharsets.UTF_8));
            m.put(evil, new byte[] {1});
            byte[] z = PypiTestArchives.zip(m);
            assertThatThrownBy(() -> wheelMetadata(z, "pkg-1.0-py3-none-any.whl")).as(evil)
                    .isInstanceOf(ArchiveException.class).hasMessageContaining("unsafe entry name");
            assertThatThrownBy(() -> PypiInspector.zipPkgInfo(PypiBytes.content(z))).as(evil)
                    .isInstanceOf(ArchiveException.class).hasMessageContaining("unsafe entry name");
        }
        // dots inside a name are fine
        Map<String, byte[]> ok = new LinkedHashMap<>();
        ok.put("pkg-1.0.dist-info/METADATA", md.getBytes(StandardCharsets.UTF_8));
        ok.put("pkg/..data/a..b.py", new byte[] {1});
        assertThat(wheelMetadata(PypiTestArchives.zip(ok), "pkg-1.0-py3-none-any.whl")).isNotEmpty();
    }

    @Test
    void refusesTarSlipEntriesAlsoAfterPkgInfo() throws Exception {
        byte[] pkgInfo = PypiTestArchives.metadata("pkg", "1.0").getBytes(StandardCharsets.UTF_8);
        for (String evil : new String[] {"../evil.py", "pkg-1.0/../../evil.py", "/abs.py"}) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("pkg-1.0/PKG-INFO", pkgInfo);
            m.put(evil, new byte[] {1});
            assertThatThrownBy(() -> PypiInspector.tarGzPkgInfo(new ByteArrayInputStream(PypiTestArchives.tarGz(m))))
                    .as(evil).isInstanceOf(ArchiveException.class).hasMessageContaining("unsafe entry name");
        }
        Map<String, byte[]> ok = new LinkedHashMap<>();
        ok.put("pkg-1.0/PKG-INFO", pkgInfo);
        ok.put("pkg-1.0/setup.py", new byte[] {1});
        assertThat(PypiInspector.tarGzPkgInfo(new ByteArrayInputStream(PypiTestArchives.tarGz(ok)))).isEqualTo(pkgInfo);
    }

    private static int indexOf(byte[] b, byte[] what, int from) {
        outer:
        for (int i = from; i <= b.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }
}
