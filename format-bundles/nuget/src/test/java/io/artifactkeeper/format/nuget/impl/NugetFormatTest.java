package io.artifactkeeper.format.nuget.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.tck.format.FormatHarness;
import io.artifactkeeper.tck.format.FormatHarness.Response;
import io.artifactkeeper.tck.format.MemoryWorld;
import io.artifactkeeper.tck.format.ScriptedUpstream;

/** nuget behaviour beyond the kit's contract, in process: the v3 documents, unlisting, the v2 feed, bad input. */
class NugetFormatTest {
    private final MemoryWorld world = new MemoryWorld(new NugetFormat(), "http://ak.test");
    private final FormatHarness h = world.harness();

    private Response push(String repo, byte[] nupkg) throws Exception {
        return h.request("PUT", repo, "api/v2/package").header("Content-Type", NugetTestPackages.pushType())
                .body(NugetTestPackages.pushBody(nupkg)).send();
    }

    private void publish(String repo, String id, String version) throws Exception {
        Response r = push(repo, NugetTestPackages.nupkg(id, version));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
    }

    private static JsonNode json(Response r) throws Exception {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(field == null ? n.asText() : n.path(field).asText()));
        return out;
    }

    /** The .NET client's path: service index -> registration -> flat container download, as it follows the URLs. */
    @Test
    void theV3ClientPathFollowsTheUrlsTheDocumentsGive() throws Exception {
        world.local("feed");
        publish("feed", "Contoso.Lib", "1.0.0");
        publish("feed", "Contoso.Lib", "2.0.0-beta.1+build.7");
        JsonNode index = json(h.get("feed", "v3/index.json"));
        assertThat(index.path("version").asText()).isEqualTo("3.0.0");
        List<String> types = texts(index.path("resources"), "@type");
        assertThat(types).contains("PackagePublish/2.0.0", "PackageBaseAddress/3.0.0", "RegistrationsBaseUrl/3.6.0",
                "SearchQueryService", "SearchAutocompleteService");
        String reg = resource(index, "RegistrationsBaseUrl/3.6.0");
        String flat = resource(index, "PackageBaseAddress/3.0.0");
        assertThat(reg).isEqualTo("http://ak.test/nuget/feed/v3/registration/");

        JsonNode registration = json(get(reg + "contoso.lib/index.json"));
        assertThat(registration.path("count").asInt()).isEqualTo(1);
        JsonNode page = registration.path("items").get(0);
        assertThat(page.path("lower").asText()).isEqualTo("1.0.0");
        assertThat(page.path("upper").asText()).isEqualTo("2.0.0-beta.1");
        JsonNode leaves = page.path("items");
        assertThat(leaves).hasSize(2);
        JsonNode entry = leaves.get(1).path("catalogEntry");
        assertThat(entry.path("id").asText()).isEqualTo("Contoso.Lib");
        assertThat(entry.path("version").asText()).as("SemVer 2 full version").isEqualTo("2.0.0-beta.1+build.7");
        assertThat(entry.path("listed").asBoolean()).isTrue();
        assertThat(texts(entry.path("tags"), null)).containsExactly("demo", "test");
        String content = leaves.get(0).path("packageContent").asText();
        assertThat(content).isEqualTo(flat + "contoso.lib/1.0.0/contoso.lib.1.0.0.nupkg");
        Response nupkg = get(content);
        assertThat(nupkg.status()).isEqualTo(200);
        assertThat(nupkg.body()).isEqualTo(NugetTestPackages.nupkg("Contoso.Lib", "1.0.0"));
        JsonNode leaf = json(get(leaves.get(0).path("@id").asText()));
        assertThat(leaf.path("packageContent").asText()).isEqualTo(content);

        assertThat(texts(json(get(flat + "contoso.lib/index.json")).path("versions"), null))
                .containsExactly("1.0.0", "2.0.0-beta.1");
        Response nuspec = get(flat + "contoso.lib/1.0.0/contoso.lib.nuspec");
        assertThat(nuspec.status()).isEqualTo(200);
        assertThat(nuspec.text()).contains("<id>Contoso.Lib</id>");
        assertThat(get(flat + "contoso.lib/1.0.0/other.nupkg").status()).isEqualTo(404);
        assertThat(get(flat + "nothing/index.json").status()).isEqualTo(404);
        assertThat(get(reg + "nothing/index.json").status()).isEqualTo(404);
    }

    private static String resource(JsonNode index, String type) {
        for (JsonNode r : index.path("resources")) {
            if (r.path("@type").asText().equals(type)) {
                return r.path("@id").asText();
            }
        }
        throw new AssertionError("no " + type);
    }

    private Response get(String url) {
        String prefix = "http://ak.test/nuget/";
        assertThat(url).startsWith(prefix);
        String rest = url.substring(prefix.length());
        int slash = rest.indexOf('/');
        return h.get(rest.substring(0, slash), rest.substring(slash + 1));
    }

    @Test
    void searchAndAutocompleteSeeListedVersionsByTheClientsSemVerLevel() throws Exception {
        world.local("feed");
        publish("feed", "Alpha.Core", "1.0.0");
        publish("feed", "Alpha.Core", "1.1.0-rc.1");
        publish("feed", "Beta", "3.0.0");
        JsonNode all = json(h.get("feed", "v3/search?q=&prerelease=true&semVerLevel=2.0.0"));
        assertThat(all.path("totalHits").asInt()).isEqualTo(2);
        assertThat(texts(all.path("data"), "id")).containsExactly("Alpha.Core", "Beta");
        assertThat(all.path("data").get(0).path("version").asText()).isEqualTo("1.1.0-rc.1");
        JsonNode stable = json(h.get("feed", "v3/search?q=alpha"));
        assertThat(texts(stable.path("data"), "id")).containsExactly("Alpha.Core");
        assertThat(stable.path("data").get(0).path("version").asText()).as("no prerelease, no SemVer 2").isEqualTo("1.0.0");
        assertThat(json(h.get("feed", "v3/search?q=packageid:beta")).path("totalHits").asInt()).isEqualTo(1);
        assertThat(json(h.get("feed", "v3/search?q=nothing-like-it")).path("totalHits").asInt()).isZero();
        assertThat(json(h.get("feed", "v3/search?q=&take=1&skip=1")).path("data").get(0).path("id").asText()).isEqualTo("Beta");
        assertThat(texts(json(h.get("feed", "v3/autocomplete?q=al")).path("data"), null)).containsExactly("Alpha.Core");
        assertThat(texts(json(h.get("feed", "v3/autocomplete?id=alpha.core&prerelease=true&semVerLevel=2.0.0")).path("data"), null))
                .containsExactly("1.0.0", "1.1.0-rc.1");
        assertThat(h.get("feed", "v3/search?take=x").status()).isEqualTo(400);
    }

    @Test
    void deleteUnlistsAndPostRelists() throws Exception {
        world.local("feed");
        publish("feed", "Gone", "1.0.0");
        publish("feed", "Gone", "1.1.0");
        assertThat(h.request("DELETE", "feed", "api/v2/package/Gone/1.1.0").send().status()).isEqualTo(204);
        JsonNode reg = json(h.get("feed", "v3/registration/gone/index.json"));
        JsonNode leaf = reg.at("/items/0/items/1/catalogEntry");
        assertThat(leaf.path("listed").asBoolean()).isFalse();
        assertThat(leaf.path("published").asText()).startsWith("1900-01-01");
        assertThat(json(h.get("feed", "v3/search?q=gone")).at("/data/0/version").asText()).isEqualTo("1.0.0");
        // the flat container and downloads still have it, as nuget.org keeps unlisted packages restorable
        assertThat(texts(json(h.get("feed", "v3-flatcontainer/gone/index.json")).path("versions"), null)).contains("1.1.0");
        assertThat(h.get("feed", "v3-flatcontainer/gone/1.1.0/gone.1.1.0.nupkg").status()).isEqualTo(200);
        assertThat(h.get("feed", "FindPackagesById()?id='Gone'").text()).contains("<d:Listed m:type=\"Edm.Boolean\">false</d:Listed>");
        assertThat(h.request("POST", "feed", "api/v2/package/Gone/1.1.0").send().status()).isEqualTo(200);
        assertThat(json(h.get("feed", "v3/registration/gone/index.json")).at("/items/0/items/1/catalogEntry/listed").asBoolean())
                .isTrue();
        assertThat(h.request("DELETE", "feed", "api/v2/package/Gone/9.0.0").send().status()).isEqualTo(404);
    }

    @Test
    void aPublishedVersionIsNeverReplaced() throws Exception {
        world.local("feed");
        publish("feed", "Once", "1.0.0");
        Response again = push("feed", NugetTestPackages.nupkg("Once", "1.0.0"));
        assertThat(again.status()).isEqualTo(409);
        // the same version spelled otherwise is the same version
        Response other = push("feed", NugetTestPackages.nupkg("ONCE", "1.0.0.0"));
        assertThat(other.status()).isEqualTo(409);
        assertThat(stored("feed")).containsExactlyInAnyOrder("v3-flatcontainer/once/1.0.0/once.1.0.0.nupkg",
                "v3-flatcontainer/once/1.0.0/once.nuspec");
    }

    @Test
    void badPackagesAre400AndStoreNothing() throws Exception {
        world.local("feed");
        byte[] xxe = NugetTestPackages.zip("evil.nuspec", ("<?xml version=\"1.0\"?><!DOCTYPE package [<!ENTITY x SYSTEM "
                + "\"file:///etc/passwd\">]><package><metadata><id>Evil</id><version>1.0.0</version><authors>&x;</authors>"
                + "<description>d</description></metadata></package>").getBytes(StandardCharsets.UTF_8));
        byte[] laughs = NugetTestPackages.zip("lol.nuspec", ("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><package><metadata><id>Lol</id>"
                + "<version>1.0.0</version><authors>&lol2;</authors><description>d</description></metadata></package>")
                .getBytes(StandardCharsets.UTF_8));
        byte[] noNuspec = NugetTestPackages.zip("readme.txt", "hello".getBytes(StandardCharsets.UTF_8));
        byte[] nested = NugetTestPackages.zip("sub/x.nuspec", NugetTestPackages.nuspec("X", "1.0.0").getBytes(StandardCharsets.UTF_8));
        byte[] two = NugetTestPackages.zip("a.nuspec", NugetTestPackages.nuspec("A", "1.0.0").getBytes(StandardCharsets.UTF_8),
                "b.nuspec", NugetTestPackages.nuspec("B", "1.0.0").getBytes(StandardCharsets.UTF_8));
        byte[] badId = NugetTestPackages.zip("x.nuspec", NugetTestPackages.nuspec("../x", "1.0.0").getBytes(StandardCharsets.UTF_8));
        byte[] badVersion = NugetTestPackages.zip("x.nuspec", NugetTestPackages.nuspec("X", "one").getBytes(StandardCharsets.UTF_8));
        byte[] slip = NugetTestPackages.zip("x.nuspec", NugetTestPackages.nuspec("X", "1.0.0").getBytes(StandardCharsets.UTF_8),
                "../../etc/cron.d/x", "boom".getBytes(StandardCharsets.UTF_8));
        byte[] valid = NugetTestPackages.nupkg("Trunc", "1.0.0");
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length / 2);
        for (byte[] bad : List.of("not a zip".getBytes(StandardCharsets.UTF_8), truncated, xxe, laughs, noNuspec, nested, two,
                badId, badVersion, slip)) {
            Response r = push("feed", bad);
            assertThat(r.status()).as("%s", r).isEqualTo(400);
        }
        assertThat(push("feed", new byte[0]).status()).isEqualTo(400);
        assertThat(h.request("PUT", "feed", "api/v2/package").header("Content-Type", "multipart/form-data; boundary=zz")
                .body("--zz\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--zz--\r\n").send().status()).isEqualTo(400);
        assertThat(stored("feed")).isEmpty();
    }

    @Test
    void aPutToAFlatContainerPathMustHoldThatPackage() throws Exception {
        world.local("feed");
        byte[] pkg = NugetTestPackages.nupkg("Right", "1.0.0");
        Response wrongVersion = h.request("PUT", "feed", "v3-flatcontainer/right/2.0.0/right.2.0.0.nupkg").body(pkg).send();
        assertThat(wrongVersion.status()).isEqualTo(400);
        assertThat(wrongVersion.text()).contains("not right 2.0.0");
        Response wrongId = h.request("PUT", "feed", "v3-flatcontainer/left/1.0.0/left.1.0.0.nupkg").body(pkg).send();
        assertThat(wrongId.status()).isEqualTo(400);
        assertThat(stored("feed")).isEmpty();
        assertThat(h.request("PUT", "feed", "v3-flatcontainer/right/1.0.0/right.1.0.0.nupkg").body(pkg).send().status())
                .isEqualTo(201);
        assertThat(h.get("feed", "v3-flatcontainer/right/index.json").text()).contains("1.0.0");
    }

    private List<String> stored(String repo) {
        return world.repository(repo).contents().keySet().stream().filter(p -> !p.startsWith(".")).toList();
    }

    @Test
    void theV2FeedAnswersWhatNuget2Asks() throws Exception {
        world.local("feed");
        publish("feed", "Old.Client", "1.0.0");
        publish("feed", "Old.Client", "1.2.0");
        publish("feed", "Old.Client", "2.0.0-pre");
        Response service = h.get("feed", "");
        assertThat(service.text()).contains("<collection href=\"Packages\">");
        assertThat(h.get("feed", "api/v2/").text()).contains("xml:base=\"http://ak.test/nuget/feed/api/v2/\"");
        Response meta = h.get("feed", "$metadata");
        assertThat(meta.text()).contains("FunctionImport Name=\"FindPackagesById\"", "FunctionImport Name=\"Search\"");
        Response found = h.get("feed", "FindPackagesById()?id='old.client'");
        assertThat(found.header("Content-Type").orElse("")).startsWith("application/atom+xml");
        String feed = found.text();
        assertThat(feed.split("<entry>", -1)).hasSize(4);
        assertThat(feed).contains("<content type=\"application/zip\" src=\"http://ak.test/nuget/feed/package/Old.Client/1.2.0\"");
        assertThat(feed).contains("<d:PackageHashAlgorithm>SHA512</d:PackageHashAlgorithm>");
        Response entry = h.get("feed", "Packages(Id='Old.Client',Version='1.2.0')");
        assertThat(entry.text()).contains("<d:IsLatestVersion m:type=\"Edm.Boolean\">true</d:IsLatestVersion>",
                "<d:IsAbsoluteLatestVersion m:type=\"Edm.Boolean\">false</d:IsAbsoluteLatestVersion>");
        assertThat(h.get("feed", "Packages(Id='Old.Client',Version='9.0.0')").status()).isEqualTo(404);
        String latest = h.get("feed", "Packages()?$filter=IsLatestVersion").text();
        assertThat(latest).contains("<d:Version>1.2.0</d:Version>").doesNotContain("<d:Version>1.0.0</d:Version>");
        assertThat(h.get("feed", "Packages()?$filter=tolower(Id)%20eq%20'old.client'").text().split("<entry>", -1)).hasSize(4);
        String search = h.get("feed", "Search()?searchTerm='old'&targetFramework=''&includePrerelease=false").text();
        assertThat(search).contains("<d:Version>1.2.0</d:Version>").doesNotContain("2.0.0-pre");
        assertThat(h.get("feed", "Search()/$count?searchTerm='old'&includePrerelease=true").text()).isEqualTo("3");
        String updates = h.get("feed", "GetUpdates()?packageIds='Old.Client'&versions='1.0.0'&includePrerelease=false"
                + "&includeAllVersions=false").text();
        assertThat(updates).contains("<d:Version>1.2.0</d:Version>").doesNotContain("<d:Version>1.0.0</d:Version>");
        Response download = h.get("feed", "package/Old.Client/1.2.0");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(NugetTestPackages.nupkg("Old.Client", "1.2.0"));
        String paged = h.get("feed", "FindPackagesById()?id='Old.Client'&$top=2").text();
        assertThat(paged.split("<entry>", -1)).hasSize(3);
        assertThat(paged).contains("rel=\"next\"", "$skip=2");
    }

    @Test
    void aVirtualMergesRegistrationsAndSearchesItsHostedMembers() throws Exception {
        world.local("a");
        world.local("b");
        publish("a", "Shared", "1.0.0");
        publish("b", "Shared", "2.0.0");
        publish("b", "OnlyB", "1.0.0");
        world.virtual("all", "a", "b");
        JsonNode reg = json(h.get("all", "v3/registration/shared/index.json"));
        assertThat(texts(reg.at("/items/0/items"), null)).hasSize(2);
        assertThat(reg.at("/items/0/items/1/packageContent").asText())
                .isEqualTo("http://ak.test/nuget/all/v3-flatcontainer/shared/2.0.0/shared.2.0.0.nupkg");
        assertThat(h.get("all", "v3-flatcontainer/shared/2.0.0/shared.2.0.0.nupkg").status()).isEqualTo(200);
        assertThat(texts(json(h.get("all", "v3/search?q=")).path("data"), "id")).containsExactly("OnlyB", "Shared");
        assertThat(h.get("all", "FindPackagesById()?id='Shared'").text().split("<entry>", -1)).hasSize(3);
        assertThat(h.get("all", "package/Shared/2.0.0").status()).isEqualTo(200);
    }

    /** A remote of another instance reads its upstream's registration and flat container through the service index. */
    @Test
    void aRemoteReadsItsUpstreamThroughTheServiceIndex() throws Exception {
        MemoryWorld up = new MemoryWorld(new NugetFormat(), "http://upstream.test");
        up.local("origin");
        FormatHarness uh = up.harness();
        Response r = uh.request("PUT", "origin", "api/v2/package").header("Content-Type", NugetTestPackages.pushType())
                .body(NugetTestPackages.pushBody(NugetTestPackages.nupkg("Far.Away", "1.0.0"))).send();
        assertThat(r.status()).isEqualTo(201);
        ScriptedUpstream upstream = new ScriptedUpstream(URI.create(up.baseUrl("origin") + "/v3/index.json"), uh.asUpstream());
        world.remote("proxy", upstream);
        world.local("hosted");
        publish("hosted", "Near", "1.0.0");
        world.virtual("group", "hosted", "proxy");

        JsonNode reg = json(h.get("proxy", "v3/registration/far.away/index.json"));
        assertThat(reg.at("/items/0/items/0/catalogEntry/id").asText()).isEqualTo("Far.Away");
        assertThat(reg.at("/items/0/items/0/packageContent").asText())
                .as("content URLs point here, not upstream").startsWith("http://ak.test/nuget/proxy/");
        assertThat(texts(json(h.get("proxy", "v3-flatcontainer/far.away/index.json")).path("versions"), null))
                .containsExactly("1.0.0");
        Response pkg = h.get("group", "v3-flatcontainer/far.away/1.0.0/far.away.1.0.0.nupkg");
        assertThat(pkg.body()).isEqualTo(NugetTestPackages.nupkg("Far.Away", "1.0.0"));
        assertThat(h.get("group", "FindPackagesById()?id='Far.Away'").text()).contains("<d:Id>Far.Away</d:Id>");
        assertThat(h.get("group", "package/Far.Away/1.0.0").body()).isEqualTo(pkg.body());
        assertThat(h.get("group", "package/Near/1.0.0").status()).isEqualTo(200);
        assertThat(h.get("proxy", "v3/index.json").text()).contains("http://ak.test/nuget/proxy/v3-flatcontainer/");
        // a search through the virtual asks the hosted member's packages and the remote's upstream search
        assertThat(texts(json(h.get("group", "v3/search?q=")).path("data"), "id")).containsExactly("Far.Away", "Near");
        assertThat(texts(json(h.get("group", "v3/search?q=far")).path("data"), "id")).containsExactly("Far.Away");
        assertThat(h.get("group", "Search()?searchTerm='far'&includePrerelease=false").text()).contains("<d:Id>Far.Away</d:Id>");
    }
}
