package io.artifactkeeper.format.cran.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/**
 * The CRAN layout in process: versions superseding each other (the current one in src/contrib, older
 * ones in Archive/{package}/), the three index files agreeing, binary trees, a remote reading its
 * upstream's PACKAGES (or PACKAGES.gz), a virtual where the highest version wins, and bad uploads
 * refused with 4xx and nothing stored.
 */
class CranFormatTest {
    private MemoryWorld world;
    private FormatHarness h;

    @BeforeEach
    void setUp() {
        world = new MemoryWorld(new CranFormat(), "http://registry.test");
        h = world.harness();
        world.local("hosted");
    }

    private Response put(String repo, String path, byte[] body) {
        return h.request("PUT", repo, path).body(body).send();
    }

    private void upload(String repo, String name, String version) throws IOException {
        Response r = put(repo, "src/contrib/" + name + "_" + version + ".tar.gz", CranTestPackages.source(name, version));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
    }

    private List<Map<String, String>> packages(String repo, String tree) throws Exception {
        Response r = h.get(repo, tree + "/PACKAGES");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return CranDcf.parse(r.body(), CranDcf.Limits.PACKAGES);
    }

    @Test
    void aNewerVersionBecomesCurrentAndTheOlderMovesToTheArchive() throws Exception {
        upload("hosted", "abc", "1.0.0");
        upload("hosted", "abc", "1.10.0");
        upload("hosted", "abc", "1.9.0");
        assertThat(world.repository("hosted").contents().keySet()).contains("src/contrib/abc_1.10.0.tar.gz",
                "src/contrib/Archive/abc/abc_1.0.0.tar.gz", "src/contrib/Archive/abc/abc_1.9.0.tar.gz")
                .doesNotContain("src/contrib/abc_1.0.0.tar.gz", "src/contrib/abc_1.9.0.tar.gz");
        List<Map<String, String>> p = packages("hosted", "src/contrib");
        assertThat(p).hasSize(1);
        byte[] current = h.get("hosted", "src/contrib/abc_1.10.0.tar.gz").body();
        assertThat(p.get(0)).containsEntry("Package", "abc").containsEntry("Version", "1.10.0")
                .containsEntry("Depends", "R (>= 3.5)").containsEntry("License", "MIT")
                .containsEntry("NeedsCompilation", "no").containsEntry("MD5sum", md5(current))
                .doesNotContainKey("Title");
        assertThat(h.get("hosted", "src/contrib/abc_1.0.0.tar.gz").status()).isEqualTo(404);
        Response old = h.get("hosted", "src/contrib/Archive/abc/abc_1.0.0.tar.gz");
        assertThat(old.status()).isEqualTo(200);
        assertThat(old.body()).isEqualTo(CranTestPackages.source("abc", "1.0.0"));
        Response listing = h.get("hosted", "src/contrib/Archive/abc/");
        assertThat(listing.status()).isEqualTo(200);
        assertThat(listing.text()).contains("href=\"abc_1.0.0.tar.gz\"", "href=\"abc_1.9.0.tar.gz\"")
                .doesNotContain("abc_1.10.0");
        assertThat(h.get("hosted", "src/contrib/Archive/nothing/").status()).isEqualTo(404);
    }

    @Test
    void theThreeIndexFilesSayTheSame() throws Exception {
        upload("hosted", "abc", "1.0.0");
        upload("hosted", "zeta", "0.1-2");
        Response plain = h.get("hosted", "src/contrib/PACKAGES");
        Response gz = h.get("hosted", "src/contrib/PACKAGES.gz");
        assertThat(gz.status()).isEqualTo(200);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
        Response rds = h.get("hosted", "src/contrib/PACKAGES.rds");
        assertThat(rds.status()).isEqualTo(200);
        List<String> cols = CranIndex.SOURCE_FIELDS;
        byte[] expected = CranRds.matrix(cols, List.of(row(cols, packages("hosted", "src/contrib").get(0)),
                row(cols, packages("hosted", "src/contrib").get(1))), List.of("abc", "zeta"), 2);
        assertThat(gunzip(rds.body())).isEqualTo(gunzip(expected));
        assertThat(plain.header("ETag")).isPresent();
    }

