package io.artifactkeeper.wasm.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.artifactkeeper.api.net.OutboundPolicy;

/** Plugin sources: Git (JGit), ZIP, multipart upload, Ed25519 signatures. */
class SourcesTest {
    static final byte[] TOML = "[plugin]\nname = \"p\"\nversion = \"1\"\n[format]\nkey = \"p\"\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] WASM = {0, 'a', 's', 'm', 1, 0, 0, 0};

    /** Lets everything through (the address filter itself is the core's, tested there). */
    static final OutboundPolicy ANY = uri -> java.util.List.of();

    /** The repository's .git over "dumb" HTTP: static files after git update-server-info. */
    static com.sun.net.httpserver.HttpServer serve(Path repo) throws Exception {
        Process p = new ProcessBuilder("git", "update-server-info").directory(repo.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.SimpleFileServer.createFileServer(
                new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0), repo.resolve(".git"),
                com.sun.net.httpserver.SimpleFileServer.OutputLevel.NONE);
        s.start();
        return s;
    }

    @Test
    void gitByBranchTagAndCommitInASubfolder(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("plugins/p"));
        Files.write(repo.resolve("plugins/p/plugin.toml"), TOML);
        Files.write(repo.resolve("plugins/p/plugin.wasm"), WASM);
        Files.write(repo.resolve("plugins/p/plugin.wasm.sig"), new byte[64]);
        RevCommit c;
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            c = git.commit().setMessage("p").setAuthor("t", "t@example.org").setCommitter("t", "t@example.org").setSign(false)
                    .call();
            git.tag().setName("v1").setAnnotated(true).setMessage("v1").setTagger(new org.eclipse.jgit.lib.PersonIdent("t",
                    "t@example.org")).setSigned(false).call();
        }
        com.sun.net.httpserver.HttpServer http = serve(repo);
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/";
            for (String ref : new String[] {"main", "v1", c.getName(), c.getName().substring(0, 10)}) {
                PluginPackage p = GitSource.fetch(url, ref, "/plugins/p/", dir.resolve("tmp"), ANY);
                assertThat(p.wasm()).isEqualTo(WASM);
                assertThat(p.manifest()).contains("key = \"p\"");
                assertThat(p.signature()).hasSize(64);
                assertThat(p.commit()).isEqualTo(c.getName());
            }
            assertThat(GitSource.fetch(url, null, "plugins/p", dir.resolve("tmp"), ANY).commit()).isEqualTo(c.getName());
            assertThatThrownBy(() -> GitSource.fetch(url, "nope", "plugins/p", dir.resolve("tmp"), ANY))
                    .hasMessageContaining("ref 'nope' not found");
            assertThatThrownBy(() -> GitSource.fetch(url, "main", "", dir.resolve("tmp"), ANY))
                    .hasMessageContaining("no plugin.toml in the repository's root");
            assertThatThrownBy(() -> GitSource.fetch(url, "main", "../x", dir.resolve("tmp"), ANY))
                    .hasMessageContaining("..");
            assertThatThrownBy(() -> GitSource.fetch(url + "missing/", "main", "", dir.resolve("tmp"), ANY))
                    .hasMessageContaining("cannot fetch").hasMessageNotContaining("404");
            // the policy decides before anything is fetched
            assertThatThrownBy(() -> GitSource.fetch(url, "main", "plugins/p", dir.resolve("tmp"), uri -> {
                throw new OutboundPolicy.OutboundRefusedException("outbound request to " + uri.getHost() + " refused: loopback");
            })).hasMessageContaining("refused: loopback");
        } finally {
            http.stop(0);
        }
        // local paths and other transports JGit knows are not accepted at all
        for (String other : new String[] {repo.toUri().toString(), repo.toString(), "ssh://git@127.0.0.1/x.git",
            "git://127.0.0.1/x.git", "git@github.com:x/y.git"}) {
            assertThatThrownBy(() -> GitSource.fetch(other, "main", "plugins/p", dir.resolve("tmp"), ANY))
                    .as(other).hasMessageContaining("only http(s) Git URLs");
        }
        try (var s = Files.list(dir.resolve("tmp"))) {
            assertThat(s.toList()).as("clones are removed").isEmpty();
        }
    }

    static byte[] zip(String... namesAndContents) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                z.putNextEntry(new ZipEntry(namesAndContents[i]));
                z.write(namesAndContents[i + 1].getBytes(StandardCharsets.ISO_8859_1));
                z.closeEntry();
            }
        }
        return bo.toByteArray();
    }

    @Test
    void zipAtTheRootOrInItsOnlyFolder() throws Exception {
        String toml = new String(TOML, StandardCharsets.ISO_8859_1);
        String wasm = new String(WASM, StandardCharsets.ISO_8859_1);
        assertThat(PluginPackage.fromZip(zip("plugin.toml", toml, "x.wasm", wasm), null).wasm()).isEqualTo(WASM);
        assertThat(PluginPackage.fromZip(zip("p/plugin.toml", toml, "p/plugin.wasm", wasm), null).wasm()).isEqualTo(WASM);
        assertThatThrownBy(() -> PluginPackage.fromZip(zip("plugin.toml", toml, "a.wasm", wasm, "b.wasm", wasm), null))
                .hasMessageContaining("several .wasm modules");
        assertThatThrownBy(() -> PluginPackage.fromZip(zip("plugin.toml", toml), null)).hasMessageContaining("no .wasm module");
        assertThatThrownBy(() -> PluginPackage.fromZip("not a zip".getBytes(), null)).hasMessageContaining("not a ZIP");
    }

    @Test
    void multipartField() {
        String body = "--xyz\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nnope\r\n--xyz\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"p.zip\"\r\nContent-Type: application/zip\r\n\r\n"
                + "PK\u0003\u0004data\r\n--xyz--\r\n";
        byte[] f = PluginsApi.Multipart.field(body.getBytes(StandardCharsets.ISO_8859_1), "multipart/form-data; boundary=xyz",
                "file");
        assertThat(new String(f, StandardCharsets.ISO_8859_1)).isEqualTo("PK\u0003\u0004data");
        assertThat(PluginsApi.Multipart.field(body.getBytes(StandardCharsets.ISO_8859_1), "multipart/form-data; boundary=xyz",
                "missing")).isNull();
    }

    /**
     * Found reviewing PluginInstallFuzzTest#multipart: the boundary had no length limit, and the body
     * (up to 256 MiB) is searched with it byte by byte, so a boundary of a few KiB cost minutes of CPU.
     */
    @Test
    void multipartBoundaryOfRfcLength() {
        byte[] body = "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nx\r\n--b--\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(PluginsApi.Multipart.field(body, "multipart/form-data; boundary=b", "file")).containsExactly('x');
        for (String ct : new String[] {"multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
            "multipart/form-data; boundary=" + "b".repeat(71)}) {
            assertThatThrownBy(() -> PluginsApi.Multipart.field(body, ct, "file")).as(ct)
                    .isInstanceOf(io.artifactkeeper.api.format.FormatException.class).hasMessageContaining("1 to 70");
        }
    }

    @Test
    void ed25519Signatures() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(kp.getPrivate());
        s.update(WASM);
        byte[] sig = s.sign();
        String spki = Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
        String raw = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(kp.getPublic().getEncoded(), 12, 44));
        for (String key : new String[] {spki, raw, "-----BEGIN PUBLIC KEY-----\n" + spki + "\n-----END PUBLIC KEY-----\n"}) {
            var pk = SignatureCheck.parseKey(key);
            assertThat(SignatureCheck.verify(pk, WASM, sig)).isTrue();
            assertThat(SignatureCheck.verify(pk, WASM, Base64.getEncoder().encodeToString(sig).getBytes())).isTrue();
            assertThat(SignatureCheck.verify(pk, "other".getBytes(), sig)).isFalse();
            assertThat(SignatureCheck.verify(pk, WASM, new byte[64])).isFalse();
        }
    }
}
