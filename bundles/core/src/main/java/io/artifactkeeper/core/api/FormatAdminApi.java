package io.artifactkeeper.core.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.core.http.ApiException;
import io.artifactkeeper.core.http.Exchange;
import io.artifactkeeper.core.http.Router;
import io.artifactkeeper.core.repo.FormatRegistry;

/**
 * Installing, updating and removing format bundles at run time through the API. A bundle is put
 * into {@code deploy/} as {@code <symbolic-name>.jar}, the same folder an operator drops jars into,
 * so that FileInstall does the install or in-place update, and it comes back after a restart.
 */
public final class FormatAdminApi {
    private static final long MAX_BUNDLE_BYTES = 256L * 1024 * 1024;
    private static final Pattern BSN = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private final BundleContext ctx;
    private final FormatRegistry formats;

    public FormatAdminApi(BundleContext ctx, FormatRegistry formats) {
        this.ctx = ctx;
        this.formats = formats;
    }

    public void register(Router r) {
        r.add("POST", "/api/v1/formats/install", this::install);
        r.add("DELETE", "/api/v1/formats/{key}", this::remove);
    }

    private Path deployDir() {
        String d = ctx.getProperty("felix.fileinstall.dir");
        if (d == null || d.isBlank()) {
            throw ApiException.unavailable("hot deployment is not configured (felix.fileinstall.dir)");
        }
        return Path.of(d);
    }

    private void install(Exchange ex) throws Exception {
        ex.requireAdmin();
        Path deploy = deployDir();
        Files.createDirectories(deploy);
        // written beside deploy/ on the same file system, so the final move is atomic and FileInstall
        // never sees half a jar
        Path tmp = Files.createTempFile(deploy.getParent(), ".upload-", ".jar.part");
        try {
            try (InputStream in = ex.request().getInputStream()) {
                long n = Files.copy(limited(in), tmp, StandardCopyOption.REPLACE_EXISTING);
                if (n == 0) {
                    throw ApiException.badRequest("the request body must be a bundle jar");
                }
            }
            String bsn;
            String version;
            try (JarFile jar = new JarFile(tmp.toFile())) {
                Manifest mf = jar.getManifest();
                Attributes a = mf == null ? null : mf.getMainAttributes();
                bsn = a == null ? null : a.getValue("Bundle-SymbolicName");
                version = a == null ? null : a.getValue("Bundle-Version");
                String caps = a == null ? null : a.getValue("Provide-Capability");
                if (bsn == null) {
                    throw ApiException.badRequest("not an OSGi bundle: the manifest has no Bundle-SymbolicName");
                }
                bsn = bsn.split(";")[0].trim();
                if (!BSN.matcher(bsn).matches()) {
                    throw ApiException.badRequest("unusable Bundle-SymbolicName: " + bsn);
                }
                if (!providesService(caps, FormatHandler.class.getName())) {
                    throw ApiException.badRequest("bundle " + bsn + " provides no " + FormatHandler.class.getName()
                            + " service; only format bundles are installed here");
                }
            } catch (IOException e) {
                throw ApiException.badRequest("not a jar: " + e.getMessage());
            }
            Path target = deploy.resolve(bsn + ".jar");
            boolean update = Files.exists(target);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            List<FormatRegistry.Entry> active = awaitActive(bsn, version, 30_000);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bundle", bsn);
            m.put("version", version);
            m.put("updated", update);
            m.put("formats", active.stream().map(e -> e.descriptor().key()).toList());
            m.put("state", active.isEmpty() ? "installing" : "active");
            ex.json(active.isEmpty() ? 202 : (update ? 200 : 201), m);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * True when the Provide-Capability header (OSGi syntax: clauses of a namespace, attributes and
     * directives) has an {@code osgi.service} capability whose {@code objectClass} names
     * {@code service}, as DS components declare it. A mention anywhere else does not count.
     */
    static boolean providesService(String header, String service) {
        if (header == null) {
            return false;
        }
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause, ';');
            if (parts.isEmpty() || !parts.get(0).trim().equals("osgi.service")) {
                continue;
            }
            for (String part : parts.subList(1, parts.size())) {
                int eq = part.indexOf('=');
                if (eq < 0 || (eq > 0 && part.charAt(eq - 1) == ':')) {
                    continue; // a directive (uses:=...), not an attribute
                }
                String name = part.substring(0, eq).trim();
                int colon = name.indexOf(':');
                if (!(colon < 0 ? name : name.substring(0, colon)).trim().equals("objectClass")) {
                    continue;
                }
                String value = unquote(part.substring(eq + 1).trim());
                for (String cls : value.split(",")) {
                    if (cls.trim().equals(service)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Splits on {@code sep} outside double quotes (a backslash escapes inside them). */
    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                cur.append(c);
            } else if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return v;
    }

    private List<FormatRegistry.Entry> awaitActive(String bsn, String version, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < deadline) {
            List<FormatRegistry.Entry> found = new ArrayList<>();
            for (FormatRegistry.Entry e : formats.all()) {
                Bundle b = e.bundle();
                if (b != null && bsn.equals(b.getSymbolicName())
                        && (version == null || b.getVersion().toString().equals(normalize(version)))) {
                    found.add(e);
                }
            }
            if (!found.isEmpty()) {
                return found;
            }
            Thread.sleep(100);
        }
        return List.of();
    }

    private static String normalize(String v) {
        return org.osgi.framework.Version.parseVersion(v.trim()).toString();
    }

    private void remove(Exchange ex) throws Exception {
        ex.requireAdmin();
        FormatRegistry.Entry e = formats.byKey(ex.param("key"))
                .orElseThrow(() -> ApiException.notFound("no active format " + ex.param("key")));
        Bundle b = e.bundle();
        if (b == null) {
            throw ApiException.badRequest("format " + ex.param("key") + " is not provided by a bundle");
        }
        Path jar = deployDir().resolve(b.getSymbolicName() + ".jar");
        if (Files.deleteIfExists(jar)) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (formats.byKey(ex.param("key")).isPresent() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
        } else {
            // a bundle of the distribution's features: stopped until the next start
            try {
                b.stop(Bundle.STOP_TRANSIENT);
            } catch (BundleException be) {
                throw new ApiException(500, "BUNDLE_ERROR", be.getMessage());
            }
        }
        ex.noContent();
    }

    private static InputStream limited(InputStream in) {
        return new InputStream() {
            long count;

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0 && ++count > MAX_BUNDLE_BYTES) {
                    throw new ApiException(413, "TOO_LARGE", "bundle larger than " + MAX_BUNDLE_BYTES + " bytes");
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = in.read(buf, off, len);
                if (n > 0 && (count += n) > MAX_BUNDLE_BYTES) {
                    throw new ApiException(413, "TOO_LARGE", "bundle larger than " + MAX_BUNDLE_BYTES + " bytes");
                }
                return n;
            }
        };
    }
}
