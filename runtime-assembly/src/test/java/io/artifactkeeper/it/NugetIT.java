package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * The nuget format end to end: the format TCK (pushing as {@code nuget push} does), then the real
 * NuGet 2.8 client (Mono, v2 protocol): packages built by {@code nuget pack}, pushed with an API token
 * from our API and with user:password as the API key, refused a second time, installed from a local
 * repository and from a virtual one whose remote member (the second instance) supplies a dependency,
 * and unlisted by {@code nuget delete}. The v3 endpoints are driven with the requests the .NET client
 * makes (service index, registration, flat container download, search, autocomplete), through local,
 * remote and virtual repositories; a Chocolatey-keyed repository answers the v2 feed; bad packages are
 * refused with nothing stored.
 */
class NugetIT extends FormatTck {
    private static final String VERSION = "1.0.0";
    private Path tmp;
    private String nuget;
    private String token;
    private String upstreamToken;

    @Override
    protected String formatKey() {
        return "nuget";
    }

    @Override
    protected String mount() {
        return "nuget";
    }

    @Override
    protected Sample sample(String variant) throws Exception {
        // the TCK's "-upstream" variant is the same package with other bytes
        String id = "Tck." + variant.toLowerCase(Locale.ROOT).replaceAll("-upstream$", "").replaceAll("[^a-z0-9]+", "-");
        return new Sample(id, nupkg(id, VERSION, "sample " + variant));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> r = server.send("PUT", "/nuget/" + repoKey + "/api/v2/package", server.adminBasic(),
                "multipart/form-data; boundary=" + BOUNDARY, pushBody(s.bytes()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        String id = s.name().toLowerCase(Locale.ROOT);
        return "v3-flatcontainer/" + id + "/" + VERSION + "/" + id + "." + VERSION + ".nupkg";
    }

    /** A download through the remote costs the upstream's service index (naming its flat container) and the .nupkg. */
    @Override
    protected long expectedUpstreamFetches() {
        return 2;
    }

    private static final String BOUNDARY = "nuget-it-boundary";

    static byte[] pushBody(byte[] nupkg) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"package\"; filename=\"package.nupkg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(nupkg);
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String nuspec(String id, String version, String description, String dependencies) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<package>\n  <metadata>\n    <id>" + id + "</id>\n"
                + "    <version>" + version + "</version>\n    <authors>IT</authors>\n    <description>" + description
                + "</description>\n" + dependencies + "  </metadata>\n</package>\n";
    }

    /** A .nupkg zipped here (the TCK samples and the bad-input cases; the client's own come from nuget pack). */
    static byte[] nupkg(String id, String version, String description) throws Exception {
        return zip(id + ".nuspec", nuspec(id, version, description, "").getBytes(StandardCharsets.UTF_8),
                "content/readme.txt", description.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] zip(Object... nameAndBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < nameAndBytes.length; i += 2) {
                ZipEntry e = new ZipEntry((String) nameAndBytes[i]);
                e.setTime(1_700_000_000_000L);
                z.putNextEntry(e);
                z.write((byte[]) nameAndBytes[i + 1]);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @BeforeAll
    void nugetSetUp() throws Exception {
        nuget = nugetBinary();
        tmp = Files.createTempDirectory(work(), "nuget-it");
        // reads are anonymous on the client's repositories (NuGet 2 on Mono cannot keep a password it can decrypt);
        // pushing and deleting need the API key
        repo(ak, "nuget-local", "local", null, true);
        repo(upstream, "nuget-up", "local", null, true);
        repo(ak, "nuget-private", "local", null, false);
        repo(ak, "nuget-remote", "remote", upstream.url() + "/nuget/nuget-up/v3/index.json", true);
        repo(ak, "nuget-virtual", "virtual", null, true);
        json(ak, "PUT", "/api/v1/repositories/nuget-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "nuget-local", "priority", 1), Map.of("member_key", "nuget-remote", "priority", 2))), 200);
        repo(ak, "choco", "local", null, false, "chocolatey");
        token = apiToken(ak);
        upstreamToken = apiToken(upstream);
    }

    private Path work() throws Exception {
        Path p = Path.of("target", "nuget-it").toAbsolutePath();
        Files.createDirectories(p);
        return p;
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl, boolean pub) throws Exception {
        repo(d, key, type, upstreamUrl, pub, "nuget");
    }

    private void repo(Distribution d, String key, String type, String upstreamUrl, boolean pub, String format)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", format, "repo_type", type,
                "is_public", pub));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD,
                    "metadata_ttl_seconds", 1));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    private static String apiToken(Distribution d) throws Exception {
        HttpResponse<String> r = d.json("POST", "/api/v1/auth/tokens", d.adminBasic(), Map.of("name", "nuget-it"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    // --- the nuget client

    record Result(int exit, String output) {
        /**
         * Success; or Mono aborting on its way out (a runtime assertion in mono-threads.c, seen once after
         * "Your package was pushed."): every caller checks the command's effect on the server or on disk.
         */
        Result ok() {
            if (exit == 134 && output.contains("Native Crash Reporting") && output.contains("mono-threads.c")) {
                System.out.println("[nuget-it] Mono aborted at exit (runtime assertion); the outcome is checked next");
                return this;
            }
            assertThat(exit).as("exit code; output:\n" + output).isZero();
            return this;
        }

        Result fails() {
            assertThat(exit).as("exit code; output:\n" + output).isNotZero();
            return this;
        }
    }

    /** The NuGet 2 client (apt {@code nuget}, Mono); missing, the test fails saying what to install. */
    static String nugetBinary() throws Exception {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "nuget");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                Result v = run(Path.of("target", "nuget-it").toAbsolutePath(), List.of(p.toString(), "help"));
                String first = v.output().lines().filter(l -> l.contains("NuGet Version")).findFirst().orElse("");
                assertThat(first).as("nuget help: %s", v.output()).isNotEmpty();
                System.out.println("[nuget-it] client: " + first.substring(first.indexOf("NuGet Version")).trim() + " (" + p + ")");
                return p.toString();
            }
        }
        throw new AssertionError("the nuget client is not installed: apt-get install -y nuget (NuGet 2.8 on Mono)");
    }

