package io.artifactkeeper.format.go.impl;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetContent;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;
import io.artifactkeeper.format.support.SafeArchive.ArchiveException;

/**
 * Uploads of a module version: {@code PUT $module/@v/$version.zip}, {@code .mod} and {@code .info}.
 * A zip streams into storage and is checked against the module zip rules from the stored bytes
 * before it becomes visible ({@link GoFormat#describe}: read in place, never copied to a temporary
 * file or held in memory); the .mod (the zip's go.mod, or {@code module path} when it has none)
 * and the .info (the upload time) are generated when they were not uploaded. A stored version's zip
 * is never replaced (409).
 */
final class GoUploads {

    private static final int MAX_INFO = 64 << 10;

    /** Whether the file was generated here (and may be replaced by an uploaded one). */
    private static final String GENERATED = "generated";

    private GoUploads() {
    }

    static FormatResponse put(RepositoryContext repo, GoRoute route, InputStream body) throws IOException {
        return switch (route.kind()) {
            case ZIP -> putZip(repo, route, body);
            case MOD -> putMod(repo, route, body);
            case INFO -> putInfo(repo, route, body);
            default -> FormatResponse.text(405, "uploads take $module/@v/$version.zip, .mod or .info")
                    .header("Allow", "GET, HEAD");
        };
    }

