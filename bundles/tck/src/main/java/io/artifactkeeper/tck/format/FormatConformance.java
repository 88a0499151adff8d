package io.artifactkeeper.tck.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.tck.format.FormatHarness.Request;
import io.artifactkeeper.tck.format.FormatHarness.Response;

/**
 * The in-process conformance suite every format bundle runs in its own tests, in milliseconds: the
 * contract between a format and the repository-type layer, checked against in-memory repositories
 * that behave as the core's do ({@link MemoryWorld}). A format's test class extends this one and
 * says how to publish a version of a sample package through its native routes, where a client
 * downloads it, and which metadata document lists it:
 *
 * <pre>
 * class CargoConformanceTest extends FormatConformance {
 *     protected FormatHandler createHandler() { return new CargoFormat(); }
 *     protected void publish(Publisher p, String version) { p.send(p.request("PUT", "api/v1/crates/new").body(...)); }
 *     protected String contentPath(String version) { return "api/v1/crates/demo/" + version + "/download"; }
 *     protected String metadataPath() { return "index/de/mo/demo"; }
 * }
 * </pre>
 *
 * What it checks: routes declared as data; round trip (publish, download, HEAD, metadata lists the
 * version, a second version shows up); 404s for what is not there, in the format's own error shape;
 * validators and 304s; writes to remote (405) and virtual (400) repositories refused without reaching
 * them; a remote that serves from its upstream, caches content (one upstream request, also for
 * concurrent misses), refreshes metadata after the TTL and not before, serves stale copies while the
 * upstream is down and never caches a broken-off body; a virtual that asks its members in priority
 * order, stops at the first that has the content, merges metadata of all, and skips a member whose
 * upstream is down; hostile bodies on every write route answered 4xx, never 500.
 */
public abstract class FormatConformance {
    protected static final String SERVER = "http://registry.tck.test";
    protected static final String UPSTREAM_SERVER = "http://upstream.tck.test";

    /** The format under test, a fresh instance per world. */
    protected abstract FormatHandler createHandler();

    /**
     * Publishes version {@code version} of the sample package through the format's native routes,
     * with the requests its real client sends ({@link Publisher#send} checks each answer).
     */
    protected abstract void publish(Publisher p, String version) throws Exception;

    /** Where a client downloads the main file of {@code version} (below the repository). */
    protected abstract String contentPath(String version);

    /** A metadata document that lists the sample package's versions (below the repository). */
    protected abstract String metadataPath();

    /** Whether {@code metadata} lists {@code version}; the default looks for the version string. */
    protected boolean lists(Response metadata, String version) {
        return metadata.text().contains(version);
    }

    /**
     * The path of the asset a download of {@code version} resolves to in a repository (the stored
     * file), when it differs from {@link #contentPath}.
     */
    protected String contentAssetPath(String version) {
        return contentPath(version);
    }

    /** Two versions the tests publish; override where the format's versions look otherwise. */
    protected String version(int n) {
        return n + ".0." + n;
    }

    /** A version never published. */
    protected String missingVersion() {
        return "9.9.404";
    }

    /** The upstream URL a remote is given for a registry served at {@code servedBase}. */
    protected String upstreamUrl(String servedBase) {
        return servedBase;
    }

    /** Prepares a world before repositories are made (users, settings); the default does nothing. */
    protected void prepare(MemoryWorld world) {
    }

    // ------------------------------------------------------------------ fixtures

    protected MemoryWorld world;
    protected FormatHarness harness;
    protected MemoryWorld upstreamWorld;
    protected ScriptedUpstream upstream;

    @BeforeEach
    void newWorlds() {
        world = new MemoryWorld(createHandler(), SERVER);
        prepare(world);
        harness = world.harness();
        upstreamWorld = new MemoryWorld(createHandler(), UPSTREAM_SERVER);
        prepare(upstreamWorld);
        upstreamWorld.local("origin");
        upstream = new ScriptedUpstream(URI.create(upstreamUrl(upstreamWorld.baseUrl("origin"))),
                upstreamWorld.harness().asUpstream());
    }

    /** Publishes through a repository's native routes. */
    public final class Publisher {
        private final FormatHarness h;
        private final String repo;
        private final int refusal;
        private boolean refused;

        Publisher(FormatHarness h, String repo, int refusal) {
            this.h = h;
            this.repo = repo;
            this.refusal = refusal;
        }

        public String repository() {
            return repo;
        }

        /** The repository's native root URL. */
        public String baseUrl() {
            return h == harness ? world.baseUrl(repo) : upstreamWorld.baseUrl(repo);
        }

