package io.artifactkeeper.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void burstThenRefusesThenRefills() throws Exception {
        RateLimiter l = new RateLimiter(20, 5);
        int ok = 0;
        for (int i = 0; i < 10; i++) {
            if (l.tryAcquire("c")) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(5);
        assertThat(l.tryAcquire("other")).isTrue();
        Thread.sleep(120);
        assertThat(l.tryAcquire("c")).isTrue();
    }

    @Test
    void zeroRateMeansUnlimited() {
        RateLimiter l = new RateLimiter(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(l.tryAcquire("c")).isTrue();
        }
    }

    @Test
    void theAuthLimitCoversTheRoutesThatCheckAnOfferedSecret() {
        for (String p : new String[] {"/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/totp/verify",
                "/api/v1/auth/sso/ldap/abc/login", "/api/v1/auth/sso/exchange", "/api/v1/auth/ci/token",
                "/api/v1/auth/sso/saml/abc/acs", "/api/v1/auth/sso/oidc/abc/callback"}) {
            assertThat(Dispatcher.takesCredentials(p)).as(p).isTrue();
        }
        for (String p : new String[] {"/api/v1/auth/me", "/api/v1/auth/tokens", "/api/v1/auth/tokens/123",
                "/api/v1/auth/logout", "/api/v1/auth/sso/providers"}) {
            assertThat(Dispatcher.takesCredentials(p)).as(p).isFalse();
        }
    }
}
