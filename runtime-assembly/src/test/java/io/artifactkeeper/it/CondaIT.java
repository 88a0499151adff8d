package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Conda end to end. No conda client runs here (CLIENTS.md), so the test makes the requests conda makes
 * for {@code conda install -c URL pkg}: {@code {subdir}/repodata.json} (and {@code .zst}) for the platform
 * and {@code noarch}, {@code current_repodata.json}, {@code channeldata.json}, then the package files the
 * repodata names; it checks each package's sha256/md5/size against its record and the repodata signature
 * ({@code repodata.json.sig}) with {@code openssl pkeyutl -verify -rawin} against the public key from the
 * signing API. Local, remote (of a repository of this server over HTTP) and virtual (re-signed).
 */
class CondaIT {
    @TempDir
    static Path tmp;
    static Distribution ak;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        ak = new Distribution(tmp.resolve("data")).start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        System.out.println("[conda] client: none here; verifier: " + run(tmp, "openssl", "version").strip()
                + "; packer: " + run(tmp, "zstd", "--version").strip());
        create(Map.of("key", "conda-local", "format", "conda", "is_public", true));
        create(Map.of("key", "conda-remote", "format", "conda_native", "repo_type", "remote", "is_public", true,
                "upstream_url", ak.url() + "/conda/conda-local/"));
        create(Map.of("key", "conda-extra", "format", "conda", "is_public", true));
        create(Map.of("key", "conda-all", "format", "conda", "repo_type", "virtual", "is_public", true));
        HttpResponse<String> members = ak.json("PUT", "/api/v1/repositories/conda-all/members", admin, Map.of("members",
                List.of(Map.of("member_key", "conda-extra", "priority", 1), Map.of("member_key", "conda-remote", "priority", 2))));
        assertThat(members.statusCode()).as(members.body()).isEqualTo(200);
        for (String repo : List.of("conda-local", "conda-remote", "conda-all")) {
            JsonNode key = ak.createSigningKey(Map.of("name", repo + " key", "key_type", "ed25519"));
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
    void condaRequestsAgainstLocalRemoteAndVirtualVerifyAsCondaWould() throws Exception {
        byte[] hello = conda("hello", "1.0", "h1a2b3c_0", "linux-64");
        byte[] hello2 = tarBz2("hello", "1.1", "h1a2b3c_0", "linux-64");
        byte[] pure = conda("purelib", "0.3", "py_0", "noarch");
        byte[] extra = tarBz2("extra", "2.0", "h0_1", "linux-64");
        assertThat(put("conda-local", "linux-64/hello-1.0-h1a2b3c_0.conda", hello)).isEqualTo(201);
        assertThat(put("conda-local", "linux-64/hello-1.1-h1a2b3c_0.tar.bz2", hello2)).isEqualTo(201);
        assertThat(put("conda-local", "noarch/purelib-0.3-py_0.conda", pure)).isEqualTo(201);
        assertThat(put("conda-extra", "linux-64/extra-2.0-h0_1.tar.bz2", extra)).isEqualTo(201);

        Map<String, byte[]> local = new LinkedHashMap<>();
        local.put("linux-64/hello-1.0-h1a2b3c_0.conda", hello);
        local.put("linux-64/hello-1.1-h1a2b3c_0.tar.bz2", hello2);
        local.put("noarch/purelib-0.3-py_0.conda", pure);
        checkChannel("conda-local", local);
        checkChannel("conda-remote", local);
        Map<String, byte[]> all = new LinkedHashMap<>(local);
        all.put("linux-64/extra-2.0-h0_1.tar.bz2", extra);
        checkChannel("conda-all", all);

        // current_repodata: the latest hello only; channeldata: each package's subdirs and latest version
        JsonNode cur = get("conda-all", "linux-64/current_repodata.json");
        assertThat(cur.path("packages").has("hello-1.1-h1a2b3c_0.tar.bz2")).isTrue();
        assertThat(cur.path("packages.conda").has("hello-1.0-h1a2b3c_0.conda")).isFalse();
        JsonNode cd = get("conda-all", "channeldata.json");
        assertThat(cd.path("packages").path("hello").path("version").asText()).isEqualTo("1.1");
        assertThat(cd.path("packages").path("purelib").path("subdirs").toString()).isEqualTo("[\"noarch\"]");
        assertThat(cd.path("packages").path("extra").path("subdirs").toString()).isEqualTo("[\"linux-64\"]");
        // noarch packages are listed in noarch only
        assertThat(get("conda-local", "linux-64/repodata.json").toString()).doesNotContain("purelib");
        assertThat(ak.send("GET", "/api/v1/repositories/conda-local/artifacts", admin, null, null).body())
                .contains("hello-1.0-h1a2b3c_0.conda").contains("purelib-0.3-py_0.conda");
    }

    @Test
    void badUploadsAreRefusedWithNothingStored() throws Exception {
        byte[] good = conda("bad", "1.0", "h0_0", "linux-64");
        byte[] goodBz2 = tarBz2("bad", "1.0", "h0_0", "linux-64");
        String path = "linux-64/bad-1.0-h0_0.conda";
        assertThat(put("conda-local", path, Arrays.copyOf(good, good.length - 25))).isEqualTo(400);
        assertThat(put("conda-local", path, "not a package".getBytes(StandardCharsets.UTF_8))).isEqualTo(400);
        assertThat(put("conda-local", path, conda("other", "1.0", "h0_0", "linux-64"))).isEqualTo(400);
        assertThat(put("conda-local", "osx-64/bad-1.0-h0_0.conda", good)).isEqualTo(400);
        assertThat(put("conda-local", "linux-64/bad-1.0-h0_0.tar.bz2", Arrays.copyOf(goodBz2, goodBz2.length - 10))).isEqualTo(400);
        assertThat(put("conda-local", "linux-64/bad-1.0-h0_0.tar.bz2", bzip2(tar(Map.of("info/index.json",
                index("bad", "1.0", "h0_0", "linux-64"), "../../escape", new byte[1]))))).isEqualTo(400);
        assertThat(put("conda-local", "linux-64/bad-1.0-h0_0.tar.bz2", bzip2(tar(Map.of("bin/x", new byte[1]))))).isEqualTo(400);
        assertThat(ak.send("PUT", "/conda/conda-local/" + path, null, "application/octet-stream", good).statusCode())
                .isEqualTo(401);
        assertThat(ak.send("GET", "/api/v1/repositories/conda-local/artifacts", admin, null, null).body()).doesNotContain("bad-");
        assertThat(get("conda-local", "linux-64/repodata.json").toString()).doesNotContain("bad-");
        assertThat(put("conda-local", path, good)).isEqualTo(201);
        assertThat(put("conda-local", path, good)).isEqualTo(409);
    }

    void checkChannel(String repo, Map<String, byte[]> packages) throws Exception {
        String keyPem = ak.send("GET", "/api/v1/signing/repositories/" + repo + "/public-key", null, null, null).body();
        HttpResponse<String> fromRepo = ak.send("GET", "/conda/" + repo + "/public.key", null, null, null);
        assertThat(fromRepo.statusCode()).isEqualTo(200);
        assertThat(fromRepo.body()).isEqualTo(keyPem).startsWith("-----BEGIN PUBLIC KEY-----");
        Path dir = Files.createTempDirectory(tmp, repo);
        Files.writeString(dir.resolve("key.pem"), keyPem);
        String keyHex = run(dir, "sh", "-c", "openssl pkey -pubin -in key.pem -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \\n'").strip();
        for (String subdir : List.of("linux-64", "noarch")) {
            HttpResponse<byte[]> raw = ak.getBytes("/conda/" + repo + "/" + subdir + "/repodata.json", null);
            assertThat(raw.statusCode()).isEqualTo(200);
            // repodata.json.zst is the same document
            HttpResponse<byte[]> zst = ak.getBytes("/conda/" + repo + "/" + subdir + "/repodata.json.zst", null);
            assertThat(zst.statusCode()).isEqualTo(200);
            Files.write(dir.resolve(subdir + ".zst"), zst.body());
            run(dir, "zstd", "-q", "-d", "-f", subdir + ".zst", "-o", subdir + ".unz");
            assertThat(Files.readAllBytes(dir.resolve(subdir + ".unz"))).isEqualTo(raw.body());
            // the signature: Ed25519 over the repodata bytes, under the public key's hex
            JsonNode sig = Distribution.JSON.readTree(ak.getBytes("/conda/" + repo + "/" + subdir + "/repodata.json.sig", null).body());
            String sigHex = sig.path("signatures").path(keyHex).path("signature").asText();
            assertThat(sigHex).as(repo + " signature under key " + keyHex + ": " + sig).hasSize(128);
            Files.write(dir.resolve(subdir + ".json"), raw.body());
            Files.write(dir.resolve(subdir + ".sig"), HexFormat.of().parseHex(sigHex));
            assertThat(run(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin",
                    "-in", subdir + ".json", "-sigfile", subdir + ".sig")).contains("Signature Verified Successfully");
            byte[] altered = raw.body().clone();
            altered[altered.length / 2] ^= 1;
            Files.write(dir.resolve(subdir + ".altered"), altered);
            Process p = new ProcessBuilder("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin",
                    "-in", subdir + ".altered", "-sigfile", subdir + ".sig").directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).as("a changed repodata does not verify").isNotZero();

            JsonNode rd = Distribution.JSON.readTree(raw.body());
            assertThat(rd.path("info").path("subdir").asText()).isEqualTo(subdir);
            for (Map.Entry<String, byte[]> pkg : packages.entrySet()) {
                if (!pkg.getKey().startsWith(subdir + "/")) {
                    continue;
                }
                String file = pkg.getKey().substring(subdir.length() + 1);
                JsonNode rec = rd.path(file.endsWith(".conda") ? "packages.conda" : "packages").path(file);
                assertThat(rec.isObject()).as(repo + " lists " + pkg.getKey()).isTrue();
                HttpResponse<byte[]> got = ak.getBytes("/conda/" + repo + "/" + pkg.getKey(), null);
                assertThat(got.statusCode()).isEqualTo(200);
                assertThat(got.body()).isEqualTo(pkg.getValue());
                assertThat(rec.path("size").asLong()).isEqualTo(got.body().length);
                assertThat(rec.path("sha256").asText()).isEqualTo(hex("SHA-256", got.body()));
                assertThat(rec.path("md5").asText()).isEqualTo(hex("MD5", got.body()));
                assertThat(rec.path("subdir").asText()).isEqualTo(subdir);
            }
        }
    }

