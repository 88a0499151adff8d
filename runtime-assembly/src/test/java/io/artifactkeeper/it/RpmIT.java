package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.it.tck.FormatTck;

/**
 * The rpm format end to end: the format TCK (packages built by {@code rpmbuild}, uploaded by
 * {@code PUT packages/...rpm}), then the real clients: {@code dnf install} into an install root with
 * {@code gpgcheck=1} and {@code repo_gpgcheck=1} against a local repository, a remote whose upstream is
 * the second instance, and a virtual of both (repository keys from the signing API and from
 * {@code repomd.xml.key}, the package key from the test's own gpg); {@code rpm -K} of a downloaded
 * package; our primary.xml compared with what {@code createrepo_c} writes for the same packages; bad
 * uploads refused with 4xx and nothing stored.
 */
class RpmIT extends FormatTck {
    private static final String PW = Distribution.ADMIN_PASSWORD;
    private Path work;
    private Path gnupg;
    private Path packagerKey;
    private final Map<String, byte[]> samples = new HashMap<>();

    @Override
    protected String formatKey() {
        return "rpm";
    }

    @Override
    protected String mount() {
        return "rpm";
    }

    /** Variants "x" and "x-upstream" are the same package (name, version, release) with other content. */
    @Override
    protected Sample sample(String variant) throws Exception {
        String name = "tck-" + variant.replace("-upstream", "").toLowerCase().replaceAll("[^a-z0-9]+", "-");
        byte[] bytes = samples.get(variant);
        if (bytes == null) {
            bytes = Files.readAllBytes(rpmbuild(name, "1.0", "sample " + variant));
            samples.put(variant, bytes);
        }
        return new Sample(name, bytes);
    }

