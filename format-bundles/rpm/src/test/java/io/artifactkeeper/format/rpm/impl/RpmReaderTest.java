package io.artifactkeeper.format.rpm.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The RPM file reader: what it reads from a well-formed package, and how it refuses malformed ones. */
class RpmReaderTest {

    private static RpmFile read(byte[] b) throws IOException {
        return RpmFile.read(new ByteArrayInputStream(b));
    }

    @Test
    void readsIdentityDependenciesFilesChangelogAndTheHeaderRange() throws IOException {
        byte[] rpm = RpmTestPackages.rpm("demo", "1.2", "3", "x86_64", null);
        RpmFile f = read(rpm);
        RpmPackage p = RpmPackage.fromFile(f);
        assertThat(p.nevra()).isEqualTo("demo-1.2-3.x86_64");
        assertThat(p.fileName()).isEqualTo("demo-1.2-3.x86_64.rpm");
        assertThat(p.summary()).isEqualTo("The demo test package <&>");
        assertThat(p.license()).isEqualTo("MIT");
        assertThat(p.sourcerpm()).isEqualTo("demo-1.2-3.src.rpm");
        assertThat(p.provides()).extracting(RpmPackage.Dep::name).containsExactly("demo", "demo(x86-64)");
        assertThat(p.provides().get(0)).isEqualTo(new RpmPackage.Dep("demo", "EQ", "0", "1.2", "3", false));
        // rpmlib() requirements are the rpm program's, not the repository's
        assertThat(p.requires()).containsExactly(new RpmPackage.Dep("/bin/sh", null, null, null, null, true),
                new RpmPackage.Dep("libc", "GE", "1", "2.0", "3", false));
        assertThat(p.files()).containsExactly(new RpmPackage.FileEntry("/usr/bin/demo", null),
                new RpmPackage.FileEntry("/usr/share/demo", "dir"), new RpmPackage.FileEntry("/usr/share/doc/demo/README", "ghost"));
        assertThat(p.changelogs()).containsExactly(new RpmPackage.Changelog("Tester <t@example.test> - 1.2-3", 1_690_000_000L,
                "- first <release> & more"));
        // the main header starts after the lead and the signature header padded to 8 bytes, and ends at the payload
        assertThat(f.headerStart() % 8).isZero();
        assertThat(f.headerStart()).isGreaterThan(96);
        String tail = new String(Arrays.copyOfRange(rpm, (int) f.headerEnd(), rpm.length));
        assertThat(tail).startsWith("payload of demo-1.2");
        assertThat(p.signed()).isFalse();
        // and back from the attributes it is stored with
        assertThat(RpmPackage.fromMap(p.toMap())).isEqualTo(p);
    }

    @Test
    void reportsTheOpenPgpSignatureAndItsKeyId() throws IOException {
        byte[] rpm = RpmTestPackages.rpm("demo", "1.2", "3", "noarch", RpmTestPackages.signaturePacket("0123456789ABCDEF"));
        RpmPackage p = RpmPackage.fromFile(read(rpm));
        assertThat(p.signed()).isTrue();
        assertThat(p.signature()).containsEntry("tag", "RSAHEADER").containsEntry("algorithm", "RSA")
                .containsEntry("key_id", "0123456789ABCDEF");
    }

    @Test
    void refusesTruncatedAndForeignFiles() {
        byte[] rpm = RpmTestPackages.rpm("demo", "1.0", "1", "noarch", null);
        for (int cut : new int[] {0, 10, 95, 96, 100, 120, 200, 400}) {
            assertThatThrownBy(() -> read(Arrays.copyOf(rpm, cut))).as("cut at %d", cut).isInstanceOf(RpmFormatException.class);
        }
        assertThatThrownBy(() -> read("not an rpm at all, just text".repeat(10).getBytes()))
                .isInstanceOf(RpmFormatException.class).hasMessageContaining("magic");
        byte[] badHeaderMagic = rpm.clone();
        badHeaderMagic[96] = 0;
        assertThatThrownBy(() -> read(badHeaderMagic)).isInstanceOf(RpmFormatException.class).hasMessageContaining("magic");
    }

    /** The offset of the main header's intro in a test package. */
    private static int header(byte[] rpm) throws IOException {
        return (int) read(rpm).headerStart();
    }

