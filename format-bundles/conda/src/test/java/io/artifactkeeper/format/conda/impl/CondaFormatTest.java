package io.artifactkeeper.format.conda.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.api.signing.SigningSettings;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.signing.SigningKeys;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.MemoryWorld;

/**
 * What a conda client reads, checked as it would: repodata.json lists each package under
 * {@code packages} or {@code packages.conda} with the md5/sha256/size of the bytes served;
 * repodata.json.zst is the same bytes; repodata.json.sig verifies with the key served at
 * {@code public.key}; noarch packages are in noarch only; bad packages are refused with nothing stored.
 */
class CondaFormatTest {
    MemoryWorld world;
    FormatHarness h;
    RepositorySigner signer;

    @BeforeEach
    void setUp() {
        world = new MemoryWorld(new CondaFormat(), "http://registry.test");
        h = world.harness();
        signer = SigningKeys.signer("k1", "conda key", SigningKeys.generate("ed25519", null, null, null));
        world.local("main").signing(new SigningSettings(Optional.of(signer), true, false, false));
    }

    FormatHarness.Response put(String repo, String path, byte[] body) {
        return h.request("PUT", repo, path).body(body).send();
    }

    JsonNode json(FormatHarness.Response r) throws Exception {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return Json.readStored(new ByteArrayInputStream(r.body()));
    }

    @Test
    void repodataListsBothFormatsWithTheChecksumsOfTheServedBytesAndIsSigned() throws Exception {
        byte[] conda = TestCondas.conda("hello", "1.0", "h0_0", "linux-64");
        byte[] bz2 = TestCondas.tarBz2("hello", "1.1", "h0_0", "linux-64");
        byte[] any = TestCondas.conda("pure", "2.0", "py_0", "noarch");
        assertThat(put("main", "linux-64/hello-1.0-h0_0.conda", conda).status()).isEqualTo(201);
        assertThat(put("main", "linux-64/hello-1.1-h0_0.tar.bz2", bz2).status()).isEqualTo(201);
        assertThat(put("main", "noarch/pure-2.0-py_0.conda", any).status()).isEqualTo(201);

        FormatHarness.Response raw = h.get("main", "linux-64/repodata.json");
        JsonNode r = json(raw);
        assertThat(r.path("info").path("subdir").asText()).isEqualTo("linux-64");
        assertRecord(r.path("packages.conda").path("hello-1.0-h0_0.conda"), conda, h.get("main", "linux-64/hello-1.0-h0_0.conda").body());
        assertRecord(r.path("packages").path("hello-1.1-h0_0.tar.bz2"), bz2, h.get("main", "linux-64/hello-1.1-h0_0.tar.bz2").body());
        assertThat(r.path("packages.conda").path("hello-1.0-h0_0.conda").path("depends").get(0).asText()).isEqualTo("python >=3.8");
        assertThat(r.path("packages.conda").has("pure-2.0-py_0.conda")).as("noarch only in noarch").isFalse();
        JsonNode n = json(h.get("main", "noarch/repodata.json"));
        assertRecord(n.path("packages.conda").path("pure-2.0-py_0.conda"), any, any);
        assertThat(n.path("packages.conda").size() + n.path("packages").size()).isEqualTo(1);

        byte[] zst = h.get("main", "linux-64/repodata.json.zst").body();
        assertThat(new ZstdCompressorInputStream(new ByteArrayInputStream(zst)).readAllBytes()).isEqualTo(raw.body());

        JsonNode cur = json(h.get("main", "linux-64/current_repodata.json"));
        assertThat(cur.path("packages").has("hello-1.1-h0_0.tar.bz2")).isTrue();
        assertThat(cur.path("packages.conda").has("hello-1.0-h0_0.conda")).as("older version left out").isFalse();

        JsonNode cd = json(h.get("main", "channeldata.json"));
        assertThat(cd.path("packages").path("hello").path("version").asText()).isEqualTo("1.1");
        assertThat(cd.path("packages").path("hello").path("subdirs").toString()).isEqualTo("[\"linux-64\"]");
        assertThat(cd.path("packages").path("pure").path("subdirs").toString()).isEqualTo("[\"noarch\"]");
        assertThat(cd.path("subdirs").toString()).isEqualTo("[\"linux-64\",\"noarch\"]");

        verify(h.get("main", "linux-64/repodata.json.sig"), raw.body(), publicKey(h.get("main", "public.key")));
        assertThat(h.get("main", "linux-64/repodata.json").body()).as("built once, served again").isEqualTo(raw.body());
    }