    static JsonNode get(String repo, String path) throws Exception {
        HttpResponse<byte[]> r = ak.getBytes("/conda/" + repo + "/" + path, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return Distribution.JSON.readTree(r.body());
    }

    static int put(String repo, String path, byte[] body) throws Exception {
        return ak.send("PUT", "/conda/" + repo + "/" + path, admin, "application/octet-stream", body).statusCode();
    }

    static String hex(String alg, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(b));
    }

    static byte[] index(String name, String version, String build, String subdir) throws Exception {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("build", build);
        i.put("build_number", 0);
        i.put("depends", List.of());
        i.put("license", "MIT");
        i.put("name", name);
        i.put("subdir", subdir);
        i.put("timestamp", 1700000000000L);
        i.put("version", version);
        if (subdir.equals("noarch")) {
            i.put("noarch", "generic");
        }
        return Distribution.JSON.writeValueAsBytes(i);
    }

    /** A .conda as conda-build writes it: a stored zip of metadata.json and two zstd tars (packed with zstd). */
    static byte[] conda(String name, String version, String build, String subdir) throws Exception {
        String stem = name + "-" + version + "-" + build;
        Path dir = Files.createTempDirectory(tmp, "pack");
        Files.write(dir.resolve("info.tar"), tar(Map.of("info/index.json", index(name, version, build, subdir))));
        Files.write(dir.resolve("pkg.tar"), tar(Map.of("bin/" + name, ("#!/bin/sh\necho " + version + "\n").getBytes())));
        run(dir, "zstd", "-q", "-19", "info.tar", "-o", "info.tar.zst");
        run(dir, "zstd", "-q", "-19", "pkg.tar", "-o", "pkg.tar.zst");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("metadata.json", "{\"conda_pkg_format_version\": 2}".getBytes(StandardCharsets.UTF_8));
        entries.put("pkg-" + stem + ".tar.zst", Files.readAllBytes(dir.resolve("pkg.tar.zst")));
        entries.put("info-" + stem + ".tar.zst", Files.readAllBytes(dir.resolve("info.tar.zst")));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] tarBz2(String name, String version, String build, String subdir) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("info/index.json", index(name, version, build, subdir));
        files.put("bin/" + name, ("#!/bin/sh\necho " + version + "\n").getBytes(StandardCharsets.UTF_8));
        return bzip2(tar(files));
    }

    static byte[] tar(Map<String, byte[]> files) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
                e.setSize(f.getValue().length);
                t.putArchiveEntry(e);
                t.write(f.getValue());
                t.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] bzip2(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(out)) {
            z.write(b);
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
