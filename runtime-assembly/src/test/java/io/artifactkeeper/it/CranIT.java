package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
 * CRAN end to end with R itself (apt r-base-core): packages built by {@code R CMD build}, uploaded with
 * {@code PUT src/contrib/{pkg}_{ver}.tar.gz}, installed by {@code install.packages(repos = URL)} (with
 * a dependency between two uploaded packages that R resolves) from a local repository, a remote whose
 * upstream is a second instance of ours, and a virtual repository of both where the highest version of
 * each package wins; {@code available.packages()} seeing the versions; {@code readRDS} reading the
 * {@code PACKAGES.rds} our Java code writes; older versions in {@code Archive/}; a Windows binary
 * tree's index read by R; bad uploads refused with nothing stored. Plus the format TCK.
 */
class CranIT extends FormatTck {
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(4);
    private Path tmp;
    private String rscript;
    private String r;

    @Override
    protected String formatKey() {
        return "cran";
    }

    @Override
    protected String mount() {
        return "cran";
    }

    /** A variant's package: {@code tck.{variant}} 1.0.0 ("x-upstream" is "x" with other bytes). */
    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "tck." + variant.replace("-upstream", "").replaceAll("[^A-Za-z0-9]+", ".");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(name + "/DESCRIPTION", utf8("Package: " + name + "\nVersion: 1.0.0\nTitle: TCK sample\nDescription: "
                + variant + "\nLicense: MIT\n"));
        files.put(name + "/NAMESPACE", utf8(""));
        files.put(name + "/R/v.R", utf8("variant <- \"" + variant + "\"\n"));
        return new Sample("src/contrib/" + name + "_1.0.0.tar.gz", HelmCharts.tgz(files));
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> resp = server.send("PUT", url(repoKey, s.name()), server.adminBasic(), "application/x-gzip",
                s.bytes());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return s.name();
    }

    @BeforeAll
    void rAndRepositories() throws Exception {
        tmp = Files.createTempDirectory("ak-cran-it");
        Files.createDirectories(tmp.resolve("home"));
        rscript = tool("Rscript");
        r = tool("R");
        // the client this test proves the format with (README: "tested with")
        System.out.println("[cran] client: " + run(tmp, r, "--version").out().lines().findFirst().orElse("R: no version"));
        for (Distribution d : List.of(ak, upstream)) {
            json(d, "POST", "/api/v1/repositories", Map.of("key", "cran-local", "format", "cran"), 201);
        }
        json(ak, "POST", "/api/v1/repositories", Map.of("key", "cran-bad", "format", "cran"), 201);
        json(ak, "POST", "/api/v1/repositories", Map.of("key", "cran-remote", "format", "cran", "repo_type", "remote",
                "upstream_url", upstream.url() + "/cran/cran-local", "settings", Map.of("upstream_username", "admin",
                        "upstream_password", Distribution.ADMIN_PASSWORD, "metadata_ttl_seconds", 1)), 201);
        json(ak, "POST", "/api/v1/repositories", Map.of("key", "cran-virtual", "format", "cran", "repo_type", "virtual"), 201);
        json(ak, "PUT", "/api/v1/repositories/cran-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "cran-local", "priority", 1), Map.of("member_key", "cran-remote", "priority", 2))), 200);
    }

    /** The repository URL as R users write it, with the credentials in it (libcurl sends them as Basic). */
    private String repoUrl(Distribution d, String repo) {
        return d.url().replace("://", "://admin:" + Distribution.ADMIN_PASSWORD + "@") + "/cran/" + repo;
    }

    // --- R itself

    @Test
    @Order(1)
    void rInstallsFromALocalRepositoryResolvingADependency() throws Exception {
        Path base = build("akdemo.base", "1.0.0", "", "base_value <- function() \"base 1.0.0\"\n", "export(base_value)\n");
        Path app = build("akdemo.app", "0.1.0", "Imports: akdemo.base (>= 1.0.0)\n",
                "app_value <- function() paste(\"app uses\", akdemo.base::base_value())\n", "export(app_value)\n");
        upload(ak, "cran-local", base);
        upload(ak, "cran-local", app);

        String url = repoUrl(ak, "cran-local");
        Path lib = Files.createDirectories(tmp.resolve("lib-local"));
        Result res = rscript(".libPaths(c('" + lib + "', .libPaths())); ap <- available.packages(repos = '" + url + "');"
                + "print(ap[, c('Package', 'Version')]); stopifnot(ap['akdemo.base', 'Version'] == '1.0.0', ap['akdemo.app', 'Version'] == '0.1.0');"
                + "install.packages('akdemo.app', repos = '" + url + "', lib = '" + lib + "');"
                + "library(akdemo.app, lib.loc = '" + lib + "'); v <- app_value(); cat('VALUE:', v, '\\n');"
                + "stopifnot(v == 'app uses base 1.0.0')");
        assertThat(res.code()).as(res.out()).isZero();
        assertThat(res.out()).contains("VALUE: app uses base 1.0.0");
        assertThat(lib.resolve("akdemo.base/DESCRIPTION")).as("R resolved and installed the dependency").exists();

        // PACKAGES.rds as R reads it: a character matrix with dimnames, the same as PACKAGES read by read.dcf
        Result rds = rscript("d <- tempfile(); p <- tempfile();"
                + "download.file('" + url + "/src/contrib/PACKAGES.rds', d, mode = 'wb', quiet = TRUE);"
                + "download.file('" + url + "/src/contrib/PACKAGES', p, quiet = TRUE);"
                + "x <- readRDS(d); str(x); y <- read.dcf(p);"
                + "stopifnot(is.matrix(x), is.character(x), identical(rownames(x), c('akdemo.app', 'akdemo.base')),"
                + " identical(colnames(x)[1:2], c('Package', 'Version')), identical(unname(x[, 'Version']), unname(y[, 'Version'])),"
                + " is.na(x['akdemo.base', 'Imports']), x['akdemo.app', 'Imports'] == 'akdemo.base (>= 1.0.0)',"
                + " identical(unname(x[, 'MD5sum']), unname(y[, 'MD5sum'])), ncol(x) == 15);"
                + "g <- tempfile(); download.file('" + url + "/src/contrib/PACKAGES.gz', g, mode = 'wb', quiet = TRUE);"
                + "stopifnot(identical(read.dcf(gzfile(g)), y)); cat('RDS OK\\n')");
        assertThat(rds.code()).as(rds.out()).isZero();
        assertThat(rds.out()).contains("RDS OK");
    }

    @Test
    @Order(2)
    void aNewerVersionArchivesTheOlderOneAndBothStayInstallable() throws Exception {
        Path base11 = build("akdemo.base", "1.1.0", "", "base_value <- function() \"base 1.1.0\"\n", "export(base_value)\n");
        upload(ak, "cran-local", base11);
        String url = repoUrl(ak, "cran-local");
        assertThat(ak.getBytes("/cran/cran-local/src/contrib/akdemo.base_1.0.0.tar.gz", admin).statusCode())
                .as("the older version left src/contrib").isEqualTo(404);
        HttpResponse<String> listing = ak.send("GET", "/cran/cran-local/src/contrib/Archive/akdemo.base/", admin, null, null);
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.body()).contains("href=\"akdemo.base_1.0.0.tar.gz\"").doesNotContain("akdemo.base_1.1.0");
        Path lib = Files.createDirectories(tmp.resolve("lib-archive"));
        Result res = rscript("ap <- available.packages(repos = '" + url + "'); stopifnot(ap['akdemo.base', 'Version'] == '1.1.0');"
                + "install.packages('akdemo.base', repos = '" + url + "', lib = '" + lib + "');"
                + "stopifnot(packageDescription('akdemo.base', lib.loc = '" + lib + "')$Version == '1.1.0');"
                + "install.packages('" + url + "/src/contrib/Archive/akdemo.base/akdemo.base_1.0.0.tar.gz', repos = NULL,"
                + " type = 'source', lib = '" + lib + "');"
                + "v <- packageDescription('akdemo.base', lib.loc = '" + lib + "')$Version; cat('ARCHIVED:', v, '\\n');"
                + "stopifnot(v == '1.0.0')");
        assertThat(res.code()).as(res.out()).isZero();
        assertThat(res.out()).contains("ARCHIVED: 1.0.0");
    }

    @Test
    @Order(3)
    void rInstallsThroughTheRemoteAndTheVirtualWhereTheHighestVersionWins() throws Exception {
        // the second instance has a newer akdemo.base (2.0.0) and a package of its own
        upload(upstream, "cran-local", build("akdemo.base", "2.0.0", "", "base_value <- function() \"base 2.0.0\"\n",
                "export(base_value)\n"));
        upload(upstream, "cran-local", build("akdemo.far", "0.5-1", "Imports: akdemo.base (>= 2.0.0)\n",
                "far_value <- function() paste(\"far uses\", akdemo.base::base_value())\n", "export(far_value)\n"));

        String remote = repoUrl(ak, "cran-remote");
        Path libR = Files.createDirectories(tmp.resolve("lib-remote"));
        Result res = rscript(".libPaths(c('" + libR + "', .libPaths())); ap <- available.packages(repos = '" + remote + "'); print(ap[, c('Package', 'Version')]);"
                + "stopifnot(ap['akdemo.far', 'Version'] == '0.5-1', ap['akdemo.base', 'Version'] == '2.0.0');"
                + "install.packages('akdemo.far', repos = '" + remote + "', lib = '" + libR + "');"
                + "library(akdemo.far, lib.loc = '" + libR + "'); v <- far_value(); cat('REMOTE:', v, '\\n');"
                + "stopifnot(v == 'far uses base 2.0.0')");
        assertThat(res.code()).as(res.out()).isZero();
        assertThat(res.out()).contains("REMOTE: far uses base 2.0.0");

        String virtual = repoUrl(ak, "cran-virtual");
        Path libV = Files.createDirectories(tmp.resolve("lib-virtual"));
        Result v = rscript(".libPaths(c('" + libV + "', .libPaths())); ap <- available.packages(repos = '" + virtual + "'); print(ap[, c('Package', 'Version')]);"
                + "stopifnot(ap['akdemo.base', 'Version'] == '2.0.0', ap['akdemo.app', 'Version'] == '0.1.0',"
                + " ap['akdemo.far', 'Version'] == '0.5-1');"
                + "install.packages(c('akdemo.app', 'akdemo.far'), repos = '" + virtual + "', lib = '" + libV + "');"
                + "library(akdemo.app, lib.loc = '" + libV + "'); library(akdemo.far, lib.loc = '" + libV + "');"
                + "cat('VIRTUAL:', app_value(), '|', far_value(), '\\n');"
                + "stopifnot(app_value() == 'app uses base 2.0.0', far_value() == 'far uses base 2.0.0')");
        assertThat(v.code()).as(v.out()).isZero();
        assertThat(v.out()).contains("VIRTUAL: app uses base 2.0.0 | far uses base 2.0.0");
    }

    @Test
    @Order(3)
    void rReadsAWindowsBinaryTreesIndex() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("akdemo.bin/DESCRIPTION"));
            z.write(utf8("Package: akdemo.bin\nVersion: 3.2.1\nTitle: Binary\nDescription: A binary.\nLicense: MIT\n"
                    + "Built: R 4.2.2; ; 2024-01-01 00:00:00 UTC; windows\n"));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("akdemo.bin/NAMESPACE"));
            z.closeEntry();
        }
        HttpResponse<String> put = ak.send("PUT", "/cran/cran-local/bin/windows/contrib/4.2/akdemo.bin_3.2.1.zip", admin,
                "application/zip", zip.toByteArray());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        String url = repoUrl(ak, "cran-local");
        Result res = rscript("ap <- available.packages(contriburl = '" + url + "/bin/windows/contrib/4.2', type = 'win.binary');"
                + "print(ap[, c('Package', 'Version')]); stopifnot(nrow(ap) == 1, ap['akdemo.bin', 'Version'] == '3.2.1');"
                + "src <- available.packages(repos = '" + url + "'); stopifnot(!('akdemo.bin' %in% rownames(src)));"
                + "cat('BINARY OK\\n')");
        assertThat(res.code()).as(res.out()).isZero();
        assertThat(res.out()).contains("BINARY OK");
    }

    @Test
    @Order(4)
    void badUploadsAreRefusedAndNothingIsStored() throws Exception {
        String repo = "cran-bad";
        Path good = build("akdemo.bad", "1.0.0", "", "x <- 1\n", "");
        upload(ak, repo, good);
        byte[] ok = Files.readAllBytes(good);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not gzip", utf8("just some text, not a tarball"));
        bad.put("truncated", java.util.Arrays.copyOf(ok, ok.length / 2));
        bad.put("no DESCRIPTION", HelmCharts.tgz(Map.of("akdemo.bad/R/x.R", utf8("x <- 2\n"))));
        bad.put("traversal", HelmCharts.tgz(Map.of("akdemo.bad/DESCRIPTION", description("akdemo.bad", "2.0.0", ""),
                "akdemo.bad/../../evil", utf8("x"))));
        bad.put("name mismatch", HelmCharts.tgz(Map.of("akdemo.bad/DESCRIPTION", description("akdemo.other", "2.0.0", ""))));
        bad.put("version mismatch", HelmCharts.tgz(Map.of("akdemo.bad/DESCRIPTION", description("akdemo.bad", "2.0.1", ""))));
        bad.put("huge DESCRIPTION field", HelmCharts.tgz(Map.of("akdemo.bad/DESCRIPTION",
                description("akdemo.bad", "2.0.0", "Huge: " + "y".repeat(200_000) + "\n"))));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            HttpResponse<String> resp = ak.send("PUT", "/cran/" + repo + "/src/contrib/akdemo.bad_2.0.0.tar.gz", admin,
                    "application/x-gzip", e.getValue());
            assertThat(resp.statusCode()).as(e.getKey() + ": " + resp.body()).isEqualTo(400);
        }
        HttpResponse<String> dup = ak.send("PUT", "/cran/" + repo + "/src/contrib/akdemo.bad_1.0.0.tar.gz", admin,
                "application/x-gzip", ok);
        assertThat(dup.statusCode()).as(dup.body()).isEqualTo(409);
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=100", admin,
                null, null));
        assertThat(list.get("total").asInt()).as("only the good upload is stored: " + list).isEqualTo(1);
        String packages = ak.send("GET", "/cran/" + repo + "/src/contrib/PACKAGES", admin, null, null).body();
        assertThat(packages).contains("Package: akdemo.bad\nVersion: 1.0.0\n").doesNotContain("2.0.0");
        System.out.printf("[cran] %d bad uploads refused with 400, a duplicate with 409, nothing stored%n", bad.size());
    }

    // --- helpers

    private static byte[] description(String name, String version, String extra) {
        return utf8("Package: " + name + "\nVersion: " + version + "\nTitle: T\nDescription: D.\nLicense: MIT\n" + extra);
    }

    /** {@code R CMD build} of a small package; its tarball. */
    private Path build(String name, String version, String extra, String code, String namespace) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("src").resolve(name + "-" + version).resolve(name));
        Files.createDirectories(dir.resolve("R"));
        Files.writeString(dir.resolve("DESCRIPTION"), "Package: " + name + "\nVersion: " + version
                + "\nTitle: Artifact Keeper Test Package\nDescription: A package the CranIT builds and installs.\n"
                + "Authors@R: person(\"Artifact\", \"Keeper\", email = \"ak@example.org\", role = c(\"aut\", \"cre\"))\n"
                + "License: MIT + file LICENSE\nEncoding: UTF-8\n" + extra);
        Files.writeString(dir.resolve("LICENSE"), "YEAR: 2024\nCOPYRIGHT HOLDER: Artifact Keeper\n");
        Files.writeString(dir.resolve("NAMESPACE"), namespace);
        Files.writeString(dir.resolve("R").resolve("code.R"), code);
        Path out = dir.getParent();
        Result res = run(out, r, "CMD", "build", "--no-build-vignettes", "--no-manual", name);
        assertThat(res.code()).as(res.out()).isZero();
        Path tarball = out.resolve(name + "_" + version + ".tar.gz");
        assertThat(tarball).exists();
        return tarball;
    }

    private void upload(Distribution d, String repo, Path tarball) throws Exception {
        HttpResponse<String> resp = d.send("PUT", "/cran/" + repo + "/src/contrib/" + tarball.getFileName(), d.adminBasic(),
                "application/x-gzip", Files.readAllBytes(tarball));
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(201);
    }

    private Result rscript(String code) throws Exception {
        return run(tmp, rscript, "--vanilla", "-e", "options(warn = 1); " + code);
    }

    private record Result(int code, String out) {
    }

    private Result run(Path dir, String... cmd) throws Exception {
        Path out = Files.createTempFile(tmp, "cmd", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("R_"));
        env.put("HOME", tmp.resolve("home").toString());
        env.put("R_LIBS_USER", tmp.resolve("home").toString());
        env.put("LANG", "C.UTF-8");
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + CLIENT_TIMEOUT + ":\n"
                    + Files.readString(out));
        }
        String text = Files.readString(out);
        System.out.println("[cran] " + String.join(" ", cmd).replace(Distribution.ADMIN_PASSWORD, "***") + " -> "
                + p.exitValue());
        return new Result(p.exitValue(), text.replace(Distribution.ADMIN_PASSWORD, "***"));
    }

    /** The executable on the PATH, or a failure naming the package that provides it. */
    private static String tool(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(name + " is not installed: this test needs R itself (apt-get install r-base-core;"
                + " .ci/run installs it)");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
