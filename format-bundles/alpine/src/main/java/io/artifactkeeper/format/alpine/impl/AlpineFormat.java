package io.artifactkeeper.format.alpine.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import io.artifactkeeper.api.format.Access;
import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatDescriptor;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatHandler;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.ProxyPolicy;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.Route;
import io.artifactkeeper.api.format.RouteMatch;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.api.signing.RepositorySigner;
import io.artifactkeeper.api.signing.SigningSettings;
import io.artifactkeeper.format.support.DocumentCache;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.Members;

/**
 * Alpine package repositories as apk-tools v2 reads them: {@code /alpine/{repo}/{branch}/{section}/{arch}/}
 * holds {@code .apk} files and {@code APKINDEX.tar.gz}; {@code /alpine/{repo}/keys/{name}.rsa.pub} is the
 * public key apk verifies the index with. Every index this format serves is generated here (from the
 * packages stored, the upstream's index of a remote, or the members' of a virtual) and signed with the
 * repository's RSA key from the signing API; the packages themselves are served byte for byte, so the
 * control checksums the index lists stay valid.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=alpine")
public final class AlpineFormat implements FormatHandler {
    static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("alpine", List.of(), "alpine", "Alpine (apk)",
            List.of("apk"));
    static final String ATTR = "apk";
    static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._~-]{0,250}\\.apk");
    static final String APK_TYPE = "application/vnd.alpine.apk";
    private final DocumentCache documents = new DocumentCache();

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.read("key", "keys/{file}"),
                Route.read("index", "{branch}/{section}/{arch}/" + ApkIndex.FILE).metadata(),
                Route.read("package", "{branch}/{section}/{arch}/{file}"),
                Route.of("upload", "PUT", "{branch}/{section}/{arch}/{file}", Access.WRITE),
                Route.of("delete", "DELETE", "{branch}/{section}/{arch}/{file}", Access.DELETE));
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return new ProxyPolicy() {
            @Override
            public AssetKind kindOf(String path) {
                return path.endsWith("/" + ApkIndex.FILE) ? AssetKind.METADATA : AssetKind.CONTENT;
            }
        };
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        return FormatResponse.text(status, (message == null ? code : message) + "\n");
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case "key" -> key(repo, m.param("file"));
            case "index" -> index(repo, dir(m));
            case "package" -> repo.get(dir(m) + "/" + file(m)).map(FormatResponse::asset)
                    .orElseThrow(() -> FormatException.notFound("no package " + m.param("file")));
            case "upload" -> upload(req, repo, dir(m), file(m));
            case "delete" -> {
                if (!repo.delete(dir(m) + "/" + file(m))) {
                    throw FormatException.notFound("no package " + m.param("file"));
                }
                yield FormatResponse.status(204);
            }
            default -> throw new IllegalStateException(m.name());
        };
    }

    private FormatResponse upload(FormatRequest req, RepositoryContext repo, String dir, String file) throws IOException {
        StoredAsset a = repo.put(dir + "/" + file, req.body(), PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("path", a.path());
        body.put("name", a.name());
        body.put("version", a.version());
        return FormatResponse.status(201).body("application/json", Json.bytesOf(body));
    }

    /**
     * A stored package is checked here, from the stored bytes, before it becomes visible: it must be
     * an apk whose {@code .PKGINFO} names this file ({@code {pkgname}-{pkgver}.apk}) and this
     * architecture (or {@code noarch}).
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        String[] p = path.split("/");
        if (p.length != 4 || !p[3].endsWith(".apk")) {
            throw new InvalidArtifactException("packages go to {branch}/{section}/{arch}/{name}-{version}.apk, not " + path);
        }
        ApkIndex.Entry e;
        try {
            e = ApkPackage.read(() -> {
                try {
                    return content.open();
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            }, content.size());
        } catch (ApkPackage.BadPackageException x) {
            throw new InvalidArtifactException(x.getMessage());
        } catch (UncheckedIOException x) {
            throw x.getCause();
        }
        String expected = e.name() + "-" + e.version() + ".apk";
        if (!p[3].equals(expected)) {
            throw new InvalidArtifactException("the package is " + e.name() + " " + e.version() + ": its file name must be "
                    + expected + ", not " + p[3]);
        }
        if (!e.arch().equals(p[2]) && !e.arch().equals("noarch")) {
            throw new InvalidArtifactException("the package is built for " + e.arch() + ", not for " + p[2]);
        }
        return new ArtifactDescription(e.name(), e.version(), APK_TYPE, Map.of(ATTR, e.fields()));
    }

    private FormatResponse key(RepositoryContext repo, String file) throws IOException {
        RepositorySigner s = rsaSigner(repo.signing())
                .orElseThrow(() -> FormatException.notFound("repository " + repo.key() + " has no signing key"));
        if (!file.equals(keyFileName(s))) {
            throw FormatException.notFound("no key " + file + " (this repository signs with " + keyFileName(s) + ")");
        }
        return FormatResponse.ok("application/x-pem-file", s.publicKeyText().getBytes(StandardCharsets.US_ASCII));
    }

    private FormatResponse index(RepositoryContext repo, String dir) throws IOException {
        SigningSettings signing = repo.signing();
        Optional<RepositorySigner> signer = rsaSigner(signing);
        // each member's records: generated once per change for hosted ones, the upstream's for remote ones
        List<List<ApkIndex.Entry>> parts = Members.values(repo, Members.bySource(
                hosted -> Optional.of(hostedEntries(hosted, dir)),
                remote -> remoteEntries(remote, dir)));
        StringBuilder stamp = new StringBuilder(signing.stamp());
        List<ApkIndex.Entry> all = new ArrayList<>();
        for (List<ApkIndex.Entry> part : parts) {
            all.addAll(part);
        }
        byte[] text = ApkIndex.text(all);
        stamp.append(':').append(DocumentCache.etag(text));
        DocumentCache.Document d = documents.get("index:" + repo.key() + ":" + dir, stamp.toString(),
                () -> ApkIndex.archive(text, repo.key() + " " + dir, signer, signer.map(AlpineFormat::keyFileName).orElse(null)));
        return d.response("application/gzip");
    }

    private List<ApkIndex.Entry> hostedEntries(RepositoryContext hosted, String dir) throws IOException {
        byte[] text = documents.get(hosted, dir + "/", "records:" + dir, () -> {
            List<ApkIndex.Entry> es = new ArrayList<>();
            for (StoredAsset a : hosted.list(dir + "/")) {
                if (a.path().endsWith(".apk") && a.attributes().get(ATTR) instanceof Map<?, ?> f) {
                    Map<String, String> fields = new LinkedHashMap<>();
                    f.forEach((k, v) -> fields.put(String.valueOf(k), String.valueOf(v)));
                    es.add(new ApkIndex.Entry(fields));
                }
            }
            return ApkIndex.text(es);
        }).bytes();
        return ApkIndex.parse(text);
    }

    private Optional<List<ApkIndex.Entry>> remoteEntries(RepositoryContext remote, String dir) throws IOException {
        Optional<StoredAsset> a = remote.get(dir + "/" + ApkIndex.FILE);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset idx = a.get();
        byte[] text = documents.get("upstream:" + idx.sha256(), idx.sha256(), () -> {
            try (InputStream in = idx.open()) {
                return ApkIndex.textOf(in);
            }
        }).bytes();
        try {
            return Optional.of(ApkIndex.parse(text));
        } catch (IOException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's " + ApkIndex.FILE + " is unreadable: " + e.getMessage());
        }
    }

    /**
     * The signer for the index when one is configured: it must be an RSA key (apk-tools v2 verifies
     * RSA signatures only); a gpg or ed25519 key is the operator's mistake and said so.
     */
    static Optional<RepositorySigner> rsaSigner(SigningSettings s) {
        Optional<RepositorySigner> signer = s.metadataSigner();
        if (signer.isPresent() && !signer.get().algorithm().startsWith("rsa")) {
            throw new FormatException(409, "SIGNING_KEY_UNSUITABLE", "Alpine indexes are signed with an RSA key; key "
                    + signer.get().name() + " is " + signer.get().keyType() + "/" + signer.get().algorithm());
        }
        return signer;
    }

    /** The key file name apk looks up in /etc/apk/keys: the key's name and the start of its fingerprint. */
    static String keyFileName(RepositorySigner s) {
        String base = s.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._@-]+", "-").replaceAll("^-+|-+$", "");
        if (base.isEmpty()) {
            base = "key";
        }
        return base + "-" + s.fingerprint().substring(0, 8).toLowerCase(Locale.ROOT) + ".rsa.pub";
    }

    private static String dir(RouteMatch m) {
        return segment(m.param("branch")) + "/" + segment(m.param("section")) + "/" + segment(m.param("arch"));
    }

    private static String file(RouteMatch m) {
        String f = m.param("file");
        if (!FILE.matcher(f).matches()) {
            throw FormatException.notFound("no such file " + f);
        }
        return f;
    }

    private static String segment(String s) {
        if (!SEGMENT.matcher(s).matches()) {
            throw FormatException.badRequest("invalid path segment: " + s);
        }
        return s;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