    private static String[] row(List<String> cols, Map<String, String> rec) {
        return cols.stream().map(rec::get).toArray(String[]::new);
    }

    @Test
    void binaryTreesHaveTheirOwnIndexes() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>(CranTestPackages.files("abc", "1.0.0", "Built: R 4.2.2; ; 2024-01-01; windows\n"));
        Response win = put("hosted", "bin/windows/contrib/4.2/abc_1.0.0.zip", CranTestPackages.zip(files));
        assertThat(win.status()).as("%s", win).isEqualTo(201);
        Response mac = put("hosted", "bin/macosx/big-sur-arm64/contrib/4.3/abc_1.0.0.tgz", CranTestPackages.tgz(files));
        assertThat(mac.status()).as("%s", mac).isEqualTo(201);
        assertThat(packages("hosted", "bin/windows/contrib/4.2")).singleElement().satisfies(p ->
                assertThat(p).containsEntry("Version", "1.0.0").doesNotContainKey("NeedsCompilation"));
        assertThat(packages("hosted", "bin/macosx/big-sur-arm64/contrib/4.3")).hasSize(1);
        assertThat(packages("hosted", "src/contrib")).isEmpty();
        assertThat(packages("hosted", "bin/windows/contrib/4.3")).isEmpty();
        Response wrongKind = put("hosted", "bin/windows/contrib/4.2/abc_1.0.1.zip", CranTestPackages.source("abc", "1.0.1"));
        assertThat(wrongKind.status()).isEqualTo(400);
        assertThat(put("hosted", "bin/windows/contrib/4.2/abc_1.0.1.tar.gz", CranTestPackages.source("abc", "1.0.1")).status())
                .isEqualTo(400);
    }

    @Test
    void badUploadsAreRefusedAndNothingIsStored() throws Exception {
        upload("hosted", "abc", "1.0.0");
        Map<String, byte[]> noDesc = CranTestPackages.files("abc", "2.0", "");
        noDesc.remove("abc/DESCRIPTION");
        Map<String, byte[]> traversal = CranTestPackages.files("abc", "2.0", "");
        traversal.put("abc/../../etc/passwd", CranTestPackages.utf8("x"));
        Map<String, byte[]> outside = CranTestPackages.files("abc", "2.0", "");
        outside.put("other/file", CranTestPackages.utf8("x"));
        byte[] good = CranTestPackages.source("abc", "2.0");
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not gzip", CranTestPackages.utf8("hello, not an archive"));
        bad.put("truncated", java.util.Arrays.copyOf(good, good.length / 2));
        bad.put("no DESCRIPTION", CranTestPackages.tgz(noDesc));
        bad.put("traversal", CranTestPackages.tgz(traversal));
        bad.put("outside the package folder", CranTestPackages.tgz(outside));
        bad.put("name mismatch", CranTestPackages.source("abd", "2.0"));
        bad.put("version mismatch", CranTestPackages.source("abc", "2.1"));
        bad.put("huge field", CranTestPackages.source("abc", "2.0", "Description2: " + "x".repeat(70_000) + "\n"));
        bad.put("broken DESCRIPTION", CranTestPackages.source("abc", "2.0", "this line has no colon\n"));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            Response r = put("hosted", "src/contrib/abc_2.0.tar.gz", e.getValue());
            assertThat(r.status()).as("%s: %s", e.getKey(), r).isEqualTo(400);
        }
        assertThat(put("hosted", "src/contrib/abc-2.0.tar.gz", good).status()).isEqualTo(400);
        assertThat(put("hosted", "src/contrib/PACKAGES", good).status()).isEqualTo(400);
        assertThat(world.repository("hosted").contents().keySet()).containsExactly("src/contrib/abc_1.0.0.tar.gz");
        Response dup = put("hosted", "src/contrib/abc_1.0.0.tar.gz", CranTestPackages.source("abc", "1.0.0"));
        assertThat(dup.status()).as("%s", dup).isEqualTo(409);
        upload("hosted", "abc", "1.1");
        Response dupArchived = put("hosted", "src/contrib/abc_1.0-0.tar.gz", CranTestPackages.source("abc", "1.0-0"));
        assertThat(dupArchived.status()).as("1.0-0 is 1.0.0 to R: %s", dupArchived).isEqualTo(409);
        assertThat(packages("hosted", "src/contrib")).singleElement().satisfies(p -> assertThat(p).containsEntry("Version", "1.1"));
    }

    @Test
    void aVirtualListsTheHighestVersionOfEachPackage() throws Exception {
        world.local("other");
        upload("hosted", "abc", "1.0.0");
        upload("hosted", "onlyhere", "0.1");
        upload("other", "abc", "1.2.0");
        upload("other", "shared", "1.0");
        upload("hosted", "shared", "1.0");
        world.virtual("group", "hosted", "other");
        List<Map<String, String>> p = packages("group", "src/contrib");
        assertThat(p).extracting(m -> m.get("Package") + " " + m.get("Version"))
                .containsExactly("abc 1.2.0", "onlyhere 0.1", "shared 1.0");
        String sharedMd5 = p.get(2).get("MD5sum");
        assertThat(sharedMd5).as("a tie goes to the first member").isEqualTo(md5(h.get("hosted", "src/contrib/shared_1.0.tar.gz").body()));
        assertThat(h.get("group", "src/contrib/abc_1.2.0.tar.gz").status()).isEqualTo(200);
        upload("hosted", "abc", "2.0");
        assertThat(packages("group", "src/contrib")).extracting(m -> m.get("Version")).startsWith("2.0");
        assertThat(h.get("group", "src/contrib/Archive/abc/").text()).contains("abc_1.0.0.tar.gz");
        assertThat(h.get("group", "src/contrib/PACKAGES.rds").status()).isEqualTo(200);
    }

    @Test
    void aRemoteReadsItsUpstreamsPackagesGzWhenThereIsNoPlainOne() throws Exception {
        String index = "Package: far\nVersion: 3.1\nDepends: R (>= 4.0)\nMD5sum: 0123456789abcdef0123456789abcdef\nPath: extra\n\n"
                + "Package: broken name\nVersion: 1.0\n";
        byte[] gz = gzip(index.getBytes());
        ScriptedUpstream up = new ScriptedUpstream(URI.create("http://cran.upstream.test/"), (method, uri, headers) ->
                uri.getPath().equals("/src/contrib/PACKAGES.gz") ? ScriptedUpstream.Reply.of(200, "application/x-gzip", gz)
                        : ScriptedUpstream.Reply.of(404, "text/plain", "no".getBytes()));
        world.remote("proxy", up);
        List<Map<String, String>> p = packages("proxy", "src/contrib");
        assertThat(p).singleElement().satisfies(m -> assertThat(m).containsEntry("Package", "far")
                .containsEntry("Path", "extra").containsEntry("MD5sum", "0123456789abcdef0123456789abcdef"));
        assertThat(h.get("proxy", "bin/windows/contrib/4.2/PACKAGES").status()).isEqualTo(404);
    }

    @Test
    void aRemoteWhoseUpstreamIndexIsGarbageAnswers502() {
        ScriptedUpstream up = new ScriptedUpstream(URI.create("http://cran.upstream.test/"), (method, uri, headers) ->
                ScriptedUpstream.Reply.of(200, "text/plain", "<html>this is no index</html>\n".getBytes()));
        world.remote("proxy", up);
        assertThat(h.get("proxy", "src/contrib/PACKAGES").status()).isEqualTo(502);
    }

    static String md5(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }

    static byte[] gzip(byte[] b) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] b) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return in.readAllBytes();
        }
    }
}