        public Request request(String method, String pathAndQuery) {
            return h.request(method, repo, pathAndQuery);
        }

        /**
         * Sends {@code r}. Publishing normally, the answer must be a success (2xx/3xx). Publishing into a
         * remote or virtual repository, reads pass and the first write must be refused; publishing
         * stops there.
         */
        public Response send(Request r) {
            Response resp = r.send();
            String method = r.toString();
            if (refusal != 0 && isWrite(r)) {
                assertThat(resp.status()).as("a write to a %s repository is refused before the format stores anything: %s",
                        refusal == 405 ? "remote" : "virtual", resp).isEqualTo(refusal);
                refused = true;
                throw new Refused();
            }
            if (refusal == 0) {
                assertThat(resp.status()).as("publishing: %s answered %s", method, resp).isBetween(200, 399);
            }
            return resp;
        }
    }

    private static boolean isWrite(Request r) {
        String m = r.method();
        return !(m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"));
    }

    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused() {
            super(null, null, false, false);
        }
    }

    protected void publishInto(String repo, String version) throws Exception {
        publish(new Publisher(harness, repo, 0), version);
    }

    protected void publishUpstream(String version) throws Exception {
        publish(new Publisher(upstreamWorld.harness(), "origin", 0), version);
    }

    private MemoryRepository remote(String key) {
        return world.remote(key, upstream);
    }

    // ------------------------------------------------------------------ the contract

    @Test
    void declaresItsRoutesAsData() {
        FormatHandler h = createHandler();
        assertThat(h.routes()).as("a format declares its routes (SPI 2); the core matches them").isNotEmpty();
        for (Route r : h.routes()) {
            assertThat(r.name()).isNotBlank();
        }
        assertThat(h.descriptor().key()).isNotBlank();
    }

    @Test
    void roundTripThroughALocalRepository() throws Exception {
        world.local("hosted");
        publishInto("hosted", version(1));
        Response content = harness.get("hosted", contentPath(version(1)));
        assertThat(content.status()).as("download after publish: %s", content).isEqualTo(200);
        assertThat(content.body()).isNotEmpty();
        Response head = harness.request("HEAD", "hosted", contentPath(version(1))).send();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        Response meta = harness.get("hosted", metadataPath());
        assertThat(meta.status()).as("metadata: %s", meta).isEqualTo(200);
        assertThat(lists(meta, version(1))).as("metadata lists %s: %s", version(1), meta).isTrue();
    }

    @Test
    void aSecondVersionShowsInTheNextMetadataAnswer() throws Exception {
        world.local("hosted");
        publishInto("hosted", version(1));
        assertThat(lists(harness.get("hosted", metadataPath()), version(1))).isTrue();
        publishInto("hosted", version(2));
        Response meta = harness.get("hosted", metadataPath());
        assertThat(lists(meta, version(1)) && lists(meta, version(2))).as("both versions listed: %s", meta).isTrue();
        assertThat(harness.get("hosted", contentPath(version(2))).status()).isEqualTo(200);
    }

    @Test
    void missingContentIsA404InTheFormatsOwnShape() throws Exception {
        world.local("hosted");
        publishInto("hosted", version(1));
        Response r = harness.get("hosted", contentPath(missingVersion()));
        assertThat(r.status()).as("%s", r).isEqualTo(404);
        FormatResponse expected = world.handler().renderError(404, "NOT_FOUND", "x");
        if (expected.contentType() != null) {
            assertThat(r.header("Content-Type").orElse("")).as("404 in the format's error shape")
                    .startsWith(expected.contentType().split(";")[0]);
        }
    }

    @Test
    void validatorsAnswer304() throws Exception {
        world.local("hosted");
        publishInto("hosted", version(1));
        for (String path : List.of(contentPath(version(1)), metadataPath())) {
            Response first = harness.get("hosted", path);
            assertThat(first.status()).isEqualTo(200);
            String etag = first.header("ETag").orElse(null);
            assertThat(etag).as("%s carries an ETag", path).isNotNull();
            Response again = harness.request("GET", "hosted", path).header("If-None-Match", etag).send();
            assertThat(again.status()).as("conditional GET of %s", path).isEqualTo(304);
            assertThat(again.body()).isEmpty();
        }
    }

    @Test
    void writesToARemoteAreRefusedWithoutReachingIt() throws Exception {
        remote("proxy");
        Publisher p = new Publisher(harness, "proxy", 405);
        try {
            publish(p, version(1));
        } catch (Refused expected) {
            // the publish stopped at the refused write
        }
        assertThat(p.refused).as("publishing sent a write, and it was refused").isTrue();
        assertThat(world.writeAttempts()).as("writes that reached the remote").isEmpty();
        assertThat(world.repository("proxy").contents()).isEmpty();
    }

