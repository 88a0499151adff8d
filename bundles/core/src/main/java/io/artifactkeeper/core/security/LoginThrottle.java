package io.artifactkeeper.core.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Failed password checks, counted per user name and per client address. Reaching the limit within
 * the window locks that user name (or address) for the lockout time: every password check for it
 * is refused, right or wrong, until the lockout ends or an administrator lifts it. Tokens and
 * sessions are not affected, so a locked-out user's CI keeps working and an administrator with a
 * token can always lift a lockout of their own name.
 *
 * <p>Unknown user names are counted like known ones, so that the throttle does not tell them apart.
 * Memory is bounded: entries whose window and lockout are over are dropped when the maps grow.
 */
public final class LoginThrottle {
    private static final int SWEEP_AT = 100_000;

    /** What is refused and for how long. */
    public record Limits(int maxFailuresPerUser, int maxFailuresPerClient, Duration window, Duration lockout) {
    }

    /** A refused password check: seconds until the next one may be tried. */
    public record Refusal(long retryAfterSeconds, boolean byClient) {
    }

    private static final class Counter {
        int failures;
        long windowStart;
        long lockedUntil;
    }

    private final Limits limits;
    private final LongSupplier clockMillis;
    private final ConcurrentHashMap<String, Counter> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> clients = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();
    private final LongAdder lockouts = new LongAdder();
    private final LongAdder refused = new LongAdder();

    public LoginThrottle(Limits limits) {
        this(limits, System::currentTimeMillis);
    }

    LoginThrottle(Limits limits, LongSupplier clockMillis) {
        this.limits = limits;
        this.clockMillis = clockMillis;
    }

    private static String userKey(String username) {
        return username == null ? "" : username.toLowerCase(Locale.ROOT);
    }

    /** Empty when a password check for this user from this client may go ahead. */
    public Optional<Refusal> check(String username, String client) {
        long now = clockMillis.getAsLong();
        long userWait = wait(users.get(userKey(username)), now);
        long clientWait = client == null ? 0 : wait(clients.get(client), now);
        if (userWait == 0 && clientWait == 0) {
            return Optional.empty();
        }
        refused.increment();
        long ms = Math.max(userWait, clientWait);
        return Optional.of(new Refusal(Math.max(1, (ms + 999) / 1000), clientWait >= userWait));
    }

    private static long wait(Counter c, long now) {
        if (c == null) {
            return 0;
        }
        synchronized (c) {
            return c.lockedUntil > now ? c.lockedUntil - now : 0;
        }
    }

    public void failed(String username, String client) {
        failures.increment();
        long now = clockMillis.getAsLong();
        count(users, userKey(username), limits.maxFailuresPerUser(), now);
        if (client != null) {
            count(clients, client, limits.maxFailuresPerClient(), now);
        }
        if (users.size() > SWEEP_AT || clients.size() > SWEEP_AT) {
            sweep(now);
        }
    }

    private void count(ConcurrentHashMap<String, Counter> map, String key, int max, long now) {
        if (max <= 0) {
            return;
        }
        Counter c = map.computeIfAbsent(key, k -> new Counter());
        synchronized (c) {
            if (now - c.windowStart > limits.window().toMillis()) {
                c.windowStart = now;
                c.failures = 0;
            }
            c.failures++;
            if (c.failures >= max) {
                c.lockedUntil = now + limits.lockout().toMillis();
                c.failures = 0;
                c.windowStart = now;
                lockouts.increment();
            }
        }
    }

    /** A right password: the user's count starts again (the client's does not: it may be guessing other names). */
    public void succeeded(String username) {
        Counter c = users.get(userKey(username));
        if (c != null) {
            synchronized (c) {
                c.failures = 0;
            }
        }
    }

    /** When the user name is locked until, if it is. */
    public Optional<Instant> lockedUntil(String username) {
        Counter c = users.get(userKey(username));
        if (c == null) {
            return Optional.empty();
        }
        synchronized (c) {
            return c.lockedUntil > clockMillis.getAsLong() ? Optional.of(Instant.ofEpochMilli(c.lockedUntil)) : Optional.empty();
        }
    }

    /** Failed checks counted in the user's current window. */
    public int failures(String username) {
        Counter c = users.get(userKey(username));
        if (c == null) {
            return 0;
        }
        synchronized (c) {
            return clockMillis.getAsLong() - c.windowStart > limits.window().toMillis() ? 0 : c.failures;
        }
    }

    /** An administrator lifts a user's lockout; true if there was one (or failures counted). */
    public boolean unlockUser(String username) {
        return users.remove(userKey(username)) != null;
    }

    /** Lifts every lockout, of users and of client addresses; returns how many entries were dropped. */
    public int unlockAll() {
        int n = users.size() + clients.size();
        users.clear();
        clients.clear();
        return n;
    }

    public long lockedUsers() {
        long now = clockMillis.getAsLong();
        return users.values().stream().filter(c -> wait(c, now) > 0).count();
    }

    public long failuresTotal() {
        return failures.sum();
    }

    public long lockoutsTotal() {
        return lockouts.sum();
    }

    public long refusedTotal() {
        return refused.sum();
    }

    private void sweep(long now) {
        long window = limits.window().toMillis();
        for (ConcurrentHashMap<String, Counter> map : java.util.List.of(users, clients)) {
            map.entrySet().removeIf(e -> {
                Counter c = e.getValue();
                synchronized (c) {
                    return c.lockedUntil <= now && now - c.windowStart > window;
                }
            });
        }
    }
}
