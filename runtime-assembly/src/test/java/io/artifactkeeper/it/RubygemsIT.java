package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * The rubygems format end to end: the format TCK (gems pushed as {@code gem push} does), then the
 * real clients of Debian 12 ({@code gem} 3.3 and {@code bundle} 2.3 on Ruby 3.1): gems built with
 * {@code gem build}, pushed with {@code gem push --host} and an API token of ours raw in
 * {@code Authorization}, installed with {@code gem install --clear-sources --source} (which reads the
 * compact index, the quick Marshal gemspecs and the specs lists) and resolved by {@code bundle install}
 * through local, remote (the second instance as upstream) and virtual repositories; Ruby itself
 * reads our Marshal; {@code gem yank}; and bad pushes refused with nothing stored. Nothing comes
 * from rubygems.org: every gem here depends only on gems of these repositories.
 */
class RubygemsIT extends FormatTck {
    private static final String VERSION = "1.0.0";
    private static final String EPOCH = "1767225600"; // 2026-01-01: gem build is then reproducible
    private final Map<String, Sample> samples = new HashMap<>();
    private Path tmp;
    private String token;
    private String upstreamToken;

    @Override
    protected String formatKey() {
        return "rubygems";
    }

    @Override
    protected String mount() {
        return "gems";
    }

