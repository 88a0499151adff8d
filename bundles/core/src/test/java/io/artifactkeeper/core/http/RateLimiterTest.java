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
}