    @Test
    void refusesCountsAndOffsetsOutOfRangeBeforeAllocating() throws IOException {
        byte[] rpm = RpmTestPackages.rpm("demo", "1.0", "1", "noarch", null);
        int h = header(rpm);
        List<byte[]> bad = new ArrayList<>();
        bad.add(with(rpm, h + 8, 0xFFFFFFFFL)); // index entries
        bad.add(with(rpm, h + 8, 0)); // no entries
        bad.add(with(rpm, h + 12, 0x7FFFFFFFL)); // data store
        bad.add(with(rpm, h + 16 + 8, 0x7FFFFFFFL)); // first entry's offset
        bad.add(with(rpm, h + 16 + 12, 0x7FFFFFFFL)); // first entry's count
        bad.add(with(rpm, h + 16 + 4, 99)); // first entry's type
        bad.add(with(rpm, 96 + 8, 0x00FFFFFFL)); // the signature header's entries
        for (byte[] b : bad) {
            assertThatThrownBy(() -> RpmPackage.fromFile(read(b))).isInstanceOf(RpmFormatException.class);
        }
    }

    @Test
    void refusesAStringThatRunsPastTheDataStore() {
        List<RpmTestPackages.Tag> tags = new ArrayList<>(RpmTestPackages.mainTags("demo", "1.0", "1", "noarch", new byte[0]));
        // the last tag's string loses its terminator: it would run past the end of the store
        tags.add(new RpmTestPackages.Tag(RpmPackage.TAG_VENDOR, RpmHeader.TYPE_STRING, 1, "unterminated".getBytes()));
        byte[] rpm = RpmTestPackages.rpm(RpmTestPackages.header(tags), new byte[0], null, "demo");
        assertThatThrownBy(() -> read(rpm)).isInstanceOf(RpmFormatException.class).hasMessageContaining("not terminated");
    }

    @Test
    void refusesDirIndexesThatNameNoDirectoryAndHugeOrOddNames() {
        List<RpmTestPackages.Tag> tags = replace(RpmTestPackages.mainTags("demo", "1.0", "1", "noarch", new byte[0]),
                RpmTestPackages.int32(RpmPackage.TAG_DIRINDEXES, 0, 1, 7));
        assertThatThrownBy(() -> RpmPackage.fromFile(read(RpmTestPackages.rpm(RpmTestPackages.header(tags), new byte[0], null, "d"))))
                .isInstanceOf(RpmFormatException.class).hasMessageContaining("DIRINDEXES");
        for (String name : new String[] {"x".repeat(5000), "../etc/passwd", "a/b", "", "-dash"}) {
            List<RpmTestPackages.Tag> t = replace(RpmTestPackages.mainTags("demo", "1.0", "1", "noarch", new byte[0]),
                    RpmTestPackages.string(RpmPackage.TAG_NAME, name));
            assertThatThrownBy(() -> RpmPackage.fromFile(read(RpmTestPackages.rpm(RpmTestPackages.header(t), new byte[0], null, "d"))))
                    .as("name %s", name.length() > 20 ? name.substring(0, 20) : name).isInstanceOf(RpmFormatException.class);
        }
        List<RpmTestPackages.Tag> dashVersion = replace(RpmTestPackages.mainTags("demo", "1.0", "1", "noarch", new byte[0]),
                RpmTestPackages.string(RpmPackage.TAG_VERSION, "1-0"));
        assertThatThrownBy(() -> RpmPackage.fromFile(read(RpmTestPackages.rpm(RpmTestPackages.header(dashVersion), new byte[0], null, "d"))))
                .isInstanceOf(RpmFormatException.class);
    }

    @Test
    void aTruncatedOrAlteredPayloadIsFoundByItsSizeAndDigest() throws IOException {
        byte[] rpm = RpmTestPackages.rpm("demo", "1.0", "1", "noarch", null);
        RpmFile f = read(rpm);
        byte[] cut = Arrays.copyOf(rpm, rpm.length - 5);
        assertThatThrownBy(() -> check(cut)).isInstanceOf(RpmFormatException.class).hasMessageContaining("truncated");
        byte[] altered = rpm.clone();
        altered[(int) f.headerEnd() + 3] ^= 1;
        assertThatThrownBy(() -> check(altered)).isInstanceOf(RpmFormatException.class).hasMessageContaining("SHA-256");
        check(rpm);
    }

    private static void check(byte[] b) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(b);
        RpmFile f = RpmFile.read(in);
        RpmFormat.checkPayload(f, in, b.length);
    }

    private static List<RpmTestPackages.Tag> replace(List<RpmTestPackages.Tag> tags, RpmTestPackages.Tag t) {
        List<RpmTestPackages.Tag> out = new ArrayList<>();
        for (RpmTestPackages.Tag x : tags) {
            out.add(x.tag() == t.tag() ? t : x);
        }
        return out;
    }

    private static byte[] with(byte[] b, int at, long v) {
        byte[] c = b.clone();
        RpmTestPackages.put32(c, at, v);
        return c;
    }
}
