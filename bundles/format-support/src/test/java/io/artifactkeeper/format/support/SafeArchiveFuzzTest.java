package io.artifactkeeper.format.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.artifactkeeper.format.support.SafeArchive.ArchiveException;
import io.artifactkeeper.format.support.SafeArchive.Limits;

/**
 * The one reader of client archives every format uses. Property: a hostile tar.gz or zip is read
 * to its end or refused with an {@link ArchiveException} (a format's 400), never another exception;
 * no entry the visitor sees has an unsafe name; a link's target never climbs out; and what a visitor
 * can read stays within the limits, whatever the headers claim.
 */
class SafeArchiveFuzzTest {
    /** Small limits, so that bounds are reached by small inputs. */
    private static final Limits LIMITS = Limits.defaults().withMaxEntries(64).withMaxEntryBytes(1 << 20)
            .withMaxTotalBytes(4 << 20).withMaxRatio(100);

    @FuzzTest(maxDuration = "30s")
    void tarGz(byte[] archive) throws IOException {
        long[] total = {0};
        int[] entries = {0};
        try {
            SafeArchive.tarGz(new ByteArrayInputStream(archive), LIMITS, (e, in) -> check(e, in, total, entries));
        } catch (ArchiveException refused) {
            assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(1000);
        }
        assertThat(entries[0]).isLessThanOrEqualTo(64);
    }

    @FuzzTest(maxDuration = "30s")
    void zip(byte[] archive) throws IOException {
        long[] total = {0};
        int[] entries = {0};
        try {
            SafeArchive.zip(new SeekableInMemoryByteChannel(archive), LIMITS, (e, in) -> check(e, in, total, entries));
        } catch (ArchiveException refused) {
            assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(1000);
        }
        assertThat(entries[0]).isLessThanOrEqualTo(64);
    }

    private static boolean check(SafeArchive.Entry e, InputStream in, long[] total, int[] entries) throws IOException {
        entries[0]++;
        assertThat(SafeArchive.unsafe(e.name())).as(e.name()).isFalse();
        if (e.linkTarget() != null) {
            assertThat(e.linkTarget()).doesNotStartWith("/");
        }
        byte[] buf = new byte[8192];
        long n = 0;
        for (int r; (r = in.read(buf)) != -1;) {
            n += r;
        }
        assertThat(n).as("bytes of %s", e.name()).isLessThanOrEqualTo(1 << 20);
        total[0] += n;
        assertThat(total[0]).isLessThanOrEqualTo(4 << 20);
        return true;
    }
}
