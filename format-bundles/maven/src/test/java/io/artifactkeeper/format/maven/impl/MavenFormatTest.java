package io.artifactkeeper.format.maven.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** What the kit does not check: generated metadata, its checksums, SNAPSHOTs, plugins, listings. */
class MavenFormatTest {
    static final String A = "org/example/lib/";
    MemoryWorld world;
    FormatHarness h;

    @BeforeEach
    void world() {
        world = new MemoryWorld(new MavenFormat(), "https://registry.test");
        world.local("r");
        h = world.harness();
    }

    Response put(String path, String body) {
        return h.request("PUT", "r", path).body(body.getBytes(StandardCharsets.UTF_8)).send();
    }

    String meta(String repo, String folder) {
        Response r = h.get(repo, folder + "maven-metadata.xml");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.text();
    }

    @Test
    void metadataIsGeneratedFromTheFilesHoweverTheyArrived() throws Exception {
        assertThat(put(A + "1.0/lib-1.0.jar", "a").status()).isEqualTo(201);
        assertThat(meta("r", A)).contains("<version>1.0</version>", "<release>1.0</release>");
        // stored without the Maven route (the artifacts API): in the next answer
        world.advance(java.time.Duration.ofMinutes(1));
        world.repository("r").seed(A + "1.10/lib-1.10.jar", new byte[] {1});
        String m = meta("r", A);
        assertThat(m).contains("<version>1.0</version>", "<version>1.10</version>", "<latest>1.10</latest>");
        // lastUpdated is the newest file's time: the same bytes on every node and after a restart
        assertThat(m).contains("<lastUpdated>20260101000100</lastUpdated>");
        assertThat(h.get("r", A + "maven-metadata.xml").body()).isEqualTo(m.getBytes(StandardCharsets.UTF_8));
        // a delete on the Maven route: gone from the next answer
        assertThat(h.request("DELETE", "r", A + "1.10/lib-1.10.jar").send().status()).isEqualTo(204);
        assertThat(meta("r", A)).doesNotContain("1.10");
        // nothing generated is stored
        assertThat(world.repository("r").contents().keySet()).noneMatch(p -> p.endsWith("maven-metadata.xml"));
    }

    @Test
    void mavenOrderNotSemVer() {
        for (String v : new String[] {"1.0-SNAPSHOT", "1.0", "1.0-rc1", "1.0.1", "1.0-alpha-2", "1.0-sp1"}) {
            put(A + v + "/lib-" + v + ".pom", "<project><groupId>org.example</groupId><artifactId>lib</artifactId><version>"
                    + v + "</version></project>");
        }
        String m = meta("r", A);
        assertThat(m).containsSubsequence("1.0-alpha-2", "1.0-rc1", "1.0-SNAPSHOT", "<version>1.0</version>", "1.0-sp1",
                "1.0.1");
        assertThat(m).contains("<release>1.0.1</release>");
    }

    @Test
    void checksumsOfMetadataAreThoseOfTheServedBytes() throws Exception {
        put(A + "1.0/lib-1.0.jar", "a");
        byte[] served = h.get("r", A + "maven-metadata.xml").body();
        assertThat(h.get("r", A + "maven-metadata.xml.sha1").text()).isEqualTo(MavenConformanceTest.hex("SHA-1", served));
        assertThat(h.get("r", A + "maven-metadata.xml.sha256").text()).isEqualTo(MavenConformanceTest.hex("SHA-256", served));
        // the client's checksums of its own document: accepted, dropped
        assertThat(put(A + "maven-metadata.xml.sha1", "0".repeat(40)).status()).isEqualTo(201);
        assertThat(put(A + "maven-metadata.xml.sha1", "junk").status()).isEqualTo(400);
        assertThat(h.get("r", A + "maven-metadata.xml.sha1").text()).isEqualTo(MavenConformanceTest.hex("SHA-1", served));
        // a file's checksum upload is verified against what is stored
        assertThat(put(A + "1.0/lib-1.0.jar.sha1", "1".repeat(40)).status()).isEqualTo(400);
        assertThat(put(A + "1.0/lib-1.0.jar.sha1", MavenConformanceTest.hex("SHA-1", "a".getBytes())).status()).isEqualTo(201);
        assertThat(put(A + "9.0/lib-9.0.jar.sha1", "1".repeat(40)).status()).isEqualTo(404);
    }

    @Test
    void aStaleClientDocumentCannotDropVersionsAndABrokenOneIs400() {
        put(A + "1.0/lib-1.0.jar", "a");
        put(A + "2.0/lib-2.0.jar", "b");
        assertThat(put(A + "maven-metadata.xml", "<metadata><groupId>org.example</groupId><artifactId>lib</artifactId>"
                + "<versioning><versions><version>0.1</version></versions></versioning></metadata>").status()).isEqualTo(201);
        assertThat(meta("r", A)).contains("<version>1.0</version>", "<version>2.0</version>").doesNotContain("0.1");
        assertThat(put(A + "maven-metadata.xml", "<metadata><versioning>").status()).isEqualTo(400);
        assertThat(put(A + "maven-metadata.xml", "<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><metadata>&x;</metadata>")
                .status()).isEqualTo(400);
        // a folder with no file of ours keeps the client's document
        assertThat(put("org/other/thing/maven-metadata.xml", "<metadata><groupId>org.other</groupId><artifactId>thing"
                + "</artifactId><versioning><versions><version>3.0</version></versions></versioning></metadata>").status())
                .isEqualTo(201);
        assertThat(meta("r", "org/other/thing/")).contains("<version>3.0</version>");
    }

