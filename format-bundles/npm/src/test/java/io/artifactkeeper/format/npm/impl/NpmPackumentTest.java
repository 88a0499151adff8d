package io.artifactkeeper.format.npm.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

class NpmPackumentTest {

    static ObjectNode doc(String json) throws Exception {
        return (ObjectNode) NpmPackument.JSON.readTree(json.replace('\'', '"'));
    }

    @Test
    void tarballUrlsPointAtThisRepositoryWhateverTheUpstreamSaid() throws Exception {
        ObjectNode d = doc("{'name':'@s/p','versions':{'1.0.0':{'dist':{'tarball':'https://cdn.example/x/@s/p/-/p-1.0.0.tgz?sig=1',"
                + "'shasum':'ab'}},'2.0.0':{'dist':{}}}}");
        ObjectNode out = NpmPackument.withTarballsAt(d, "@s/p", "http://h/npm/r");
        assertThat(out.at("/versions/1.0.0/dist/tarball").asText()).isEqualTo("http://h/npm/r/@s/p/-/p-1.0.0.tgz");
        assertThat(out.at("/versions/2.0.0/dist/tarball").asText()).isEqualTo("http://h/npm/r/@s/p/-/p-2.0.0.tgz");
        assertThat(out.at("/versions/1.0.0/dist/shasum").asText()).isEqualTo("ab");
        // the stored document keeps the upstream URL, to fetch from
        assertThat(NpmPackument.tarballUrl(d, "@s/p", "p-1.0.0.tgz")).contains("https://cdn.example/x/@s/p/-/p-1.0.0.tgz?sig=1");
    }

    @Test
    void abbreviatedKeepsWhatInstallersNeed() throws Exception {
        ObjectNode d = doc("{'name':'p','readme':'long','time':{'modified':'2024-01-01T00:00:00.000Z'},'dist-tags':{'latest':'1.0.0'},"
                + "'versions':{'1.0.0':{'name':'p','version':'1.0.0','description':'d','readme':'r','scripts':{'postinstall':'x'},"
                + "'dependencies':{'a':'^1'},'dist':{'tarball':'t','shasum':'s','integrity':'i'},'engines':{'node':'>=8'}}}}");
        ObjectNode a = NpmPackument.abbreviated(d);
        assertThat(a.has("readme")).isFalse();
        assertThat(a.path("modified").asText()).isEqualTo("2024-01-01T00:00:00.000Z");
        assertThat(a.at("/dist-tags/latest").asText()).isEqualTo("1.0.0");
        ObjectNode v = (ObjectNode) a.at("/versions/1.0.0");
        assertThat(v.has("description")).isFalse();
        assertThat(v.has("scripts")).isFalse();
        assertThat(v.path("hasInstallScript").asBoolean()).isTrue();
        assertThat(v.at("/dependencies/a").asText()).isEqualTo("^1");
        assertThat(v.at("/dist/integrity").asText()).isEqualTo("i");
        assertThat(v.at("/engines/node").asText()).isEqualTo(">=8");
    }

    @Test
    void mergeLetsTheFirstMemberWinPerVersionAndTag() throws Exception {
        ObjectNode local = doc("{'name':'p','description':'local','dist-tags':{'latest':'1.0.0'},"
                + "'versions':{'1.0.0':{'from':'local'}},'time':{'1.0.0':'t1','modified':'2024-01-01'}}");
        ObjectNode remote = doc("{'name':'p','description':'remote','dist-tags':{'latest':'2.0.0','beta':'3.0.0-b'},"
                + "'versions':{'1.0.0':{'from':'remote'},'2.0.0':{'from':'remote'},'3.0.0-b':{}},'time':{'2.0.0':'t2','modified':'2025-01-01'}}");
        ObjectNode m = NpmPackument.merge(List.of(local, remote)).orElseThrow();
        assertThat(m.path("description").asText()).isEqualTo("local");
        assertThat(m.at("/versions/1.0.0/from").asText()).isEqualTo("local");
        assertThat(m.at("/versions/2.0.0/from").asText()).isEqualTo("remote");
        assertThat(m.at("/dist-tags/latest").asText()).isEqualTo("1.0.0");
        assertThat(m.at("/dist-tags/beta").asText()).isEqualTo("3.0.0-b");
        assertThat(m.at("/time/2.0.0").asText()).isEqualTo("t2");
        assertThat(m.at("/time/modified").asText()).isEqualTo("2025-01-01");
        assertThat(NpmPackument.merge(List.of())).isEmpty();
    }

    @Test
    void removingTheLatestVersionMovesLatestToTheHighestRelease() throws Exception {
        ObjectNode d = doc("{'name':'p','dist-tags':{'latest':'1.10.0','old':'1.10.0','next':'2.0.0-rc.1'},"
                + "'versions':{'1.2.0':{},'1.10.0':{},'2.0.0-rc.1':{}},'time':{'1.10.0':'x'}}");
        NpmPackument.removeVersion(d, "1.10.0");
        assertThat(d.at("/dist-tags/latest").asText()).isEqualTo("1.2.0");
        assertThat(d.at("/dist-tags").has("old")).isFalse();
        assertThat(d.at("/dist-tags/next").asText()).isEqualTo("2.0.0-rc.1");
        assertThat(d.at("/time").has("1.10.0")).isFalse();
    }

    @Test
    void touchBumpsTheRevision() {
        ObjectNode d = NpmPackument.create("p", Instant.parse("2024-05-01T10:00:00Z"));
        NpmPackument.touch(d, Instant.parse("2024-05-02T10:00:00Z"));
        assertThat(d.path("_rev").asText()).startsWith("1-");
        NpmPackument.touch(d, Instant.parse("2024-05-03T10:00:00Z"));
        assertThat(d.path("_rev").asText()).startsWith("2-");
        assertThat(d.at("/time/created").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(d.at("/time/modified").asText()).isEqualTo("2024-05-03T10:00:00Z");
    }

    @Test
    void semverOrder() {
        assertThat(List.of("1.10.0", "1.2.0", "1.2.0-rc.1", "1.2.0-rc.10", "1.2.0-rc.2", "junk").stream()
                .sorted(io.artifactkeeper.format.support.SemVer.ORDER).toList())
                .containsExactly("junk", "1.2.0-rc.1", "1.2.0-rc.2", "1.2.0-rc.10", "1.2.0", "1.10.0");
        assertThat(NpmPackument.highest(List.of("1.0.0", "2.0.0-beta"))).isEqualTo("1.0.0");
        assertThat(NpmPackument.highest(List.of("2.0.0-beta"))).isEqualTo("2.0.0-beta");
    }

    /** Found by NpmFuzzTest#upstreamPackument: a bad upstream document is the proxy's 502, not a bare IOException. */
    @Test
    void anUpstreamDocumentInAnImpossibleEncodingIsMalformedJson() {
        byte[] body = new byte[37];
        body[29] = '%';
        body[35] = ']';
        body[36] = (byte) 0x8c;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NpmPackument.parseUpstream(
                new java.io.ByteArrayInputStream(body), "p")).isInstanceOfSatisfying(
                io.artifactkeeper.api.format.FormatException.class, e -> assertThat(e.status()).isEqualTo(502));
    }
}
