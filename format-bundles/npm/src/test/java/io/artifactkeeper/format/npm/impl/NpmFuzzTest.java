package io.artifactkeeper.format.npm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hostile-input fuzz targets for what npm reads: the {@code npm publish} body (JSON with the
 * tarball in base64), a packument from an upstream registry, and package, version and tarball
 * names. Property: a result or the format's refusal ({@link NpmPublishReader.MalformedPublishException}
 * for a publish: 400; a Jackson error for an upstream document: the proxy's 502), never another
 * exception, and the decoded attachment is never larger than the body that carried it.
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

    @FuzzTest(maxDuration = "30s")
    void upstreamPackument(byte[] body) throws IOException {
        ObjectNode doc;
        try {
            doc = NpmPackument.parse(new ByteArrayInputStream(body));
        } catch (JacksonException e) {
            return;
        }
        packumentOperations(doc);
    }

    /** The published .tgz: a tar.gz without unsafe entries, or the refusal (400). */
    @FuzzTest(maxDuration = "30s")
    void tarball(byte[] tgz) throws IOException {
        try {
            NpmTarball.check(new ByteArrayInputStream(tgz));
        } catch (NpmTarball.InvalidTarballException e) {
            // 400
        }
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
        int c = NpmSemver.compare(v1, v2);
        assertThat(Integer.signum(NpmSemver.compare(v2, v1))).isEqualTo(-Integer.signum(c));
        NpmSemver.isSemver(v1);
        NpmSemver.isPrerelease(v2);
        NpmPackument.highest(List.of(v1, v2));
    }

    private static void packumentOperations(ObjectNode doc) {
        String name = doc.path("name").isTextual() ? doc.path("name").asText() : "fuzz";
        ObjectNode ours = NpmPackument.withTarballsAt(doc, name, "http://localhost/npm/r");
        NpmPackument.bytes(ours);
        NpmPackument.bytes(NpmPackument.abbreviated(doc));
        NpmPackument.merge(List.of(doc, ours)).orElseThrow();
        NpmPackument.highest(NpmPackument.versionKeys(doc));
        NpmPackument.tarballUrl(doc, name, "fuzz-1.0.0.tgz");
        NpmPackument.touch(doc, Instant.EPOCH);
    }
}
