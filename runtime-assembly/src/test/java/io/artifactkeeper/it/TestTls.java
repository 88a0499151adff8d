package io.artifactkeeper.it;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's keytool: the PKCS12 key store the
 * server is given ({@code AK_TLS_KEYSTORE}), the PEM a package client trusts (e.g. the go command's
 * {@code SSL_CERT_FILE}), and an {@link SSLContext} for the test's own HTTP client.
 */
final class TestTls {
    static final String PASSWORD = "changeit";

    private final Path keyStore;
    private final Path certificatePem;

    private TestTls(Path keyStore, Path certificatePem) {
        this.keyStore = keyStore;
        this.certificatePem = certificatePem;
    }

    static TestTls create(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path ks = dir.resolve("server.p12");
        Path pem = dir.resolve("server.pem");
        Files.deleteIfExists(ks);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "7", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(), "-storepass", PASSWORD,
                "-file", pem.toString()));
        return new TestTls(ks, pem);
    }

    Path keyStore() {
        return keyStore;
    }

    Path certificatePem() {
        return certificatePem;
    }

    /** A client context that trusts this certificate (and nothing else). */
    SSLContext clientContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
