package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * opkg end to end. No opkg client runs here (CLIENTS.md), so the test makes the requests opkg makes for
 * a feed configured as {@code src/gz NAME URL} with {@code option check_signature 1}: {@code GET
 * URL/Packages.gz}, {@code GET URL/Packages.sig}, then {@code GET URL/{Filename}}; and checks what opkg
 * checks: the usign signature (verified with {@code openssl pkeyutl -verify -rawin} against the key the
 * signing API publishes, and its key number against {@code /opkg/{repo}/key}), the OpenPGP signature of a
 * gpg-signed feed with {@code gpgv}, and each package's Size and SHA256sum. Local, remote (of a
 * repository served by this server over HTTP) and virtual (re-signed with its own key); bad uploads
 * refused with nothing stored.
 */
class OpkgIT {
    static final String FEED = "packages/";
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        System.out.println("[opkg] client: none here; verifiers: " + run(tmp, "openssl", "version").strip() + "; "
                + run(tmp, "gpgv", "--version").lines().findFirst().orElse(""));
        create(Map.of("key", "ipk-local", "format", "opkg", "is_public", true));
        create(Map.of("key", "ipk-remote", "format", "opkg", "repo_type", "remote", "is_public", true,
                "upstream_url", ak.url() + "/opkg/ipk-local/"));
        create(Map.of("key", "ipk-extra", "format", "opkg", "is_public", true));
        create(Map.of("key", "ipk-all", "format", "opkg", "repo_type", "virtual", "is_public", true));
        create(Map.of("key", "ipk-gpg", "format", "opkg", "is_public", true));
        HttpResponse<String> members = ak.json("PUT", "/api/v1/repositories/ipk-all/members", admin, Map.of("members",
                List.of(Map.of("member_key", "ipk-extra", "priority", 1), Map.of("member_key", "ipk-remote", "priority", 2))));
        assertThat(members.statusCode()).as(members.body()).isEqualTo(200);
        for (String repo : List.of("ipk-local", "ipk-remote", "ipk-all", "ipk-gpg")) {
            Map<String, Object> key = repo.equals("ipk-gpg")
                    ? Map.of("name", repo + " key", "key_type", "gpg", "algorithm", "rsa2048")
                    : Map.of("name", repo + " key", "key_type", "ed25519");
            ak.signRepository(repo, ak.createSigningKey(key).get("id").asText(), Map.of());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
    }

