package io.artifactkeeper.format.npm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.format.support.SafeArchive;
import io.artifactkeeper.format.support.SemVer;

/**
 * Hostile-input fuzz targets for what npm reads: the {@code npm publish} body (JSON with the
 * tarball in base64), a packument from an upstream registry, and package, version and tarball
 * names. Property: a result or the format's refusal ({@link NpmPublishReader.MalformedPublishException}
 * for a publish: 400; a 502 for an upstream document; an archive refusal for a tarball: 400), never
 * another exception, and output bounded by the input (the decoded attachment is never larger than
 * the body that carried it; a served document grows by at most one URL per version).
 */
class NpmFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void publishBody(byte[] body) throws IOException {
        long[] written = new long[1];
        NpmPublishReader.Result r;
        try {
            r = NpmPublishReader.read(new ByteArrayInputStream(body), file -> {
                assertThat(file).isNotNull();
                return new OutputStream() {
                    @Override
                    public void write(int b) {
                        written[0]++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        written[0] += len;
                    }
                };
            });
        } catch (NpmPublishReader.MalformedPublishException e) {
            return;
        }
        assertThat(written[0]).isLessThanOrEqualTo(body.length);
        for (NpmPublishReader.Attachment a : r.attachments()) {
            assertThat(a.decodedLength()).isBetween(0L, (long) body.length);
        }
        assertThat(r.document().has("_attachments")).isFalse();
        // what a publish then does with the document
        ObjectNode current = NpmPackument.create("fuzz", Instant.EPOCH);
        NpmPackument.copyDescriptiveFields(r.document(), current);
        NpmPackument.bytes(current);
        packumentOperations(r.document());
    }

    /** An upstream's packument: a JSON object, or the proxy's 502; what serving does with it stays bounded. */
    @FuzzTest(maxDuration = "30s")
    void upstreamPackument(byte[] body) throws IOException {
        ObjectNode doc;
        try {
            doc = NpmPackument.parseUpstream(new ByteArrayInputStream(body), "fuzz");
        } catch (FormatException e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(502);
            return;
        }
        packumentOperations(doc);
    }

    /**
     * The published .tgz: accepted, or refused with a {@link SafeArchive.ArchiveException} (400), never
     * another exception; and what is accepted is a tar.gz whose every entry, read independently by
     * Commons Compress, stays inside the folder it is unpacked into.
     */
    @FuzzTest(maxDuration = "30s")
    void tarball(byte[] tgz) throws IOException {
        try {
            NpmTarball.check(new ByteArrayInputStream(tgz));
        } catch (SafeArchive.ArchiveException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        int entries = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                // gzip as the JDK reads it (as SafeArchive does: members concatenated, trailing bytes ignored,
                // trailer checked); the tar structure is what this reads independently
                new java.util.zip.GZIPInputStream(new ByteArrayInputStream(tgz)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                entries++;
                assertThat(inside(e.getName())).as("accepted entry %s", e.getName()).isTrue();
                if (e.isSymbolicLink() || e.isLink()) {
                    assertThat(e.getLinkName()).as("accepted link %s", e.getName()).doesNotStartWith("/")
                            .doesNotContain("\\");
                }
            }
        }
        assertThat(entries).isLessThanOrEqualTo(NpmTarball.LIMITS.maxEntries());
    }

    private static boolean inside(String name) {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || (n.length() >= 2 && n.charAt(1) == ':')) {
            return false;
        }
        for (String seg : n.split("/")) {
            if (seg.equals("..")) {
                return false;
            }
        }
        return true;
    }

    @FuzzTest(maxDuration = "30s")
    void names(FuzzedDataProvider d) {
        String name = d.consumeString(250);
        String file = d.consumeString(320);
        String v1 = d.consumeString(80);
        String v2 = d.consumeRemainingAsString();
        NpmNames.isValid(name);
        if (NpmNames.isPublishable(name)) {
            assertThat(name).doesNotContain("\\");
            for (String seg : NpmNames.packumentPath(name).split("/")) {
                assertThat(seg).isNotIn(".", "..");
            }
            String version = NpmNames.versionOfTarball(name, file);
            if (version != null) {
                assertThat(NpmNames.isVersion(version)).isTrue();
            }
            if (NpmNames.isSafeFile(file)) {
                String path = NpmNames.tarballPath(name, file);
                for (String seg : path.split("/")) {
                    assertThat(seg).isNotIn(".", "..");
                }
            }
        }
        if (NpmNames.isSafeFile(file)) {
            assertThat(file).doesNotContain("/").doesNotContain("\\").isNotIn(".", "..");
        }
        NpmNames.lastSegment(file);
        int c = SemVer.compareStrings(v1, v2);
        assertThat(Integer.signum(SemVer.compareStrings(v2, v1))).isEqualTo(-Integer.signum(c));
        assertThat(NpmPackument.highest(List.of(v1, v2))).isIn(v1, v2);
    }

    /**
     * What serving and merging do with a document, and their properties: a document merged with itself
     * is itself; every rewritten tarball URL points here and the rewritten document grows by at most
     * one URL per version; the abbreviated document keeps the same versions and is no larger than the
     * full one but for a few bytes per version; {@code latest} is one of the versions.
     */
    private static void packumentOperations(ObjectNode doc) {
        String name = doc.path("name").isTextual() ? doc.path("name").asText() : "fuzz";
        String base = "http://localhost/npm/r";
        ObjectNode abbreviated = NpmPackument.abbreviated(doc);
        byte[] full = NpmPackument.bytes(doc);
        ObjectNode ours = NpmPackument.withTarballsAt(doc, name, base);
        long growth = 0;
        for (var e : NpmPackument.versions(ours).properties()) {
            if (e.getValue().get("dist") instanceof ObjectNode dist) {
                assertThat(dist.get("tarball").asText()).startsWith(base + "/" + name + "/-/");
                // JSON escapes a character in at most 6 bytes
                growth += 16 + base.length() + 6L * (2 * name.length() + Math.max(300, e.getKey().length() + 5));
            }
        }
        assertThat((long) NpmPackument.bytes(ours).length).isLessThanOrEqualTo(full.length + growth);
        assertThat(NpmPackument.versionKeys(abbreviated)).isSubsetOf(NpmPackument.versionKeys(doc));
        assertThat((long) NpmPackument.bytes(abbreviated).length)
                .isLessThanOrEqualTo(full.length + 64 + 8L * NpmPackument.versions(doc).size());
        // the accessors give a document its versions, dist-tags and time objects, as merging does
        NpmPackument.versions(doc);
        NpmPackument.distTags(doc);
        NpmPackument.time(doc);
        assertThat(NpmPackument.merge(List.of(doc, doc.deepCopy())).orElseThrow()).isEqualTo(doc);
        String latest = NpmPackument.highest(NpmPackument.versionKeys(doc));
        if (latest != null) {
            assertThat(NpmPackument.versionKeys(doc)).contains(latest);
        }
        NpmPackument.merge(List.of(doc, ours)).orElseThrow();
        NpmPackument.tarballUrl(doc, name, "fuzz-1.0.0.tgz")
                .ifPresent(u -> assertThat(full.length).isGreaterThanOrEqualTo(u.length()));
        NpmPackument.touch(doc, Instant.EPOCH);
        assertThat(doc.get("_rev").asText()).matches("-?[0-9]+-[0-9a-f]{32}");
    }
}
