package io.artifactkeeper.format.helm.impl;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import io.artifactkeeper.format.support.SafeArchive;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * Finds a chart archive's {@code Chart.yaml} (the file directly below the archive's top folder),
 * reading the gzip-compressed tar through the support layer's {@link SafeArchive} within Helm's own
 * limits: the decompressed size, each file, the {@code Chart.yaml} itself; names with {@code ..} or an
 * absolute path and links that leave the chart are refused, as Helm's loader refuses them. Nothing is
 * held but {@code Chart.yaml}.
 */
final class HelmArchive {
    /** Helm's own default limits (helm 3.17: MaxDecompressedChartSize, MaxDecompressedFileSize). */
    static final long MAX_DECOMPRESSED_BYTES = 100L * 1024 * 1024;
    static final long MAX_FILE_BYTES = 5L * 1024 * 1024;
    static final int MAX_CHART_YAML_BYTES = 1024 * 1024;
    /** Helm's limits and no ratio check (Helm has none): the 100 MiB in all already bounds a gzip bomb. */
    static final SafeArchive.Limits LIMITS = SafeArchive.Limits.defaults().withMaxTotalBytes(MAX_DECOMPRESSED_BYTES)
            .withMaxEntryBytes(MAX_FILE_BYTES).withMaxRatio(0);

    /** The archive cannot be a chart; the message says why (answered with 400). */
    static final class BadChartException extends IOException {
        private static final long serialVersionUID = 1L;

        BadChartException(String message) {
            super(message);
        }
    }

    private HelmArchive() {
    }

    /**
     * The bytes of {@code Chart.yaml}. With {@code scanAll} every entry is checked (names, sizes, links)
     * to the end of the archive; without, reading stops at {@code Chart.yaml}.
     */
    static byte[] chartYaml(InputStream raw, boolean scanAll) throws BadChartException {
        byte[][] found = new byte[1][];
        try {
            SafeArchive.tarGz(raw, LIMITS, (entry, content) -> {
                if (found[0] == null && entry.isFile() && isTopLevelChartYaml(entry.name())) {
                    if (entry.size() > MAX_CHART_YAML_BYTES) {
                        throw new ArchiveException("Chart.yaml is larger than " + MAX_CHART_YAML_BYTES + " bytes");
                    }
                    found[0] = content.readAllBytes();
                    return scanAll;
                }
                return true;
            });
        } catch (ArchiveException e) {
            throw new BadChartException("not a usable chart archive (.tgz): " + e.getMessage());
        } catch (IOException e) {
            throw new BadChartException("unreadable chart archive: " + e.getMessage());
        }
        if (found[0] == null) {
            throw new BadChartException("the archive has no Chart.yaml in its top folder: it is not a Helm chart");
        }
        return found[0];
    }

    /** {@code {chart}/Chart.yaml}, with "." and empty segments ignored as Helm's loader ignores them. */
    static boolean isTopLevelChartYaml(String name) {
        String[] segs = java.util.Arrays.stream(name.split("/")).filter(s -> !s.isEmpty() && !s.equals("."))
                .toArray(String[]::new);
        return segs.length == 2 && segs[1].equals("Chart.yaml");
    }

    /** Records what is read from the wrapped stream, up to a limit, so that it can be replayed. */
    static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final int limit;
        private boolean exhausted;

        Recording(InputStream in, int limit) {
            super(in);
            this.limit = limit;
        }

        private void check() throws IOException {
            if (seen.size() > limit) {
                exhausted = true;
                throw new IOException("the first " + limit + " bytes hold no Chart.yaml");
            }
        }

        @Override
        public int read() throws IOException {
            check();
            int c = super.read();
            if (c >= 0) {
                seen.write(c);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            int n = super.read(b, off, Math.min(len, 8192));
            if (n > 0) {
                seen.write(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
            int r = read(buf, 0, (int) Math.min(buf.length, n));
            return Math.max(r, 0);
        }

        @Override
        public void close() {
            // the caller keeps reading the original stream
        }

        /** Whether reading stopped because the limit was reached (a refusal then says nothing of the chart). */
        boolean exhausted() {
            return exhausted;
        }

        byte[] recorded() {
            return seen.toByteArray();
        }
    }
}