    @Test
    void writesToAVirtualAreRefusedWithoutReachingIt() throws Exception {
        world.local("hosted");
        world.virtual("group", "hosted");
        Publisher p = new Publisher(harness, "group", 400);
        try {
            publish(p, version(1));
        } catch (Refused expected) {
            // the publish stopped at the refused write
        }
        assertThat(p.refused).as("publishing sent a write, and it was refused").isTrue();
        assertThat(world.writeAttempts()).as("writes that reached the virtual repository").isEmpty();
        assertThat(world.repository("hosted").contents()).isEmpty();
    }

    @Test
    void aRemoteServesWhatItsUpstreamHasAndCachesContent() throws Exception {
        publishUpstream(version(1));
        remote("proxy");
        Response meta = harness.get("proxy", metadataPath());
        assertThat(meta.status()).as("metadata through the remote: %s", meta).isEqualTo(200);
        assertThat(lists(meta, version(1))).isTrue();
        Response direct = upstreamWorld.harness().get("origin", contentPath(version(1)));
        Response first = harness.get("proxy", contentPath(version(1)));
        assertThat(first.status()).as("content through the remote: %s", first).isEqualTo(200);
        assertThat(first.body()).isEqualTo(direct.body());
        int asked = upstream.requests().size();
        Response second = harness.get("proxy", contentPath(version(1)));
        assertThat(second.body()).isEqualTo(direct.body());
        assertThat(upstream.requests()).as("cached content is served without asking upstream").hasSize(asked);
    }

    @Test
    void concurrentMissesOfARemoteFetchOnce() throws Exception {
        publishUpstream(version(1));
        remote("proxy");
        assertThat(harness.get("proxy", metadataPath()).status()).isEqualTo(200);
        upstream.clearRequests();
        upstream.slow(150);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Response>> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Callable<Response> c = () -> harness.get("proxy", contentPath(version(1)));
                all.add(pool.submit(c));
            }
            for (Future<Response> f : all) {
                assertThat(f.get().status()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
            upstream.slow(0);
        }
        long contentFetches = upstream.requests().stream().filter(r -> !r.contains(metadataPath())).count();
        assertThat(contentFetches).as("upstream requests for six concurrent misses: %s", upstream.requests())
                .isLessThanOrEqualTo(2);
    }

    @Test
    void aRemoteDoesNotAskForFreshMetadataAgain() throws Exception {
        publishUpstream(version(1));
        remote("proxy");
        assertThat(harness.get("proxy", metadataPath()).status()).isEqualTo(200);
        int asked = upstream.requests().size();
        world.advance(Duration.ofSeconds(10));
        assertThat(harness.get("proxy", metadataPath()).status()).isEqualTo(200);
        assertThat(upstream.requests()).as("metadata within its TTL comes from the cache").hasSize(asked);
    }

    @Test
    void aRemoteRefreshesMetadataAfterItsTtl() throws Exception {
        publishUpstream(version(1));
        remote("proxy");
        assertThat(lists(harness.get("proxy", metadataPath()), version(1))).isTrue();
        publishUpstream(version(2));
        world.advance(world.metadataTtl().plusSeconds(1));
        Response meta = harness.get("proxy", metadataPath());
        assertThat(lists(meta, version(2))).as("after the TTL the remote shows the upstream's new version: %s", meta)
                .isTrue();
    }

    @Test
    void aRemoteServesStaleCopiesWhileItsUpstreamIsDown() throws Exception {
        publishUpstream(version(1));
        remote("proxy");
        assertThat(harness.get("proxy", metadataPath()).status()).isEqualTo(200);
        byte[] content = harness.get("proxy", contentPath(version(1))).body();
        upstream.down(true);
        world.advance(world.metadataTtl().plusSeconds(60));
        Response meta = harness.get("proxy", metadataPath());
        assertThat(meta.status()).as("stale metadata with the upstream down: %s", meta).isEqualTo(200);
        assertThat(lists(meta, version(1))).isTrue();
        assertThat(harness.get("proxy", contentPath(version(1))).body()).isEqualTo(content);
    }

