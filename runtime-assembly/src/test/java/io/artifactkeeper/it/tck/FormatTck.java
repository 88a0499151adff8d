package io.artifactkeeper.it.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.Distribution;

/**
 * The format TCK: what every format bundle must do on top of the core, checked against two
 * running servers. A format's test extends this and says how to publish one artifact and where its
 * native client downloads it from; the kit then checks round trip, validators and ranges, 404s,
 * authorization, remote miss/hit/stale with single-flight, and virtual resolution order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class FormatTck {

    /** One publishable artifact of the format. */
    public record Sample(String name, byte[] bytes) {
    }

    protected Distribution upstream;
    protected Distribution ak;
    protected String admin;
    private Path work;

    /** The format key repositories are created with. */
    protected abstract String formatKey();

    /** The mount of the format's native routes, e.g. "general". */
    protected abstract String mount();

    /** A sample artifact; {@code variant} makes distinct content and names. */
    protected abstract Sample sample(String variant) throws Exception;

    /** Publishes the sample into {@code repoKey} on {@code server}, the way the format's clients do. */
    protected abstract void publish(Distribution server, String repoKey, Sample s) throws Exception;

    /** The native path (below /{mount}/{repo}/) where a client downloads the sample's bytes. */
    protected abstract String downloadPath(Sample s);

    /** Settings of the server under test before it starts (e.g. {@link Distribution#https}); none by default. */
    protected void configure(Distribution server, Path work) throws Exception {
    }

    @BeforeAll
    void startServers() throws Exception {
        work = Files.createTempDirectory("ak-tck-" + formatKey());
        upstream = new Distribution(work.resolve("upstream")).start();
        ak = new Distribution(work.resolve("main"));
        configure(ak, work);
        ak.start();
        upstream.awaitReady(Duration.ofSeconds(180));
        ak.awaitReady(Duration.ofSeconds(180));
        admin = ak.adminBasic();
        for (Distribution d : List.of(upstream, ak)) {
            create(d, "tck-local", "local", null);
            create(d, "tck-public", "local", null, true);
        }
        create(ak, "tck-remote", "remote", upstream.url() + "/" + mount() + "/tck-local");
        create(ak, "tck-virtual", "virtual", null);
        json(ak, "PUT", "/api/v1/repositories/tck-virtual/members", Map.of("members",
                List.of(Map.of("member_key", "tck-local", "priority", 1), Map.of("member_key", "tck-remote", "priority", 2))),
                200);
    }

    @AfterAll
    void stopServers() throws Exception {
        if (ak != null) {
            ak.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void create(Distribution d, String key, String type, String upstreamUrl) throws Exception {
        create(d, key, type, upstreamUrl, false);
    }

    private void create(Distribution d, String key, String type, String upstreamUrl, boolean pub) throws Exception {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("key", key, "format", formatKey(), "repo_type", type,
                "is_public", pub));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    protected JsonNode json(Distribution d, String method, String path, Object body, int expect) throws Exception {
        HttpResponse<String> r = d.json(method, path, d.adminBasic(), body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expect);
        return r.body().isEmpty() ? null : Distribution.parse(r);
    }

    protected String url(String repo, String path) {
        return "/" + mount() + "/" + repo + "/" + path;
    }

    @Test
    @Order(1)
    void roundTripThroughTheNativeRoute() throws Exception {
        Sample s = sample("a");
        publish(ak, "tck-local", s);
        HttpResponse<byte[]> r = ak.getBytes(url("tck-local", downloadPath(s)), admin);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(s.bytes());
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/tck-local/artifacts?per_page=1000", admin,
                null, null));
        assertThat(list.get("total").asInt()).as("the artifact is listed").isPositive();
    }

    @Test
    @Order(2)
    void conditionalGetAndRanges() throws Exception {
        Sample s = sample("a");
        String p = url("tck-local", downloadPath(s));
        HttpResponse<byte[]> full = ak.getBytes(p, admin);
        String etag = full.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag on " + p));
        assertThat(ak.getBytes(p, admin, "If-None-Match", etag).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> part = ak.getBytes(p, admin, "Range", "bytes=1-4");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(s.bytes(), 1, 5));
        assertThat(ak.getBytes(p, admin, "Range", "bytes=" + (s.bytes().length + 10) + "-").statusCode()).isEqualTo(416);
    }

    @Test
    @Order(3)
    void missingThingsAre404() throws Exception {
        Sample s = sample("never-published");
        assertThat(ak.getBytes(url("tck-local", downloadPath(s)), admin).statusCode()).isEqualTo(404);
        assertThat(ak.getBytes(url("no-such-repo", downloadPath(s)), admin).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void authorization() throws Exception {
        Sample s = sample("a");
        String p = url("tck-local", downloadPath(s));
        assertThat(ak.getBytes(p, null).statusCode()).as("anonymous read of a private repository").isEqualTo(401);
        assertThat(ak.getBytes(p, Distribution.basic("admin", "wrong")).statusCode()).isEqualTo(401);
        Sample pub = sample("pub");
        publish(ak, "tck-public", pub);
        assertThat(ak.getBytes(url("tck-public", downloadPath(pub)), null).statusCode())
                .as("anonymous read of a public repository").isEqualTo(200);
    }

    @Test
    @Order(5)
    void remoteMissHitSingleFlightAndStale() throws Exception {
        Sample s = sample("remote");
        publish(upstream, "tck-local", s);
        String p = url("tck-remote", downloadPath(s));
        long before = upstreamHits();
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<HttpResponse<byte[]>>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(() -> ak.getBytes(p, admin));
            }
            for (Future<HttpResponse<byte[]>> f : pool.invokeAll(calls)) {
                assertThat(f.get().statusCode()).isEqualTo(200);
                assertThat(f.get().body()).isEqualTo(s.bytes());
            }
        } finally {
            pool.shutdownNow();
        }
        long fetched = upstreamHits() - before;
        System.out.printf("[measure] %s: %d concurrent first requests through a remote reached the upstream %d time(s)%n",
                formatKey(), n, fetched);
        assertThat(fetched).as("upstream requests for %d concurrent misses", n).isEqualTo(expectedUpstreamFetches());
        // a hit is served from the cache
        ak.getBytes(p, admin);
        assertThat(upstreamHits() - before).isEqualTo(expectedUpstreamFetches());
    }

    /** Whether a path names its content (OCI blobs by digest), so one path cannot hold other bytes. */
    protected boolean contentAddressed() {
        return false;
    }

    /** Requests a single download through the remote costs upstream (metadata formats may need more). */
    protected long expectedUpstreamFetches() {
        return 1;
    }

    @Test
    @Order(6)
    void virtualResolvesMembersInPriorityOrder() throws Exception {
        Sample local = sample("v");
        Sample remoteOnly = sample("vr");
        publish(ak, "tck-local", local);
        publish(upstream, "tck-local", remoteOnly);
        assertThat(ak.getBytes(url("tck-virtual", downloadPath(local)), admin).body()).isEqualTo(local.bytes());
        assertThat(ak.getBytes(url("tck-virtual", downloadPath(remoteOnly)), admin).body()).isEqualTo(remoteOnly.bytes());
        // the same path with other bytes in both: the first member by priority wins (a content-addressed
        // format cannot hold other bytes under the same path, so there it is the same artifact)
        Sample both = sample("both");
        Sample bothUpstream = contentAddressed() ? both : new Sample(both.name(), sample("both-upstream").bytes());
        publish(upstream, "tck-local", bothUpstream);
        publish(ak, "tck-local", both);
        assertThat(ak.getBytes(url("tck-virtual", downloadPath(both)), admin).body()).isEqualTo(both.bytes());
        assertThat(ak.send("PUT", url("tck-virtual", downloadPath(sample("w"))), admin, null, new byte[] {1}).statusCode())
                .as("writes to a virtual repository").isBetween(400, 405);
    }

    @Test
    @Order(7)
    void remoteServesItsCacheWhenTheUpstreamIsDown() throws Exception {
        Sample s = sample("stale");
        publish(upstream, "tck-local", s);
        String p = url("tck-remote", downloadPath(s));
        assertThat(ak.getBytes(p, admin).body()).isEqualTo(s.bytes());
        assertThat(upstream.stop(Duration.ofSeconds(60))).isZero();
        HttpResponse<byte[]> cached = ak.getBytes(p, admin);
        assertThat(cached.statusCode()).isEqualTo(200);
        assertThat(cached.body()).isEqualTo(s.bytes());
        Sample never = sample("never-cached");
        int st = ak.getBytes(url("tck-remote", downloadPath(never)), admin).statusCode();
        assertThat(st).as("uncached path with the upstream down").isIn(404, 502, 503, 504);
    }

    /** Requests the upstream server has answered so far on this format's routes (from its /metrics). */
    protected long upstreamHits() throws Exception {
        String m = upstream.send("GET", "/metrics", null, null, null).body();
        Matcher x = Pattern.compile("ak_http_requests_total\\{route=\"format:" + Pattern.quote(mount())
                + "\",method=\"GET\",status=\"200\"} (\\d+)").matcher(m);
        long n = 0;
        while (x.find()) {
            n += Long.parseLong(x.group(1));
        }
        return n;
    }
}
