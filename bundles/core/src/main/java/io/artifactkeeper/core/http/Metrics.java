package io.artifactkeeper.core.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request metrics in the Prometheus text format: counts by route class, method and status, and a
 * latency histogram by route class.
 */
public final class Metrics {
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, long[]> histograms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();

    public void begin() {
        inFlight.incrementAndGet();
    }

    public void end(String routeClass, String method, int status, long nanos) {
        inFlight.decrementAndGet();
        requests.computeIfAbsent(routeClass + "\u0000" + method + "\u0000" + status, k -> new LongAdder()).increment();
        long[] h = histograms.computeIfAbsent(routeClass, k -> new long[BUCKETS.length + 2]);
        double secs = nanos / 1e9;
        synchronized (h) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (secs <= BUCKETS[i]) {
                    h[i]++;
                }
            }
            h[BUCKETS.length]++;
            h[BUCKETS.length + 1] += nanos / 1000;
        }
    }

    public void count(String name) {
        counters.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    public long inFlight() {
        return inFlight.get();
    }

    public String render(Map<String, Number> gauges) {
        return render(gauges, Map.of());
    }

    /** As above, with counters kept elsewhere (e.g. failed password checks). */
    public String render(Map<String, Number> gauges, Map<String, Number> externalCounters) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP ak_http_requests_total HTTP requests by route class, method and status\n");
        sb.append("# TYPE ak_http_requests_total counter\n");
        new TreeMap<>(requests).forEach((k, v) -> {
            String[] p = k.split("\u0000");
            sb.append("ak_http_requests_total{route=\"").append(p[0]).append("\",method=\"").append(p[1])
                    .append("\",status=\"").append(p[2]).append("\"} ").append(v.sum()).append('\n');
        });
        sb.append("# HELP ak_http_request_duration_seconds Request latency\n");
        sb.append("# TYPE ak_http_request_duration_seconds histogram\n");
        new TreeMap<>(histograms).forEach((route, h) -> {
            synchronized (h) {
                for (int i = 0; i < BUCKETS.length; i++) {
                    sb.append("ak_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"")
                            .append(BUCKETS[i]).append("\"} ").append(h[i]).append('\n');
                }
                sb.append("ak_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"+Inf\"} ")
                        .append(h[BUCKETS.length]).append('\n');
                sb.append("ak_http_request_duration_seconds_count{route=\"").append(route).append("\"} ")
                        .append(h[BUCKETS.length]).append('\n');
                sb.append("ak_http_request_duration_seconds_sum{route=\"").append(route).append("\"} ")
                        .append(h[BUCKETS.length + 1] / 1e6).append('\n');
            }
        });
        sb.append("# TYPE ak_http_requests_in_flight gauge\nak_http_requests_in_flight ").append(inFlight.get()).append('\n');
        new TreeMap<>(counters).forEach((k, v) -> sb.append("# TYPE ").append(k).append(" counter\n").append(k).append(' ')
                .append(v.sum()).append('\n'));
        new TreeMap<>(externalCounters).forEach((k, v) -> sb.append("# TYPE ").append(k).append(" counter\n").append(k)
                .append(' ').append(v).append('\n'));
        new TreeMap<>(gauges).forEach((k, v) -> sb.append("# TYPE ").append(k).append(" gauge\n").append(k).append(' ')
                .append(v).append('\n'));
        return sb.toString();
    }
}
