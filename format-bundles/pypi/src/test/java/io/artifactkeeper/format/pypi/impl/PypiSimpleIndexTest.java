package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PypiSimpleIndexTest {
    static final String SHA = "a".repeat(64);
    static final String MSHA = "b".repeat(64);

    static PypiProjectPage page() {
        return new PypiProjectPage("demo", List.of(
                new PypiProjectPage.File("demo-1.0-py3-none-any.whl", "1.0", null, Map.of("sha256", SHA), ">=3.8,<4",
                        true, Map.of("sha256", MSHA), false, null, 1234L, "2024-01-02T03:04:05.000000Z"),
                new PypiProjectPage.File("demo-0.9.tar.gz", "0.9", null, Map.of("sha256", SHA), null, false, Map.of(),
                        true, "broken <build>", 99L, null)),
                List.of());
    }

    static String url(PypiProjectPage.File f) {
        return "http://h/pypi/r/packages/demo/" + f.version() + "/" + f.filename();
    }

    @Test
    void htmlHasHashesEscapedRequiresPythonMetadataAndYanked() {
        String html = PypiSimpleIndex.renderProjectPage(page(), PypiMediaType.HTML, PypiSimpleIndexTest::url);
        assertThat(html).contains("<meta name=\"pypi:repository-version\" content=\"1.1\">");
        assertThat(html).contains("href=\"http://h/pypi/r/packages/demo/1.0/demo-1.0-py3-none-any.whl#sha256=" + SHA + "\"");
        assertThat(html).contains("data-requires-python=\"&gt;=3.8,&lt;4\"");
        assertThat(html).contains("data-dist-info-metadata=\"sha256=" + MSHA + "\"");
        assertThat(html).contains("data-core-metadata=\"sha256=" + MSHA + "\"");
        assertThat(html).contains("data-yanked=\"broken &lt;build&gt;\"");
        assertThat(html).contains(">demo-0.9.tar.gz</a>");
    }

    @Test
    void jsonFollowsPep691AndPep700() throws Exception {
        String json = PypiSimpleIndex.renderProjectPage(page(), PypiMediaType.JSON, PypiSimpleIndexTest::url);
        @SuppressWarnings("unchecked")
        Map<String, Object> root = io.artifactkeeper.format.support.Json.mapper().readValue(json, Map.class);
        assertThat(root.get("meta")).isEqualTo(Map.of("api-version", "1.1"));
        assertThat(root.get("name")).isEqualTo("demo");
        assertThat(root.get("versions")).isEqualTo(List.of("1.0", "0.9"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) root.get("files");
        assertThat(files.get(0)).containsEntry("requires-python", ">=3.8,<4")
                .containsEntry("core-metadata", Map.of("sha256", MSHA))
                .containsEntry("dist-info-metadata", Map.of("sha256", MSHA))
                .containsEntry("yanked", false).containsEntry("size", 1234)
                .containsEntry("hashes", Map.of("sha256", SHA))
                .containsEntry("upload-time", "2024-01-02T03:04:05.000000Z");
        assertThat(files.get(1)).containsEntry("yanked", "broken <build>").doesNotContainKey("core-metadata");
    }

    @Test
    void readsBackWhatItWritesInBothForms() throws Exception {
        URI base = URI.create("http://up/simple/demo/");
        for (PypiMediaType t : PypiMediaType.values()) {
            String body = PypiSimpleIndex.renderProjectPage(page(), t, PypiSimpleIndexTest::url);
            PypiProjectPage p = PypiSimpleIndex.parseProjectPage(body, t.contentType, base, "demo");
            assertThat(p.files()).hasSize(2);
            PypiProjectPage.File w = p.file("demo-1.0-py3-none-any.whl");
            assertThat(w.url()).isEqualTo("http://h/pypi/r/packages/demo/1.0/demo-1.0-py3-none-any.whl");
            assertThat(w.sha256()).isEqualTo(SHA);
            assertThat(w.requiresPython()).isEqualTo(">=3.8,<4");
            assertThat(w.hasMetadata()).isTrue();
            assertThat(w.metadataHashes()).containsEntry("sha256", MSHA);
            assertThat(w.version()).isEqualTo("1.0");
            PypiProjectPage.File s = p.file("demo-0.9.tar.gz");
            assertThat(s.yanked()).isTrue();
            assertThat(s.yankedReason()).isEqualTo("broken <build>");
            assertThat(s.hasMetadata()).isFalse();
        }
    }

    @Test
    void resolvesRelativeLinksAndBaseAndOtherHosts() throws Exception {
        String html = "<html><body><!-- <a href=\"nope\">x</a> -->"
                + "<a href=\"../../packages/aa/bb/demo-1.0.tar.gz#sha256=ABC\" data-requires-python=\"&gt;=3\">demo-1.0.tar.gz</a>\n"
                + "<A HREF='https://files.example/x/demo-1.1-py3-none-any.whl' data-dist-info-metadata=true>"
                + "demo-1.1-py3-none-any.whl</A><a href=\"javascript:alert(1)\">demo-6.tar.gz</a></body></html>";
        PypiProjectPage p = PypiSimpleIndex.parseProjectHtml(html, URI.create("https://pypi.example/simple/demo/"), "demo");
        assertThat(p.files()).extracting(PypiProjectPage.File::filename)
                .containsExactly("demo-1.0.tar.gz", "demo-1.1-py3-none-any.whl");
        assertThat(p.files().get(0).url()).isEqualTo("https://pypi.example/packages/aa/bb/demo-1.0.tar.gz");
        assertThat(p.files().get(0).sha256()).isEqualTo("abc");
        assertThat(p.files().get(0).requiresPython()).isEqualTo(">=3");
        assertThat(p.files().get(1).hasMetadata()).isTrue();
        assertThat(p.files().get(1).metadataHashes()).isEmpty();

        String withBase = "<base href=\"https://cdn.example/files/\"><a href=\"demo-2.0.tar.gz\">demo-2.0.tar.gz</a>";
        assertThat(PypiSimpleIndex.parseProjectHtml(withBase, URI.create("https://x/simple/demo/"), "demo").files().get(0).url())
                .isEqualTo("https://cdn.example/files/demo-2.0.tar.gz");
    }

    @Test
    void projectListsInBothForms() throws Exception {
        List<PypiSimpleIndex.Project> projects = List.of(new PypiSimpleIndex.Project("Demo.Pkg", "demo-pkg"),
                new PypiSimpleIndex.Project("other", "other"));
        String html = PypiSimpleIndex.renderProjectList(projects, PypiMediaType.HTML, "http://h/pypi/r/simple/");
        assertThat(html).contains("<a href=\"http://h/pypi/r/simple/demo-pkg/\">Demo.Pkg</a>");
        assertThat(PypiSimpleIndex.parseProjectList(html, "text/html")).isEqualTo(projects);
        String json = PypiSimpleIndex.renderProjectList(projects, PypiMediaType.JSON, "http://h/pypi/r/simple/");
        assertThat(json).isEqualTo("{\"meta\":{\"api-version\":\"1.1\"},\"projects\":[{\"name\":\"Demo.Pkg\"},{\"name\":\"other\"}]}");
        assertThat(PypiSimpleIndex.parseProjectList(json, PypiMediaType.JSON.contentType)).isEqualTo(projects);
    }

    @Test
    void virtualMergeKeepsTheFirstMembersFile() {
        PypiProjectPage a = new PypiProjectPage("demo", List.of(new PypiProjectPage.File("demo-1.0.tar.gz", "1.0", "a",
                Map.of("sha256", SHA), null, false, Map.of(), false, null, 1L, null)), List.of());
        PypiProjectPage b = new PypiProjectPage("demo", List.of(
                new PypiProjectPage.File("demo-1.0.tar.gz", "1.0", "b", Map.of("sha256", MSHA), null, false, Map.of(), false,
                        null, 2L, null),
                new PypiProjectPage.File("demo-2.0.tar.gz", "2.0", "b", Map.of(), null, false, Map.of(), false, null, 3L,
                        null)), List.of());
        PypiProjectPage m = PypiProjectPage.merge("demo", List.of(a, b));
        assertThat(m.files()).extracting(PypiProjectPage.File::url).containsExactly("a", "b");
        assertThat(m.file("demo-1.0.tar.gz").sha256()).isEqualTo(SHA);
        assertThat(m.allVersions()).containsExactly("1.0", "2.0");
    }

    @Test
    void jsonWithoutSizesDeclaresVersion10() {
        PypiProjectPage p = new PypiProjectPage("demo", List.of(new PypiProjectPage.File("demo-1.0.tar.gz", "1.0", "u",
                Map.of(), null, false, Map.of(), false, null, null, null)), List.of());
        String json = PypiSimpleIndex.renderProjectPage(p, PypiMediaType.JSON, f -> "u");
        assertThat(json).startsWith("{\"meta\":{\"api-version\":\"1.0\"}").doesNotContain("\"size\"");
    }
}