    /**
     * Runs a NuGet command in a pseudo-terminal of 160 columns ({@code script}): with its output
     * redirected, NuGet 2 on Mono sees a console 0 columns wide and its text wrapping never ends (it
     * wrote millions of lines for {@code nuget help}).
     */
    private static Result run(Path dir, List<String> cmd) throws Exception {
        Files.createDirectories(dir);
        StringBuilder line = new StringBuilder("stty cols 160 rows 50; exec");
        for (String c : cmd) {
            line.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null").directory(dir.toFile())
                .redirectErrorStream(true);
        // a home of its own: no user NuGet.Config, no machine cache shared with other runs
        Path home = dir.resolve(".home");
        Files.createDirectories(home);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        pb.environment().put("EnableNuGetPackageRestore", "true");
        Path out = Files.createTempFile("nuget-", ".log");
        pb.redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " timed out:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        System.out.println("[nuget-it] $ " + String.join(" ", cmd) + " -> " + p.exitValue() + "\n" + text.strip());
        return new Result(p.exitValue(), text);
    }

    private Result nuget(Path dir, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(nuget));
        c.addAll(List.of(args));
        c.add("-NonInteractive");
        return run(dir, c);
    }

    /** {@code nuget pack} of a nuspec written here, with one content file; answers the .nupkg. */
    private Path pack(String id, String version, String dependencies) throws Exception {
        Path dir = tmp.resolve("pack-" + id + "-" + version);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("readme.txt"), id + " " + version + "\n");
        Files.writeString(dir.resolve(id + ".nuspec"), nuspec(id, version, "The " + id + " package", dependencies)
                .replace("</package>", "  <files><file src=\"readme.txt\" target=\"content\" /></files>\n</package>"));
        nuget(dir, "pack", id + ".nuspec").ok();
        Path nupkg = dir.resolve(id + "." + version + ".nupkg");
        assertThat(nupkg).exists();
        return nupkg;
    }

    private String feed(Distribution d, String repo) {
        return d.url() + "/nuget/" + repo + "/";
    }

    // --- the real client

    // the upstream instance is stopped by the TCK's last test (order 7): the tests that need it run first

    @Test
    @Order(-2)
    void nugetPushInstallAndDelete() throws Exception {
        Path lib = pack("Hello.Lib", "1.0.0", "");
        Path far = pack("Hello.Far", "2.1.0", "");
        Path app = pack("Hello.App", "1.0.0", "    <dependencies>\n      <dependency id=\"Hello.Lib\" version=\"1.0.0\" />\n"
                + "      <dependency id=\"Hello.Far\" version=\"[2.0.0, 3.0.0)\" />\n    </dependencies>\n");

        // push with an API token from our API (nuget sends it as X-NuGet-ApiKey)
        nuget(lib.getParent(), "push", lib.getFileName().toString(), "-Source", feed(ak, "nuget-local") + "api/v2/package/", "-ApiKey", token).ok();
        nuget(app.getParent(), "push", app.getFileName().toString(), "-Source", feed(ak, "nuget-local") + "api/v2/package/", "-ApiKey", token).ok();
        // ... and with user:password as the key, to the second instance (the remote's upstream)
        nuget(far.getParent(), "push", far.getFileName().toString(), "-Source", feed(upstream, "nuget-up") + "api/v2/package/", "-ApiKey",
                "admin:" + Distribution.ADMIN_PASSWORD).ok();
        Result wrongKey = nuget(lib.getParent(), "push", lib.getFileName().toString(), "-Source", feed(ak, "nuget-local") + "api/v2/package/",
                "-ApiKey", "admin:wrong").fails();
        // our 401 to a key that is no token and no right password: NuGet then asks for credentials, and cannot
        assertThat(wrongKey.output()).contains("Please provide credentials");
        Result again = nuget(lib.getParent(), "push", lib.getFileName().toString(), "-Source", feed(ak, "nuget-local") + "api/v2/package/", "-ApiKey",
                token).fails();
        assertThat(again.output()).as("a second push of a version").containsIgnoringCase("conflict");
        assertThat(ak.getBytes("/nuget/nuget-local/package/Hello.Lib/1.0.0", null).body()).isEqualTo(Files.readAllBytes(lib));

        // install from the local repository
        Path out1 = tmp.resolve("install-local");
        nuget(tmp, "install", "Hello.Lib", "-Source", feed(ak, "nuget-local"), "-OutputDirectory", out1.toString(),
                "-NoCache").ok();
        assertThat(out1.resolve("Hello.Lib.1.0.0/content/readme.txt")).hasContent("Hello.Lib 1.0.0");

        // install from the virtual repository: the app from the local member, its dependency Hello.Far from the
        // remote member (the second instance)
        Path out2 = tmp.resolve("install-virtual");
        nuget(tmp, "install", "Hello.App", "-Source", feed(ak, "nuget-virtual"), "-OutputDirectory", out2.toString(),
                "-NoCache").ok();
        assertThat(out2.resolve("Hello.App.1.0.0/content/readme.txt")).hasContent("Hello.App 1.0.0");
        assertThat(out2.resolve("Hello.Lib.1.0.0/content/readme.txt")).exists();
        assertThat(out2.resolve("Hello.Far.2.1.0/content/readme.txt")).hasContent("Hello.Far 2.1.0");
        assertThat(Files.readAllBytes(out2.resolve("Hello.Far.2.1.0/Hello.Far.2.1.0.nupkg"))).isEqualTo(Files.readAllBytes(far));

        // nuget delete unlists (as on nuget.org): the registration says so, the package stays restorable
        nuget(tmp, "delete", "Hello.App", "1.0.0", "-Source", feed(ak, "nuget-local") + "api/v2/package/", "-ApiKey",
                token).ok();
        JsonNode reg = getJson(ak, "/nuget/nuget-local/v3/registration/hello.app/index.json");
        assertThat(reg.at("/items/0/items/0/catalogEntry/listed").asBoolean()).isFalse();
        assertThat(ak.getBytes("/nuget/nuget-local/package/Hello.App/1.0.0", null).statusCode()).isEqualTo(200);
        HttpResponse<String> relist = ak.send("POST", "/nuget/nuget-local/api/v2/package/Hello.App/1.0.0", null, null, null,
                "X-NuGet-ApiKey", token);
        assertThat(relist.statusCode()).isEqualTo(200);
        assertThat(getJson(ak, "/nuget/nuget-local/v3/registration/hello.app/index.json")
                .at("/items/0/items/0/catalogEntry/listed").asBoolean()).isTrue();
    }

    /**
     * A push to a private repository: NuGet 2 GETs the push URL without credentials first (to follow
     * redirects) and is answered 401 there; the PUT with the API key must still go through.
     */
    @Test
    @Order(14)
    void nugetPushesToAPrivateRepository() throws Exception {
        Path pkg = pack("Private.Pkg", "1.0.0", "");
        nuget(pkg.getParent(), "push", pkg.getFileName().toString(), "-Source", feed(ak, "nuget-private") + "api/v2/package/",
                "-ApiKey", token).ok();
        assertThat(ak.getBytes("/nuget/nuget-private/package/Private.Pkg/1.0.0", ak.adminBasic()).body())
                .isEqualTo(Files.readAllBytes(pkg));
        assertThat(ak.getBytes("/nuget/nuget-private/package/Private.Pkg/1.0.0", null).statusCode()).isEqualTo(401);
    }

    private JsonNode getJson(Distribution d, String path) throws Exception {
        HttpResponse<String> r = d.send("GET", path, d.adminBasic(), null, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Distribution.parse(r);
    }

    private JsonNode getUrl(String url) throws Exception {
        assertThat(url).startsWith(ak.url());
        return getJson(ak, url.substring(ak.url().length()));
    }

    // --- v3, as the .NET client drives it

    /**
     * What {@code dotnet restore} and {@code dotnet add package} do: the service index, then the
     * registration (RegistrationsBaseUrl/3.6.0, SemVer 2), the flat container's version list and
     * download, search and autocomplete; each through local, virtual and remote repositories.
     */
    @Test
    @Order(-1)
    void theV3RequestsOfTheDotnetClient() throws Exception {
        publish(ak, "nuget-local", new Sample("V3.Pkg", nupkg("V3.Pkg", "1.0.0", "v3 one")));
        publish(ak, "nuget-local", new Sample("V3.Pkg", nupkg("V3.Pkg", "2.0.0-beta.1+sha.abc", "v3 two")));
        publish(upstream, "nuget-up", new Sample("V3.Far", nupkg("V3.Far", "3.0.0", "v3 far")));
        for (String repo : List.of("nuget-local", "nuget-virtual", "nuget-remote")) {
            String pkg = repo.equals("nuget-remote") ? "v3.far" : "v3.pkg";
            JsonNode index = getJson(ak, "/nuget/" + repo + "/v3/index.json");
            String reg = resource(index, "RegistrationsBaseUrl/3.6.0");
            String flat = resource(index, "PackageBaseAddress/3.0.0");
            assertThat(resource(index, "PackagePublish/2.0.0")).isEqualTo(ak.url() + "/nuget/" + repo + "/api/v2/package");
            JsonNode registration = getUrl(reg + pkg + "/index.json");
            JsonNode leaves = registration.at("/items/0/items");
            assertThat(leaves.size()).as(repo).isEqualTo(repo.equals("nuget-remote") ? 1 : 2);
            String content = leaves.get(0).path("packageContent").asText();
            assertThat(content).startsWith(flat);
            HttpResponse<byte[]> nupkg = ak.getBytes(content.substring(ak.url().length()), ak.adminBasic());
            assertThat(nupkg.statusCode()).as(content).isEqualTo(200);
            JsonNode versions = getUrl(flat + pkg + "/index.json");
            assertThat(versions.path("versions").get(0).asText()).isEqualTo(repo.equals("nuget-remote") ? "3.0.0" : "1.0.0");
            HttpResponse<String> nuspec = ak.send("GET", (flat + pkg + "/" + versions.path("versions").get(0).asText() + "/"
                    + pkg + ".nuspec").substring(ak.url().length()), ak.adminBasic(), null, null);
            assertThat(nuspec.body()).containsIgnoringCase("<id>" + pkg + "</id>");
        }
        JsonNode semver2 = getJson(ak, "/nuget/nuget-local/v3/registration/v3.pkg/index.json");
        assertThat(semver2.at("/items/0/items/1/catalogEntry/version").asText()).isEqualTo("2.0.0-beta.1+sha.abc");
        JsonNode index = getJson(ak, "/nuget/nuget-virtual/v3/index.json");
        String search = resource(index, "SearchQueryService/3.5.0");
        JsonNode hits = getUrl(search + "?q=" + URLEncoder.encode("v3", StandardCharsets.UTF_8)
                + "&skip=0&take=20&prerelease=true&semVerLevel=2.0.0");
        // the virtual's search: its local member's packages and its remote's upstream search
        assertThat(hits.at("/data/0/id").asText()).isEqualTo("V3.Far");
        assertThat(hits.at("/data/1/id").asText()).isEqualTo("V3.Pkg");
        assertThat(hits.at("/data/1/version").asText()).isEqualTo("2.0.0-beta.1+sha.abc");
        JsonNode stable = getUrl(search + "?q=v3.pkg&prerelease=false");
        assertThat(stable.at("/data/0/version").asText()).isEqualTo("1.0.0");
        String auto = resource(index, "SearchAutocompleteService");
        assertThat(getUrl(auto + "?q=v3.p").path("data").get(0).asText()).isEqualTo("V3.Pkg");
        assertThat(getUrl(auto + "?id=v3.pkg&prerelease=true&semVerLevel=2.0.0").path("data").size()).isEqualTo(2);
        // a token as Basic password and as Bearer reads too
        assertThat(ak.send("GET", "/nuget/nuget-local/v3/index.json", "Bearer " + token, null, null).statusCode()).isEqualTo(200);
        assertThat(ak.send("GET", "/nuget/choco/v3/index.json", null, null, null).statusCode()).isEqualTo(401);
    }

    private static String resource(JsonNode index, String type) {
        for (JsonNode r : index.path("resources")) {
            if (r.path("@type").asText().equals(type)) {
                return r.path("@id").asText();
            }
        }
        throw new AssertionError("the service index has no " + type + ": " + index);
    }

    /** A repository created with the chocolatey alias answers the v2 feed Chocolatey and PowerShellGet read. */
    @Test
    @Order(12)
    void aChocolateyRepositoryServesTheV2Feed() throws Exception {
        publish(ak, "choco", new Sample("Choco.Tool", nupkg("Choco.Tool", "0.5.0", "a chocolatey tool")));
        HttpResponse<String> found = ak.send("GET", "/nuget/choco/FindPackagesById()?id=%27Choco.Tool%27", ak.adminBasic(),
                null, null);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.headers().firstValue("Content-Type").orElse("")).startsWith("application/atom+xml");
        assertThat(found.body()).contains("<d:Id>Choco.Tool</d:Id>", "<d:Version>0.5.0</d:Version>",
                "src=\"" + ak.url() + "/nuget/choco/package/Choco.Tool/0.5.0\"");
        HttpResponse<String> search = ak.send("GET", "/nuget/choco/api/v2/Search()?searchTerm=%27choco%27&targetFramework=%27%27"
                + "&includePrerelease=false", ak.adminBasic(), null, null);
        assertThat(search.body()).contains("<d:Id>Choco.Tool</d:Id>");
        assertThat(ak.send("GET", "/nuget/choco/$metadata", ak.adminBasic(), null, null).body()).contains("FindPackagesById");
    }

    /** Bad packages: 400 (409 for a version that exists), and nothing stored. */
    @Test
    @Order(13)
    void badPackagesAreRefusedAndNothingIsStored() throws Exception {
        repo(ak, "nuget-bad", "local", null, false);
        publish(ak, "nuget-bad", new Sample("Good", nupkg("Good", "1.0.0", "good")));
        long before = artifacts("nuget-bad");
        byte[] xxe = zip("x.nuspec", ("<?xml version=\"1.0\"?><!DOCTYPE package [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<package><metadata><id>Xxe</id><version>1.0.0</version><authors>&x;</authors><description>d</description>"
                + "</metadata></package>").getBytes(StandardCharsets.UTF_8));
        byte[] noNuspec = zip("content/readme.txt", "x".getBytes(StandardCharsets.UTF_8));
        byte[] slip = zip("Slip.nuspec", nuspec("Slip", "1.0.0", "d", "").getBytes(StandardCharsets.UTF_8), "../../evil",
                "x".getBytes(StandardCharsets.UTF_8));
        byte[] good = nupkg("Trunc", "1.0.0", "t");
        for (byte[] bad : List.of("not a zip at all".getBytes(StandardCharsets.UTF_8), xxe, noNuspec, slip,
                java.util.Arrays.copyOf(good, good.length - 30))) {
            HttpResponse<String> r = ak.send("PUT", "/nuget/nuget-bad/api/v2/package", null,
                    "multipart/form-data; boundary=" + BOUNDARY, pushBody(bad), "X-NuGet-ApiKey", token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        }
        HttpResponse<String> dup = ak.send("PUT", "/nuget/nuget-bad/api/v2/package", null,
                "multipart/form-data; boundary=" + BOUNDARY, pushBody(nupkg("Good", "1.0.0", "other bytes")), "X-NuGet-ApiKey",
                token);
        assertThat(dup.statusCode()).as(dup.body()).isEqualTo(409);
        HttpResponse<String> mismatch = ak.send("PUT", "/nuget/nuget-bad/v3-flatcontainer/other/1.0.0/other.1.0.0.nupkg",
                ak.adminBasic(), "application/octet-stream", nupkg("Good", "2.0.0", "x"));
        assertThat(mismatch.statusCode()).as(mismatch.body()).isEqualTo(400);
        assertThat(artifacts("nuget-bad")).as("artifacts after the refused pushes").isEqualTo(before);
        assertThat(new String(ak.getBytes("/nuget/nuget-bad/v3-flatcontainer/good/index.json", ak.adminBasic()).body(),
                StandardCharsets.UTF_8)).contains("\"1.0.0\"").doesNotContain("2.0.0");
    }

    private long artifacts(String repo) throws Exception {
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000",
                ak.adminBasic(), null, null));
        long n = 0;
        for (JsonNode a : list.path("items")) {
            if (!a.path("path").asText().startsWith(".")) {
                n++;
            }
        }
        return n;
    }
}