    @Test
    void aNewUploadChangesTheRepodataAndItsSignature() throws Exception {
        put("main", "linux-64/hello-1.0-h0_0.conda", TestCondas.conda("hello", "1.0", "h0_0", "linux-64"));
        byte[] before = h.get("main", "linux-64/repodata.json").body();
        put("main", "linux-64/hello-2.0-h0_0.conda", TestCondas.conda("hello", "2.0", "h0_0", "linux-64"));
        FormatHarness.Response after = h.get("main", "linux-64/repodata.json");
        assertThat(after.body()).isNotEqualTo(before);
        verify(h.get("main", "linux-64/repodata.json.sig"), after.body(), publicKey(h.get("main", "public.key")));
        assertThat(json(h.get("main", "linux-64/current_repodata.json")).path("packages.conda").size()).isEqualTo(1);
    }

    @Test
    void aVirtualMergesItsMembersAndSignsWithItsOwnKey() throws Exception {
        world.local("extra");
        put("main", "linux-64/hello-1.0-h0_0.conda", TestCondas.conda("hello", "1.0", "h0_0", "linux-64"));
        put("extra", "linux-64/other-0.5-h1_0.tar.bz2", TestCondas.tarBz2("other", "0.5", "h1_0", "linux-64"));
        RepositorySigner vkey = SigningKeys.signer("v", "virtual", SigningKeys.generate("ed25519", null, null, null));
        world.virtual("all", "main", "extra").signing(new SigningSettings(Optional.of(vkey), true, false, false));
        FormatHarness.Response raw = h.get("all", "linux-64/repodata.json");
        JsonNode r = json(raw);
        assertThat(r.path("packages.conda").has("hello-1.0-h0_0.conda")).isTrue();
        assertThat(r.path("packages").has("other-0.5-h1_0.tar.bz2")).isTrue();
        verify(h.get("all", "linux-64/repodata.json.sig"), raw.body(), publicKey(h.get("all", "public.key")));
        assertThat(h.get("all", "linux-64/other-0.5-h1_0.tar.bz2").status()).isEqualTo(200);
        JsonNode cd = json(h.get("all", "channeldata.json"));
        assertThat(cd.path("packages").has("hello")).isTrue();
        assertThat(cd.path("packages").has("other")).isTrue();
    }

