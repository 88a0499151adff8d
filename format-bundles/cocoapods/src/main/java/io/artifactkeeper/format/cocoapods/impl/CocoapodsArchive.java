package io.artifactkeeper.format.cocoapods.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

import io.artifactkeeper.format.support.SafeArchive;

/**
 * The source archive of a push: a zip or a gzipped tar (told apart by their first bytes), read
 * whole through the support layer's {@link SafeArchive} (names, links that would leave the archive,
 * sizes, expansion, CRCs), and not empty.
 */
final class CocoapodsArchive {
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxEntries(200_000)
            .withMaxTotalBytes(2L << 30).withMaxEntryBytes(1L << 30);

    /** Not a source archive (answered 400). */
    static final class BadArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        BadArchiveException(String message) {
            super(message);
        }
    }

    enum Kind {
        ZIP(".zip"), TAR_GZ(".tar.gz");

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }
    }

    private CocoapodsArchive() {
    }

    /** Zip or tar.gz by the magic numbers at the start. */
    static Kind kindOf(byte[] head) throws BadArchiveException {
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6)) {
            return Kind.ZIP;
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Kind.TAR_GZ;
        }
        throw new BadArchiveException("the source is neither a zip nor a gzipped tar archive");
    }

    /** Checks a zip; answers its number of files. */
    static int checkZip(SeekableByteChannel ch) throws BadArchiveException {
        int[] files = {0};
        try {
            SafeArchive.zip(ch, LIMITS, (e, content) -> {
                if (e.isFile()) {
                    files[0]++;
                }
                return true;
            });
        } catch (IOException e) {
            throw new BadArchiveException("the source archive is not a readable zip: " + e.getMessage());
        }
        return nonEmpty(files[0]);
    }

    /** Checks a tar.gz; answers its number of files. */
    static int checkTarGz(InputStream in) throws BadArchiveException {
        int[] files = {0};
        try {
            SafeArchive.tarGz(in, LIMITS, (e, content) -> {
                if (e.isFile()) {
                    files[0]++;
                }
                return true;
            });
        } catch (IOException e) {
            throw new BadArchiveException("the source archive is not a readable tar.gz: " + e.getMessage());
        }
        return nonEmpty(files[0]);
    }

    private static int nonEmpty(int files) throws BadArchiveException {
        if (files == 0) {
            throw new BadArchiveException("the source archive holds no files");
        }
        return files;
    }
}
