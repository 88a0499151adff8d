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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Alpine end to end. No apk client runs here (CLIENTS.md), so the test makes the requests apk-tools
 * makes ({@code GET {branch}/{repo}/{arch}/APKINDEX.tar.gz}, then the package files it names) and
 * checks what apk checks: the index signature with openssl against the public key from the signing
 * API (and from {@code keys/}, where users download it to /etc/apk/keys), and each package's control
 * checksum against the index. Local, remote (of a repository served by this server over HTTP) and
 * virtual (re-signed with its own key) repositories; bad uploads refused with nothing stored.
 */
class AlpineIT {
    static final String DIR = "v3.19/main/x86_64/";
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        System.out.println("[alpine] client: none here; verifier: " + run(tmp, "openssl", "version").strip());
        create(Map.of("key", "apk-local", "format", "alpine", "is_public", true));
        create(Map.of("key", "apk-remote", "format", "alpine", "repo_type", "remote", "is_public", true,
                "upstream_url", ak.url() + "/alpine/apk-local/"));
        create(Map.of("key", "apk-extra", "format", "alpine", "is_public", true));
        create(Map.of("key", "apk-all", "format", "alpine", "repo_type", "virtual", "is_public", true));
        HttpResponse<String> members = ak.json("PUT", "/api/v1/repositories/apk-all/members", admin, Map.of("members",
                List.of(Map.of("member_key", "apk-extra", "priority", 1), Map.of("member_key", "apk-remote", "priority", 2))));
        assertThat(members.statusCode()).as(members.body()).isEqualTo(200);
        for (String repo : List.of("apk-local", "apk-remote", "apk-all")) {
            JsonNode key = ak.createSigningKey(Map.of("name", repo + " key", "key_type", "rsa", "algorithm", "rsa2048"));
            ak.signRepository(repo, key.get("id").asText(), Map.of());
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
    void apkRequestsAgainstLocalRemoteAndVirtualVerifyAsApkWould() throws Exception {
        byte[] hello = apk("hello", "1.0-r0", "x86_64");
        byte[] tool = apk("tool", "2.3.1-r2", "noarch");
        assertThat(put("apk-local", DIR + "hello-1.0-r0.apk", hello)).isEqualTo(201);
        assertThat(put("apk-local", DIR + "tool-2.3.1-r2.apk", tool)).isEqualTo(201);
        byte[] extra = apk("extra", "0.1-r0", "x86_64");
        assertThat(put("apk-extra", DIR + "extra-0.1-r0.apk", extra)).isEqualTo(201);

        // local: both packages; remote: the same, through its own cache and key; virtual: all three
        checkRepository("apk-local", Map.of("hello", hello, "tool", tool));
        checkRepository("apk-remote", Map.of("hello", hello, "tool", tool));
        checkRepository("apk-all", Map.of("hello", hello, "tool", tool, "extra", extra));

        // every package is an artifact of its repository
        String listed = ak.send("GET", "/api/v1/repositories/apk-local/artifacts", admin, null, null).body();
        assertThat(listed).contains("hello-1.0-r0.apk").contains("tool-2.3.1-r2.apk");
    }

    @Test
    void badUploadsAreRefusedWithNothingStored() throws Exception {
        byte[] good = apk("bad", "1.0-r0", "x86_64");
        assertThat(put("apk-local", DIR + "bad-1.0-r0.apk", Arrays.copyOf(good, good.length - 9))).isEqualTo(400);
        assertThat(put("apk-local", DIR + "bad-1.0-r0.apk", "not a package".getBytes(StandardCharsets.UTF_8))).isEqualTo(400);
        assertThat(put("apk-local", DIR + "bad-1.0-r0.apk", apk("other", "1.0-r0", "x86_64"))).isEqualTo(400);
        assertThat(put("apk-local", "v3.19/main/aarch64/bad-1.0-r0.apk", good)).isEqualTo(400);
        assertThat(ak.send("PUT", "/alpine/apk-local/" + DIR + "bad-1.0-r0.apk", null, "application/octet-stream", good)
                .statusCode()).isEqualTo(401);
        assertThat(ak.send("GET", "/api/v1/repositories/apk-local/artifacts", admin, null, null).body()).doesNotContain("bad-");
        assertThat(put("apk-remote", DIR + "bad-1.0-r0.apk", good)).isEqualTo(405);
        assertThat(put("apk-all", DIR + "bad-1.0-r0.apk", good)).isEqualTo(400);
        assertThat(put("apk-local", DIR + "bad-1.0-r0.apk", good)).isEqualTo(201);
        assertThat(put("apk-local", DIR + "bad-1.0-r0.apk", good)).isEqualTo(409);
    }

    void checkRepository(String repo, Map<String, byte[]> packages) throws Exception {
        HttpResponse<byte[]> idx = ak.getBytes("/alpine/" + repo + "/" + DIR + "APKINDEX.tar.gz", null);
        assertThat(idx.statusCode()).isEqualTo(200);
        byte[] index = idx.body();
        List<int[]> members = members(index);
        assertThat(members).as("signature member + index member").hasSize(2);

        // the signature file names the key; the key is the one the signing API publishes for the repository
        byte[] sigTar = new GZIPInputStream(new ByteArrayInputStream(index, 0, members.get(0)[1])).readAllBytes();
        String sigName;
        byte[] sig;
        try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(sigTar))) {
            TarArchiveEntry e = t.getNextEntry();
            sigName = e.getName();
            sig = t.readAllBytes();
        }
        assertThat(sigName).startsWith(".SIGN.RSA.").endsWith(".rsa.pub");
        String keyFile = sigName.substring(".SIGN.RSA.".length());
        String fromApi = ak.send("GET", "/api/v1/signing/repositories/" + repo + "/public-key", null, null, null).body();
        HttpResponse<String> fromRepo = ak.send("GET", "/alpine/" + repo + "/keys/" + keyFile, null, null, null);
        assertThat(fromRepo.statusCode()).isEqualTo(200);
        assertThat(fromRepo.body()).isEqualTo(fromApi).startsWith("-----BEGIN PUBLIC KEY-----");