    @Test
    void anUnsuitableKeyIsTheOperatorsMistakeAndUnsignedReposHaveNoSignature() throws Exception {
        world.local("plain");
        assertThat(h.get("plain", "linux-64/repodata.json.sig").status()).isEqualTo(404);
        assertThat(h.get("plain", "public.key").status()).isEqualTo(404);
        assertThat(h.get("plain", "linux-64/repodata.json").status()).isEqualTo(200);
        RepositorySigner rsa = SigningKeys.signer("r", "rsa", SigningKeys.generate("rsa", "rsa2048", null, null));
        world.repository("main").signing(new SigningSettings(Optional.of(rsa), true, false, false));
        FormatHarness.Response r = h.get("main", "linux-64/repodata.json.sig");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.text()).contains("Ed25519");
    }

    @Test
    void badPackagesAreRefusedAndNothingIsStored() throws Exception {
        byte[] good = TestCondas.conda("hello", "1.0", "h0_0", "linux-64");
        byte[] goodBz2 = TestCondas.tarBz2("hello", "1.0", "h0_0", "linux-64");
        Map<String, byte[]> badConda = new LinkedHashMap<>();
        badConda.put("not zip", "hello".getBytes(StandardCharsets.UTF_8));
        badConda.put("truncated", Arrays.copyOf(good, good.length - 30));
        badConda.put("no index.json", TestCondas.conda("hello-1.0-h0_0", "{}".getBytes(), TestCondas.payload("x")));
        badConda.put("traversal", TestCondas.zip(Map.of("metadata.json", "{\"conda_pkg_format_version\":2}".getBytes(),
                "../info-x.tar.zst", TestCondas.zstd(TestCondas.tar(Map.of("info/index.json",
                        Json.bytesOf(TestCondas.index("hello", "1.0", "h0_0", "linux-64"))))))));
        badConda.put("traversal in the payload", TestCondas.conda("hello-1.0-h0_0",
                Json.bytesOf(TestCondas.index("hello", "1.0", "h0_0", "linux-64")), Map.of("../../etc/passwd", new byte[1])));
        badConda.put("other name", TestCondas.conda("other", "1.0", "h0_0", "linux-64"));
        badConda.put("other subdir", TestCondas.conda("hello", "1.0", "h0_0", "osx-64"));
        Map<String, Object> huge = TestCondas.index("hello", "1.0", "h0_0", "linux-64");
        huge.put("summary", "x".repeat(100_000));
        badConda.put("huge field", TestCondas.conda("hello-1.0-h0_0", Json.bytesOf(huge), TestCondas.payload("x")));
        Map<String, Object> badVersion = TestCondas.index("hello", "1.0", "h0_0", "linux-64");
        badVersion.put("version", "1.0/../x");
        badConda.put("bad version", TestCondas.conda("hello-1.0-h0_0", Json.bytesOf(badVersion), TestCondas.payload("x")));
        badConda.put("a .tar.bz2 named .conda", goodBz2);
        for (Map.Entry<String, byte[]> b : badConda.entrySet()) {
            FormatHarness.Response r = put("main", "linux-64/hello-1.0-h0_0.conda", b.getValue());
            assertThat(r.status()).as(b.getKey() + ": " + r.text()).isEqualTo(400);
        }
        Map<String, byte[]> badBz2 = new LinkedHashMap<>();
        badBz2.put("not bzip2", "hello".getBytes(StandardCharsets.UTF_8));
        badBz2.put("truncated", Arrays.copyOf(goodBz2, goodBz2.length - 20));
        badBz2.put("no index.json", TestCondas.bzip2(TestCondas.tar(TestCondas.payload("x"))));
        badBz2.put("traversal", TestCondas.bzip2(TestCondas.tar(Map.of("info/index.json",
                Json.bytesOf(TestCondas.index("hello", "1.0", "h0_0", "linux-64")), "../../x", new byte[1]))));
        badBz2.put("other subdir", TestCondas.tarBz2("hello", "1.0", "h0_0", "noarch"));
        badBz2.put("index.json not json", TestCondas.bzip2(TestCondas.tar(Map.of("info/index.json", "{nope".getBytes()))));
        for (Map.Entry<String, byte[]> b : badBz2.entrySet()) {
            FormatHarness.Response r = put("main", "linux-64/hello-1.0-h0_0.tar.bz2", b.getValue());
            assertThat(r.status()).as(b.getKey() + ": " + r.text()).isEqualTo(400);
        }
        assertThat(world.repository("main").contents()).isEmpty();
        assertThat(put("main", "linux-64/hello-1.0-h0_0.conda", good).status()).isEqualTo(201);
        assertThat(put("main", "linux-64/hello-1.0-h0_0.conda", good).status()).isEqualTo(409);
        assertThat(put("main", "linux-64/hello-1.0-h0_0.tar.bz2", goodBz2).status()).isEqualTo(201);
        assertThat(world.repository("main").contents()).hasSize(2);
    }

    @Test
    void versionsOrderAsCondaOrdersThemForTheCommonCases() {
        assertThat(Repodata.Versions.compare("1.10", "1.9")).isPositive();
        assertThat(Repodata.Versions.compare("1.0", "1.0rc1")).isPositive();
        assertThat(Repodata.Versions.compare("2.0", "2.0.0")).isZero();
        assertThat(Repodata.Versions.compare("0.9", "1.0")).isNegative();
    }

    static void assertRecord(JsonNode rec, byte[] uploaded, byte[] served) throws Exception {
        assertThat(rec.isObject()).as("record present").isTrue();
        assertThat(served).isEqualTo(uploaded);
        assertThat(rec.path("size").asLong()).isEqualTo(served.length);
        assertThat(rec.path("sha256").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served)));
        assertThat(rec.path("md5").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(served)));
        assertThat(rec.path("timestamp").asLong()).isPositive();
        for (String f : List.of("name", "version", "build", "subdir", "depends")) {
            assertThat(rec.has(f)).as(f).isTrue();
        }
    }

    static PublicKey publicKey(FormatHarness.Response r) throws Exception {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String pem = r.text();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }

    static void verify(FormatHarness.Response sig, byte[] repodata, PublicKey key) throws Exception {
        assertThat(sig.status()).as(sig.text()).isEqualTo(200);
        JsonNode s = Json.readStored(new ByteArrayInputStream(sig.body()));
        String keyHex = HexFormat.of().formatHex(key.getEncoded(), 12, 44);
        JsonNode entry = s.path("signatures").path(keyHex);
        assertThat(entry.isObject()).as("signature under the public key's hex " + s).isTrue();
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(key);
        v.update(repodata);
        assertThat(v.verify(HexFormat.of().parseHex(entry.path("signature").asText()))).isTrue();
    }
}
