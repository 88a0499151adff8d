package io.artifactkeeper.format.rpm.impl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds small RPM files for in-process tests, written from the file format's description: a lead, a
 * signature header (SIZE, SHA256 of the header, optionally an OpenPGP signature packet) and a header
 * with the identity, dependency, file and changelog tags, then a payload whose SHA-256 the header
 * carries (PAYLOADDIGEST). The real {@code rpmbuild} makes the packages of the end-to-end test.
 */
final class RpmTestPackages {
    private RpmTestPackages() {
    }

    /** One tag of a header being written. */
    record Tag(int tag, int type, int count, byte[] data) {
    }

    static Tag string(int tag, String s) {
        return new Tag(tag, RpmHeader.TYPE_STRING, 1, (s + "\0").getBytes(StandardCharsets.UTF_8));
    }

    static Tag i18n(int tag, String s) {
        return new Tag(tag, RpmHeader.TYPE_I18NSTRING, 1, (s + "\0").getBytes(StandardCharsets.UTF_8));
    }

    static Tag strings(int tag, List<String> s) {
        StringBuilder b = new StringBuilder();
        for (String x : s) {
            b.append(x).append('\0');
        }
        return new Tag(tag, RpmHeader.TYPE_STRING_ARRAY, s.size(), b.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Tag int32(int tag, long... v) {
        byte[] d = new byte[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            put32(d, i * 4, v[i]);
        }
        return new Tag(tag, RpmHeader.TYPE_INT32, v.length, d);
    }

    static Tag int16(int tag, int... v) {
        byte[] d = new byte[v.length * 2];
        for (int i = 0; i < v.length; i++) {
            d[i * 2] = (byte) (v[i] >> 8);
            d[i * 2 + 1] = (byte) v[i];
        }
        return new Tag(tag, RpmHeader.TYPE_INT16, v.length, d);
    }

    static Tag bin(int tag, byte[] b) {
        return new Tag(tag, RpmHeader.TYPE_BIN, b.length, b);
    }

    /** A header structure: intro, index entries and the data store (each value aligned to its width). */
    static byte[] header(List<Tag> tags) {
        ByteArrayOutputStream store = new ByteArrayOutputStream();
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        for (Tag t : tags) {
            int align = switch (t.type()) {
                case RpmHeader.TYPE_INT16 -> 2;
                case RpmHeader.TYPE_INT32 -> 4;
                case RpmHeader.TYPE_INT64 -> 8;
                default -> 1;
            };
            while (store.size() % align != 0) {
                store.write(0);
            }
            byte[] e = new byte[16];
            put32(e, 0, t.tag());
            put32(e, 4, t.type());
            put32(e, 8, store.size());
            put32(e, 12, t.count());
            index.writeBytes(e);
            store.writeBytes(t.data());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x8E, (byte) 0xAD, (byte) 0xE8, 0x01, 0, 0, 0, 0});
        byte[] n = new byte[8];
        put32(n, 0, tags.size());
        put32(n, 4, store.size());
        out.writeBytes(n);
        out.writeBytes(index.toByteArray());
        out.writeBytes(store.toByteArray());
        return out.toByteArray();
    }

    static byte[] lead(String nevr) {
        byte[] lead = new byte[96];
        lead[0] = (byte) 0xED;
        lead[1] = (byte) 0xAB;
        lead[2] = (byte) 0xEE;
        lead[3] = (byte) 0xDB;
        lead[4] = 3;
        lead[9] = 1; // archnum
        byte[] name = nevr.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, lead, 10, Math.min(65, name.length));
        lead[81] = 1; // osnum
        lead[79] = 5; // signature type: header-style
        return lead;
    }