    private static FormatResponse putZip(RepositoryContext repo, GoRoute route, InputStream body) throws IOException {
        return repo.withLock("go:" + route.display(), () -> {
            String zipPath = route.storagePath();
            String modPath = GoRoute.filePath(route.module(), route.version(), GoRoute.Kind.MOD);
            String infoPath = GoRoute.filePath(route.module(), route.version(), GoRoute.Kind.INFO);
            if (repo.get(zipPath).isPresent()) {
                throw FormatException.conflict(route.display() + " already exists in " + repo.key()
                        + ": a published module version cannot be replaced");
            }
            // stored, then checked by describe() before it is visible: a zip that breaks a rule is a 400
            // and leaves nothing
            StoredAsset zip = repo.put(zipPath, new AtMost(body, GoModuleZip.MAX_ZIP),
                    PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY));
            Optional<byte[]> zipMod;
            try (SeekableByteChannel ch = zip.channel()) {
                zipMod = GoModuleZip.goMod(ch, route.module(), route.version());
            }
            byte[] mod = zipMod.orElseGet(() -> GoModFile.synthesize(route.module()));
            Optional<StoredAsset> oldMod = repo.get(modPath);
            if (oldMod.isPresent() && !Arrays.equals(GoVersions.readText(oldMod.get(), (int) GoModuleZip.MAX_GO_MOD)
                    .getBytes(StandardCharsets.UTF_8), mod)) {
                repo.delete(zipPath);
                throw new InvalidArtifactException("the zip's go.mod differs from the .mod already uploaded for "
                        + route.display());
            }
            if (oldMod.isEmpty()) {
                repo.putBytes(modPath, mod, options(route, GoRoute.Kind.MOD,
                        Map.of(GENERATED, true, "source", zipMod.isPresent() ? "zip" : "synthesized")));
            }
            if (repo.get(infoPath).isEmpty()) {
                repo.putBytes(infoPath, GoVersions.info(route.version(), Instant.now()),
                        options(route, GoRoute.Kind.INFO, Map.of(GENERATED, true)));
            }
            return created(route, List.of(zipPath, modPath, infoPath));
        });
    }

    private static FormatResponse putMod(RepositoryContext repo, GoRoute route, InputStream body) throws IOException {
        byte[] mod = body.readNBytes((int) GoModuleZip.MAX_GO_MOD + 1);
        checkMod(mod, route);
        return repo.withLock("go:" + route.display(), () -> {
            Optional<StoredAsset> old = repo.get(route.storagePath());
            if (old.isPresent()) {
                if (Arrays.equals(GoVersions.readText(old.get(), (int) GoModuleZip.MAX_GO_MOD).getBytes(StandardCharsets.UTF_8),
                        mod)) {
                    return FormatResponse.text(200, route.display() + ": this go.mod is already stored\n");
                }
                throw FormatException.conflict(route.display() + " already has a different go.mod in " + repo.key());
            }
            repo.putBytes(route.storagePath(), mod, options(route, GoRoute.Kind.MOD, Map.of())
                    .withOverwrite(PutOptions.Overwrite.IF_IDENTICAL));
            return created(route, List.of(route.storagePath()));
        });
    }

    private static FormatResponse putInfo(RepositoryContext repo, GoRoute route, InputStream body) throws IOException {
        byte[] info = body.readNBytes(MAX_INFO + 1);
        checkInfo(info, route);
        return repo.withLock("go:" + route.display(), () -> {
            Optional<StoredAsset> old = repo.get(route.storagePath());
            if (old.isPresent() && !Boolean.TRUE.equals(old.get().attributes().get(GENERATED))) {
                if (old.get().sha256().equals(sha256(info))) {
                    return FormatResponse.text(200, route.display() + ": this .info is already stored\n");
                }
                throw FormatException.conflict(route.display() + " already has a different .info in " + repo.key());
            }
            repo.putBytes(route.storagePath(), info, options(route, GoRoute.Kind.INFO, Map.of()));
            return created(route, List.of(route.storagePath()));
        });
    }

    /** The zip rules plus the URL: the go.mod inside must declare the module path it was uploaded as. */
    static GoModuleZip.Contents checkZip(AssetContent zip, GoRoute route) throws IOException {
        GoModuleZip.Contents c;
        try (SeekableByteChannel ch = zip.channel()) {
            c = GoModuleZip.check(ch, route.module(), route.version());
        } catch (ArchiveException e) {
            throw new InvalidArtifactException("invalid module zip for " + route.display() + ": " + e.getMessage());
        }
        if (c.goMod().isPresent()) {
            if (route.parsedVersion().incompatible()) {
                throw new InvalidArtifactException("invalid version: " + route.display() + ": +incompatible is not allowed "
                        + "for a module with a go.mod file (its v2+ versions need a /vN module path)");
            }
            checkMod(c.goMod().get(), route);
        }
        return c;
    }

    static void checkMod(byte[] mod, GoRoute route) {
        if (mod.length > GoModuleZip.MAX_GO_MOD) {
            throw new InvalidArtifactException("go.mod of " + route.display() + " is larger than 16 MiB");
        }
        Optional<String> declared;
        try {
            declared = GoModFile.modulePath(mod);
        } catch (IllegalArgumentException e) {
            throw new InvalidArtifactException("go.mod of " + route.display() + ": " + e.getMessage());
        }
        if (declared.isEmpty()) {
            throw new InvalidArtifactException("go.mod of " + route.display() + " has no module directive");
        }
        if (!declared.get().equals(route.module())) {
            throw new InvalidArtifactException("go.mod declares module path \"" + declared.get()
                    + "\" but was uploaded as \"" + route.module() + "\"");
        }
    }

    static void checkInfo(byte[] info, GoRoute route) {
        if (info.length > MAX_INFO) {
            throw new InvalidArtifactException(".info of " + route.display() + " is larger than " + MAX_INFO + " bytes");
        }
        JsonNode n;
        try {
            n = Json.readClient(new java.io.ByteArrayInputStream(info), MAX_INFO, ".info of " + route.display());
        } catch (FormatException e) {
            throw new InvalidArtifactException(e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading bytes in memory", e);
        }
        if (n == null || !n.isObject() || !n.path("Version").isTextual()) {
            throw new InvalidArtifactException(".info must be a JSON object {\"Version\": ..., \"Time\": ...}");
        }
        if (!n.get("Version").asText().equals(route.version())) {
            throw new InvalidArtifactException(".info names version " + n.get("Version").asText() + " but was uploaded as "
                    + route.version());
        }
        if (n.has("Time")) {
            try {
                OffsetDateTime.parse(n.get("Time").asText());
            } catch (DateTimeParseException e) {
                throw new InvalidArtifactException(".info Time is not an RFC 3339 time: " + n.get("Time").asText());
            }
        }
    }

    /** An upload body that fails with 413 past {@code max} bytes (more than a module zip may hold). */
    static final class AtMost extends FilterInputStream {
        private final long max;
        private long n;

        AtMost(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count(r);
            }
            return r;
        }

        private void count(int r) {
            n += r;
            if (n > max) {
                throw new FormatException(413, "TOO_LARGE", "a module zip may be at most " + max + " bytes (500 MiB)");
            }
        }
    }

    static PutOptions options(GoRoute route, GoRoute.Kind kind, Map<String, Object> attrs) {
        Map<String, Object> a = new LinkedHashMap<>(attrs);
        a.put("module", route.module());
        return PutOptions.defaults().withDescription(description(route.module(), route.version(), kind, a));
    }

    static ArtifactDescription description(String module, String version, GoRoute.Kind kind, Map<String, Object> attrs) {
        return new ArtifactDescription(module, version, kind.contentType, attrs);
    }

    private static FormatResponse created(GoRoute route, List<String> paths) {
        com.fasterxml.jackson.databind.node.ObjectNode n = Json.object().put("module", route.module())
                .put("version", route.version());
        paths.forEach(n.putArray("stored")::add);
        return FormatResponse.status(201).body("application/json", Json.bytes(n));
    }

    private static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
