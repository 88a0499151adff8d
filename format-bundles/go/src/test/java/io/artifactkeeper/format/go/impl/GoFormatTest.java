package io.artifactkeeper.format.go.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;

/** Go's own behaviour in process, beyond the conformance suite: uploads refused whole, and member failures. */
class GoFormatTest {
    static final String M = GoConformanceTest.MODULE;
    static final String MOD = "module " + M + "\n";

    MemoryWorld world;
    FormatHarness h;

    @BeforeEach
    void world() {
        world = new MemoryWorld(new GoFormat(), "http://go.test");
        h = world.harness();
        world.local("hosted");
    }

    private Response put(String path, byte[] body) {
        return h.request("PUT", "hosted", path).body(body).send();
    }

    @Test
    void aZipThatBreaksARuleIs400AndLeavesNothing() throws Exception {
        byte[] nested = new RawZip().add(M + "@v1.0.0/go.mod", MOD).add(M + "@v1.0.0/inner/go.mod", "module x/inner\n")
                .bytes();
        Response r = put(M + "/@v/v1.0.0.zip", nested);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.text()).contains("nested module");
        Response slip = put(M + "/@v/v1.0.0.zip", new RawZip().add(M + "@v1.0.0/../../x.go", "x").bytes());
        assertThat(slip.status()).as("%s", slip).isEqualTo(400);
        assertThat(world.repository("hosted").contents()).isEmpty();
    }

    @Test
    void aZipWhoseGoModDiffersFromTheUploadedModIsRefusedAndRemoved() throws Exception {
        assertThat(put(M + "/@v/v1.0.0.mod", (MOD + "\ngo 1.21\n").getBytes()).status()).isEqualTo(201);
        Response r = put(M + "/@v/v1.0.0.zip", GoConformanceTest.moduleZip(M, "v1.0.0", MOD));
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.text()).contains("differs from the .mod");
        assertThat(world.repository("hosted").contents()).containsOnlyKeys(M + "/@v/v1.0.0.mod");
    }

    @Test
    void aPublishedZipIsNeverReplaced() throws Exception {
        byte[] zip = GoConformanceTest.moduleZip(M, "v1.0.0", MOD);
        assertThat(put(M + "/@v/v1.0.0.zip", zip).status()).isEqualTo(201);
        assertThat(put(M + "/@v/v1.0.0.zip", zip).status()).isEqualTo(409);
        assertThat(h.get("hosted", M + "/@v/v1.0.0.mod").text()).isEqualTo(MOD);
        assertThat(h.get("hosted", M + "/@v/v1.0.0.info").text()).contains("\"Version\":\"v1.0.0\"");
    }

    @Test
    void latestAcrossAVirtualPrefersReleasesThenTheHighest() throws Exception {
        world.local("other");
        assertThat(put(M + "/@v/v1.2.0-rc.1.zip", GoConformanceTest.moduleZip(M, "v1.2.0-rc.1", MOD)).status()).isEqualTo(201);
        assertThat(put(M + "/@v/v1.1.0.zip", GoConformanceTest.moduleZip(M, "v1.1.0", MOD)).status()).isEqualTo(201);
        assertThat(h.request("PUT", "other", M + "/@v/v1.0.5.zip").body(GoConformanceTest.moduleZip(M, "v1.0.5", MOD))
                .send().status()).isEqualTo(201);
        world.virtual("group", "other", "hosted");
        assertThat(h.get("group", M + "/@latest").text()).contains("\"Version\":\"v1.1.0\"");
        assertThat(h.get("group", M + "/@v/list").text()).isEqualTo("v1.0.5\nv1.1.0\nv1.2.0-rc.1\n");
    }

    @Test
    void requestsOutsideTheProtocolAnswerAsTheGoCommandExpects() {
        assertThat(h.get("hosted", "sumdb/sum.golang.org/supported").status()).isEqualTo(404);
        assertThat(h.get("hosted", "example.com/U/@v/list").status()).as("not case-encoded").isEqualTo(400);
        assertThat(h.get("hosted", "nodot/a/@v/list").status()).isEqualTo(404);
        assertThat(put("nodot/a/@v/v1.0.0.mod", MOD.getBytes()).status()).isEqualTo(400);
        Response wrong = h.request("PUT", "hosted", M + "/@v/list").send();
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.header("Allow")).hasValueSatisfying(a -> assertThat(a).contains("GET"));
    }

    /**
     * go used to swallow every failure of a member, a 403 included; now the one policy of Members: a
     * member whose upstream is down is skipped, a member that answers 4xx is the answer.
     */
    @Test
    void aMemberThatFailsFollowsTheOnePolicy() throws Exception {
        assertThat(put(M + "/@v/v1.0.0.zip", GoConformanceTest.moduleZip(M, "v1.0.0", MOD)).status()).isEqualTo(201);
        GoRoute route = GoRoute.parse(M + "/@v/list").orElseThrow();
        RepositoryContext down = failing(world.local("down"), new FormatException(503, "UNAVAILABLE", "down"));
        RepositoryContext forbidden = failing(world.local("forbidden"), new FormatException(403, "FORBIDDEN", "no"));
        assertThat(GoVersions.list(virtual(down, world.repository("hosted")), route)).containsExactly("v1.0.0");
        assertThatThrownBy(() -> GoVersions.list(virtual(forbidden, world.repository("hosted")), route))
                .isInstanceOf(FormatException.class).hasFieldOrPropertyWithValue("status", 403);
        assertThatThrownBy(() -> GoVersions.latest(virtual(forbidden, world.repository("hosted")), route))
                .isInstanceOf(FormatException.class);
    }

    /** {@code repo} whose every listing and lookup fails with {@code e}. */
    private static RepositoryContext failing(RepositoryContext repo, FormatException e) {
        return (RepositoryContext) Proxy.newProxyInstance(GoFormatTest.class.getClassLoader(),
                new Class<?>[] {RepositoryContext.class}, (p, m, args) -> {
                    if (m.getName().equals("list") || m.getName().equals("get")) {
                        throw e;
                    }
                    return call(m, repo, args);
                });
    }

    /** A virtual repository over {@code members}, in that order. */
    private RepositoryContext virtual(RepositoryContext... members) {
        RepositoryContext v = world.virtual("v" + System.nanoTime(), "hosted");
        return (RepositoryContext) Proxy.newProxyInstance(GoFormatTest.class.getClassLoader(),
                new Class<?>[] {RepositoryContext.class}, (p, m, args) -> m.getName().equals("members") ? List.of(members)
                        : call(m, v, args));
    }

    private static Object call(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