    /** The main header's tags for a package with a few files, dependencies and a changelog entry. */
    static List<Tag> mainTags(String name, String version, String release, String arch, byte[] payload) {
        List<Tag> t = new ArrayList<>();
        t.add(string(RpmPackage.TAG_NAME, name));
        t.add(string(RpmPackage.TAG_VERSION, version));
        t.add(string(RpmPackage.TAG_RELEASE, release));
        t.add(i18n(RpmPackage.TAG_SUMMARY, "The " + name + " test package <&>"));
        t.add(i18n(RpmPackage.TAG_DESCRIPTION, "A package built by the test.\nSecond line with \"quotes\" & <tags>."));
        t.add(int32(RpmPackage.TAG_BUILDTIME, 1_700_000_000L));
        t.add(string(RpmPackage.TAG_BUILDHOST, "build.test"));
        t.add(int32(RpmPackage.TAG_SIZE, 42));
        t.add(string(RpmPackage.TAG_LICENSE, "MIT"));
        t.add(i18n(RpmPackage.TAG_GROUP, "Unspecified"));
        t.add(string(RpmPackage.TAG_URL, "https://example.test/" + name));
        t.add(string(1021, "linux"));
        t.add(string(RpmPackage.TAG_ARCH, arch));
        t.add(int16(RpmPackage.TAG_FILEMODES, 0100755, 040755, 0100644));
        t.add(int32(RpmPackage.TAG_FILEFLAGS, 0, 0, 1 << 6));
        t.add(string(RpmPackage.TAG_SOURCERPM, name + "-" + version + "-" + release + ".src.rpm"));
        t.add(strings(RpmPackage.TAG_PROVIDENAME, List.of(name, name + "(x86-64)")));
        t.add(int32(RpmPackage.TAG_REQUIREFLAGS, 16777226L, 0x40 | 0x200, 12));
        t.add(strings(RpmPackage.TAG_REQUIRENAME, List.of("rpmlib(CompressedFileNames)", "/bin/sh", "libc")));
        t.add(strings(RpmPackage.TAG_REQUIREVERSION, List.of("3.0.4-1", "", "1:2.0-3")));
        t.add(int32(RpmPackage.TAG_CHANGELOGTIME, 1_690_000_000L));
        t.add(strings(RpmPackage.TAG_CHANGELOGNAME, List.of("Tester <t@example.test> - " + version + "-" + release)));
        t.add(strings(RpmPackage.TAG_CHANGELOGTEXT, List.of("- first <release> & more")));
        t.add(int32(RpmPackage.TAG_PROVIDEFLAGS, 8, 8));
        t.add(strings(RpmPackage.TAG_PROVIDEVERSION, List.of(version + "-" + release, version + "-" + release)));
        t.add(int32(RpmPackage.TAG_DIRINDEXES, 0, 1, 2));
        t.add(strings(RpmPackage.TAG_BASENAMES, List.of(name, name, "README")));
        t.add(strings(RpmPackage.TAG_DIRNAMES, List.of("/usr/bin/", "/usr/share/", "/usr/share/doc/" + name + "/")));
        t.add(strings(RpmFormat.TAG_PAYLOADDIGEST, List.of(sha256Hex(payload))));
        t.add(int32(RpmFormat.TAG_PAYLOADDIGESTALGO, 8));
        return t;
    }

    /** A whole package; {@code signature} is an OpenPGP signature packet for RSAHEADER, or null. */
    static byte[] rpm(String name, String version, String release, String arch, byte[] signature) {
        byte[] payload = ("payload of " + name + "-" + version + "\n").repeat(20).getBytes(StandardCharsets.UTF_8);
        return rpm(header(mainTags(name, version, release, arch, payload)), payload, signature, name + "-" + version + "-" + release);
    }

    static byte[] rpm(byte[] header, byte[] payload, byte[] signature, String leadName) {
        List<Tag> sig = new ArrayList<>();
        sig.add(int32(RpmFormat.SIG_SIZE, header.length + payload.length));
        sig.add(string(273, sha256Hex(header)));
        if (signature != null) {
            sig.add(bin(RpmSignature.SIG_RSAHEADER, signature));
        }
        byte[] sigHeader = header(sig);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(lead(leadName));
        out.writeBytes(sigHeader);
        while (out.size() % 8 != 0) {
            out.write(0);
        }
        out.writeBytes(header);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** A version 4 OpenPGP signature packet (old framing) by an RSA key with id {@code keyId}; the MPI is filler. */
    static byte[] signaturePacket(String keyId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {4, 0, 1, 8});
        body.writeBytes(new byte[] {0, 6, 5, 2, 0x65, 0x53, (byte) 0xF1, 0});
        body.writeBytes(new byte[] {0, 10, 9, 16});
        body.writeBytes(HexFormat.of().parseHex(keyId));
        body.writeBytes(new byte[] {0x12, 0x34, 0, 8, (byte) 0xAB});
        byte[] b = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x89);
        out.write(b.length >> 8);
        out.write(b.length);
        out.writeBytes(b);
        return out.toByteArray();
    }

    static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >> 24);
        b[at + 1] = (byte) (v >> 16);
        b[at + 2] = (byte) (v >> 8);
        b[at + 3] = (byte) v;
    }
}
