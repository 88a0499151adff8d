package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Issue 14, signing keys: generated and imported keys of each type, private keys never returned and
 * sealed in the database, public keys as clients fetch them (anonymously for a public repository,
 * not at all for a private one the caller may not read), per-repository configuration, rotation
 * (repositories move to the new key, the old one stays valid), revocation and deletion, and
 * administrators only. The key an OpenPGP client imports verifies with gpg.
 */
class SigningIT {
    @TempDir
    static Path tmp;
    static EmbeddedPostgres pg;
    static Distribution ak;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        Path pgData = tmp.resolve("pg");
        Files.createDirectories(pgData);
        pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setPort(Distribution.freePort()).start();
        ak = new Distribution(tmp.resolve("data"))
                .env("AK_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres").start();
        ak.awaitReady(Duration.ofSeconds(120));
        admin = ak.adminBasic();
        for (String[] r : new String[][] {{"deb-public", "true"}, {"deb-private", "false"}}) {
            assertThat(ak.json("POST", "/api/v1/repositories", admin, Map.of("key", r[0], "format", "generic",
                    "is_public", Boolean.parseBoolean(r[1]))).statusCode()).isEqualTo(201);
        }
        assertThat(ak.json("POST", "/api/v1/users", admin, Map.of("username", "mallory", "password", "Mallory-Pass-2024!",
                "email", "m@example.com")).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ak != null) {
            ak.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    static JsonNode created(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r);
    }

    @Test
    void keysOfEachTypeAreCreatedImportedAndNeverShowTheirPrivatePart() throws Exception {
        JsonNode gpg = created(ak.json("POST", "/api/v1/signing/keys", admin, Map.of("name", "apt key", "key_type", "gpg",
                "algorithm", "ed25519", "uid_name", "Repo Signing", "uid_email", "repo@example.com")));
        assertThat(gpg.get("fingerprint").asText()).matches("[0-9A-F]{40}");
        assertThat(gpg.get("key_id").asText()).isEqualTo(gpg.get("fingerprint").asText().substring(24));
        assertThat(gpg.get("public_key").asText()).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----");
        JsonNode rsa = created(ak.json("POST", "/api/v1/signing/keys", admin, Map.of("name", "apk key", "key_type", "rsa",
                "algorithm", "rsa2048")));
        assertThat(rsa.get("public_key").asText()).startsWith("-----BEGIN PUBLIC KEY-----");
        JsonNode ed = created(ak.json("POST", "/api/v1/signing/keys", admin, Map.of("name", "conda key", "key_type", "ed25519")));
        assertThat(ed.get("algorithm").asText()).isEqualTo("ed25519");

        // import: an OpenPGP key made by gpg itself, protected by a passphrase
        Path home = Files.createDirectories(tmp.resolve("gnupg"));
        run(home, "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "imp-pass", "--quick-gen-key",
                "Imported <imp@example.com>", "rsa2048", "sign", "never");
        String armored = run(home, "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "imp-pass", "--armor",
                "--export-secret-keys", "imp@example.com");
        HttpResponse<String> noPass = ak.json("POST", "/api/v1/signing/keys", admin, Map.of("name", "imp", "key_type", "gpg",
                "private_key", armored));
        assertThat(noPass.statusCode()).as(noPass.body()).isEqualTo(400);
        assertThat(noPass.body()).contains("passphrase");
        JsonNode imported = created(ak.json("POST", "/api/v1/signing/keys", admin, Map.of("name", "imp", "key_type", "gpg",
                "private_key", armored, "passphrase", "imp-pass")));
        String gpgFpr = run(home, "gpg", "--batch", "--with-colons", "--fingerprint", "imp@example.com").lines()
                .filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
        assertThat(imported.get("fingerprint").asText()).isEqualTo(gpgFpr);

        // bad input: 400 with a reason, nothing stored
        int before = Distribution.parse(ak.send("GET", "/api/v1/signing/keys", admin, null, null)).get("items").size();
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("name", "x", "key_type", "dsa"),
                Map.of("name", "x", "key_type", "rsa", "algorithm", "ed25519"),
                Map.of("name", "x", "key_type", "rsa", "private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
                Map.of("name", "x", "key_type", "gpg", "private_key", "garbage"), Map.of("key_type", "gpg"),
                Map.of("name", "n".repeat(500), "key_type", "gpg"))) {
            HttpResponse<String> r = ak.json("POST", "/api/v1/signing/keys", admin, bad);
            assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
        }
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/signing/keys", admin, null, null));
        assertThat(list.get("items").size()).isEqualTo(before);

        // never returned, sealed at rest
        for (String path : List.of("/api/v1/signing/keys", "/api/v1/signing/keys/" + imported.get("id").asText())) {
            String body = ak.send("GET", path, admin, null, null).body();
            assertThat(body).doesNotContain("PRIVATE").doesNotContain("private_key").doesNotContain("akenc:");
        }
        try (Connection c = pg.getPostgresDatabase().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT private_key FROM signing_keys")) {
            int n = 0;
            while (rs.next()) {
                assertThat(rs.getString(1)).startsWith("akenc:v1:").doesNotContain("PRIVATE");
                n++;
            }
            assertThat(n).isGreaterThanOrEqualTo(4);
        }
        assertThat(ak.logText()).doesNotContain(armored.lines().skip(3).findFirst().orElseThrow());

