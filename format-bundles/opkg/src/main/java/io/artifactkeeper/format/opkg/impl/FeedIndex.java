package io.artifactkeeper.format.opkg.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.signing.RepositorySigner;

/**
 * A feed folder's index: {@code Packages} (each package's control stanza followed by
 * {@code Filename}, {@code Size}, {@code SHA256sum}, {@code MD5Sum}; a blank line between stanzas),
 * {@code Packages.gz}, and {@code Packages.sig}: with an {@code ed25519} key the usign/signify
 * signature OpenWrt's {@code usign -V} verifies, with a {@code gpg} key an armoured OpenPGP detached
 * signature (opkg's {@code gpg} signature mode).
 *
 * <p>usign: the signature file is {@code untrusted comment: ...} and the base64 of {@code "Ed"}, the
 * 8-byte key number and the 64-byte Ed25519 signature of the file's bytes; the public key file is
 * the same with the 32-byte key. The key number is the first 8 bytes of the key's fingerprint (the
 * signing API's SHA-256 of the SubjectPublicKeyInfo), so {@code usign -F} names the key listed there.
 */
final class FeedIndex {
    static final String PACKAGES = "Packages";
    static final int MAX_PACKAGES = 100_000;
    static final List<String> GENERATED = List.of("Filename", "Size", "SHA256sum", "MD5Sum", "MD5sum");

    private FeedIndex() {
    }

    /** The Packages text: one stanza per name, version and architecture (the first wins), sorted. */
    static byte[] text(Collection<Control.Stanza> stanzas) {
        Map<String, Control.Stanza> unique = new LinkedHashMap<>();
        for (Control.Stanza s : stanzas) {
            unique.putIfAbsent(s.get("Package") + "\0" + s.get("Version") + "\0" + s.get("Architecture"), s);
        }
        List<Control.Stanza> sorted = new ArrayList<>(unique.values());
        sorted.sort(Comparator.comparing((Control.Stanza s) -> s.get("Package")).thenComparing(s -> s.get("Version"))
                .thenComparing(s -> s.get("Architecture")));
        StringBuilder b = new StringBuilder();
        for (Control.Stanza s : sorted) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(s.text());
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A package's index stanza: its control fields, then where it is and its checksums. */
    static Control.Stanza entry(Control.Stanza control, String filename, long size, String sha256, String md5) {
        Map<String, String> f = new LinkedHashMap<>();
        control.fields().forEach((k, v) -> {
            if (GENERATED.stream().noneMatch(k::equalsIgnoreCase)) {
                f.put(k, v);
            }
        });
        f.put("Filename", filename);
        f.put("Size", Long.toString(size));
        f.put("SHA256sum", sha256);
        f.put("MD5Sum", md5);
        return new Control.Stanza(f);
    }

    static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** The signature file of {@code packages} by {@code signer}. */
    static byte[] signature(RepositorySigner signer, byte[] packages) throws IOException {
        if (isUsign(signer)) {
            byte[] sig = signer.sign(packages, "Ed25519");
            return usign("signed by key " + HexFormat.of().formatHex(keyNumber(signer)), keyNumber(signer), sig);
        }
        return signer.detachedSignature(packages, true);
    }

    /** The public key file opkg users install: usign's for an Ed25519 key, armoured OpenPGP for gpg. */
    static byte[] publicKey(RepositorySigner signer) {
        if (isUsign(signer)) {
            byte[] spki = signer.publicKeyBytes();
            byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            return usign("public key " + HexFormat.of().formatHex(keyNumber(signer)), keyNumber(signer), raw);
        }
        return signer.publicKeyText().getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the signer makes usign signatures; a key opkg cannot verify is the operator's mistake (409). */
    static boolean isUsign(RepositorySigner signer) {
        String type = signer.keyType().toLowerCase(Locale.ROOT);
        if (type.equals("ed25519")) {
            return true;
        }
        if (type.equals("gpg")) {
            return false;
        }
        throw new FormatException(409, "SIGNING_KEY_UNSUITABLE", "opkg feeds are signed with an ed25519 key (usign) or a gpg key;"
                + " key " + signer.name() + " is " + signer.keyType() + "/" + signer.algorithm());
    }

    /** usign's key number: the first 8 bytes of the key's fingerprint (or of a SHA-256 of the key when that is no hex). */
    static byte[] keyNumber(RepositorySigner signer) {
        String fp = signer.fingerprint();
        if (fp != null && fp.matches("[0-9A-Fa-f]{16,}")) {
            return HexFormat.of().parseHex(fp.substring(0, 16));
        }
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(signer.publicKeyBytes()), 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] usign(String comment, byte[] keyNumber, byte[] payload) {
        byte[] b = new byte[2 + 8 + payload.length];
        b[0] = 'E';
        b[1] = 'd';
        System.arraycopy(keyNumber, 0, b, 2, 8);
        System.arraycopy(payload, 0, b, 10, payload.length);
        return ("untrusted comment: " + comment + "\n" + Base64.getEncoder().encodeToString(b) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
