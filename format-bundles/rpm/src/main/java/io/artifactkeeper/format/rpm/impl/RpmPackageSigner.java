package io.artifactkeeper.format.rpm.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.artifactkeeper.api.signing.RepositorySigner;

/**
 * Signs a package as {@code rpmsign --addsign} does: an OpenPGP signature over the main header (the
 * bytes from its magic to its end) goes into the signature header as {@code RSAHEADER}; the signature
 * header is written again with its region ({@code HEADERSIGNATURES}) covering every entry, without the
 * space rpm reserved for signatures. The header and payload are unchanged, so their digests still hold.
 */
final class RpmPackageSigner {
    static final int REGION_SIGNATURES = 62;
    static final int RESERVED_SPACE = 1008;

    private RpmPackageSigner() {
    }

    /**
     * The lead, the new signature header and its padding, and the main header: what replaces the
     * first {@code f.headerEnd()} bytes of the package ({@code prefix}).
     */
    static byte[] sign(byte[] prefix, RpmFile f, RepositorySigner signer) throws IOException {
        byte[] header = java.util.Arrays.copyOfRange(prefix, (int) f.headerStart(), (int) f.headerEnd());
        byte[] packet = signer.detachedSignature(header, false);
        List<RpmHeader.Entry> keep = new ArrayList<>();
        for (RpmHeader.Entry e : f.signature().entries()) {
            int t = e.tag();
            if (t != REGION_SIGNATURES && t != RESERVED_SPACE && t != RpmSignature.SIG_RSAHEADER && t != RpmSignature.SIG_DSAHEADER
                    && t != RpmSignature.SIG_PGP && t != RpmSignature.SIG_GPG) {
                keep.add(e);
            }
        }
        keep.sort(Comparator.comparingInt(RpmHeader.Entry::tag));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        int n = keep.size() + 2; // the region and RSAHEADER
        boolean added = false;
        List<byte[]> entries = new ArrayList<>();
        for (RpmHeader.Entry e : keep) {
            if (!added && e.tag() > RpmSignature.SIG_RSAHEADER) {
                entries.add(entry(RpmSignature.SIG_RSAHEADER, RpmHeader.TYPE_BIN, append(data, packet, 1), packet.length));
                added = true;
            }
            entries.add(entry(e.tag(), e.type(), append(data, f.signature().raw(e), align(e.type())), e.count()));
        }
        if (!added) {
            entries.add(entry(RpmSignature.SIG_RSAHEADER, RpmHeader.TYPE_BIN, append(data, packet, 1), packet.length));
        }
        // the region's trailer: an entry whose offset is minus the size of the region's index
        byte[] trailer = entry(REGION_SIGNATURES, RpmHeader.TYPE_BIN, -n * 16, 16);
        int trailerAt = append(data, trailer, 1);
        index.writeBytes(entry(REGION_SIGNATURES, RpmHeader.TYPE_BIN, trailerAt, 16));
        for (byte[] e : entries) {
            index.writeBytes(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(prefix, 0, RpmFile.LEAD_SIZE);
        out.writeBytes(new byte[] {(byte) 0x8E, (byte) 0xAD, (byte) 0xE8, 0x01, 0, 0, 0, 0});
        out.writeBytes(int32(n));
        out.writeBytes(int32(data.size()));
        out.writeBytes(index.toByteArray());
        out.writeBytes(data.toByteArray());
        while (out.size() % 8 != 0) {
            out.write(0);
        }
        out.writeBytes(header);
        return out.toByteArray();
    }

    private static int align(int type) {
        return switch (type) {
            case RpmHeader.TYPE_INT16 -> 2;
            case RpmHeader.TYPE_INT32 -> 4;
            case RpmHeader.TYPE_INT64 -> 8;
            default -> 1;
        };
    }

    private static int append(ByteArrayOutputStream data, byte[] bytes, int align) {
        while (data.size() % align != 0) {
            data.write(0);
        }
        int at = data.size();
        data.writeBytes(bytes);
        return at;
    }

    private static byte[] entry(int tag, int type, int offset, int count) {
        byte[] e = new byte[16];
        System.arraycopy(int32(tag), 0, e, 0, 4);
        System.arraycopy(int32(type), 0, e, 4, 4);
        System.arraycopy(int32(offset), 0, e, 8, 4);
        System.arraycopy(int32(count), 0, e, 12, 4);
        return e;
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }
}