    @Test
    void aRemoteNeverCachesABrokenOffBody() throws Exception {
        publishUpstream(version(1));
        remote("proxy");
        assertThat(harness.get("proxy", metadataPath()).status()).isEqualTo(200);
        upstream.truncate(true);
        Response broken = harness.get("proxy", contentPath(version(1)));
        assertThat(broken.status()).as("a truncated upstream body: %s", broken).isGreaterThanOrEqualTo(400);
        assertThat(broken.status()).isNotEqualTo(500);
        upstream.truncate(false);
        Response whole = harness.get("proxy", contentPath(version(1)));
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(upstreamWorld.harness().get("origin", contentPath(version(1))).body());
    }

    @Test
    void aVirtualAsksItsMembersInPriorityOrder() throws Exception {
        world.local("first");
        world.local("second");
        world.local("third");
        publishInto("second", version(1));
        publishInto("third", version(1));
        world.virtual("group", "first", "second", "third");
        world.clearAccessLog();
        Response r = harness.get("group", contentPath(version(1)));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body()).isEqualTo(harness.get("second", contentPath(version(1))).body());
        List<String> asked = membersAsked(world.accessLog(), contentAssetPath(version(1)), "first", "second", "third");
        assertThat(asked).as("members asked for %s, in order: %s", contentAssetPath(version(1)), world.accessLog())
                .startsWith("first", "second");
        assertThat(asked).as("the first member that has it answers; the rest are not asked").doesNotContain("third");
    }

    @Test
    void aVirtualMergesMetadataOfAllMembers() throws Exception {
        world.local("a");
        world.local("b");
        publishInto("a", version(1));
        publishInto("b", version(2));
        world.virtual("group", "a", "b");
        Response meta = harness.get("group", metadataPath());
        assertThat(meta.status()).as("%s", meta).isEqualTo(200);
        assertThat(lists(meta, version(1)) && lists(meta, version(2))).as("merged metadata: %s", meta).isTrue();
        assertThat(harness.get("group", contentPath(version(2))).status()).isEqualTo(200);
        publishInto("a", version(3));
        assertThat(lists(harness.get("group", metadataPath()), version(3)))
                .as("a member's change shows in the virtual repository's next answer").isTrue();
    }

    @Test
    void aVirtualSkipsAMemberWhoseUpstreamIsDown() throws Exception {
        remote("proxy");
        upstream.down(true);
        world.local("hosted");
        publishInto("hosted", version(1));
        world.virtual("group", "proxy", "hosted");
        Response meta = harness.get("group", metadataPath());
        assertThat(meta.status()).as("metadata with a member down: %s", meta).isEqualTo(200);
        assertThat(lists(meta, version(1))).isTrue();
        Response content = harness.get("group", contentPath(version(1)));
        assertThat(content.status()).as("content with a member down: %s", content).isEqualTo(200);
    }

    @Test
    void hostileBodiesOnWriteRoutesAre4xxNever500() throws Exception {
        world.local("hosted");
        byte[][] bodies = {new byte[0], "{".getBytes(), "\u0000\u0000\u0000{}".getBytes(), new byte[] {31, -117, 8, 0},
                "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n".getBytes(), "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>".getBytes()};
        for (Route route : createHandler().routes()) {
            for (String method : route.methods()) {
                if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
                    continue;
                }
                String path = sample(route.template());
                for (byte[] body : bodies) {
                    Response r = harness.request(method, "hosted", path).header("Content-Type", "application/octet-stream")
                            .body(body).send();
                    assertThat(r.status()).as("%s %s with a hostile body: %s", method, path, r).isNotEqualTo(500);
                }
            }
        }
    }

    /** A concrete path for a template: each variable filled with a plausible value. */
    static String sample(String template) {
        return template.replaceAll("\\{[A-Za-z0-9]+\\+\\}", "pkg/name").replaceAll("\\{[A-Za-z0-9]+:[^}]*(\\{[0-9,]*\\})?[^}]*\\}", "x")
                .replaceAll("\\{[A-Za-z0-9]+\\}", "x");
    }

    /**
     * The repositories among {@code keys} that the log shows asked for {@code path} (get, peek or
     * fetch), in order, repeats folded.
     */
    protected static List<String> membersAsked(List<String> log, String path, String... keys) {
        List<String> out = new ArrayList<>();
        for (String entry : log) {
            String[] p = entry.split(" ", 3);
            if (p.length < 3 || !(p[1].equals("get") || p[1].equals("peek") || p[1].equals("fetch")) || !p[2].equals(path)) {
                continue;
            }
            for (String k : keys) {
                if (p[0].equals(k) && (out.isEmpty() || !out.get(out.size() - 1).equals(k))) {
                    out.add(k);
                }
            }
        }
        return out;
    }
}
