package io.artifactkeeper.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JwtTest {
    private final Jwt jwt = new Jwt(new byte[32]);

    @Test
    void signedTokenVerifiesUntilExpiry() {
        String t = jwt.sign(Map.of("sub", "u1", "exp", 2000L));
        assertThat(Jwt.looksLikeJwt(t)).isTrue();
        assertThat(jwt.verify(t, 1999)).containsEntry("sub", "u1");
        assertThat(jwt.verify(t, 2000)).isNull();
    }

    @Test
    void tamperedPayloadIsRejected() {
        String t = jwt.sign(Map.of("sub", "u1", "adm", false, "exp", 2000L));
        String[] p = t.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"u1\",\"adm\":true,\"exp\":2000}".getBytes(StandardCharsets.UTF_8));
        assertThat(jwt.verify(p[0] + "." + forged + "." + p[2], 1000)).isNull();
    }

    @Test
    void algNoneAndOtherKeysAreRejected() {
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"x\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8));
        assertThat(jwt.verify(none + "." + payload + ".", 1)).isNull();
        byte[] other = new byte[32];
        other[0] = 1;
        String t = new Jwt(other).sign(Map.of("sub", "u1", "exp", 2000L));
        assertThat(jwt.verify(t, 1000)).isNull();
        assertThat(jwt.verify("garbage", 1)).isNull();
        assertThat(jwt.verify("a.b.c", 1)).isNull();
    }

    @Test
    void passwordsHashAndCheck() {
        String h = Secrets.hashPassword("correct horse");
        assertThat(Secrets.checkPassword("correct horse", h)).isTrue();
        assertThat(Secrets.checkPassword("wrong", h)).isFalse();
        assertThat(Secrets.checkPassword("x", null)).isFalse();
        assertThat(Secrets.checkPassword("x", "not-a-hash")).isFalse();
    }
}
