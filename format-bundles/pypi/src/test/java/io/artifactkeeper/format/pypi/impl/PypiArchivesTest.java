package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.pypi.impl.PypiArchives.InvalidArchiveException;

class PypiArchivesTest {

    static PypiNames.DistFile dist(String filename) {
        return PypiNames.parse(filename, null).orElseThrow();
    }

    @Test
    void readsWheelMetadataFromTheCentralDirectory() throws Exception {
        String md = PypiTestArchives.metadata("My.Pkg", "1.0", "Requires-Python: >=3.8");
        byte[] whl = PypiTestArchives.wheel("my_pkg", "1.0", md);
        byte[] got = PypiArchives.wheelMetadata(PypiByteSource.of(whl), dist("my_pkg-1.0-py3-none-any.whl"));
        assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(md);
    }

    @Test
    void picksTheDistInfoOfTheFileNameWhenThereAreSeveral() throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("other-2.0.dist-info/METADATA", PypiTestArchives.metadata("other", "2.0").getBytes(StandardCharsets.UTF_8));
        m.put("pkg-1.0.dist-info/METADATA", PypiTestArchives.metadata("pkg", "1.0").getBytes(StandardCharsets.UTF_8));
        byte[] got = PypiArchives.wheelMetadata(PypiByteSource.of(PypiTestArchives.zip(m)), dist("pkg-1.0-py3-none-any.whl"));
        assertThat(new String(got, StandardCharsets.UTF_8)).contains("Name: pkg");
    }

    @Test
    void refusesWhatIsNotAZip() {
        assertThatThrownBy(() -> PypiArchives.wheelMetadata(PypiByteSource.of("not a zip at all, just text".repeat(5)
                .getBytes(StandardCharsets.UTF_8)), dist("pkg-1.0-py3-none-any.whl")))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("not a zip");
        assertThatThrownBy(() -> PypiArchives.wheelMetadata(PypiByteSource.of(new byte[3]), dist("pkg-1.0-py3-none-any.whl")))
                .isInstanceOf(InvalidArchiveException.class);
    }

    @Test
    void refusesAWheelWithoutMetadata() throws Exception {
        byte[] z = PypiTestArchives.zip(Map.of("pkg/__init__.py", new byte[] {1}));
        assertThatThrownBy(() -> PypiArchives.wheelMetadata(PypiByteSource.of(z), dist("pkg-1.0-py3-none-any.whl")))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("no .dist-info/METADATA");
    }

    @Test
    void refusesAMetadataBombByItsDeclaredSize() throws Exception {
        byte[] huge = new byte[PypiArchives.MAX_METADATA_BYTES + 1];
        byte[] z = PypiTestArchives.zip(Map.of("pkg-1.0.dist-info/METADATA", huge));
        assertThat(z.length).isLessThan(100_000);
        assertThatThrownBy(() -> PypiArchives.wheelMetadata(PypiByteSource.of(z), dist("pkg-1.0-py3-none-any.whl")))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("at most");
    }

    @Test
    void refusesAMetadataBombThatLiesAboutItsSize() throws Exception {
        byte[] huge = new byte[PypiArchives.MAX_METADATA_BYTES * 4];
        byte[] z = PypiTestArchives.zip(Map.of("pkg-1.0.dist-info/METADATA", huge));
        // make the central directory claim 100 bytes
        List<PypiArchives.ZipEntryInfo> e = PypiArchives.centralDirectory(PypiByteSource.of(z), n -> true);
        int cd = indexOf(z, new byte[] {0x50, 0x4b, 0x01, 0x02});
        z[cd + 24] = 100;
        z[cd + 25] = 0;
        z[cd + 26] = 0;
        z[cd + 27] = 0;
        assertThat(e).hasSize(1);
        assertThatThrownBy(() -> PypiArchives.wheelMetadata(PypiByteSource.of(z), dist("pkg-1.0-py3-none-any.whl")))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("zip bomb");
    }

    @Test
    void detectsCorruptEntries() throws Exception {
        byte[] z = PypiTestArchives.wheel("pkg", "1.0", PypiTestArchives.metadata("pkg", "1.0"));
        int cd = indexOf(z, new byte[] {0x50, 0x4b, 0x01, 0x02});
        // the central directory entry of METADATA: its name follows the 46-byte fixed part
        int name = indexOfFrom(z, "pkg-1.0.dist-info/METADATA".getBytes(StandardCharsets.US_ASCII), cd);
        cd = name - 46;
        z[cd + 16] ^= 0x55;
        assertThatThrownBy(() -> PypiArchives.wheelMetadata(PypiByteSource.of(z), dist("pkg-1.0-py3-none-any.whl")))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("CRC");
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
        assertThat(new String(PypiArchives.tarGzPkgInfo(new ByteArrayInputStream(tgz)).orElseThrow(),
                StandardCharsets.UTF_8)).isEqualTo(pkgInfo);
        assertThat(PypiArchives.tarGzPkgInfo(new ByteArrayInputStream(PypiTestArchives.tarGz(Map.of("x/y", new byte[1])))))
                .isEmpty();
    }

    @Test
    void refusesWhatIsNotATarGz() throws Exception {
        assertThatThrownBy(() -> PypiArchives.tarGzPkgInfo(new ByteArrayInputStream("plain".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("gzip");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write("this is not a tar header".repeat(40).getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> PypiArchives.tarGzPkgInfo(new ByteArrayInputStream(out.toByteArray())))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("tar");
        byte[] tgz = PypiTestArchives.tarGz(Map.of("demo-0.1/PKG-INFO", new byte[5000]));
        byte[] cut = java.util.Arrays.copyOf(tgz, tgz.length / 2);
        assertThatThrownBy(() -> PypiArchives.tarGzPkgInfo(new ByteArrayInputStream(cut)))
                .isInstanceOf(InvalidArchiveException.class);
    }

    @Test
    void paxRecords() throws Exception {
        assertThat(PypiArchives.paxPath("30 path=a/b/c/PKG-INFO-long-x\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("a/b/c/PKG-INFO-long-x");
        assertThatThrownBy(() -> PypiArchives.paxPath("99 path=x\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidArchiveException.class);
    }

    private static int indexOf(byte[] b, byte[] what) {
        return indexOfFrom(b, what, 0);
    }

    private static int indexOfFrom(byte[] b, byte[] what, int from) {
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

    @Test
    void refusesZipSlipEntriesInWheelsAndSdistZips() throws Exception {
        String md = PypiTestArchives.metadata("pkg", "1.0");
        for (String evil : new String[] {"../../evil.py", "pkg/../../evil.py", "/etc/cron.d/x", "pkg\\..\\..\\x.py",
            "C:/Windows/x.dll"}) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("pkg-1.0.dist-info/METADATA", md.getBytes(StandardCharsets.UTF_8));
            m.put(evil, new byte[] {1});
            byte[] z = PypiTestArchives.zip(m);
            assertThatThrownBy(() -> PypiArchives.wheelMetadata(PypiByteSource.of(z), dist("pkg-1.0-py3-none-any.whl")))
                    .as(evil).isInstanceOf(InvalidArchiveException.class).hasMessageContaining("unsafe path");
            assertThatThrownBy(() -> PypiArchives.zipPkgInfo(PypiByteSource.of(z))).as(evil)
                    .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("unsafe path");
        }
        // dots inside a name are fine
        Map<String, byte[]> ok = new LinkedHashMap<>();
        ok.put("pkg-1.0.dist-info/METADATA", md.getBytes(StandardCharsets.UTF_8));
        ok.put("pkg/..data/a..b.py", new byte[] {1});
        assertThat(PypiArchives.wheelMetadata(PypiByteSource.of(PypiTestArchives.zip(ok)), dist("pkg-1.0-py3-none-any.whl")))
                .isNotEmpty();
    }

    @Test
    void refusesTarSlipEntriesAlsoAfterPkgInfo() throws Exception {
        byte[] pkgInfo = PypiTestArchives.metadata("pkg", "1.0").getBytes(StandardCharsets.UTF_8);
        for (String evil : new String[] {"../evil.py", "pkg-1.0/../../evil.py", "/abs.py"}) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("pkg-1.0/PKG-INFO", pkgInfo);
            m.put(evil, new byte[] {1});
            assertThatThrownBy(() -> PypiArchives.tarGzPkgInfo(new ByteArrayInputStream(PypiTestArchives.tarGz(m))))
                    .as(evil).isInstanceOf(InvalidArchiveException.class).hasMessageContaining("unsafe path");
        }
        Map<String, byte[]> ok = new LinkedHashMap<>();
        ok.put("pkg-1.0/PKG-INFO", pkgInfo);
        ok.put("pkg-1.0/setup.py", new byte[] {1});
        assertThat(PypiArchives.tarGzPkgInfo(new ByteArrayInputStream(PypiTestArchives.tarGz(ok)))).contains(pkgInfo);
    }
}
