package io.artifactkeeper.format.opkg.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
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
 * opkg feeds (OpenWrt and others) on {@code /opkg/{repo}/}: {@code .ipk} files in folders (a feed is
 * a folder, e.g. {@code packages/}), each folder's {@code Packages}, {@code Packages.gz} and
 * {@code Packages.sig} generated here (from the packages stored, the upstream's {@code Packages} of a
 * remote, or the members' of a virtual) and signed with the repository's key from the signing API;
 * {@code /opkg/{repo}/key} is the public key. Packages are served byte for byte, so the checksums
 * the index lists stay valid.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=opkg")
public final class OpkgFormat implements FormatHandler {
    static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("opkg", List.of(), "opkg", "opkg (OpenWrt ipk)",
            List.of("ipk"));
    static final String ATTR = "opkg";
    static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._~:-]{0,250}\\.ipk");
    static final String INDEX_FILES = "{file:Packages(?:\\.gz|\\.sig)?}";
    static final String IPK_TYPE = "application/vnd.openwrt.ipk";
    private final DocumentCache documents = new DocumentCache();

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.read("key", "key"),
                Route.read("rootIndex", INDEX_FILES).metadata(),
                Route.read("index", "{dir+}/" + INDEX_FILES).metadata(),
                Route.read("package", "{path+}"),
                Route.of("upload", "PUT", "{path+}", Access.WRITE),
                Route.of("delete", "DELETE", "{path+}", Access.DELETE));
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return new ProxyPolicy() {
            @Override
            public AssetKind kindOf(String path) {
                String f = path.substring(path.lastIndexOf('/') + 1);
                return f.startsWith(FeedIndex.PACKAGES) ? AssetKind.METADATA : AssetKind.CONTENT;
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
            case "key" -> key(repo);
            case "rootIndex" -> index(repo, "", m.param("file"));
            case "index" -> index(repo, dir(m.param("dir")), m.param("file"));
            case "package" -> repo.get(packagePath(m.param("path"))).map(FormatResponse::asset)
                    .orElseThrow(() -> FormatException.notFound("no package " + m.param("path")));
            case "upload" -> upload(req, repo, packagePath(m.param("path")));
            case "delete" -> {
                if (!repo.delete(packagePath(m.param("path")))) {
                    throw FormatException.notFound("no package " + m.param("path"));
                }
                yield FormatResponse.status(204);
            }
            default -> throw new IllegalStateException(m.name());
        };
    }

    private FormatResponse upload(FormatRequest req, RepositoryContext repo, String path) throws IOException {
        StoredAsset a = repo.put(path, req.body(), PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("path", a.path());
        body.put("name", a.name());
        body.put("version", a.version());
        return FormatResponse.status(201).body("application/json", Json.bytesOf(body));
    }

    /**
     * A stored package is checked here, from the stored bytes, before it becomes visible: an ipk whose
     * control names this file ({@code {Package}_{Version}_{Architecture}.ipk}). Its index stanza
     * (control fields, file name, size, SHA-256 and MD5) is kept with it.
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        String file = path.substring(path.lastIndexOf('/') + 1);
        if (!FILE.matcher(file).matches()) {
            throw new InvalidArtifactException("opkg packages are {Package}_{Version}_{Architecture}.ipk files, not " + path);
        }
        Control.Stanza control;
        try (InputStream in = content.open()) {
            control = IpkPackage.read(in);
        } catch (IpkPackage.BadPackageException e) {
            throw new InvalidArtifactException(e.getMessage());
        }
        String name = control.get("Package");
        String version = control.get("Version");
        String arch = control.get("Architecture");
        String noEpoch = version.substring(version.indexOf(':') + 1);
        if (!file.equals(name + "_" + version + "_" + arch + ".ipk") && !file.equals(name + "_" + noEpoch + "_" + arch + ".ipk")) {
            throw new InvalidArtifactException("the package is " + name + " " + version + " for " + arch + ": its file name must be "
                    + name + "_" + noEpoch + "_" + arch + ".ipk, not " + file);
        }
        String md5;
        try (InputStream in = content.open()) {
            MessageDigest d = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[65536];
            for (int r; (r = in.read(buf)) > 0;) {
                d.update(buf, 0, r);
            }
            md5 = HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Control.Stanza entry = FeedIndex.entry(control, file, content.size(), content.sha256(), md5);
        return new ArtifactDescription(name, version, IPK_TYPE, Map.of(ATTR, entry.text()));
    }

    private FormatResponse key(RepositoryContext repo) throws IOException {
        RepositorySigner s = repo.signing().metadataSigner()
                .orElseThrow(() -> FormatException.notFound("repository " + repo.key() + " has no signing key"));
        return FormatResponse.ok(FeedIndex.isUsign(s) ? "text/plain" : "application/pgp-keys", FeedIndex.publicKey(s));
    }

    private FormatResponse index(RepositoryContext repo, String dir, String file) throws IOException {
        SigningSettings signing = repo.signing();
        Optional<RepositorySigner> signer = signing.metadataSigner();
        // each member's stanzas: generated once per change for hosted ones, the upstream's for remote ones
        List<List<Control.Stanza>> parts = Members.values(repo, Members.bySource(
                hosted -> Optional.of(hostedEntries(hosted, dir)),
                remote -> remoteEntries(remote, dir)));
        List<Control.Stanza> all = new ArrayList<>();
        parts.forEach(all::addAll);
        byte[] text = FeedIndex.text(all);
        String stamp = signing.stamp() + ":" + DocumentCache.etag(text);
        String key = repo.key() + ":" + dir + ":";
        return switch (file) {
            case "Packages" -> documents.get(key + "Packages", stamp, () -> text).response("text/plain; charset=utf-8");
            case "Packages.gz" -> documents.get(key + "Packages.gz", stamp, () -> FeedIndex.gzip(text)).response("application/gzip");
            default -> {
                RepositorySigner s = signer.orElseThrow(
                        () -> FormatException.notFound("repository " + repo.key() + " does not sign its index"));
                yield documents.get(key + "Packages.sig", stamp, () -> FeedIndex.signature(s, text))
                        .response(FeedIndex.isUsign(s) ? "text/plain" : "application/pgp-signature");
            }
        };
    }

    private List<Control.Stanza> hostedEntries(RepositoryContext hosted, String dir) throws IOException {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        byte[] text = documents.get(hosted, prefix, "stanzas:" + dir, () -> {
            StringBuilder b = new StringBuilder();
            for (StoredAsset a : hosted.list(prefix)) {
                String rel = a.path().substring(prefix.length());
                if (!rel.contains("/") && rel.endsWith(".ipk") && a.attributes().get(ATTR) instanceof String s) {
                    b.append(s).append('\n');
                }
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }).bytes();
        return Control.parseAll(text, FeedIndex.MAX_PACKAGES);
    }

    private Optional<List<Control.Stanza>> remoteEntries(RepositoryContext remote, String dir) throws IOException {
        Optional<StoredAsset> a = remote.get((dir.isEmpty() ? "" : dir + "/") + FeedIndex.PACKAGES);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset idx = a.get();
        if (idx.size() > 256L << 20) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's Packages is larger than 256 MiB");
        }
        byte[] text;
        try (InputStream in = idx.open()) {
            text = in.readAllBytes();
        }
        try {
            List<Control.Stanza> out = new ArrayList<>();
            for (Control.Stanza s : Control.parseAll(text, FeedIndex.MAX_PACKAGES)) {
                if (s.get("Package") != null && s.get("Version") != null && s.get("Architecture") != null) {
                    out.add(s);
                }
            }
            return Optional.of(out);
        } catch (Control.BadControlException e) {
            throw new FormatException(502, "BAD_UPSTREAM", "the upstream's Packages is unreadable: " + e.getMessage());
        }
    }

    private static String dir(String d) {
        for (String s : d.split("/", -1)) {
            if (!SEGMENT.matcher(s).matches()) {
                throw FormatException.badRequest("invalid folder name: " + s);
            }
        }
        return d;
    }

    private static String packagePath(String path) {
        int slash = path.lastIndexOf('/');
        String file = path.substring(slash + 1);
        if (!FILE.matcher(file).matches()) {
            throw FormatException.notFound("no such file " + path);
        }
        return slash < 0 ? file : dir(path.substring(0, slash)) + "/" + file;
    }
}
