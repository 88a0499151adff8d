package io.artifactkeeper.format.rubygems.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * Reads a .gem as {@code gem build} writes it: a plain tar (read by {@link SafeArchive}) holding
 * {@code metadata.gz} (the gzipped YAML gemspec), {@code data.tar.gz} (the files, whose entries are
 * checked by {@link SafeArchive} too: no traversal, no bomb) and {@code checksums.yaml.gz} (SHA-256
 * and SHA-512 of the other two, verified when present), plus optional {@code *.sig} signatures.
 * Anything else, or a gem that is damaged, truncated, hostile or has no gemspec, is an
 * {@link InvalidArtifactException} (400).
 */
final class GemArchive {
    static final int MAX_METADATA_GZ = 2 << 20;
    static final int MAX_METADATA = GemSpecYaml.MAX_CODE_POINTS;
    static final int MAX_CHECKSUMS = 64 << 10;
    static final SafeArchive.Limits OUTER = SafeArchive.Limits.defaults().withMaxEntries(16).withoutLinks();
    static final SafeArchive.Limits DATA = SafeArchive.Limits.defaults();

    private GemArchive() {
    }

    /** The gemspec of the .gem in {@code gem}, after the whole archive was checked. */
    static GemSpec read(InputStream gem) throws IOException {
        GemSpec[] spec = new GemSpec[1];
        Map<String, String> sha256 = new LinkedHashMap<>();
        byte[][] checksums = new byte[1][];
        String[] problem = new String[1];
        Tail tail = new Tail(gem);
        try {
            SafeArchive.tar(tail, OUTER, (entry, content) -> {
                String name = entry.name();
                if (entry.isDirectory()) {
                    return true;
                }
                if (!entry.isFile()) {
                    problem[0] = "the .gem holds `" + SafeArchive.printable(name) + "`, which is not a file";
                    return false;
                }
                if (sha256.containsKey(name)) {
                    problem[0] = "the .gem holds `" + SafeArchive.printable(name) + "` twice";
                    return false;
                }
                switch (name) {
                    case "metadata.gz" -> {
                        byte[] gz = readAtMost(content, MAX_METADATA_GZ, "metadata.gz");
                        sha256.put(name, sha256(gz));
                        try {
                            spec[0] = GemSpecYaml.read(new ByteArrayInputStream(gunzip(gz, MAX_METADATA, "metadata.gz")));
                        } catch (FormatException e) {
                            problem[0] = e.getMessage();
                            return false;
                        }
                    }
                    case "data.tar.gz" -> {
                        MessageDigest md = digest();
                        DigestInputStream in = new DigestInputStream(content, md);
                        // every entry's name and link is checked by SafeArchive (no traversal), within its limits
                        SafeArchive.tarGz(in, DATA, (e, c) -> true);
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                        sha256.put(name, HexFormat.of().formatHex(md.digest()));
                    }
                    case "checksums.yaml.gz" -> {
                        checksums[0] = readAtMost(content, MAX_CHECKSUMS, "checksums.yaml.gz");
                        sha256.put(name, "");
                    }
                    default -> {
                        if (!name.endsWith(".sig") || name.contains("/")) {
                            problem[0] = "the .gem holds `" + SafeArchive.printable(name)
                                    + "`; a gem holds metadata.gz, data.tar.gz, checksums.yaml.gz and signatures only";
                            return false;
                        }
                        readAtMost(content, MAX_CHECKSUMS, name);
                        sha256.put(name, "");
                    }
                }
                return true;
            });
        } catch (SafeArchive.ArchiveException e) {
            throw new InvalidArtifactException("the .gem is refused: " + e.getMessage());
        }
        if (problem[0] != null) {
            throw new InvalidArtifactException(problem[0]);
        }
        if (tail.trailingZeros() < 1024) {
            // a tar cut off between two entries reads as a shorter archive: only the end-of-archive
            // blocks (two zero blocks, which gem always writes) tell that it is whole
            throw new InvalidArtifactException("the .gem is truncated: its tar has no end-of-archive blocks");
        }
        if (spec[0] == null) {
            throw new InvalidArtifactException("the .gem has no metadata.gz: it is not a gem built by `gem build`");
        }
        if (!sha256.containsKey("data.tar.gz")) {
            throw new InvalidArtifactException("the .gem has no data.tar.gz");
        }
        if (checksums[0] != null) {
            verify(checksums[0], sha256);
        }
        return spec[0];
    }

    /** checksums.yaml.gz's SHA256 entries must match what was read. */
    private static void verify(byte[] gz, Map<String, String> actual) {
        Map<?, ?> doc = GemSpecYaml.readPlain(new ByteArrayInputStream(gunzip(gz, MAX_CHECKSUMS * 4, "checksums.yaml.gz")),
                MAX_CHECKSUMS * 4);
        if (!(doc.get("SHA256") instanceof Map<?, ?> sums)) {
            return;
        }
        for (String f : new String[] {"metadata.gz", "data.tar.gz"}) {
            Object want = sums.get(f);
            if (want != null && !String.valueOf(want).equalsIgnoreCase(actual.get(f))) {
                throw new InvalidArtifactException("checksums.yaml.gz gives another SHA-256 for " + f
                        + " than its bytes have: the gem was altered or damaged");
            }
        }
    }

    /** Counts the zero bytes at the end of what was read (SafeArchive reads a tar to its end). */
    private static final class Tail extends java.io.FilterInputStream {
        private long zeros;

        Tail(InputStream in) {
            super(in);
        }

        long trailingZeros() {
            return zeros;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                zeros = b == 0 ? zeros + 1 : 0;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = off; i < off + n; i++) {
                zeros = b[i] == 0 ? zeros + 1 : 0;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read what is skipped, so that every byte is seen
            long done = 0;
            byte[] buf = new byte[8192];
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }
    }

    static byte[] readAtMost(InputStream in, int max, String what) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        if (b.length > max) {
            throw new SafeArchive.ArchiveException(what + " is larger than " + max + " bytes");
        }
        return b;
    }

    /** {@code gz} unpacked by the JDK, at most {@code max} bytes; damaged is a 400. */
    static byte[] gunzip(byte[] gz, int max, String what) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0;) {
                if (out.size() + n > max) {
                    throw new InvalidArtifactException(what + " unpacks to more than " + max + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidArtifactException iae) {
                throw iae;
            }
            throw new InvalidArtifactException(what + " is not valid gzip (" + SafeArchive.printable(
                    String.valueOf(e.getMessage())) + ")");
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(digest().digest(b));
    }
}