    static void create(Map<String, Object> body) throws Exception {
        HttpResponse<String> r = ak.json("POST", "/api/v1/repositories", admin, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void opkgRequestsAgainstLocalRemoteAndVirtualVerifyAsOpkgWould() throws Exception {
        byte[] hello = ipk("hello", "1.0-1", "x86_64", true);
        byte[] tool = ipk("tool", "2.3.1-r2", "all", false);
        assertThat(put("ipk-local", FEED + "hello_1.0-1_x86_64.ipk", hello)).isEqualTo(201);
        assertThat(put("ipk-local", FEED + "tool_2.3.1-r2_all.ipk", tool)).isEqualTo(201);
        byte[] extra = ipk("extra", "0.1-1", "x86_64", true);
        assertThat(put("ipk-extra", FEED + "extra_0.1-1_x86_64.ipk", extra)).isEqualTo(201);

        checkFeed("ipk-local", Map.of("hello", hello, "tool", tool));
        checkFeed("ipk-remote", Map.of("hello", hello, "tool", tool));
        checkFeed("ipk-all", Map.of("hello", hello, "tool", tool, "extra", extra));

        String listed = ak.send("GET", "/api/v1/repositories/ipk-local/artifacts", admin, null, null).body();
        assertThat(listed).contains("hello_1.0-1_x86_64.ipk").contains("tool_2.3.1-r2_all.ipk");
    }

    @Test
    void aGpgSignedFeedVerifiesWithGpgv() throws Exception {
        byte[] pkg = ipk("signed", "1.0-1", "all", true);
        assertThat(put("ipk-gpg", FEED + "signed_1.0-1_all.ipk", pkg)).isEqualTo(201);
        byte[] packages = gunzip(get("ipk-gpg", FEED + "Packages.gz"));
        String key = new String(get("ipk-gpg", "key"), StandardCharsets.US_ASCII);
        assertThat(key).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
                .isEqualTo(ak.send("GET", "/api/v1/signing/repositories/ipk-gpg/public-key", null, null, null).body());
        Path dir = Files.createTempDirectory(tmp, "gpg");
        Files.writeString(dir.resolve("key.asc"), key);
        run(dir, "gpg", "--homedir", dir.toString(), "--batch", "--yes", "-o", dir.resolve("key.gpg").toString(),
                "--dearmor", dir.resolve("key.asc").toString());
        Files.write(dir.resolve("Packages"), packages);
        Files.write(dir.resolve("Packages.sig"), get("ipk-gpg", FEED + "Packages.sig"));
        assertThat(run(dir, "gpgv", "--keyring", dir.resolve("key.gpg").toString(), dir.resolve("Packages.sig").toString(),
                dir.resolve("Packages").toString())).contains("Good signature");
        packages[5] ^= 1;
        Files.write(dir.resolve("Packages"), packages);
        assertThat(exit(dir, "gpgv", "--keyring", dir.resolve("key.gpg").toString(), dir.resolve("Packages.sig").toString(),
                dir.resolve("Packages").toString())).isNotZero();
    }

    @Test
    void badUploadsAreRefusedWithNothingStored() throws Exception {
        byte[] good = ipk("bad", "1.0-1", "x86_64", true);
        String path = FEED + "bad_1.0-1_x86_64.ipk";
        assertThat(put("ipk-local", path, Arrays.copyOf(good, good.length - 9))).isEqualTo(400);
        assertThat(put("ipk-local", path, "not a package".getBytes(StandardCharsets.UTF_8))).isEqualTo(400);
        assertThat(put("ipk-local", path, ipk("other", "1.0-1", "x86_64", true))).isEqualTo(400);
        assertThat(put("ipk-local", path, ipk(control("bad", "1.0-1", "x86_64"), Map.of("../../etc/passwd", new byte[1]), true)))
                .isEqualTo(400);
        assertThat(put("ipk-local", path, ipk("Package: bad\nArchitecture: x86_64\n", Map.of("./a", new byte[1]), true)))
                .isEqualTo(400);
        Map<String, byte[]> noControl = new LinkedHashMap<>();
        noControl.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        noControl.put("data.tar.gz", gzip(tar(Map.of("./a", new byte[1]))));
        assertThat(put("ipk-local", path, ar(noControl))).isEqualTo(400);
        assertThat(ak.send("PUT", "/opkg/ipk-local/" + path, null, "application/octet-stream", good).statusCode()).isEqualTo(401);
        assertThat(ak.send("GET", "/api/v1/repositories/ipk-local/artifacts", admin, null, null).body()).doesNotContain("bad_");
        assertThat(put("ipk-remote", path, good)).isEqualTo(405);
        assertThat(put("ipk-all", path, good)).isEqualTo(400);
        assertThat(put("ipk-local", path, good)).isEqualTo(201);
        assertThat(put("ipk-local", path, good)).isEqualTo(409);
    }

    /** What `opkg update` and `opkg install` fetch for a `src/gz` feed with check_signature on, and check. */
    void checkFeed(String repo, Map<String, byte[]> packages) throws Exception {
        byte[] packagesGz = get(repo, FEED + "Packages.gz");
        byte[] text = gunzip(packagesGz);
        assertThat(get(repo, FEED + "Packages")).isEqualTo(text);
        String sigFile = new String(get(repo, FEED + "Packages.sig"), StandardCharsets.US_ASCII);
        String keyFile = new String(get(repo, "key"), StandardCharsets.US_ASCII);
        assertThat(sigFile).startsWith("untrusted comment: ");
        assertThat(keyFile).startsWith("untrusted comment: ");
        byte[] sig = Base64.getDecoder().decode(sigFile.lines().toList().get(1));
        byte[] key = Base64.getDecoder().decode(keyFile.lines().toList().get(1));
        assertThat(sig).hasSize(74);
        assertThat(key).hasSize(42);
        assertThat(Arrays.copyOfRange(sig, 0, 10)).as("Ed + the key number usign matches").isEqualTo(Arrays.copyOfRange(key, 0, 10));

        // the signing API's key (PEM) is the same key, and openssl verifies the Ed25519 signature with it
        String pem = ak.send("GET", "/api/v1/signing/repositories/" + repo + "/public-key", null, null, null).body();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
        byte[] spki = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
        assertThat(Arrays.copyOfRange(spki, spki.length - 32, spki.length)).isEqualTo(Arrays.copyOfRange(key, 10, 42));
        Path dir = Files.createTempDirectory(tmp, repo);
        Files.writeString(dir.resolve("key.pem"), pem);
        Files.write(dir.resolve("Packages"), text);
        Files.write(dir.resolve("sig.bin"), Arrays.copyOfRange(sig, 10, 74));
        assertThat(run(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin", "-in", "Packages",
                "-sigfile", "sig.bin")).contains("Signature Verified Successfully");
        byte[] altered = text.clone();
        altered[altered.length / 2] ^= 1;
        Files.write(dir.resolve("Altered"), altered);
        assertThat(exit(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin", "-in", "Altered",
                "-sigfile", "sig.bin")).isNotZero();

        // each package opkg installs: its stanza, the file at Filename, its Size and SHA256sum
        String index = new String(text, StandardCharsets.UTF_8);
        for (Map.Entry<String, byte[]> pkg : packages.entrySet()) {
            String stanza = Arrays.stream(index.split("\n\n")).map(s -> s + "\n")
                    .filter(s -> s.startsWith("Package: " + pkg.getKey() + "\n")).findFirst().orElse("");
            assertThat(stanza).as(repo + " lists " + pkg.getKey()).isNotEmpty();
            String filename = field(stanza, "Filename");
            byte[] got = get(repo, FEED + filename);
            assertThat(got).isEqualTo(pkg.getValue());
            assertThat(field(stanza, "Size")).isEqualTo(Long.toString(got.length));
            assertThat(field(stanza, "SHA256sum")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got)));
        }
        assertThat(index.split("\n\n")).hasSize(packages.size());
    }