    @Override
    protected Sample sample(String variant) throws Exception {
        // the TCK's "-upstream" variant is the same gem with other bytes (another summary)
        String name = "tck-" + variant.toLowerCase().replaceAll("-upstream$", "").replaceAll("[^a-z0-9]+", "-");
        Sample s = samples.get(variant);
        if (s == null) {
            s = new Sample(name, Files.readAllBytes(buildGem(name, VERSION, "sample " + variant, null)));
            samples.put(variant, s);
        }
        return s;
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        // Basic works as well as a raw token
        HttpResponse<String> r = server.send("POST", "/gems/" + repoKey + "/api/v1/gems", server.adminBasic(),
                "application/octet-stream", s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Override
    protected String downloadPath(Sample s) {
        return "gems/" + s.name() + "-" + VERSION + ".gem";
    }

    @BeforeAll
    void rubygemsSetUp() throws Exception {
        tmp = Path.of("target", "rubygems-it").toAbsolutePath();
        deleteTree(tmp);
        Files.createDirectories(tmp);
        // the clients, logged; a missing one fails here
        for (List<String> v : List.of(List.of("ruby", "--version"), List.of("gem", "--version"),
                List.of("bundle", "--version"))) {
            Result r = run(tmp, Map.of(), v);
            assertThat(r.exit()).as("%s is needed (apt-get install ruby ruby-bundler): %s", v.get(0), r.output()).isZero();
            System.out.println("[rubygems-it] client: " + v.get(0) + " " + r.output().trim());
        }
        repo(ak, "gems", "local", null, false);
        repo(upstream, "gems-up", "local", null, false);
        // indexes refreshed after 1 s, so that changes upstream show through the remote quickly
        repo(ak, "gems-remote", "remote", upstream.url() + "/gems/gems-up", false);
        repo(ak, "gems-virtual", "virtual", null, false);
        json(ak, "PUT", "/api/v1/repositories/gems-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "gems", "priority", 1), Map.of("member_key", "gems-remote", "priority", 2))), 200);
        token = apiToken(ak, ak.adminBasic());
        upstreamToken = apiToken(upstream, upstream.adminBasic());
    }

    // ------------------------------------------------------------------ the real clients

    @Test
    @Order(2)
    void gemPushesAndGemInstallsWithItsDependencies() throws Exception {
        Path base = buildGem("ak-base", "0.1.0", "the base", null);
        Path demo = buildGem("ak-demo", "1.0.0", "the demo", "ak-base");
        Result pushed = gem(ak, token, "push", base.toString(), "--host", source(ak, "gems")).ok();
        assertThat(pushed.output()).contains("Successfully registered gem: ak-base (0.1.0)");
        gem(ak, token, "push", demo.toString(), "--host", source(ak, "gems")).ok();

        // the same version again: 409, which gem prints
        Result again = gem(ak, token, "push", base.toString(), "--host", source(ak, "gems"));
        assertThat(again.output()).contains("Repushing of gem versions is not allowed");
        HttpResponse<String> dup = ak.send("POST", "/gems/gems/api/v1/gems", token, "application/octet-stream",
                Files.readAllBytes(base));
        assertThat(dup.statusCode()).isEqualTo(409);
        // a wrong key is refused
        assertThat(gem(ak, "not-a-token", "push", buildGem("ak-never", "1.0.0", "x", null).toString(), "--host",
                source(ak, "gems")).output()).doesNotContain("Successfully registered");
        assertThat(ak.getBytes("/gems/gems/info/ak-never", ak.adminBasic()).statusCode()).isEqualTo(404);

        // gem install resolves ak-demo's dependency through our index and installs both
        Path home = tmp.resolve("gem-home-1");
        Result installed = gemInstall(home, authed(ak, "gems"), "ak-demo").ok();
        assertThat(installed.output()).contains("Successfully installed ak-base-0.1.0", "Successfully installed ak-demo-1.0.0");
        assertThat(home.resolve("gems/ak-demo-1.0.0/lib/ak_demo.rb")).exists();
        assertThat(home.resolve("specifications/ak-base-0.1.0.gemspec")).exists();
        Result ran = ruby(home, "require 'ak_demo'; puts AkDemo.marker");
        assertThat(ran.output().trim()).isEqualTo("the demo");
    }

    /** Ruby itself reads what our Java wrote in Marshal 4.8: quick gemspecs, the specs lists, the dependency API. */
    @Test
    @Order(3)
    void rubyReadsOurMarshal() throws Exception {
        Path rz = download(ak, "/gems/gems/quick/Marshal.4.8/ak-demo-1.0.0.gemspec.rz", "demo.gemspec.rz");
        Result spec = ruby(null, "require 'rubygems'; s = Marshal.load(Gem::Util.inflate(File.binread(ARGV[0]))); "
                + "puts s.class, s.full_name, s.summary, s.date.strftime('%Y-%m-%d'), s.dependencies.map(&:to_s).join(';'), "
                + "s.required_ruby_version, s.authors.join(',')", rz.toString()).ok();
        assertThat(spec.output().trim().split("\n")).containsExactly("Gem::Specification", "ak-demo-1.0.0", "the demo",
                "2026-01-01", "ak-base (~> 0.1)", ">= 2.5", "Ak Tester");

        Path specs = download(ak, "/gems/gems/specs.4.8.gz", "specs.4.8.gz");
        Result list = ruby(null, "require 'rubygems'; Marshal.load(Gem::Util.gunzip(File.binread(ARGV[0])))"
                + ".each { |n, v, p| puts [n, v.class, v, p].join(' ') }", specs.toString()).ok();
        assertThat(list.output()).contains("ak-base Gem::Version 0.1.0 ruby", "ak-demo Gem::Version 1.0.0 ruby");
        Path latest = download(ak, "/gems/gems/latest_specs.4.8.gz", "latest_specs.4.8.gz");
        assertThat(ruby(null, "require 'rubygems'; p Marshal.load(Gem::Util.gunzip(File.binread(ARGV[0]))).size",
                latest.toString()).ok().output().trim()).isNotEqualTo("0");

        Path deps = download(ak, "/gems/gems/api/v1/dependencies?gems=ak-demo", "deps");
        Result d = ruby(null, "p Marshal.load(File.binread(ARGV[0]))", deps.toString()).ok();
        assertThat(d.output().trim()).isEqualTo(
                "[{:name=>\"ak-demo\", :number=>\"1.0.0\", :platform=>\"ruby\", :dependencies=>[[\"ak-base\", \"~> 0.1\"]]}]");
    }

    /** The compact index as bundler checks it: the ETag is the MD5 of the document; ranges from the last byte. */
    @Test
    @Order(3)
    void compactIndexChecksumsAndRanges() throws Exception {
        HttpResponse<byte[]> versions = ak.getBytes("/gems/gems/versions", ak.adminBasic());
        assertThat(versions.statusCode()).isEqualTo(200);
        assertThat(versions.headers().firstValue("ETag")).hasValue("\"" + md5(versions.body()) + "\"");
        HttpResponse<byte[]> info = ak.getBytes("/gems/gems/info/ak-demo", ak.adminBasic());
        String infoText = new String(info.body(), StandardCharsets.UTF_8);
        byte[] gemBytes = ak.getBytes("/gems/gems/gems/ak-demo-1.0.0.gem", ak.adminBasic()).body();
        assertThat(infoText).isEqualTo("---\n1.0.0 ak-base:~> 0.1|checksum:" + sha256(gemBytes) + ",ruby:>= 2.5\n");
        assertThat(new String(versions.body(), StandardCharsets.UTF_8)).contains("ak-demo 1.0.0 " + md5(info.body()) + "\n");
        HttpResponse<byte[]> same = ak.getBytes("/gems/gems/info/ak-demo", ak.adminBasic(), "If-None-Match",
                "\"" + md5(info.body()) + "\"", "Range", "bytes=" + (info.body().length - 1) + "-");
        assertThat(same.statusCode()).isEqualTo(304);
        HttpResponse<byte[]> part = ak.getBytes("/gems/gems/versions", ak.adminBasic(), "Range", "bytes=10-");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(versions.body(), 10, versions.body().length));
        assertThat(new String(ak.getBytes("/gems/gems/names", ak.adminBasic()).body(), StandardCharsets.UTF_8))
                .startsWith("---\n").contains("\nak-base\n", "\nak-demo\n");
    }

    @Test
    @Order(4)
    void bundleInstallThroughLocalRemoteAndVirtual() throws Exception {
        // upstream: a gem only it has, pushed with its own token
        Path far = buildGem("ak-far", "2.0.0", "from far", "ak-base");
        Path farBase = buildGem("ak-base", "0.1.0", "the base", null);
        gem(upstream, upstreamToken, "push", farBase.toString(), "--host", source(upstream, "gems-up")).ok();
        gem(upstream, upstreamToken, "push", far.toString(), "--host", source(upstream, "gems-up")).ok();

        // local
        Path app = bundle("app-local", authed(ak, "gems"), "gem 'ak-demo', '~> 1.0'");
        assertThat(Files.readString(app.resolve("Gemfile.lock"))).contains("ak-demo (1.0.0)", "ak-base (0.1.0)");
        assertThat(bundleExec(app, "require 'ak_demo'; puts AkDemo.marker").output().trim()).isEqualTo("the demo");

        // remote of the second instance
        Path remote = bundle("app-remote", authed(ak, "gems-remote"), "gem 'ak-far'");
        assertThat(Files.readString(remote.resolve("Gemfile.lock"))).contains("ak-far (2.0.0)", "ak-base (0.1.0)");
        assertThat(bundleExec(remote, "require 'ak_far'; puts AkFar.marker").output().trim()).isEqualTo("from far");

        // virtual: the local gem and the remote one in one Gemfile
        Path virtual = bundle("app-virtual", authed(ak, "gems-virtual"), "gem 'ak-demo'\ngem 'ak-far'");
        assertThat(Files.readString(virtual.resolve("Gemfile.lock"))).contains("ak-demo (1.0.0)", "ak-far (2.0.0)",
                "ak-base (0.1.0)");
        assertThat(bundleExec(virtual, "require 'ak_demo'; require 'ak_far'; puts AkDemo.marker + '+' + AkFar.marker")
                .output().trim()).isEqualTo("the demo+from far");

        // a new version: bundler updates its copy of the compact index with a range request (206), MD5 checked
        long before = hits(ak, "206");
        Path demo11 = buildGem("ak-demo", "1.1.0", "the demo 1.1", "ak-base");
        gem(ak, token, "push", demo11.toString(), "--host", source(ak, "gems")).ok();
        Result up = bundleRun(virtual, authed(ak, "gems-virtual"), "update", "ak-demo").ok();
        assertThat(Files.readString(virtual.resolve("Gemfile.lock"))).as(up.output()).contains("ak-demo (1.1.0)");
        assertThat(bundleExec(virtual, "require 'ak_demo'; puts AkDemo.marker").output().trim()).isEqualTo("the demo 1.1");
        assertThat(hits(ak, "206") - before).as("partial compact index responses bundler asked for").isPositive();

        // gem install through the remote and the virtual too
        Path home = tmp.resolve("gem-home-remote");
        assertThat(gemInstall(home, authed(ak, "gems-remote"), "ak-far").ok().output())
                .contains("Successfully installed ak-far-2.0.0");
        Path vhome = tmp.resolve("gem-home-virtual");
        assertThat(gemInstall(vhome, authed(ak, "gems-virtual"), "ak-far").ok().output())
                .contains("Successfully installed ak-far-2.0.0");
    }

    @Test
    @Order(5)
    void gemYankRemovesAVersionForGood() throws Exception {
        Path gone = buildGem("ak-gone", "1.0.0", "soon gone", null);
        gem(ak, token, "push", gone.toString(), "--host", source(ak, "gems")).ok();
        gem(ak, token, "push", buildGem("ak-gone", "1.1.0", "stays", null).toString(), "--host", source(ak, "gems")).ok();
        Result y = gemYank(ak, token, "ak-gone", "1.0.0", source(ak, "gems")).ok();
        assertThat(y.output()).contains("Successfully deleted gem: ak-gone (1.0.0)");
        String info = new String(ak.getBytes("/gems/gems/info/ak-gone", ak.adminBasic()).body(), StandardCharsets.UTF_8);
        assertThat(info).doesNotContain("1.0.0 ").contains("1.1.0 ");
        assertThat(ak.getBytes("/gems/gems/gems/ak-gone-1.0.0.gem", ak.adminBasic()).statusCode()).isEqualTo(404);
        Result install = gemInstall(tmp.resolve("gem-home-yank"), authed(ak, "gems"), "ak-gone", "-v", "1.0.0");
        assertThat(install.exit()).as(install.output()).isNotZero();
        // a yanked version is never pushed again
        assertThat(gem(ak, token, "push", gone.toString(), "--host", source(ak, "gems")).output())
                .doesNotContain("Successfully registered");
    }

    @Test
    @Order(5)
    void badPushesAreRefusedAndLeaveNothingBehind() throws Exception {
        Path good = buildGem("ak-bad", "1.0.0", "good bytes", null);
        byte[] gemBytes = Files.readAllBytes(good);
        long before = artifacts("gems");
        // not a tar; a truncated gem (half of it ends exactly between two tar entries); entries climbing out (outer and in data.tar.gz); metadata that is not a gemspec
        Path slip = rubyTar("slip.gem", "data.tar.gz", "../../evil.rb", good);
        Path innerSlip = rubyTar("inner-slip.gem", "inner", "../../evil.rb", good);
        Path badMeta = rubyTar("bad-meta.gem", "metadata", "name: [1, 2]\nversion: x y\n", good);
        List<byte[]> bodies = List.of("not a gem at all".getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(gemBytes, gemBytes.length / 2), Files.readAllBytes(slip),
                Files.readAllBytes(innerSlip), Files.readAllBytes(badMeta));
        for (byte[] b : bodies) {
            HttpResponse<String> r = ak.send("POST", "/gems/gems/api/v1/gems", token, "application/octet-stream", b);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).isNotBlank();
        }
        // (gem push checks a gem itself before sending it and refuses these: the requests above are what it would send)
        // a file name that disagrees with the gemspec, through the upload route and the artifacts API
        HttpResponse<String> named = ak.send("PUT", "/gems/gems/gems/ak-bad-2.0.0.gem", token, "application/octet-stream",
                gemBytes);
        assertThat(named.statusCode()).as(named.body()).isEqualTo(400);
        assertThat(named.body()).contains("ak-bad-1.0.0");
        HttpResponse<String> api = ak.send("PUT", "/api/v1/repositories/gems/artifacts/gems/other-1.0.0.gem", token,
                "application/octet-stream", gemBytes);
        assertThat(api.statusCode()).as(api.body()).isBetween(400, 499);
        assertThat(artifacts("gems")).as("artifacts after refused pushes").isEqualTo(before);
        assertThat(ak.getBytes("/gems/gems/info/ak-bad", ak.adminBasic()).statusCode()).isEqualTo(404);
        // the same name pushed properly works
        HttpResponse<String> ok = ak.send("PUT", "/gems/gems/gems/ak-bad-1.0.0.gem", token, "application/octet-stream",
                gemBytes);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ helpers

    private void repo(Distribution d, String key, String type, String upstreamUrl, boolean pub) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "rubygems", "repo_type", type,
                "is_public", pub));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", Distribution.ADMIN_PASSWORD,
                    "metadata_ttl_seconds", 1));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    private static String apiToken(Distribution d, String auth) throws Exception {
        HttpResponse<String> r = d.json("POST", "/api/v1/auth/tokens", auth, Map.of("name", "rubygems-it"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Distribution.parse(r).get("token").asText();
    }

    private long artifacts(String repo) throws Exception {
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000",
                ak.adminBasic(), null, null));
        return list.get("total").asLong();
    }

    /** Requests of this format the main server answered with {@code status} (from its /metrics). */
    private long hits(Distribution d, String status) throws Exception {
        String m = d.send("GET", "/metrics", null, null, null).body();
        Matcher x = Pattern.compile("ak_http_requests_total\\{route=\"format:gems\",method=\"GET\",status=\"" + status
                + "\"} (\\d+)").matcher(m);
        long n = 0;
        while (x.find()) {
            n += Long.parseLong(x.group(1));
        }
        return n;
    }

    private static String source(Distribution d, String repo) {
        return d.url() + "/gems/" + repo;
    }

    /** The source URL with the admin's credentials, which gem and bundler send as Basic. */
    private static String authed(Distribution d, String repo) {
        String u = d.url();
        return u.replaceFirst("://", "://admin:" + URLEncoder.encode(Distribution.ADMIN_PASSWORD, StandardCharsets.UTF_8)
                + "@") + "/gems/" + repo + "/";
    }

    private Path download(Distribution d, String path, String file) throws Exception {
        HttpResponse<byte[]> r = d.getBytes(path, d.adminBasic());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        Path p = tmp.resolve("downloads").resolve(file);
        Files.createDirectories(p.getParent());
        Files.write(p, r.body());
        return p;
    }

    /** {@code gem build} of a gem whose module {@code marker} returns {@code marker}, optionally depending on a gem. */
    private Path buildGem(String name, String version, String marker, String dependency) throws Exception {
        Path dir = tmp.resolve("src").resolve(name + "-" + version + "-" + Integer.toHexString(marker.hashCode()));
        Path out = dir.resolve(name + "-" + version + ".gem");
        if (Files.exists(out)) {
            return out;
        }
        String lib = name.replace('-', '_');
        String module = Stream.of(name.split("-")).map(s -> Character.toUpperCase(s.charAt(0)) + s.substring(1))
                .reduce("", String::concat);
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib").resolve(lib + ".rb"), "module " + module + "\n  def self.marker\n    \""
                + marker + "\"\n  end\nend\n");
        Files.writeString(dir.resolve(name + ".gemspec"), """
                Gem::Specification.new do |s|
                  s.name = "%s"
                  s.version = "%s"
                  s.summary = "%s"
                  s.authors = ["Ak Tester"]
                  s.email = "tester@example.test"
                  s.license = "MIT"
                  s.files = ["lib/%s.rb"]
                  s.required_ruby_version = ">= 2.5"
                  %s
                end
                """.formatted(name, version, marker, lib, dependency == null ? ""
                : "s.add_runtime_dependency \"" + dependency + "\", \"~> 0.1\""));
        Map<String, String> env = new HashMap<>(clientEnv(dir.resolve("home")));
        env.put("SOURCE_DATE_EPOCH", EPOCH);
        run(dir, env, List.of("gem", "build", name + ".gemspec")).ok();
        assertThat(out).exists();
        return out;
    }

    /** A copy of {@code gem} where one entry is replaced, written by Ruby's own tar writer. */
    private Path rubyTar(String file, String kind, String arg, Path gem) throws Exception {
        Path out = tmp.resolve("bad").resolve(file);
        Files.createDirectories(out.getParent());
        String script = """
                require 'rubygems'; require 'rubygems/package'; require 'zlib'; require 'stringio'
                src, out, kind, arg = ARGV
                entries = {}
                File.open(src, 'rb') { |f| Gem::Package::TarReader.new(f).each { |e| entries[e.full_name] = e.read } }
                gz = lambda { |s| io = StringIO.new(''.b); z = Zlib::GzipWriter.new(io); z.write(s); z.close; io.string }
                case kind
                when 'inner'
                  tar = StringIO.new(''.b)
                  Gem::Package::TarWriter.new(tar) { |t| t.add_file_simple(arg, 0644, 1) { |w| w.write('x') } }
                  entries['data.tar.gz'] = gz.call(tar.string)
                  entries.delete('checksums.yaml.gz')
                when 'metadata'
                  entries['metadata.gz'] = gz.call(arg)
                  entries.delete('checksums.yaml.gz')
                else
                  entries[arg] = entries.delete(kind)
                end
                File.open(out, 'wb') do |f|
                  Gem::Package::TarWriter.new(f) do |t|
                    entries.each { |n, b| t.add_file_simple(n, 0644, b.bytesize) { |w| w.write(b) } }
                  end
                end
                """;
        run(tmp, Map.of(), List.of("ruby", "-e", script, gem.toString(), out.toString(), kind, arg)).ok();
        return out;
    }

    /** The environment gem and bundle run with: their own HOME (no user's config or caches), no proxy. */
    private Map<String, String> clientEnv(Path home) throws IOException {
        Files.createDirectories(home);
        Map<String, String> e = new LinkedHashMap<>();
        e.put("HOME", home.toString());
        e.put("GEM_SPEC_CACHE", home.resolve("spec-cache").toString());
        e.put("BUNDLE_USER_HOME", home.resolve("bundle").toString());
        e.put("NO_PROXY", "127.0.0.1,localhost");
        e.put("no_proxy", "127.0.0.1,localhost");
        return e;
    }

    private Result gem(Distribution d, String key, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(clientEnv(tmp.resolve("home-push")));
        env.put("GEM_HOST_API_KEY", key);
        List<String> c = new ArrayList<>(List.of("gem"));
        c.addAll(List.of(args));
        return run(tmp, env, c);
    }

    private Result gemYank(Distribution d, String key, String name, String version, String host) throws Exception {
        return gem(d, key, "yank", name, "-v", version, "--host", host);
    }

    private Result gemInstall(Path home, String src, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(clientEnv(home.resolveSibling(home.getFileName() + "-user")));
        env.put("GEM_HOME", home.toString());
        env.put("GEM_PATH", home.toString());
        List<String> c = new ArrayList<>(List.of("gem", "install", "--clear-sources", "--source", src, "--no-document",
                "--install-dir", home.toString()));
        c.addAll(List.of(args));
        return run(tmp, env, c);
    }

    private Result ruby(Path gemHome, String code, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(clientEnv(tmp.resolve("home-ruby")));
        if (gemHome != null) {
            env.put("GEM_HOME", gemHome.toString());
            env.put("GEM_PATH", gemHome.toString());
        }
        List<String> c = new ArrayList<>(List.of("ruby", "-e", code));
        c.addAll(List.of(args));
        return run(tmp, env, c);
    }

    /** An app folder with a Gemfile of {@code gems} from {@code src}, after {@code bundle install}. */
    private Path bundle(String name, String src, String gems) throws Exception {
        Path app = tmp.resolve("apps").resolve(name);
        Files.createDirectories(app);
        Files.writeString(app.resolve("Gemfile"), "source \"" + src + "\"\n" + gems + "\n");
        Result r = bundleRun(app, src, "install").ok();
        assertThat(r.output()).contains("Bundle complete!");
        // bundler 2.3 reads the compact index when the source has one
        assertThat(r.output()).contains("Fetching gem metadata from");
        assertThat(r.output()).doesNotContain("Fetching source index");
        return app;
    }

    private Result bundleRun(Path app, String src, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(clientEnv(app.resolve(".home")));
        env.put("BUNDLE_PATH", app.resolve("vendor/bundle").toString());
        env.put("BUNDLE_GEMFILE", app.resolve("Gemfile").toString());
        env.put("BUNDLE_APP_CONFIG", app.resolve(".bundle").toString());
        env.put("BUNDLE_SILENCE_ROOT_WARNING", "1");
        env.put("BUNDLE_RETRY", "0");
        List<String> c = new ArrayList<>(List.of("bundle"));
        c.addAll(List.of(args));
        c.add("--verbose");
        return run(app, env, c);
    }

    private Result bundleExec(Path app, String code) throws Exception {
        Map<String, String> env = new HashMap<>(clientEnv(app.resolve(".home")));
        env.put("BUNDLE_PATH", app.resolve("vendor/bundle").toString());
        env.put("BUNDLE_GEMFILE", app.resolve("Gemfile").toString());
        env.put("BUNDLE_APP_CONFIG", app.resolve(".bundle").toString());
        return run(app, env, List.of("bundle", "exec", "ruby", "-e", code)).ok();
    }

    record Result(int exit, String output) {
        Result ok() {
            assertThat(exit).as("exit code; output:\n" + output).isZero();
            return this;
        }
    }

    private static Result run(Path dir, Map<String, String> env, List<String> cmd) throws Exception {
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        for (String k : List.of("GEM_HOME", "GEM_PATH", "BUNDLE_GEMFILE", "RUBYOPT", "GEM_HOST_API_KEY", "http_proxy",
                "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")) {
            pb.environment().remove(k);
        }
        pb.environment().putAll(env);
        Path out = Files.createTempFile("rubygems-", ".log");
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
        String shown = cmd.size() > 2 && cmd.get(1).equals("-e") ? cmd.get(0) + " -e ..." : String.join(" ", cmd);
        System.out.println("[rubygems-it] $ " + shown + " (in " + dir.getFileName() + ") -> " + p.exitValue());
        return new Result(p.exitValue(), text);
    }

    private static String md5(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
