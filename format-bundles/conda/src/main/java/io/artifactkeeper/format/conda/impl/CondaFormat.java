package io.artifactkeeper.format.conda.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * Conda channels: {@code /conda/{repo}/{subdir}/{name}-{version}-{build}.conda|.tar.bz2} packages,
 * {@code {subdir}/repodata.json} (+ {@code .zst}, {@code .sig}), {@code {subdir}/current_repodata.json},
 * {@code channeldata.json} and {@code public.key}. Every index is generated here (from the packages
 * stored, the upstream channel's repodata of a remote, or the members' of a virtual); with an Ed25519
 * key configured, {@code repodata.json.sig} holds the key's signature over the exact repodata.json bytes.
 */
@Component(property = FormatHandler.KEY_PROPERTY + "=conda_native")
public final class CondaFormat implements FormatHandler {
    static final FormatDescriptor DESCRIPTOR = new FormatDescriptor("conda_native", List.of("conda"), "conda", "Conda",
            List.of("conda", "tar.bz2"), List.of());
    static final String ATTR = "conda";
    static final Pattern FILE = Pattern.compile("([a-z0-9_][a-z0-9_.+-]{0,127})\\.(conda|tar\\.bz2)");
    static final long MAX_UPSTREAM = 512L << 20;
    static final String CONDA_TYPE = "application/x-conda";
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private final DocumentCache documents = new DocumentCache();

