package io.artifactkeeper.format.pypi.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.MultipartReader;

/**
 * Hostile-input fuzz targets for what pypi reads: wheels (zip), sdists (tar.gz and zip) as the format
 * checks an upload ({@link PypiFormat#describe}, archives read through SafeArchive), the core metadata
 * inside them, distribution file names, the multipart upload body, and an upstream's simple pages
 * (jsoup for HTML, Jackson for JSON). Property of each: a result or the format's own refusal (a 400 for
 * what a client sent, a 502 for what an upstream sent, {@link MultipartReader.MalformedException} for a
 * body) — never another exception (a 500) — and output bounded by the input and the caps. {@code mvn
 * verify} replays the seeds under {@code src/test/resources/.../PypiFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1} fuzzes ({@code ./ak fuzz}).
 */
class PypiFuzzTest {
    private static final int MAX_INPUT = 256 * 1024;
    static final String BOUNDARY = "fuzz-boundary-7d1f";
    private static final PypiFormat FORMAT = new PypiFormat();

    @FuzzTest(maxDuration = "30s")
    void wheel(byte[] data) throws IOException {
        describe("packages/demo-pkg/1.0/demo_pkg-1.0-py3-none-any.whl", data);
    }

    @FuzzTest(maxDuration = "30s")
    void sdistTarGz(byte[] data) throws IOException {
        describe("packages/demo-pkg/1.0/demo-pkg-1.0.tar.gz", data);
    }

    @FuzzTest(maxDuration = "30s")
    void sdistZip(byte[] data) throws IOException {
        describe("packages/demo-pkg/1.0/demo-pkg-1.0.zip", data);
    }

    /**
     * Core metadata: never an exception; every value comes from the input (so no longer than it); an
     * sdist's metadata is served only from Metadata-Version 2.2 on.
     */
    @FuzzTest(maxDuration = "30s")
    void coreMetadata(byte[] data) {
        PypiCoreMetadata md = PypiCoreMetadata.parse(data);
        String text = new String(data, StandardCharsets.UTF_8);
        for (String h : new String[] {"Name", "Version", "Metadata-Version", "Requires-Python", "Summary"}) {
            String v = md.first(h);
            if (v != null) {
                assertThat(v.length()).as(h).isLessThanOrEqualTo(text.length());
            }
        }
        assertThat(md.all("Requires-Dist").size()).isLessThanOrEqualTo(text.length());
        if (md.reliableForSdist()) {
            assertThat(PypiCoreMetadata.atLeast(md.metadataVersion(), 2, 2)).isTrue();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void fileNameAndContentType(FuzzedDataProvider d) {
        String filename = d.consumeString(300);
        String hint = d.consumeBoolean() ? d.consumeString(100) : null;
        PypiNames.parse(filename, hint).ifPresent(f -> {
            assertThat(PypiNames.isSafeSegment(f.filename())).isTrue();
            assertThat(f.project().length() + f.version().length()).isLessThan(filename.length());
            PypiNames.normalize(f.project());
        });
        assertThat(PypiNames.versionOf(filename, hint).length()).isLessThanOrEqualTo(Math.max(filename.length(), 7));
        MultipartReader.boundary(d.consumeRemainingAsString()).ifPresent(b -> assertThat(b.length()).isBetween(1, 70));
    }

    /** A twine upload body; the boundary is fixed so that the seeds are real bodies. */
    @FuzzTest(maxDuration = "30s")
    void multipart(byte[] body) throws IOException {
        MultipartReader mp = new MultipartReader(new ByteArrayInputStream(body), BOUNDARY);
        long read = 0;
        try {
            int parts = 0;
            for (MultipartReader.Part p; (p = mp.next()) != null;) {
                assertThat(p.name()).isNotNull();
                parts++;
                if (p.filename() == null) {
                    read += p.text(1024).length();
                } else {
                    read += drain(p.body());
                }
            }
            assertThat(parts).isLessThanOrEqualTo(MultipartReader.MAX_PARTS);
        } catch (MultipartReader.MalformedException e) {
            // the format's refusal: 400
        }
        assertThat(read).isLessThanOrEqualTo(body.length);
    }

    /**
     * An upstream's project page, HTML or JSON (the first byte picks the parser, as for an upstream that
     * sends no content type): a page whose files are all http(s) links, at most one per anchor or entry,
     * or the 502 refusal (a JSON page that is not one).
     */
    @FuzzTest(maxDuration = "30s")
    void upstreamPage(byte[] page) throws IOException {
        if (page.length > MAX_INPUT) {
            return;
        }
        try {
            PypiProjectPage p = PypiSimpleIndex.parseProjectPage(new java.io.BufferedInputStream(new ByteArrayInputStream(page)),
                    null, URI.create("https://pypi.example/simple/demo/"), "demo");
            assertThat(p.files().size()).isLessThanOrEqualTo(page.length);
            for (PypiProjectPage.File f : p.files()) {
                assertThat(f.url()).matches("(?i)https?:.*").doesNotContain("#");
                assertThat(f.filename().length()).isLessThanOrEqualTo(page.length + 8192);
            }
            // what was read renders again, escaped
            String html = PypiSimpleIndex.renderProjectPage(p, PypiMediaType.HTML, PypiProjectPage.File::url);
            assertThat(PypiSimpleIndex.parseProjectHtml(html, URI.create("https://x/simple/demo/"), "demo").files())
                    .hasSameSizeAs(p.files());
        } catch (PypiSimpleIndex.PageException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    private static void describe(String path, byte[] data) throws IOException {
        if (data.length > MAX_INPUT) {
            return;
        }
        try {
            ArtifactDescription d = FORMAT.describe(path, PypiBytes.content(data));
            assertThat(d.name()).isNotBlank();
            assertThat(d.attributes().toString().length()).isLessThan(data.length + 4096);
        } catch (FormatException e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(400);
            assertThat(e.getMessage().length()).isLessThan(2000);
        }
    }

    private static long drain(InputStream in) throws IOException {
        long n = 0;
        byte[] b = new byte[4096];
        for (int k; (k = in.read(b)) != -1;) {
            n += k;
        }
        return n;
    }
}