    static String field(String stanza, String name) {
        return stanza.lines().filter(l -> l.startsWith(name + ": ")).findFirst().orElseThrow().substring(name.length() + 2);
    }

    static byte[] get(String repo, String path) throws Exception {
        HttpResponse<byte[]> r = ak.getBytes("/opkg/" + repo + "/" + path, null);
        assertThat(r.statusCode()).as("GET /opkg/" + repo + "/" + path).isEqualTo(200);
        return r.body();
    }

    static int put(String repo, String path, byte[] body) throws Exception {
        return ak.send("PUT", "/opkg/" + repo + "/" + path, admin, "application/octet-stream", body).statusCode();
    }

    static String control(String name, String version, String arch) {
        return "Package: " + name + "\nVersion: " + version + "\nDepends: libc\nLicense: MIT\nSection: utils\nArchitecture: "
                + arch + "\nInstalled-Size: 1024\nDescription: " + name + " for tests\n";
    }

    static byte[] ipk(String name, String version, String arch, boolean ar) throws Exception {
        return ipk(control(name, version, arch), Map.of("./usr/bin/" + name, ("#!/bin/sh\necho " + version + "\n")
                .getBytes(StandardCharsets.UTF_8)), ar);
    }

    /** An ipk as opkg-build (ar) or OpenWrt's ipkg-build (gzip'd tar of the same members) makes it. */
    static byte[] ipk(String control, Map<String, byte[]> data, boolean ar) throws Exception {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        m.put("control.tar.gz", gzip(tar(Map.of("./control", control.getBytes(StandardCharsets.UTF_8)))));
        m.put("data.tar.gz", gzip(tar(data)));
        if (ar) {
            return ar(m);
        }
        Map<String, byte[]> dotted = new LinkedHashMap<>();
        m.forEach((k, v) -> dotted.put("./" + k, v));
        return gzip(tar(dotted));
    }

    static byte[] ar(Map<String, byte[]> members) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ArArchiveOutputStream a = new ArArchiveOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : members.entrySet()) {
                a.putArchiveEntry(new ArArchiveEntry(e.getKey(), e.getValue().length));
                a.write(e.getValue());
                a.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] tar(Map<String, byte[]> files) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                t.putArchiveEntry(e);
                t.write(f.getValue());
                t.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] b) throws Exception {
        return new GZIPInputStream(new ByteArrayInputStream(b)).readAllBytes();
    }

    static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    static int exit(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