    @Test
    void snapshotVersionLevelMetadataAndListings() {
        String s = A + "1.1-SNAPSHOT/";
        put(s + "lib-1.1-20260101.000000-1.jar", "one");
        put(s + "lib-1.1-20260101.000000-1.pom", "<project><groupId>org.example</groupId><artifactId>lib</artifactId><version>1.1-SNAPSHOT</version></project>");
        put(s + "lib-1.1-20260101.000100-2.jar", "two");
        String v = meta("r", s);
        assertThat(v).contains("<version>1.1-SNAPSHOT</version>", "<buildNumber>2</buildNumber>",
                "<value>1.1-20260101.000100-2</value>", "<extension>pom</extension>");
        assertThat(meta("r", A)).contains("<latest>1.1-SNAPSHOT</latest>").doesNotContain("<release>");
        // listings name the generated documents where they are served
        assertThat(h.get("r", A).text()).contains("href=\"./1.1-SNAPSHOT/\"", "href=\"./maven-metadata.xml\"");
        assertThat(h.get("r", s).text()).contains("href=\"./maven-metadata.xml\"", "lib-1.1-20260101.000100-2.jar");
        assertThat(h.get("r", "org/").text()).doesNotContain("maven-metadata.xml");
        // a folder without its '/': redirected
        Response redirect = h.get("r", "org/example");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.header("Location")).contains("https://registry.test/maven/r/org/example/");
    }

    @Test
    void pluginPrefixesOfGroupLevelDocumentsAreMergedAndKept() {
        String g = "org/example/plugins/maven-metadata.xml";
        assertThat(put(g, "<metadata><plugins><plugin><name>A</name><prefix>a</prefix><artifactId>a-maven-plugin</artifactId>"
                + "</plugin></plugins></metadata>").status()).isEqualTo(201);
        assertThat(put(g, "<metadata><plugins><plugin><name>B</name><prefix>b</prefix><artifactId>b-maven-plugin</artifactId>"
                + "</plugin></plugins></metadata>").status()).isEqualTo(201);
        assertThat(h.get("r", g).text()).contains("<prefix>a</prefix>", "<prefix>b</prefix>");
    }

    @Test
    void aVirtualLeavesOutAMemberServingGarbage() {
        put(A + "1.0/lib-1.0.jar", "a");
        ScriptedUpstream junk = new ScriptedUpstream(URI.create("https://junk.test/maven2"),
                (method, uri, headers) -> ScriptedUpstream.Reply.of(200, "application/xml", "<html>not metadata".getBytes()));
        world.remote("junk", junk);
        world.local("r2");
        h.request("PUT", "r2", A + "2.0/lib-2.0.jar").body(new byte[] {2}).send();
        world.virtual("all", "junk", "r", "r2");
        assertThat(meta("all", A)).contains("<version>1.0</version>", "<version>2.0</version>", "<latest>2.0</latest>");
    }

    @Test
    void listingLinksAreRelativePathsWhateverTheNames() {
        for (String artifact : new String[] {"javascript:alert(1)", "x\"><img src=x onerror=alert(1)>"}) {
            String folder = "evil/" + artifact + "/1.0/";
            assertThat(put(folder + artifact + "-1.0.jar", "x").status()).isEqualTo(201);
        }
        Pattern href = Pattern.compile("href=\"([^\"]*)\"");
        URI base = URI.create("https://registry.test/maven/r/evil/");
        String page = h.get("r", "evil/").text();
        assertThat(page).doesNotContain("<img");
        Matcher m = href.matcher(page);
        int n = 0;
        while (m.find()) {
            URI u = base.resolve(m.group(1).replace("&amp;", "&"));
            assertThat(u.getScheme()).isEqualTo("https");
            assertThat(u.getHost()).isEqualTo("registry.test");
            n++;
        }
        assertThat(n).isEqualTo(3);
    }

    @Test
    void routesShapeTheRequestsThemselves() {
        assertThat(h.request("POST", "r", A + "1.0/lib-1.0.jar").send().status()).isEqualTo(405);
        assertThat(put(A, "x").status()).isEqualTo(405);
        assertThat(put("lib.jar", "x").status()).isEqualTo(400);
        assertThat(put(A + "1.0/other-1.0.jar", "x").status()).isEqualTo(400);
        assertThat(put(A + "1.0/lib-1.0.pom", "not xml").status()).isEqualTo(400);
        assertThat(world.repository("r").contents()).isEmpty();
    }
}
