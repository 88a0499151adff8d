package io.artifactkeeper.core.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;

import io.artifactkeeper.api.storage.BlobStore;
import io.artifactkeeper.core.CorePlatform;
import io.artifactkeeper.core.repo.FormatRegistry;
import io.artifactkeeper.core.security.LoginThrottle;
import io.artifactkeeper.core.store.RepositoryRecord;
import io.artifactkeeper.db.Database;
import jakarta.servlet.http.HttpServletResponse;

/** {@code /readyz} (what is missing for the server to serve) and {@code /metrics} (Prometheus text). */
final class HealthEndpoints {
    private final BundleContext bundleContext;
    private final FormatRegistry formats;
    private final Metrics metrics;
    private final Supplier<Database> database;
    private final Supplier<BlobStore> blobStore;
    private final Supplier<CorePlatform> core;

    HealthEndpoints(BundleContext bundleContext, FormatRegistry formats, Metrics metrics, Supplier<Database> database,
            Supplier<BlobStore> blobStore, Supplier<CorePlatform> core) {
        this.bundleContext = bundleContext;
        this.formats = formats;
        this.metrics = metrics;
        this.database = database;
        this.blobStore = blobStore;
        this.core = core;
    }

    List<String> missing() {
        List<String> out = new ArrayList<>();
        String target = bundleContext.getProperty("ak.startlevel.target");
        if (target != null) {
            int now = bundleContext.getBundle(0).adapt(org.osgi.framework.startlevel.FrameworkStartLevel.class).getStartLevel();
            if (now < Integer.parseInt(target)) {
                out.add("startup: framework at start level " + now + " of " + target);
            }
        }
        Database d = database.get();
        if (d == null) {
            out.add("database: no database service (the db bundle is not active)");
        } else {
            try {
                d.checkHealth();
            } catch (RuntimeException e) {
                out.add("database: " + e.getMessage());
            }
        }
        BlobStore b = blobStore.get();
        if (b == null) {
            out.add("storage: no blob store service (the storage bundle is not active)");
        } else {
            try {
                b.checkHealth();
            } catch (IOException | RuntimeException e) {
                out.add("storage: " + e.getMessage());
            }
        }
        CorePlatform c = core.get();
        if (c == null) {
            out.add("core: the core platform is not active");
        } else if (out.isEmpty()) {
            Map<String, List<String>> byFormat = new TreeMap<>();
            for (RepositoryRecord r : c.repositories().list(null, null)) {
                if (formats.byKey(r.format()).isEmpty()) {
                    byFormat.computeIfAbsent(r.format(), k -> new ArrayList<>()).add(r.key());
                }
            }
            byFormat.forEach((f, repos) -> out.add("format " + f + ": bundle not active (repositories " + repos + ")"));
        }
        return out;
    }

    void readiness(Exchange ex) throws IOException {
        List<String> missing;
        try {
            missing = missing();
        } catch (RuntimeException e) {
            missing = List.of("database: " + e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", missing.isEmpty() ? "ready" : "not_ready");
        body.put("missing", missing);
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", missing.stream().noneMatch(s -> s.startsWith("database")) ? "ok" : "failing");
        checks.put("storage", missing.stream().noneMatch(s -> s.startsWith("storage")) ? "ok" : "failing");
        checks.put("core", core.get() != null ? "ok" : "failing");
        checks.put("formats", formats.all().stream().map(e -> e.descriptor().key()).toList());
        body.put("checks", checks);
        ex.json(missing.isEmpty() ? 200 : 503, body);
    }

    void metrics(Exchange ex) throws IOException {
        Map<String, Number> gauges = new LinkedHashMap<>();
        Map<String, Number> counters = new LinkedHashMap<>();
        gauges.put("ak_formats_active", formats.all().size());
        gauges.put("ak_jvm_heap_used_bytes", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        CorePlatform c = core.get();
        if (c != null) {
            gauges.put("ak_proxy_upstream_requests_total", c.proxy().upstreamRequests());
            LoginThrottle t = c.identity().throttle();
            gauges.put("ak_auth_locked_users", t.lockedUsers());
            counters.put("ak_auth_password_failures_total", t.failuresTotal());
            counters.put("ak_auth_lockouts_total", t.lockoutsTotal());
            counters.put("ak_auth_throttled_total", t.refusedTotal());
        }
        byte[] body = metrics.render(gauges, counters).getBytes(StandardCharsets.UTF_8);
        HttpServletResponse resp = ex.response();
        resp.setStatus(200);
        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
        resp.setContentLength(body.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(body);
        }
    }

}
