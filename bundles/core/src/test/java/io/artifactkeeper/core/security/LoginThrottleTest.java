package io.artifactkeeper.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle t = new LoginThrottle(new LoginThrottle.Limits(3, 5, Duration.ofMinutes(10),
            Duration.ofMinutes(15)), now::get);

    @Test
    void aUserIsLockedAfterTheLimitUntilTheLockoutEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(t.check("Alice", "10.0.0.1")).isEmpty();
            t.failed("alice", "10.0.0." + i); // from several addresses: the user count still adds up
        }
        // the name is case-insensitive: "ALICE" is the same user
        assertThat(t.check("ALICE", "10.9.9.9")).hasValueSatisfying(r -> {
            assertThat(r.byClient()).isFalse();
            assertThat(r.retryAfterSeconds()).isEqualTo(15 * 60);
        });
        assertThat(t.lockedUntil("alice")).isPresent();
        assertThat(t.lockedUsers()).isEqualTo(1);
        assertThat(t.lockoutsTotal()).isEqualTo(1);
        assertThat(t.refusedTotal()).isEqualTo(1);
        now.addAndGet(Duration.ofMinutes(15).toMillis() + 1);
        assertThat(t.check("alice", "10.0.0.1")).isEmpty();
        assertThat(t.lockedUntil("alice")).isEmpty();
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUpAndSuccessResetsTheUser() {
        t.failed("bob", null);
        t.failed("bob", null);
        now.addAndGet(Duration.ofMinutes(11).toMillis());
        t.failed("bob", null);
        assertThat(t.check("bob", null)).isEmpty();
        assertThat(t.failures("bob")).isEqualTo(1);
        t.failed("bob", null);
        t.succeeded("bob");
        t.failed("bob", null);
        assertThat(t.check("bob", null)).isEmpty();
    }

    @Test
    void aClientGuessingManyNamesIsBlockedButOtherClientsAreNot() {
        for (int i = 0; i < 5; i++) {
            t.failed("user" + i, "192.0.2.7");
        }
        assertThat(t.check("someone-else", "192.0.2.7")).hasValueSatisfying(r -> assertThat(r.byClient()).isTrue());
        assertThat(t.check("someone-else", "192.0.2.8")).isEmpty();
        // a right password does not clear the address: it may be guessing other names
        t.succeeded("user1");
        assertThat(t.check("user1", "192.0.2.7")).isPresent();
    }

    @Test
    void anAdministratorLiftsLockouts() {
        for (int i = 0; i < 3; i++) {
            t.failed("carol", "198.51.100.1");
        }
        assertThat(t.check("carol", null)).isPresent();
        assertThat(t.unlockUser("Carol")).isTrue();
        assertThat(t.check("carol", null)).isEmpty();
        for (int i = 0; i < 5; i++) {
            t.failed("x" + i, "198.51.100.2");
        }
        assertThat(t.check("y", "198.51.100.2")).isPresent();
        assertThat(t.unlockAll()).isPositive();
        assertThat(t.check("y", "198.51.100.2")).isEmpty();
    }

    @Test
    void zeroLimitsTurnAThrottleOff() {
        LoginThrottle off = new LoginThrottle(new LoginThrottle.Limits(0, 0, Duration.ofMinutes(1), Duration.ofMinutes(1)),
                now::get);
        for (int i = 0; i < 100; i++) {
            off.failed("d", "203.0.113.1");
        }
        assertThat(off.check("d", "203.0.113.1")).isEmpty();
        assertThat(off.failuresTotal()).isEqualTo(100);
    }
}
