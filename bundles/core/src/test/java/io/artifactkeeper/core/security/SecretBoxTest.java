package io.artifactkeeper.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path dir;

    @Test
    void sealedValueOpensAndHidesThePlainText() {
        SecretBox box = new SecretBox(new byte[32]);
        String sealed = box.seal("s3cret-upstream");
        assertThat(sealed).startsWith(SecretBox.PREFIX).doesNotContain("s3cret");
        assertThat(box.open(sealed)).isEqualTo("s3cret-upstream");
        // a fresh nonce every time: equal passwords do not give equal ciphertexts
        assertThat(box.seal("s3cret-upstream")).isNotEqualTo(sealed);
    }

    @Test
    void plainValuesFromBeforeEncryptionReadAsTheyAre() {
        SecretBox box = new SecretBox(new byte[32]);
        assertThat(box.open("legacy-plain")).isEqualTo("legacy-plain");
        assertThat(SecretBox.isSealed("legacy-plain")).isFalse();
    }

    @Test
    void anotherKeyOrATamperedValueIsRefusedNotGarbled() {
        byte[] other = new byte[32];
        other[0] = 7;
        String sealed = new SecretBox(new byte[32]).seal("pw");
        assertThatThrownBy(() -> new SecretBox(other).open(sealed)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("secrets key");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(SecretBox.PREFIX.length()));
        raw[raw.length - 1] ^= 1;
        String tampered = SecretBox.PREFIX + Base64.getEncoder().encodeToString(raw);
        assertThatThrownBy(() -> new SecretBox(new byte[32]).open(tampered)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretBox(new byte[32]).open(SecretBox.PREFIX + "AAAA"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyFileIsCreatedOwnerOnlyOnceAndReused() throws Exception {
        Path f = dir.resolve("sub/secrets.key");
        SecretBox a = SecretBox.open(null, f);
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String sealed = a.seal("x");
        assertThat(SecretBox.open("", f).open(sealed)).isEqualTo("x");
    }

    @Test
    void configuredKeyWinsOverTheFile() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        SecretBox box = SecretBox.open(key, dir.resolve("never-created.key"));
        assertThat(new SecretBox(new byte[32]).open(box.seal("y"))).isEqualTo("y");
        assertThat(dir.resolve("never-created.key")).doesNotExist();
        assertThatThrownBy(() -> SecretBox.open("c2hvcnQ=", dir.resolve("k"))).isInstanceOf(IllegalArgumentException.class);
    }
}
