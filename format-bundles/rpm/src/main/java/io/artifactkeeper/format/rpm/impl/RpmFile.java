package io.artifactkeeper.format.rpm.impl;

import java.io.IOException;
import java.io.InputStream;

/**
 * The structure of an RPM file up to its payload: the 96-byte lead, the signature header (padded to
 * a multiple of 8 bytes) and the main header. {@link #headerStart} and {@link #headerEnd} are the
 * byte range of the main header ({@code rpm:header-range} in primary.xml); the payload follows it.
 *
 * @param source whether the lead says a source package
 * @param signature the signature header
 * @param header the main header
 * @param headerStart offset of the main header in the file
 * @param headerEnd offset just past the main header (where the payload starts)
 */
record RpmFile(boolean source, RpmHeader signature, RpmHeader header, long headerStart, long headerEnd) {
    static final int LEAD_SIZE = 96;
    /** rpm's own limits: at most 0xffff tags; the signature header is small, the main header at most 256 MB. */
    static final int MAX_ENTRIES = 0xFFFF;
    static final int MAX_SIGNATURE_DATA = 4 << 20;
    static final int MAX_HEADER_DATA = 64 << 20;

    /** Reads the lead and both headers from {@code in}, leaving it at the payload. */
    static RpmFile read(InputStream in) throws IOException {
        byte[] lead = RpmHeader.readExactly(in, LEAD_SIZE, "lead");
        if ((lead[0] & 0xFF) != 0xED || (lead[1] & 0xFF) != 0xAB || (lead[2] & 0xFF) != 0xEE || (lead[3] & 0xFF) != 0xDB) {
            throw new RpmFormatException("not an RPM package: bad lead magic");
        }
        if (lead[4] != 3 && lead[4] != 4) {
            throw new RpmFormatException("unsupported RPM file format version " + lead[4]);
        }
        int type = ((lead[6] & 0xFF) << 8) | (lead[7] & 0xFF);
        if (type > 1) {
            throw new RpmFormatException("unknown package type " + type + " in the lead");
        }
        int sigType = ((lead[78] & 0xFF) << 8) | (lead[79] & 0xFF);
        if (sigType != 5) {
            throw new RpmFormatException("unsupported signature type " + sigType + " in the lead (5 expected)");
        }
        RpmHeader sig = RpmHeader.read(in, "signature header", MAX_ENTRIES, MAX_SIGNATURE_DATA);
        long afterSig = LEAD_SIZE + sig.size();
        int pad = (int) ((8 - (afterSig % 8)) % 8);
        RpmHeader.readExactly(in, pad, "signature padding");
        long start = afterSig + pad;
        RpmHeader header = RpmHeader.read(in, "header", MAX_ENTRIES, MAX_HEADER_DATA);
        return new RpmFile(type == 1, sig, header, start, start + header.size());
    }
}