    @Override
    public FormatDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.read("key", "public.key"),
                Route.read("channeldata", "channeldata.json").metadata(),
                Route.read("repodata", "{subdir}/repodata.json").metadata(),
                Route.read("repodata-zst", "{subdir}/repodata.json.zst").metadata(),
                Route.read("repodata-sig", "{subdir}/repodata.json.sig").metadata(),
                Route.read("current", "{subdir}/current_repodata.json").metadata(),
                Route.read("package", "{subdir}/{file}"),
                Route.of("upload", "PUT", "{subdir}/{file}", Access.WRITE),
                Route.of("delete", "DELETE", "{subdir}/{file}", Access.DELETE));
    }

    @Override
    public ProxyPolicy proxyPolicy() {
        return new ProxyPolicy() {
            @Override
            public AssetKind kindOf(String path) {
                return path.endsWith(".json") ? AssetKind.METADATA : AssetKind.CONTENT;
            }
        };
    }

    @Override
    public FormatResponse renderError(int status, String code, String message) {
        return FormatResponse.status(status).body("application/json", Json.bytesOf(Map.of("error", code, "message",
                message == null ? code : message)));
    }

    @Override
    public FormatResponse handle(FormatRequest req, RepositoryContext repo) throws IOException {
        RouteMatch m = req.route();
        return switch (m.name()) {
            case "key" -> FormatResponse.ok("application/x-pem-file",
                    signer(repo.signing()).orElseThrow(() -> FormatException.notFound("repository " + repo.key()
                            + " has no signing key")).publicKeyText().getBytes(StandardCharsets.US_ASCII));
            case "channeldata" -> FormatResponse.ok("application/json", channeldata(repo));
            case "repodata" -> repodata(repo, subdir(m)).response("application/json");
            case "repodata-zst" -> {
                DocumentCache.Document r = repodata(repo, subdir(m));
                yield documents.get("zst:" + repo.key() + ":" + subdir(m), r.etag(), () -> Repodata.zstd(r.bytes()))
                        .response("application/zstd");
            }
            case "repodata-sig" -> signature(repo, subdir(m));
            case "current" -> {
                DocumentCache.Document r = repodata(repo, subdir(m));
                yield documents.get("current:" + repo.key() + ":" + subdir(m), r.etag(),
                        () -> Json.bytes(Repodata.current((ObjectNode) Json.readStored(new java.io.ByteArrayInputStream(r.bytes())))))
                        .response("application/json");
            }
            case "package" -> repo.get(subdir(m) + "/" + file(m)).map(FormatResponse::asset)
                    .orElseThrow(() -> FormatException.notFound("no package " + m.param("file")));
            case "upload" -> upload(req, repo, subdir(m) + "/" + file(m));
            case "delete" -> {
                if (!repo.delete(subdir(m) + "/" + file(m))) {
                    throw FormatException.notFound("no package " + m.param("file"));
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
        body.put("sha256", a.sha256());
        return FormatResponse.status(201).body("application/json", Json.bytesOf(body));
    }

    /**
     * A stored package is checked here, from the stored bytes, before it becomes visible: its
     * {@code info/index.json} must name this file ({@code {name}-{version}-{build}}) and this subdir.
     */
    @Override
    public ArtifactDescription describe(String path, AssetContent content) throws IOException {
        String[] p = path.split("/");
        if (p.length != 2 || !CondaPackage.SUBDIR.matcher(p[0]).matches() || !FILE.matcher(p[1]).matches()) {
            throw new InvalidArtifactException("packages go to {subdir}/{name}-{version}-{build}.conda or .tar.bz2, not " + path);
        }
        boolean conda = p[1].endsWith(".conda");
        ObjectNode index;
        try {
            if (conda) {
                try (var ch = content.channel()) {
                    index = CondaPackage.readConda(ch);
                }
            } else {
                try (InputStream in = content.open()) {
                    index = CondaPackage.readTarBz2(in);
                }
            }
        } catch (CondaPackage.BadPackageException e) {
            throw new InvalidArtifactException(e.getMessage());
        } catch (FormatException e) {
            throw new InvalidArtifactException(e.getMessage());
        }
        String name = index.get("name").asText();
        String version = index.get("version").asText();
        String expected = name + "-" + version + "-" + index.get("build").asText() + (conda ? ".conda" : ".tar.bz2");
        if (!p[1].equals(expected)) {
            throw new InvalidArtifactException("the package is " + expected + ": its file name must be that, not " + p[1]);
        }
        if (!index.get("subdir").asText().equals(p[0])) {
            throw new InvalidArtifactException("the package is built for subdir " + index.get("subdir").asText()
                    + ", not " + p[0]);
        }
        return new ArtifactDescription(name, version, CONDA_TYPE, Map.of(ATTR, CondaPackage.asMap(index)));
    }

    /** The repodata.json of {@code subdir}: the members' records merged, cached by their etags. */
    private DocumentCache.Document repodata(RepositoryContext repo, String subdir) throws IOException {
        List<DocumentCache.Document> parts = Members.values(repo, Members.bySource(
                hosted -> Optional.of(hostedRecords(hosted, subdir)),
                remote -> remoteRecords(remote, subdir)));
        StringBuilder stamp = new StringBuilder();
        for (DocumentCache.Document d : parts) {
            stamp.append(d.etag()).append(':');
        }
        return documents.get("repodata:" + repo.key() + ":" + subdir, stamp.toString(), () -> {
            ObjectNode all = Repodata.empty(subdir);
            for (DocumentCache.Document d : parts) {
                Repodata.merge(all, Json.readStored(new java.io.ByteArrayInputStream(d.bytes())));
            }
            return Json.bytes(Repodata.sorted(all));
        });
    }

    private DocumentCache.Document hostedRecords(RepositoryContext hosted, String subdir) throws IOException {
        return documents.get(hosted, subdir + "/", "records:" + subdir, () -> {
            ObjectNode r = Repodata.empty(subdir);
            for (StoredAsset a : hosted.list(subdir + "/")) {
                String file = a.path().substring(subdir.length() + 1);
                if (file.contains("/") || !(a.attributes().get(ATTR) instanceof Map<?, ?> index)) {
                    continue;
                }
                ObjectNode rec = Json.mapper().valueToTree(index);
                rec.put("md5", a.md5());
                rec.put("sha256", a.sha256());
                rec.put("size", a.size());
                if (!rec.path("timestamp").canConvertToLong()) {
                    rec.put("timestamp", a.createdAt().toEpochMilli());
                }
                ((ObjectNode) r.get(file.endsWith(".conda") ? Repodata.CONDA : Repodata.TAR_BZ2)).set(file, rec);
            }
            return Json.bytes(r);
        });
    }

    private Optional<DocumentCache.Document> remoteRecords(RepositoryContext remote, String subdir) throws IOException {
        Optional<StoredAsset> a = remote.get(subdir + "/repodata.json");
        if (a.isEmpty()) {
            return Optional.empty();
        }
        StoredAsset idx = a.get();
        return Optional.of(documents.get("upstream:" + idx.sha256(), idx.sha256(), () -> {
            JsonNode n;
            try (InputStream in = idx.open()) {
                n = Json.readUpstream(in, MAX_UPSTREAM, "the upstream's " + subdir + "/repodata.json");
            }
            if (!n.isObject()) {
                throw new FormatException(502, "BAD_UPSTREAM", "the upstream's repodata.json is not an object");
            }
            ObjectNode r = Repodata.empty(subdir);
            Repodata.merge(r, n);
            return Json.bytes(r);
        }));
    }

    private FormatResponse signature(RepositoryContext repo, String subdir) throws IOException {
        SigningSettings settings = repo.signing();
        RepositorySigner s = signer(settings).orElseThrow(() -> FormatException.notFound("repository " + repo.key()
                + " does not sign its repodata"));
        DocumentCache.Document r = repodata(repo, subdir);
        return documents.get("sig:" + repo.key() + ":" + subdir, settings.stamp() + ":" + r.etag(), () -> {
            ObjectNode sig = Json.object();
            sig.putObject("signatures").putObject(publicKeyHex(s))
                    .put("signature", HexFormat.of().formatHex(s.sign(r.bytes(), "Ed25519")));
            return Json.bytes(sig);
        }).response("application/json");
    }

    /** The channel's packages across its subdirs (each member's, merged). */
    private byte[] channeldata(RepositoryContext repo) throws IOException {
        List<ObjectNode> parts = Members.values(repo, Members.bySource(
                hosted -> Optional.of(hostedChanneldata(hosted)),
                remote -> {
                    Optional<StoredAsset> a = remote.get("channeldata.json");
                    if (a.isEmpty()) {
                        return Optional.empty();
                    }
                    try (InputStream in = a.get().open()) {
                        JsonNode n = Json.readUpstream(in, MAX_UPSTREAM, "the upstream's channeldata.json");
                        return Optional.of(n instanceof ObjectNode o ? o : Json.object());
                    }
                }));
        TreeMap<String, ObjectNode> packages = new TreeMap<>();
        TreeSet<String> subdirs = new TreeSet<>();
        for (ObjectNode part : parts) {
            part.path("subdirs").forEach(s -> subdirs.add(s.asText()));
            part.path("packages").properties().forEach(e -> {
                if (!e.getValue().isObject()) {
                    return;
                }
                ObjectNode have = packages.get(e.getKey());
                ObjectNode p = (ObjectNode) e.getValue();
                if (have == null) {
                    packages.put(e.getKey(), p.deepCopy());
                    return;
                }
                TreeSet<String> sd = new TreeSet<>();
                have.path("subdirs").forEach(s -> sd.add(s.asText()));
                p.path("subdirs").forEach(s -> sd.add(s.asText()));
                if (Repodata.Versions.compare(p.path("version").asText(), have.path("version").asText()) > 0) {
                    have.put("version", p.path("version").asText());
                }
                ArrayNode a = have.putArray("subdirs");
                sd.forEach(a::add);
            });
        }
        ObjectNode out = Json.object();
        out.put("channeldata_version", 1);
        ObjectNode ps = out.putObject("packages");
        packages.forEach(ps::set);
        ArrayNode a = out.putArray("subdirs");
        subdirs.forEach(a::add);
        return Json.bytes(out);
    }

    private ObjectNode hostedChanneldata(RepositoryContext hosted) throws IOException {
        byte[] b = documents.get(hosted, "", "channeldata", () -> {
            TreeSet<String> subdirs = new TreeSet<>();
            for (StoredAsset a : hosted.list("")) {
                int slash = a.path().indexOf('/');
                if (slash > 0 && a.attributes().containsKey(ATTR)) {
                    subdirs.add(a.path().substring(0, slash));
                }
            }
            Map<String, ObjectNode> bySubdir = new LinkedHashMap<>();
            for (String sd : subdirs) {
                bySubdir.put(sd, (ObjectNode) Json.readStored(new java.io.ByteArrayInputStream(hostedRecords(hosted, sd).bytes())));
            }
            return Json.bytes(Repodata.channeldata(bySubdir));
        }).bytes();
        return (ObjectNode) Json.readStored(new java.io.ByteArrayInputStream(b));
    }

    /** The signer for repodata when one is configured: it must be an Ed25519 key (what conda verifies). */
    static Optional<RepositorySigner> signer(SigningSettings s) {
        Optional<RepositorySigner> signer = s.metadataSigner();
        if (signer.isPresent() && !signer.get().keyType().equals("ed25519")) {
            throw new FormatException(409, "SIGNING_KEY_UNSUITABLE", "conda repodata is signed with an Ed25519 key; key "
                    + signer.get().name() + " is " + signer.get().keyType() + "/" + signer.get().algorithm());
        }
        return signer;
    }

    /** The raw 32-byte Ed25519 public key in hex (what conda-content-trust names keys by). */
    static String publicKeyHex(RepositorySigner s) {
        byte[] der = s.publicKeyBytes();
        if (der.length != 44 || !Arrays.equals(Arrays.copyOf(der, 12), ED25519_SPKI_PREFIX)) {
            throw new FormatException(409, "SIGNING_KEY_UNSUITABLE", "key " + s.name() + " is not an Ed25519 public key");
        }
        return HexFormat.of().formatHex(der, 12, 44);
    }

    private static String subdir(RouteMatch m) {
        String s = m.param("subdir");
        if (!CondaPackage.SUBDIR.matcher(s).matches()) {
            throw FormatException.notFound("no subdir " + s);
        }
        return s;
    }

    private static String file(RouteMatch m) {
        String f = m.param("file");
        if (!FILE.matcher(f).matches()) {
            throw FormatException.notFound("no such file " + f);
        }
        return f;
    }
}