        // administrators only
        String mallory = Distribution.basic("mallory", "Mallory-Pass-2024!");
        assertThat(ak.send("GET", "/api/v1/signing/keys", mallory, null, null).statusCode()).isEqualTo(403);
        assertThat(ak.json("POST", "/api/v1/signing/keys", mallory, Map.of("name", "m", "key_type", "rsa")).statusCode())
                .isEqualTo(403);
        assertThat(ak.send("GET", "/api/v1/signing/keys", null, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void repositoriesPublishTheirKeyAndRotationMovesThemToTheNewOne() throws Exception {
        JsonNode k = created(ak.json("POST", "/api/v1/signing/keys", admin, Map.of("name", "rot", "key_type", "gpg",
                "algorithm", "rsa2048", "uid_name", "Rot", "uid_email", "rot@example.com")));
        String id = k.get("id").asText();
        for (String repo : List.of("deb-public", "deb-private")) {
            HttpResponse<String> c = ak.json("POST", "/api/v1/signing/repositories/" + repo + "/config", admin,
                    Map.of("signing_key_id", id, "sign_metadata", true));
            assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
            assertThat(Distribution.parse(c).get("signing_key_id").asText()).isEqualTo(id);
        }
        // the public key of a public repository, anonymously; a private one hides even its existence
        HttpResponse<String> pub = ak.send("GET", "/api/v1/signing/repositories/deb-public/public-key", null, null, null);
        assertThat(pub.statusCode()).isEqualTo(200);
        assertThat(pub.body()).isEqualTo(k.get("public_key").asText());
        assertThat(ak.send("GET", "/api/v1/signing/repositories/deb-private/public-key", null, null, null).statusCode())
                .isEqualTo(404);
        assertThat(ak.send("GET", "/api/v1/signing/repositories/deb-private/public-key", admin, null, null).statusCode())
                .isEqualTo(200);
        // the armoured key is one gpg imports, with the fingerprint the API states
        Path home = Files.createDirectories(tmp.resolve("gnupg-rot"));
        Files.writeString(home.resolve("k.asc"), pub.body());
        run(home, "gpg", "--batch", "--import", home.resolve("k.asc").toString());
        assertThat(run(home, "gpg", "--batch", "--with-colons", "--fingerprint")).contains(k.get("fingerprint").asText());

        HttpResponse<String> rotated = ak.send("POST", "/api/v1/signing/keys/" + id + "/rotate", admin, null, null);
        JsonNode fresh = created(rotated);
        assertThat(fresh.get("rotated_from").asText()).isEqualTo(id);
        assertThat(fresh.get("fingerprint").asText()).isNotEqualTo(k.get("fingerprint").asText());
        JsonNode cfg = Distribution.parse(ak.send("GET", "/api/v1/signing/repositories/deb-public/config", admin, null, null));
        assertThat(cfg.get("signing_key_id").asText()).isEqualTo(fresh.get("id").asText());
        assertThat(ak.send("GET", "/api/v1/signing/repositories/deb-public/public-key", null, null, null).body())
                .isEqualTo(fresh.get("public_key").asText());
        // the old key stays, not revoked, so what it signed still verifies
        JsonNode old = Distribution.parse(ak.send("GET", "/api/v1/signing/keys/" + id, admin, null, null));
        assertThat(old.get("revoked_at").isNull()).isTrue();

        // revoked: no longer configurable; deleted: the repository is unsigned
        JsonNode revoked = Distribution.parse(ak.send("POST", "/api/v1/signing/keys/" + id + "/revoke", admin, null, null));
        assertThat(revoked.get("revoked_at").isNull()).isFalse();
        assertThat(ak.json("POST", "/api/v1/signing/repositories/deb-public/config", admin, Map.of("signing_key_id", id))
                .statusCode()).isEqualTo(400);
        assertThat(ak.send("DELETE", "/api/v1/signing/keys/" + fresh.get("id").asText(), admin, null, null).statusCode())
                .isEqualTo(204);
        assertThat(ak.send("GET", "/api/v1/signing/repositories/deb-public/public-key", null, null, null).statusCode())
                .isEqualTo(404);
        assertThat(Distribution.parse(ak.send("GET", "/api/v1/signing/repositories/deb-public/config", admin, null, null))
                .get("signing_key_id").isNull()).isTrue();
        assertThat(ak.send("GET", "/api/v1/signing/keys/" + fresh.get("id").asText(), admin, null, null).statusCode())
                .isEqualTo(404);
    }

    static String run(Path gnupgHome, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("GNUPGHOME", gnupgHome.toString());
        Files.setPosixFilePermissions(gnupgHome, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }
}
