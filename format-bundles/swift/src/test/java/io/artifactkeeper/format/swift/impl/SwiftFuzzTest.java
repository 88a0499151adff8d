package io.artifactkeeper.format.swift.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.api.format.FormatException;

/**
 * Hostile-input fuzz targets for swift's parsers of client bytes: the source archive (a zip with a
 * manifest) and the release metadata JSON. Property: a result within bounds, or the format's own
 * refusal (422/413), never another exception.
 */
class SwiftFuzzTest {

    /** Accepted archives have a Package.swift among at most 32 manifests, each within its size. */
    @FuzzTest(maxDuration = "30s")
    void sourceArchive(byte[] zip) {
        try {
            Map<String, String> m = SwiftArchive.manifests(new SeekableInMemoryByteChannel(zip));
            assertThat(m).containsKey("Package.swift").hasSizeLessThanOrEqualTo(SwiftArchive.MAX_MANIFESTS);
            m.forEach((k, v) -> {
                assertThat(k.equals("Package.swift") || SwiftArchive.VARIANT.matcher(k).matches()).isTrue();
                assertThat(v.length()).isLessThanOrEqualTo(SwiftArchive.MAX_MANIFEST);
            });
        } catch (SwiftArchive.BadArchiveException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** Metadata is a JSON object whose schema fields have their types, or a 422/413. */
    @FuzzTest(maxDuration = "30s")
    void metadata(byte[] json) throws IOException {
        try {
            var o = SwiftMetadata.read(new ByteArrayInputStream(json));
            assertThat(o.isObject()).isTrue();
            assertThat(SwiftMetadata.repositoryUrls(io.artifactkeeper.format.support.Json.mapper().convertValue(o, Map.class)))
                    .hasSizeLessThanOrEqualTo(100);
        } catch (FormatException e) {
            assertThat(e.status()).isIn(413, 422);
        }
    }
}
