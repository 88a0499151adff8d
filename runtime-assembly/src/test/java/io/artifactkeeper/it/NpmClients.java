package io.artifactkeeper.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The npm-family clients the npm end-to-end test drives (npm from the machine; yarn 1, yarn 4,
 * pnpm, bower and verdaccio from {@code .ci/run}'s install under {@code /opt/ak-npm-clients}), run
 * as processes with their own HOME so that no user configuration leaks in; plus small helpers that
 * build npm tarballs and publish documents by hand for the protocol-level checks.
 */
final class NpmClients {
    static final Path HOME = Path.of(System.getenv().getOrDefault("AK_NPM_CLIENTS", "/opt/ak-npm-clients"));
    private static final String INSTALL_HINT = "run .ci/run (or: mkdir -p /opt/ak-npm-clients && cd /opt/ak-npm-clients && "
            + "npm install yarn@1.22.22 @yarnpkg/cli-dist@4.18.1 pnpm@10.34.9 bower@1.8.14 verdaccio@6.8.0 with "
            + "\"overrides\": {\"node-fetch\": \"2.7.0\"})";

    record Result(int exit, String output) {
        Result ok() {
            assertThat(exit).as("exit code; output:\n" + output).isZero();
            return this;
        }
    }

    private NpmClients() {
    }

    static String npm() {
        return requireOnPath("npm", "the Debian/NodeSource 'npm' (nodejs) package");
    }

    static String node() {
        return requireOnPath("node", "the 'nodejs' package");
    }

    static Path script(String relative, String npmPackage) {
        Path p = HOME.resolve("node_modules").resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("npm package " + npmPackage + " is not installed (" + p + " missing): " + INSTALL_HINT);
        }
        return p;
    }

    static Path yarnClassic() {
        return script("yarn/bin/yarn.js", "yarn@1.22.22");
    }

    static Path yarnBerry() {
        return script("@yarnpkg/cli-dist/bin/yarn.js", "@yarnpkg/cli-dist@4.18.1");
    }

    static Path pnpm() {
        return script("pnpm/bin/pnpm.cjs", "pnpm@10.34.9");
    }

    static Path bower() {
        return script("bower/bin/bower", "bower@1.8.14");
    }

    static Path verdaccio() {
        return script("verdaccio/bin/verdaccio", "verdaccio@6.8.0");
    }

    private static String requireOnPath(String tool, String pkg) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        throw new AssertionError(tool + " is not on the PATH: install " + pkg);
    }

    /** The environment every client runs with: a private HOME, no update checks, no telemetry. */
    static Map<String, String> env(Path home) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("HOME", home.toString());
        e.put("npm_config_update_notifier", "false");
        e.put("npm_config_fund", "false");
        e.put("NO_UPDATE_NOTIFIER", "1");
        e.put("YARN_ENABLE_TELEMETRY", "0");
        e.put("CI", "true");
        return e;
    }

    static Result run(Path dir, Path home, String... cmd) throws Exception {
        return run(dir, env(home), List.of(cmd));
    }

    static Result run(Path dir, Map<String, String> env, List<String> cmd) throws Exception {
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("npm-client-", ".log");
        pb.redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " timed out:\n" + Files.readString(out));
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        System.out.println("[npm-it] $ " + String.join(" ", cmd) + " -> " + p.exitValue());
        return new Result(p.exitValue(), text);
    }

    /**
     * Runs an interactive command, answering each prompt (in order) once it has appeared in the
     * output: the way a person types into {@code npm login}.
     */
    static Result interactive(Path dir, Path home, List<String> cmd, List<Map.Entry<String, String>> answers)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env(home));
        Process p = pb.start();
        StringBuffer text = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] b = new byte[1024];
                int n;
                while ((n = in.read(b)) > 0) {
                    text.append(new String(b, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        try (OutputStream stdin = p.getOutputStream()) {
            int from = 0;
            for (Map.Entry<String, String> a : answers) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int at;
                while ((at = text.indexOf(a.getKey(), from)) < 0) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new AssertionError("no prompt '" + a.getKey() + "' from " + cmd + ":\n" + text);
                    }
                    Thread.sleep(50);
                }
                from = at + a.getKey().length();
                stdin.write((a.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " timed out:\n" + text);
        }
        reader.join(5000);
        return new Result(p.exitValue(), text.toString());
    }

    /** {@code .npmrc} pointing npm/pnpm/yarn 1 at a registry with a bearer token. */
    static void npmrc(Path dir, String registry, String token) throws IOException {
        Files.createDirectories(dir);
        String reg = registry.endsWith("/") ? registry : registry + "/";
        String nerf = reg.replaceFirst("^https?:", "");
        StringBuilder sb = new StringBuilder("registry=" + reg + "\n");
        if (token != null) {
            sb.append(nerf).append(":_authToken=").append(token).append("\n");
        }
        Files.writeString(dir.resolve(".npmrc"), sb.toString());
    }

    static void packageJson(Path dir, String json) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), json);
    }

    // --- npm tarballs and publish documents made by hand

    /** A gzip'd ustar archive with {@code package/package.json} and {@code package/index.js}. */
    static byte[] tgz(String name, String version, String marker) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
            entry(gz, "package/package.json", ("{\"name\":\"" + name + "\",\"version\":\"" + version + "\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
            entry(gz, "package/index.js", ("module.exports = " + quote(marker) + ";\n").getBytes(StandardCharsets.UTF_8));
            gz.write(new byte[1024]);
        }
        return raw.toByteArray();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static void entry(OutputStream out, String path, byte[] data) throws IOException {
        byte[] h = new byte[512];
        put(h, 0, path);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, String.format("%011o", 1_700_000_000L));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        out.write(h);
        out.write(data);
        int pad = (512 - data.length % 512) % 512;
        out.write(new byte[pad]);
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    static String hex(String algo, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(b));
    }

    static String integrity(byte[] b) throws Exception {
        return "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(b));
    }

    /** The document {@code npm publish} sends, built the way libnpmpublish builds it. */
    static Map<String, Object> publishDocument(String name, String version, byte[] tgz, String registry) throws Exception {
        String base = name.contains("/") ? name.substring(name.indexOf('/') + 1) : name;
        Map<String, Object> dist = new LinkedHashMap<>();
        dist.put("integrity", integrity(tgz));
        dist.put("shasum", hex("SHA-1", tgz));
        dist.put("tarball", registry + "/" + name + "/-/" + base + "-" + version + ".tgz");
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("name", name);
        manifest.put("version", version);
        manifest.put("_id", name + "@" + version);
        manifest.put("dist", dist);
        Map<String, Object> att = new LinkedHashMap<>();
        att.put("content_type", "application/octet-stream");
        att.put("data", Base64.getEncoder().encodeToString(tgz));
        att.put("length", tgz.length);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("_id", name);
        doc.put("name", name);
        doc.put("description", "test package " + name);
        doc.put("dist-tags", Map.of("latest", version));
        doc.put("versions", Map.of(version, manifest));
        doc.put("access", null);
        doc.put("_attachments", Map.of(name + "-" + version + ".tgz", att));
        return doc;
    }

    static List<String> cmd(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            out.add(p.toString());
        }
        return out;
    }
}
