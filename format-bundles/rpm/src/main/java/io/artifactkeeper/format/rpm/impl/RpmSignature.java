package io.artifactkeeper.format.rpm.impl;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the signature header of a package says about its OpenPGP signature: which tag carries it
 * ({@code RSAHEADER}/{@code DSAHEADER} over the header, {@code PGP}/{@code GPG} over header and
 * payload), the public-key algorithm and the issuer's key id, read from the signature packet
 * (versions 3 and 4, old and new packet framing) with every length checked. Reported, not verified:
 * the key that would verify it is the client's business ({@code rpm -K}).
 *
 * @param tag the signature header tag name, or null when the package carries no OpenPGP signature
 * @param algorithm {@code RSA}, {@code DSA}, {@code EdDSA}, {@code ECDSA} or {@code unknown(N)}
 * @param keyId the issuer key id (16 upper-case hex digits), or null when the packet names none
 */
record RpmSignature(String tag, String algorithm, String keyId) {
    static final RpmSignature NONE = new RpmSignature(null, null, null);

    static final int SIG_DSAHEADER = 267;
    static final int SIG_RSAHEADER = 268;
    static final int SIG_PGP = 1002;
    static final int SIG_GPG = 1005;

    boolean signed() {
        return tag != null;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("signed", signed());
        if (signed()) {
            m.put("tag", tag);
            m.put("algorithm", algorithm);
            if (keyId != null) {
                m.put("key_id", keyId);
            }
        }
        return m;
    }

    /** The signature of a package whose signature header is {@code sig}; the header signatures first. */
    static RpmSignature of(RpmHeader sig) {
        int[][] tags = {{SIG_RSAHEADER}, {SIG_DSAHEADER}, {SIG_PGP}, {SIG_GPG}};
        String[] names = {"RSAHEADER", "DSAHEADER", "PGP", "GPG"};
        for (int i = 0; i < tags.length; i++) {
            byte[] packet = sig.binary(tags[i][0]);
            if (packet != null && packet.length > 0) {
                RpmSignature s = parsePacket(names[i], packet);
                if (s != null) {
                    return s;
                }
            }
        }
        return NONE;
    }

    /** One OpenPGP signature packet (tag 2); null when the bytes are not one. */
    static RpmSignature parsePacket(String tagName, byte[] p) {
        if (p.length < 2 || (p[0] & 0x80) == 0) {
            return null;
        }
        int at;
        int packetTag;
        long len;
        if ((p[0] & 0x40) != 0) {
            packetTag = p[0] & 0x3F;
            int first = p[1] & 0xFF;
            if (first < 192) {
                len = first;
                at = 2;
            } else if (first < 224) {
                if (p.length < 3) {
                    return null;
                }
                len = ((first - 192) << 8) + (p[2] & 0xFF) + 192;
                at = 3;
            } else if (first == 255) {
                if (p.length < 6) {
                    return null;
                }
                len = RpmHeader.u32(p, 2);
                at = 6;
            } else {
                return null;
            }
        } else {
            packetTag = (p[0] >> 2) & 0x0F;
            int lenType = p[0] & 0x03;
            int n = lenType == 0 ? 1 : lenType == 1 ? 2 : lenType == 2 ? 4 : 0;
            if (n == 0 || p.length < 1 + n) {
                return null;
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (p[1 + i] & 0xFF);
            }
            at = 1 + n;
        }
        if (packetTag != 2 || len > p.length - at || len < 1) {
            return null;
        }
        int end = (int) (at + len);
        int version = p[at] & 0xFF;
        if (version == 3) {
            // version, 5 (hashed length), type, 4 bytes time, 8 bytes key id, public-key algorithm, hash algorithm
            if (end - at < 19 || (p[at + 1] & 0xFF) != 5) {
                return null;
            }
            String keyId = HexFormat.of().withUpperCase().formatHex(p, at + 7, at + 15);
            return new RpmSignature(tagName, algorithm(p[at + 15] & 0xFF), keyId);
        }
        if (version != 4 && version != 5 && version != 6) {
            return null;
        }
        // version, type, public-key algorithm, hash algorithm, hashed subpackets, unhashed subpackets
        int countBytes = version == 4 ? 2 : 4;
        if (end - at < 4 + countBytes) {
            return null;
        }
        String alg = algorithm(p[at + 2] & 0xFF);
        int pos = at + 4;
        String keyId = null;
        for (int area = 0; area < 2 && pos + countBytes <= end; area++) {
            long areaLen = 0;
            for (int i = 0; i < countBytes; i++) {
                areaLen = (areaLen << 8) | (p[pos + i] & 0xFF);
            }
            pos += countBytes;
            if (areaLen > end - pos) {
                return new RpmSignature(tagName, alg, keyId);
            }
            int areaEnd = (int) (pos + areaLen);
            String found = issuer(p, pos, areaEnd);
            if (keyId == null) {
                keyId = found;
            }
            pos = areaEnd;
        }
        return new RpmSignature(tagName, alg, keyId);
    }

    /** The issuer key id in a subpacket area: subpacket 16 (key id) or 33 (fingerprint, last 8 bytes). */
    private static String issuer(byte[] p, int pos, int end) {
        String fromFingerprint = null;
        while (pos < end) {
            int first = p[pos] & 0xFF;
            long len;
            if (first < 192) {
                len = first;
                pos += 1;
            } else if (first < 255) {
                if (pos + 1 >= end) {
                    return fromFingerprint;
                }
                len = ((first - 192) << 8) + (p[pos + 1] & 0xFF) + 192;
                pos += 2;
            } else {
                if (pos + 5 > end) {
                    return fromFingerprint;
                }
                len = RpmHeader.u32(p, pos + 1);
                pos += 5;
            }
            if (len < 1 || len > end - pos) {
                return fromFingerprint;
            }
            int type = p[pos] & 0x7F;
            int body = pos + 1;
            int bodyLen = (int) len - 1;
            if (type == 16 && bodyLen == 8) {
                return HexFormat.of().withUpperCase().formatHex(p, body, body + 8);
            }
            if (type == 33 && bodyLen >= 9) {
                fromFingerprint = HexFormat.of().withUpperCase().formatHex(p, body + bodyLen - 8, body + bodyLen);
            }
            pos += (int) len;
        }
        return fromFingerprint;
    }

    private static String algorithm(int id) {
        return switch (id) {
            case 1, 2, 3 -> "RSA";
            case 17 -> "DSA";
            case 19 -> "ECDSA";
            case 22, 27, 28 -> "EdDSA";
            default -> "unknown(" + id + ")";
        };
    }
}
