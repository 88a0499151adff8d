package io.artifactkeeper.core.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per client and route class. A bucket refills at {@code perSecond} up to
 * {@code burst}; a request that finds it empty is refused with 429.
 */
public final class RateLimiter {
    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<String, double[]> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /** Takes one token; false when the client must wait. */
    public boolean tryAcquire(String key) {
        if (perSecond <= 0) {
            return true;
        }
        long now = System.nanoTime();
        double[] b = buckets.computeIfAbsent(key, k -> new double[] {burst, now});
        synchronized (b) {
            double elapsed = (now - (long) b[1]) / 1e9;
            b[0] = Math.min(burst, b[0] + elapsed * perSecond);
            b[1] = now;
            if (b[0] >= 1) {
                b[0] -= 1;
                return true;
            }
            return false;
        }
    }

    /** Seconds until a token is available, for Retry-After. */
    public long retryAfterSeconds() {
        return perSecond <= 0 ? 0 : Math.max(1, (long) Math.ceil(1 / perSecond));
    }

    /** Drops idle buckets so that memory stays bounded under many clients. */
    public void sweep() {
        if (buckets.size() > 100_000) {
            buckets.clear();
        }
    }
}