        Path dir = Files.createTempDirectory(tmp, repo);
        Files.writeString(dir.resolve(keyFile), fromApi);
        Files.write(dir.resolve("sig"), sig);
        Files.write(dir.resolve("index.gz"), Arrays.copyOfRange(index, members.get(1)[0], members.get(1)[1]));
        assertThat(run(dir, "openssl", "dgst", "-sha1", "-verify", dir.resolve(keyFile).toString(), "-signature",
                dir.resolve("sig").toString(), dir.resolve("index.gz").toString())).contains("Verified OK");
        // and a changed index does not verify
        byte[] altered = Arrays.copyOfRange(index, members.get(1)[0], members.get(1)[1]);
        altered[altered.length / 2] ^= 1;
        Files.write(dir.resolve("altered.gz"), altered);
        Process p = new ProcessBuilder("openssl", "dgst", "-sha1", "-verify", dir.resolve(keyFile).toString(), "-signature",
                dir.resolve("sig").toString(), dir.resolve("altered.gz").toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isNotZero();

        // each package apk would fetch: listed, downloadable, and its control checksum matches the record
        String text = indexText(index);
        for (Map.Entry<String, byte[]> pkg : packages.entrySet()) {
            String record = Arrays.stream(text.split("\n\n")).map(r -> r + "\n")
                    .filter(r -> r.startsWith("P:" + pkg.getKey() + "\n") || r.contains("\nP:" + pkg.getKey() + "\n"))
                    .findFirst().orElse("");
            assertThat(record).as(repo + " lists " + pkg.getKey()).isNotEmpty();
            String version = record.lines().filter(l -> l.startsWith("V:")).findFirst().orElseThrow().substring(2);
            HttpResponse<byte[]> got = ak.getBytes("/alpine/" + repo + "/" + DIR + pkg.getKey() + "-" + version + ".apk", null);
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo(pkg.getValue());
            List<int[]> pm = members(got.body());
            int[] control = pm.get(pm.size() - 2);
            String q1 = "Q1" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest(Arrays.copyOfRange(got.body(), control[0], control[1])));
            assertThat(record).contains("C:" + q1 + "\n").contains("S:" + got.body().length + "\n");
        }
    }

    static int put(String repo, String path, byte[] body) throws Exception {
        return ak.send("PUT", "/alpine/" + repo + "/" + path, admin, "application/octet-stream", body).statusCode();
    }

    static String indexText(byte[] index) throws Exception {
        try (TarArchiveInputStream t = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(index)))) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null;) {
                if (e.getName().equals("APKINDEX")) {
                    return new String(t.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no APKINDEX");
    }

    /** The byte ranges of a file's gzip members, found as apk finds them: inflate each to its end. */
    static List<int[]> members(byte[] b) throws Exception {
        List<int[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < b.length) {
            assertThat(b[pos] & 0xff).isEqualTo(0x1f);
            int flags = b[pos + 3];
            int data = pos + 10;
            assertThat(flags & ~0x08).as("no gzip header extras but a name").isZero();
            if ((flags & 0x08) != 0) {
                while (b[data++] != 0) {
                    // skip the file name
                }
            }
            Inflater inf = new Inflater(true);
            inf.setInput(b, data, b.length - data);
            byte[] sink = new byte[65536];
            while (!inf.finished()) {
                inf.inflate(sink);
            }
            int end = b.length - inf.getRemaining() + 8;
            inf.end();
            out.add(new int[] {pos, end});
            pos = end;
        }
        return out;
    }

    /** An apk-tools v2 package: signature, control (.PKGINFO) and data sections, the first two tars cut. */
    static byte[] apk(String name, String version, String arch) throws Exception {
        String pkginfo = "# test package\npkgname = " + name + "\npkgver = " + version + "\npkgdesc = " + name
                + " for tests\nurl = https://example.com\nbuilddate = 1700000000\nsize = 1024\narch = " + arch
                + "\nlicense = MIT\ndepend = musl\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gzip(tar(".SIGN.RSA.packager-1.rsa.pub", new byte[256], false)));
        out.write(gzip(tar(".PKGINFO", pkginfo.getBytes(StandardCharsets.UTF_8), false)));
        out.write(gzip(tar("usr/bin/" + name, ("#!/bin/sh\necho " + version + "\n").getBytes(StandardCharsets.UTF_8), true)));
        return out.toByteArray();
    }

    static byte[] tar(String name, byte[] body, boolean end) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        TarArchiveOutputStream t = new TarArchiveOutputStream(b, 512);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(body.length);
        t.putArchiveEntry(e);
        t.write(body);
        t.closeArchiveEntry();
        if (end) {
            t.close();
        } else {
            t.flush();
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

    static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }
}