    @Override
    protected void publish(Distribution server, String repoKey, Sample s) throws Exception {
        HttpResponse<String> r = server.send("PUT", "/rpm/" + repoKey + "/" + downloadPath(s), server.adminBasic(),
                "application/x-rpm", s.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Override
    protected String downloadPath(Sample s) {
        return "packages/" + s.name() + "-1.0-1.noarch.rpm";
    }

    /** A first download through the remote reads the upstream's repomd.xml and primary (where the package is), then the package. */
    @Override
    protected long expectedUpstreamFetches() {
        return 3;
    }

    @BeforeAll
    void rpmSetUp() throws Exception {
        work = Files.createTempDirectory("ak-rpm-it");
        for (String[] tool : List.of(new String[] {"rpm", "--version"}, new String[] {"rpmbuild", "--version"},
                new String[] {"rpmsign", "--version"}, new String[] {"dnf", "--version"},
                new String[] {"createrepo_c", "--version"}, new String[] {"gpg", "--version"})) {
            Run r = run(work, Map.of(), 120, tool);
            assertThat(r.code).as("%s must be installed (apt-get install -y rpm dnf createrepo-c gnupg): %s", tool[0], r.out)
                    .isZero();
            System.out.println("[rpm] client: " + tool[0] + ": " + r.out.lines().findFirst().orElse(""));
        }
        gnupg = Files.createDirectories(work.resolve("gnupg"));
        Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path params = work.resolve("keyparams");
        Files.writeString(params, "%no-protection\nKey-Type: RSA\nKey-Length: 2048\nName-Real: RpmIT Packager\n"
                + "Name-Email: packager@example.org\nExpire-Date: 0\n%commit\n");
        assertThat(run(work, gpgEnv(), 300, "gpg", "--batch", "--gen-key", params.toString()).code).isZero();
        packagerKey = work.resolve("packager.asc");
        Run exported = run(work, gpgEnv(), 60, "gpg", "--armor", "--export", "packager@example.org");
        assertThat(exported.code).isZero();
        Files.writeString(packagerKey, exported.out);
    }

    private Map<String, String> gpgEnv() {
        return Map.of("GNUPGHOME", gnupg.toString());
    }

    // ------------------------------------------------------------------ real clients

    @Test
    @Order(0)
    void dnfInstallsFromLocalRemoteAndVirtualWithSignaturesChecked() throws Exception {
        create(upstream, "rpm-up", "local", null);
        create(ak, "rpm-local", "local", null);
        create(ak, "rpm-remote", "remote", upstream.url() + "/rpm/rpm-up");
        create(ak, "rpm-virtual", "virtual", null);
        json(ak, "PUT", "/api/v1/repositories/rpm-virtual/members", Map.of("members", List.of(
                Map.of("member_key", "rpm-local", "priority", 1), Map.of("member_key", "rpm-remote", "priority", 2))), 200);
        // repository keys made by the signing API of each instance
        String akKey = signingKey(ak, "rpm-it");
        String upKey = signingKey(upstream, "rpm-it-upstream");
        configureSigning(upstream, "rpm-up", upKey, false);
        for (String repo : List.of("rpm-local", "rpm-remote", "rpm-virtual")) {
            configureSigning(ak, repo, akKey, false);
        }

        Path hello = sign(rpmbuild("hello-ak", "1.0", "hello from local"));
        Path other = sign(rpmbuild("other-ak", "2.1", "other from upstream"));
        HttpResponse<String> put = ak.send("PUT", "/rpm/rpm-local/packages/hello-ak-1.0-1.noarch.rpm", ak.adminBasic(),
                "application/x-rpm", Files.readAllBytes(hello));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        HttpResponse<String> post = upstream.send("POST", "/rpm/rpm-up/upload", upstream.adminBasic(), "application/x-rpm",
                Files.readAllBytes(other));
        assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
        assertThat(post.body()).contains("packages/other-ak-2.1-1.noarch.rpm");

        // the package's signature is reported in the artifact's metadata
        JsonNode arts = Distribution.parse(ak.send("GET", "/api/v1/repositories/rpm-local/artifacts?per_page=100",
                ak.adminBasic(), null, null));
        System.out.println("[rpm] artifacts of rpm-local: " + arts);
        assertThat(arts.toString()).contains("\"key_id\"").contains("RSAHEADER");

        String pubKey = ak.send("GET", "/rpm/rpm-local/repodata/repomd.xml.key", ak.adminBasic(), null, null).body();
        assertThat(pubKey).contains("BEGIN PGP PUBLIC KEY BLOCK");
        Path akRepoKey = Files.writeString(work.resolve("ak-repo.asc"), pubKey);
        // the signing API serves the same key for the repository
        HttpResponse<String> apiKey = ak.send("GET", "/api/v1/signing/repositories/rpm-virtual/public-key", ak.adminBasic(),
                null, null);
        assertThat(apiKey.statusCode()).isEqualTo(200);
        assertThat(apiKey.body()).isEqualTo(pubKey);

        dnfInstall("rpm-local", akRepoKey, "hello-ak", "hello from local");
        // the remote re-signs its upstream's repomd.xml with its own key (the same key as the others here)
        dnfInstall("rpm-remote", akRepoKey, "other-ak", "other from upstream");
        dnfInstall("rpm-virtual", akRepoKey, "hello-ak", "hello from local");
        dnfInstall("rpm-virtual", akRepoKey, "other-ak", "other from upstream");

        // with another repository key (the upstream's) dnf refuses our repomd.xml: repo_gpgcheck is in force
        String upPub = upstream.send("GET", "/rpm/rpm-up/repodata/repomd.xml.key", upstream.adminBasic(), null, null).body();
        assertThat(upPub).contains("BEGIN PGP PUBLIC KEY BLOCK").isNotEqualTo(pubKey);
        Path wrongKey = Files.writeString(work.resolve("wrong-repo.asc"), upPub);
        Path wrongRoot = Files.createDirectories(work.resolve("root-wrong-key"));
        Run refused = dnf("rpm-local", wrongKey, "hello-ak", wrongRoot);
        System.out.printf("[rpm] dnf install with the wrong repository key: exit %d%n%s%n", refused.code, refused.out);
        assertThat(refused.code).as("dnf with the wrong repository key: %s", refused.out).isNotZero();
        assertThat(refused.out).containsIgnoringCase("GPG");
        assertThat(wrongRoot.resolve("usr/share/hello-ak/marker.txt")).doesNotExist();

        // rpm -K of the downloaded package, with the packager's key imported into a fresh rpm database
        Path root = Files.createDirectories(work.resolve("k-root"));
        assertThat(run(work, Map.of(), 120, "rpm", "--root", root.toString(), "--import", packagerKey.toString()).code).isZero();
        HttpResponse<byte[]> dl = ak.getBytes("/rpm/rpm-virtual/packages/other-ak-2.1-1.noarch.rpm", ak.adminBasic());
        assertThat(dl.statusCode()).isEqualTo(200);
        Path downloaded = Files.write(work.resolve("downloaded.rpm"), dl.body());
        Run k = run(work, Map.of(), 120, "rpm", "--root", root.toString(), "-K", downloaded.toString());
        System.out.println("[rpm] rpm -K: " + k.out.strip());
        assertThat(k.code).isZero();
        assertThat(k.out).contains("digests signatures OK");

    }

    /** {@code dnf install} into a fresh install root with package and repository signature checks on. */
    private void dnfInstall(String repo, Path repoKey, String pkg, String marker) throws Exception {
        Path root = Files.createDirectories(work.resolve("root-" + repo + "-" + pkg));
        // the package key where rpm (gpgcheck) looks: the install root's rpm database
        assertThat(run(work, Map.of(), 120, "rpm", "--root", root.toString(), "--import", packagerKey.toString()).code)
                .isZero();
        assertThat(run(work, Map.of(), 120, "rpm", "--root", root.toString(), "--import", repoKey.toString()).code).isZero();
        long t0 = System.nanoTime();
        Run r = dnf(repo, repoKey, pkg, root);
        System.out.printf("[rpm] dnf install %s from %s: exit %d in %d ms%n%s%n", pkg, repo, r.code,
                (System.nanoTime() - t0) / 1_000_000, r.out);
        assertThat(r.code).as("dnf install %s from %s: %s", pkg, repo, r.out).isZero();
        Run q = run(work, Map.of(), 120, "rpm", "--root", root.toString(), "-q", pkg);
        assertThat(q.code).as(q.out).isZero();
        assertThat(Files.readString(root.resolve("usr/share/" + pkg + "/marker.txt")).strip()).isEqualTo(marker);
    }

    @Test
    @Order(0)
    void signPackagesSignsUnsignedUploadsWithTheRepositoryKey() throws Exception {
        create(ak, "rpm-signs", "local", null);
        HttpResponse<String> k = ak.json("POST", "/api/v1/signing/keys", ak.adminBasic(), Map.of("name", "rpm-signs", "key_type",
                "gpg", "algorithm", "rsa4096", "uid_name", "RpmIT signs", "uid_email", "signs@example.org"));
        assertThat(k.statusCode()).as(k.body()).isBetween(200, 201);
        String keyId = Distribution.parse(k).get("id").asText();
        HttpResponse<String> c = ak.json("POST", "/api/v1/signing/repositories/rpm-signs/config", ak.adminBasic(),
                Map.of("signing_key_id", keyId, "sign_metadata", true, "sign_packages", true, "require_signatures", true));
        assertThat(c.statusCode()).as(c.body()).isBetween(200, 201);
        Path unsigned = rpmbuild("signed-here", "1.0", "signed by the server");
        HttpResponse<String> r = ak.send("POST", "/rpm/rpm-signs/upload", ak.adminBasic(), "application/x-rpm",
                Files.readAllBytes(unsigned));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        Path repoKey = Files.writeString(work.resolve("signs.asc"),
                ak.send("GET", "/rpm/rpm-signs/repodata/repomd.xml.key", ak.adminBasic(), null, null).body());
        // rpm -K with the repository key alone: the server's signature over the header
        Path kroot = Files.createDirectories(work.resolve("signs-k"));
        assertThat(run(work, Map.of(), 120, "rpm", "--root", kroot.toString(), "--import", repoKey.toString()).code).isZero();
        Path dl = Files.write(work.resolve("signed-here.rpm"),
                ak.getBytes("/rpm/rpm-signs/packages/signed-here-1.0-1.noarch.rpm", ak.adminBasic()).body());
        Run check = run(work, Map.of(), 120, "rpm", "--root", kroot.toString(), "-K", dl.toString());
        System.out.println("[rpm] rpm -K of a package signed by sign_packages: " + check.out.strip());
        assertThat(check.out).contains("digests signatures OK");
        // and dnf installs it with gpgcheck=1 and repo_gpgcheck=1, trusting the repository key only
        Path root = Files.createDirectories(work.resolve("root-signs"));
        assertThat(run(work, Map.of(), 120, "rpm", "--root", root.toString(), "--import", repoKey.toString()).code).isZero();
        Run d = run(work, Map.of(), 600, "dnf", "-y", "--installroot=" + root, "--releasever=1", "--setopt=reposdir=/dev/null",
                "--disableplugin=*", "--setopt=cachedir=" + root.resolve("cache"), "--repofrompath=x," + ak.url() + "/rpm/rpm-signs",
                "--setopt=x.gpgcheck=1", "--setopt=x.repo_gpgcheck=1", "--setopt=x.gpgkey=file://" + repoKey,
                "--setopt=x.username=admin", "--setopt=x.password=" + PW, "install", "signed-here");
        System.out.printf("[rpm] dnf install of a package signed by sign_packages: exit %d%n", d.code);
        assertThat(d.code).as(d.out).isZero();
        assertThat(Files.readString(root.resolve("usr/share/signed-here/marker.txt")).strip()).isEqualTo("signed by the server");
    }

    /** dnf install with gpgcheck=1 and repo_gpgcheck=1, the keys given as gpgkey (repository key, packager key). */
    private Run dnf(String repo, Path repoKey, String pkg, Path root) throws Exception {
        return run(work, Map.of(), 600, "dnf", "-y", "--installroot=" + root, "--releasever=1", "--setopt=reposdir=/dev/null",
                "--disableplugin=*", "--setopt=install_weak_deps=False", "--setopt=cachedir=" + root.resolve("cache"),
                "--repofrompath=x," + ak.url() + "/rpm/" + repo, "--setopt=x.gpgcheck=1", "--setopt=x.repo_gpgcheck=1",
                "--setopt=x.gpgkey=file://" + repoKey + ",file://" + packagerKey, "--setopt=x.username=admin",
                "--setopt=x.password=" + PW, "install", pkg);
    }

    @Test
    @Order(0)
    void primaryAgreesWithCreaterepoC() throws Exception {
        create(ak, "rpm-cmp", "local", null);
        Path dir = Files.createDirectories(work.resolve("cmp"));
        List<Path> pkgs = List.of(rpmbuild("cmp-one", "1.0", "one"), rpmbuild("cmp-two", "3.2", "two"),
                sign(rpmbuild("cmp-three", "0.9", "three")));
        for (Path p : pkgs) {
            Files.copy(p, dir.resolve(p.getFileName()));
            HttpResponse<String> r = ak.send("POST", "/rpm/rpm-cmp/upload", ak.adminBasic(), "application/x-rpm",
                    Files.readAllBytes(p));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        Run c = run(work, Map.of(), 300, "createrepo_c", "-q", dir.toString());
        assertThat(c.code).as(c.out).isZero();
        Path theirsPrimary;
        try (var s = Files.list(dir.resolve("repodata"))) {
            theirsPrimary = s.filter(p -> p.getFileName().toString().endsWith("primary.xml.gz")).findFirst().orElseThrow();
        }
        Map<String, Map<String, String>> theirs = primary(Files.readAllBytes(theirsPrimary));

        String repomd = ak.send("GET", "/rpm/rpm-cmp/repodata/repomd.xml", ak.adminBasic(), null, null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("<data type=\"primary\">.*?<checksum type=\"sha256\">([0-9a-f]{64})</checksum>.*?<location href=\"([^\"]+)\"",
                        java.util.regex.Pattern.DOTALL).matcher(repomd);
        assertThat(m.find()).as(repomd).isTrue();
        HttpResponse<byte[]> ours = ak.getBytes("/rpm/rpm-cmp/" + m.group(2), ak.adminBasic());
        assertThat(ours.statusCode()).isEqualTo(200);
        assertThat(sha256(ours.body())).as("repomd.xml's checksum of primary").isEqualTo(m.group(1));
        Map<String, Map<String, String>> mine = primary(ours.body());
        System.out.println("[rpm] createrepo_c primary: " + theirs + "\n[rpm] ours: " + mine);
        assertThat(mine.keySet()).as("package names").isEqualTo(theirs.keySet()).hasSize(3);
        for (String name : theirs.keySet()) {
            Map<String, String> t = theirs.get(name);
            Map<String, String> o = mine.get(name);
            for (String field : List.of("epoch", "ver", "rel", "arch", "checksum", "package-size", "installed-size",
                    "archive-size", "header-start", "header-end", "summary", "license", "sourcerpm", "provides", "files")) {
                assertThat(o.get(field)).as("%s of %s", field, name).isEqualTo(t.get(field));
            }
        }
        // the same document again: built once per change (the same bytes, the same validator)
        String etag = ak.getBytes("/rpm/rpm-cmp/repodata/repomd.xml", ak.adminBasic()).headers().firstValue("ETag").orElseThrow();
        assertThat(ak.getBytes("/rpm/rpm-cmp/repodata/repomd.xml", ak.adminBasic(), "If-None-Match", etag).statusCode())
                .isEqualTo(304);
    }

    /** name to the fields compared, from a primary.xml.gz. */
    private static Map<String, Map<String, String>> primary(byte[] gz) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        org.w3c.dom.Document doc;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            doc = f.newDocumentBuilder().parse(in);
        }
        Map<String, Map<String, String>> out = new TreeMap<>();
        NodeList pkgs = doc.getDocumentElement().getElementsByTagNameNS("*", "package");
        for (int i = 0; i < pkgs.getLength(); i++) {
            Element p = (Element) pkgs.item(i);
            Map<String, String> m = new LinkedHashMap<>();
            Element v = first(p, "version");
            m.put("epoch", v.getAttribute("epoch"));
            m.put("ver", v.getAttribute("ver"));
            m.put("rel", v.getAttribute("rel"));
            m.put("arch", first(p, "arch").getTextContent());
            m.put("checksum", first(p, "checksum").getTextContent());
            Element size = first(p, "size");
            m.put("package-size", size.getAttribute("package"));
            m.put("installed-size", size.getAttribute("installed"));
            m.put("archive-size", size.getAttribute("archive"));
            Element range = first(p, "header-range");
            m.put("header-start", range.getAttribute("start"));
            m.put("header-end", range.getAttribute("end"));
            m.put("summary", first(p, "summary").getTextContent());
            m.put("license", first(p, "license").getTextContent());
            m.put("sourcerpm", first(p, "sourcerpm").getTextContent());
            List<String> provides = new ArrayList<>();
            NodeList entries = first(p, "provides").getElementsByTagNameNS("*", "entry");
            for (int j = 0; j < entries.getLength(); j++) {
                Element e = (Element) entries.item(j);
                provides.add(e.getAttribute("name") + " " + e.getAttribute("flags") + " " + e.getAttribute("ver"));
            }
            m.put("provides", provides.toString());
            List<String> files = new ArrayList<>();
            NodeList fl = p.getElementsByTagNameNS("*", "file");
            for (int j = 0; j < fl.getLength(); j++) {
                files.add(fl.item(j).getTextContent());
            }
            m.put("files", files.toString());
            out.put(first(p, "name").getTextContent(), m);
        }
        return out;
    }

    private static Element first(Element e, String local) {
        NodeList l = e.getElementsByTagNameNS("*", local);
        assertThat(l.getLength()).as("<%s> in %s", local, e.getTagName()).isPositive();
        return (Element) l.item(0);
    }

    // ------------------------------------------------------------------ bad input

    @Test
    @Order(0)
    void badUploadsAreRefusedAndNothingIsStored() throws Exception {
        create(ak, "rpm-bad", "local", null);
        byte[] good = Files.readAllBytes(rpmbuild("bad-base", "1.0", "base"));
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("empty", new byte[0]);
        bad.put("not an rpm", "hello, this is text\n".repeat(20).getBytes(StandardCharsets.UTF_8));
        bad.put("truncated in the header", java.util.Arrays.copyOf(good, 700));
        bad.put("truncated in the payload", java.util.Arrays.copyOf(good, good.length - 100));
        byte[] magic = good.clone();
        magic[0] = 0x00;
        bad.put("bad lead magic", magic);
        int sigEnd = 96 + 16 + 16 * (int) u32(good, 96 + 8) + (int) u32(good, 96 + 12);
        int hdr = (sigEnd + 7) / 8 * 8;
        byte[] count = good.clone();
        put32(count, hdr + 8, 0x7FFFFFFFL);
        bad.put("index count out of range", count);
        byte[] data = good.clone();
        put32(data, hdr + 12, 0x7FFFFFF0L);
        bad.put("data store size out of range", data);
        byte[] offset = good.clone();
        put32(offset, hdr + 16 + 8, 0x7FFFFFFFL);
        bad.put("entry offset out of range", offset);
        byte[] entries = good.clone();
        put32(entries, hdr + 16 + 12, 0x0FFFFFFFL);
        bad.put("entry count out of range", entries);
        byte[] payload = good.clone();
        payload[payload.length - 10] ^= 0x55;
        bad.put("altered payload", payload);
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            HttpResponse<String> r = ak.send("POST", "/rpm/rpm-bad/upload", ak.adminBasic(), "application/x-rpm", e.getValue());
            System.out.printf("[rpm] bad upload (%s): %d %s%n", e.getKey(), r.statusCode(), r.body().strip());
            assertThat(r.statusCode()).as("%s: %s", e.getKey(), r.body()).isBetween(400, 499);
            HttpResponse<String> p = ak.send("PUT", "/rpm/rpm-bad/packages/x.rpm", ak.adminBasic(), "application/x-rpm",
                    e.getValue());
            assertThat(p.statusCode()).as("PUT %s: %s", e.getKey(), p.body()).isBetween(400, 499);
        }
        assertThat(artifactCount("rpm-bad")).as("nothing stored by refused uploads").isZero();

        // duplicate NEVRA: the second upload (another path, the same package) is a conflict
        assertThat(ak.send("POST", "/rpm/rpm-bad/upload", ak.adminBasic(), "application/x-rpm", good).statusCode()).isEqualTo(201);
        HttpResponse<String> dup = ak.send("PUT", "/rpm/rpm-bad/elsewhere/bad-base.rpm", ak.adminBasic(), "application/x-rpm", good);
        assertThat(dup.statusCode()).as(dup.body()).isEqualTo(409);
        HttpResponse<String> dup2 = ak.send("POST", "/rpm/rpm-bad/upload", ak.adminBasic(), "application/x-rpm", good);
        assertThat(dup2.statusCode()).as(dup2.body()).isEqualTo(409);
        assertThat(artifactCount("rpm-bad")).isEqualTo(1);

        // a repository that requires signed packages refuses an unsigned one and takes a signed one
        create(ak, "rpm-strict", "local", null);
        configureSigning(ak, "rpm-strict", signingKey(ak, "rpm-strict-key"), true);
        HttpResponse<String> unsigned = ak.send("POST", "/rpm/rpm-strict/upload", ak.adminBasic(), "application/x-rpm", good);
        assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(400);
        assertThat(artifactCount("rpm-strict")).isZero();
        HttpResponse<String> signed = ak.send("POST", "/rpm/rpm-strict/upload", ak.adminBasic(), "application/x-rpm",
                Files.readAllBytes(sign(rpmbuild("strict-ok", "1.0", "signed"))));
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(201);
        assertThat(artifactCount("rpm-strict")).isEqualTo(1);
    }

    private int artifactCount(String repo) throws Exception {
        JsonNode list = Distribution.parse(ak.send("GET", "/api/v1/repositories/" + repo + "/artifacts?per_page=1000",
                ak.adminBasic(), null, null));
        return list.get("total").asInt();
    }

    // ------------------------------------------------------------------ helpers

    private void create(Distribution d, String key, String type, String upstreamUrl) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("key", key, "format", "rpm", "repo_type", type));
        if (upstreamUrl != null) {
            body.put("upstream_url", upstreamUrl);
            body.put("settings", Map.of("upstream_username", "admin", "upstream_password", PW));
        }
        json(d, "POST", "/api/v1/repositories", body, 201);
    }

    /** A new OpenPGP key made by the server; its id. */
    private String signingKey(Distribution d, String name) throws Exception {
        return d.createSigningKey(Map.of("name", name, "key_type", "gpg", "algorithm", "rsa4096", "uid_name",
                "RpmIT " + name, "uid_email", name + "@example.org")).get("id").asText();
    }

    private void configureSigning(Distribution d, String repo, String keyId, boolean requireSignatures) throws Exception {
        d.signRepository(repo, keyId, Map.of("require_signatures", requireSignatures));
    }

    /** {@code rpmbuild -bb} of a tiny noarch package with a marker file and a config file. */
    private Path rpmbuild(String name, String version, String marker) throws Exception {
        Path top = Files.createDirectories(work.resolve("build").resolve(name + "-" + version + "-" + marker.hashCode()));
        Path spec = top.resolve(name + ".spec");
        Files.writeString(spec, "Name: " + name + "\nVersion: " + version + "\nRelease: 1\nSummary: Test package " + name
                + " <&>\nLicense: MIT\nURL: https://example.org/" + name + "\nBuildArch: noarch\nAutoReqProv: no\n"
                + "Provides: " + name + "-capability = " + version + "\n\n%description\nBuilt by RpmIT: " + marker
                + "\n\n%install\nmkdir -p %{buildroot}/usr/share/" + name + " %{buildroot}/etc\n" + "echo '" + marker
                + "' > %{buildroot}/usr/share/" + name + "/marker.txt\necho conf > %{buildroot}/etc/" + name + ".conf\n\n"
                + "%files\n/usr/share/" + name + "/marker.txt\n%config(noreplace) /etc/" + name + ".conf\n\n%changelog\n"
                + "* Mon Dec 07 2026 Tester <tester@example.org> - " + version + "-1\n- built by the test: " + marker + "\n");
        Run r = run(top, Map.of(), 300, "rpmbuild", "-bb", "--quiet", "--define", "_topdir " + top.resolve("top"), "--define",
                "_rpmdir " + top.resolve("out"), spec.toString());
        assertThat(r.code).as("rpmbuild: %s", r.out).isZero();
        Path rpm = top.resolve("out/noarch/" + name + "-" + version + "-1.noarch.rpm");
        assertThat(rpm).exists();
        return rpm;
    }

    /** {@code rpmsign --addsign} with the test's gpg key; the signed copy. */
    private Path sign(Path rpm) throws Exception {
        Path signed = rpm.resolveSibling("signed-" + rpm.getFileName());
        Files.copy(rpm, signed);
        Run r = run(work, gpgEnv(), 300, "rpmsign", "--addsign", "--define", "__gpg /usr/bin/gpg", "--define",
                "_gpg_name packager@example.org", signed.toString());
        assertThat(r.code).as("rpmsign: %s", r.out).isZero();
        return signed;
    }

    private record Run(int code, String out) {
    }

    private static Run run(Path dir, Map<String, String> env, int timeoutSeconds, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s: " + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out));
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }

    private static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >> 24);
        b[at + 1] = (byte) (v >> 16);
        b[at + 2] = (byte) (v >> 8);
        b[at + 3] = (byte) v;
    }
}
