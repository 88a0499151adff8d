package io.artifactkeeper.format.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.format.support.SafeArchive.ArchiveException;
import io.artifactkeeper.format.support.SafeArchive.Limits;

class SafeArchiveTest {

    @Test
    void readsEntriesOfATarGzIncludingLongPaxNames() throws IOException {
        String longName = "pkg/" + "d/".repeat(80) + "file.txt";
        byte[] tgz = tgz(file("pkg/package.json", "{}"), file(longName, "hello"));
        List<String> seen = new ArrayList<>();
        SafeArchive.tarGz(new ByteArrayInputStream(tgz), Limits.defaults(), (e, in) -> {
            seen.add(e.name() + "=" + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return true;
        });
        assertThat(seen).containsExactly("pkg/package.json={}", longName + "=hello");
    }

    @Test
    void refusesTarSlipAbsoluteDriveAndBackslashNames() {
        for (String bad : List.of("../evil", "a/../../evil", "/etc/passwd", "C:/x", "a\\..\\b")) {
            assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(tgz(file(bad, "x"))), Limits.defaults(),
                    (e, in) -> true)).as(bad).isInstanceOf(ArchiveException.class).hasMessageContaining("unsafe entry name");
        }
        // a NUL in a name: refused, whichever check sees it first
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(tgz(file("a/\u0000b", "x"))),
                Limits.defaults(), (e, in) -> true)).isInstanceOf(ArchiveException.class);
    }

    @Test
    void refusesLinksThatClimbOutAndLinksWhenNotAllowed() throws IOException {
        TarArchiveEntry sym = new TarArchiveEntry("pkg/link", TarArchiveEntry.LF_SYMLINK);
        sym.setLinkName("../../etc/passwd");
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(tgz(new Item(sym, null))), Limits.defaults(),
                (e, in) -> true)).hasMessageContaining("points outside");
        TarArchiveEntry ok = new TarArchiveEntry("pkg/sub/link", TarArchiveEntry.LF_SYMLINK);
        ok.setLinkName("../other");
        SafeArchive.tarGz(new ByteArrayInputStream(tgz(new Item(ok, null))), Limits.defaults(), (e, in) -> true);
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(tgz(new Item(ok, null))),
                Limits.defaults().withoutLinks(), (e, in) -> true)).hasMessageContaining("links are not allowed");
    }

    /**
     * `helm package` (Go's gzip writer) fills the optional FEXTRA field with raw bytes that are not RFC 1952
     * subfields; gzip readers skip the field by its length, and so must this one.
     */
    @Test
    void readsAGzipWhoseExtraFieldIsNotMadeOfSubfields() throws IOException {
        byte[] plain = tgz(file("demo/Chart.yaml", "name: demo\n"));
        byte[] extra = "+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=Helm".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream helm = new java.io.ByteArrayOutputStream();
        helm.write(plain, 0, 3);
        helm.write(plain[3] | 0x04); // FLG.FEXTRA
        helm.write(plain, 4, 6);
        helm.write(extra.length & 0xff);
        helm.write(extra.length >> 8);
        helm.write(extra, 0, extra.length);
        helm.write(plain, 10, plain.length - 10);
        List<String> names = new ArrayList<>();
        SafeArchive.tarGz(new ByteArrayInputStream(helm.toByteArray()), SafeArchive.Limits.defaults(), (e, in) -> {
            names.add(e.name());
            return true;
        });
        assertThat(names).containsExactly("demo/Chart.yaml");
    }

    @Test
    void refusesNonGzipNonTarAndTruncatedArchives() throws IOException {
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream("plain".getBytes()), Limits.defaults(),
                (e, in) -> true)).isInstanceOf(ArchiveException.class).hasMessageContaining("gzip");
        byte[] notTar = gzip("this is not a tar header at all".repeat(40).getBytes());
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(notTar), Limits.defaults(), (e, in) -> true))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("not a");
        byte[] whole = tgz(file("a", "x".repeat(5000)));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(cut), Limits.defaults(), (e, in) -> {
            in.readAllBytes();
            return true;
        })).isInstanceOf(ArchiveException.class);
    }

    @Test
    void refusesAGzipWhoseTrailerDisagrees() throws IOException {
        byte[] tgz = tgz(file("pkg/a.txt", "hello"));
        byte[] bad = Arrays.copyOf(tgz, tgz.length);
        bad[bad.length - 1] ^= 0x01; // ISIZE, the uncompressed length the trailer declares
        SafeArchive.tarGz(new ByteArrayInputStream(tgz), Limits.defaults(), (e, in) -> true);
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(bad), Limits.defaults(), (e, in) -> {
            in.readAllBytes();
            return true;
        })).isInstanceOf(ArchiveException.class).hasMessageContaining("damaged");
    }

    @Test
    void stopsACompressionBombByRatioAndByTotal() throws IOException {
        byte[] bomb = tgz(file("zeros", new String(new byte[32 << 20], StandardCharsets.ISO_8859_1)));
        assertThat(bomb.length).isLessThan(200_000);
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(bomb), Limits.defaults(), (e, in) -> true))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("expands more than");
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(bomb),
                Limits.defaults().withMaxRatio(0).withMaxTotalBytes(8 << 20), (e, in) -> true))
                .isInstanceOf(ArchiveException.class);
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(bomb),
                Limits.defaults().withMaxRatio(0).withMaxEntryBytes(1 << 20), (e, in) -> true))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("larger than");
    }

    @Test
    void boundsTheEntryCount() throws IOException {
        Item[] many = new Item[50];
        for (int i = 0; i < many.length; i++) {
            many[i] = file("f" + i, "");
        }
        assertThatThrownBy(() -> SafeArchive.tarGz(new ByteArrayInputStream(tgz(many)),
                Limits.defaults().withMaxEntries(10), (e, in) -> true)).hasMessageContaining("more than 10 entries");
    }

    @Test
    void zipThroughTheCentralDirectory() throws IOException {
        byte[] zip = zip("m@v1.0.0/go.mod", "module m\n", "m@v1.0.0/a.go", "package a\n");
        List<String> names = new ArrayList<>();
        SafeArchive.zip(new SeekableInMemoryByteChannel(zip), Limits.defaults(), (e, in) -> {
            names.add(e.name() + ":" + in.readAllBytes().length);
            return true;
        });
        assertThat(names).containsExactly("m@v1.0.0/go.mod:9", "m@v1.0.0/a.go:10");
        assertThatThrownBy(() -> SafeArchive.zip(new SeekableInMemoryByteChannel(zip("../x", "y")), Limits.defaults(),
                (e, in) -> true)).hasMessageContaining("unsafe entry name");
        assertThatThrownBy(() -> SafeArchive.zip(new SeekableInMemoryByteChannel("PK nope".getBytes()), Limits.defaults(),
                (e, in) -> true)).isInstanceOf(ArchiveException.class).hasMessageContaining("not a zip");
        byte[] big = zip("z", new String(new byte[16 << 20], StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> SafeArchive.zip(new SeekableInMemoryByteChannel(big), Limits.defaults(),
                (e, in) -> true)).isInstanceOf(ArchiveException.class).hasMessageContaining("expands more than");
    }

    record Item(TarArchiveEntry entry, byte[] data) {
    }

    static Item file(String name, String content) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        byte[] b = content.getBytes(StandardCharsets.ISO_8859_1);
        e.setSize(b.length);
        return new Item(e, b);
    }

    static byte[] tgz(Item... items) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Item i : items) {
                out.putArchiveEntry(i.entry());
                if (i.data() != null) {
                    out.write(i.data());
                }
                out.closeArchiveEntry();
            }
        }
        return gzip(tar.toByteArray());
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(b);
        }
        return bo.toByteArray();
    }

    static byte[] zip(String... namesAndContents) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                z.putArchiveEntry(new ZipArchiveEntry(namesAndContents[i]));
                z.write(namesAndContents[i + 1].getBytes(StandardCharsets.ISO_8859_1));
                z.closeArchiveEntry();
            }
        }
        return bo.toByteArray();
    }

    /** A flipped CRC-32 (in the directory and the local header) is damage, not content. */
    @Test
    void refusesAZipEntryWhoseCrcIsWrong() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
            z.putNextEntry(new java.util.zip.ZipEntry("pkg/a.txt"));
            z.write("hello hello hello".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        byte[] ok = out.toByteArray();
        SafeArchive.zip(new SeekableInMemoryByteChannel(ok), Limits.defaults(), (e, in) -> true);
        byte[] bad = ok.clone();
        bad[14] ^= 0x55;
        for (int i = 0; i < bad.length - 4; i++) {
            if (bad[i] == 0x50 && bad[i + 1] == 0x4b && bad[i + 2] == 1 && bad[i + 3] == 2) {
                bad[i + 16] ^= 0x55;
                break;
            }
        }
        assertThatThrownBy(() -> SafeArchive.zip(new SeekableInMemoryByteChannel(bad), Limits.defaults(), (e, in) -> true))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("CRC-32");
    }

    /**
     * Found by PypiFuzzTest#sdistZip: an entry naming zstd (93) made Commons Compress reach for a zstd
     * library the runtime does not have (NoClassDefFoundError, a 500); methods it cannot decode alone
     * are refused.
     */
    @Test
    void refusesCompressionMethodsItCannotDecodeAlone() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
            z.putNextEntry(new java.util.zip.ZipEntry("pkg/a.txt"));
            z.write("hello".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        for (int method : new int[] {93, 95, 14}) {
            byte[] b = out.toByteArray().clone();
            // the method field of the local header (offset 8) and of the central directory entry (offset 10)
            b[8] = (byte) method;
            b[9] = 0;
            for (int i = 0; i < b.length - 4; i++) {
                if (b[i] == 0x50 && b[i + 1] == 0x4b && b[i + 2] == 1 && b[i + 3] == 2) {
                    b[i + 10] = (byte) method;
                    b[i + 11] = 0;
                    break;
                }
            }
            assertThatThrownBy(() -> SafeArchive.zip(new SeekableInMemoryByteChannel(b), Limits.defaults(), (e, in) -> true))
                    .as("method %d", method).isInstanceOf(ArchiveException.class).hasMessageContaining("unsupported compression");
        }
    }
}
