package io.artifactkeeper.format.composer.impl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.FormatResponse;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.Json;

/**
 * Publishing a dist zip into a hosted repository (the core refuses the write routes on remote and
 * virtual ones). The zip streams into storage under {@code .uploads/}, where
 * {@link ComposerFormat#describe} reads its composer.json before the bytes become visible: a zip
 * that is not one, is unsafe, or has no valid composer.json is refused then and nothing is kept. Its
 * name comes from composer.json, its version from composer.json or {@code ?version=} (or the URL of
 * {@code packages/upload/{vendor}/{package}/{version}}); where two of them are given they must agree.
 * Under the package's lock, a version already there (compared normalized, as Composer does: 1.0 is
 * 1.0.0) is a 409; otherwise the zip is linked (not copied) to its dist path with its metadata.
 */
final class ComposerUploads {
    static final String UPLOADS = ".uploads/";
    static final String ZIP_TYPE = "application/zip";
    /** The attribute an upload in progress carries its composer.json in (read by describe). */
    static final String ATTR_MANIFEST = "composer_manifest";

    private ComposerUploads() {
    }

    static FormatResponse upload(FormatRequest req, RepositoryContext repo, String urlName, String urlVersion)
            throws IOException {
        if (urlName != null) {
            String invalid = ComposerNames.invalidName(urlName);
            if (invalid != null) {
                throw new InvalidArtifactException(invalid);
            }
        }
        String tmp = UPLOADS + UUID.randomUUID() + ".zip";
        StoredAsset t = repo.put(tmp, req.body(), PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY));
        try {
            Object manifestText = t.attributes().get(ATTR_MANIFEST);
            if (!(manifestText instanceof String m) || t.name() == null) {
                throw new InvalidArtifactException("the upload is not a dist zip with a composer.json");
            }
            ObjectNode manifest = (ObjectNode) Json.readStored(new ByteArrayInputStream(m.getBytes(StandardCharsets.UTF_8)));
            String name = t.name();
            if (urlName != null && !urlName.equals(name)) {
                throw new InvalidArtifactException("the zip's composer.json names package " + name + ", not " + urlName
                        + " as the URL does");
            }
            String version = version(t.version(), req.queryParam("version").orElse(null), urlVersion);
            if (version.length() > ComposerVersions.MAX_LENGTH) {
                throw new InvalidArtifactException("the version is longer than " + ComposerVersions.MAX_LENGTH + " characters");
            }
            String normalized = ComposerVersions.normalize(version).orElseThrow(() -> new InvalidArtifactException(
                    "invalid version \"" + ComposerNames.printable(version) + "\" (Composer's version syntax: 1.2.3, "
                            + "v1.2.3-beta1, dev-main, 2.x-dev)"));
            ObjectNode entry = entry(manifest, version, normalized);
            return repo.withLock("composer:" + name, () -> {
                for (StoredAsset a : repo.list(ComposerNames.distPrefix(name))) {
                    if (normalized.equals(a.attributes().get(ComposerMetadata.ATTR_NORMALIZED))) {
                        throw FormatException.conflict("package " + name + " version " + a.version()
                                + " is already published in " + repo.key() + "; versions cannot be replaced");
                    }
                }
                String path = ComposerNames.distPath(name, version, t.sha1(), "zip");
                Map<String, Object> attrs = new LinkedHashMap<>();
                attrs.put(ComposerMetadata.ATTR_METADATA, Json.string(entry));
                attrs.put(ComposerMetadata.ATTR_NORMALIZED, normalized);
                if (entry.path("description").isTextual()) {
                    attrs.put("description", entry.get("description").asText());
                }
                StoredAsset stored = repo.putCopy(path, t, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                        .withDescription(name, version, ZIP_TYPE, attrs));
                ObjectNode out = Json.object();
                out.put("status", "success");
                out.put("name", name);
                out.put("version", version);
                out.put("version_normalized", normalized);
                out.put("path", stored.path());
                out.put("url", repo.baseUrl() + "/" + stored.path());
                out.put("shasum", stored.sha1());
                return FormatResponse.status(201).body(ComposerMetadata.JSON_TYPE, Json.bytes(out))
                        .header("Location", repo.baseUrl() + "/" + stored.path());
            });
        } finally {
            repo.delete(tmp);
        }
    }

    /** {@code DELETE packages/{vendor}/{package}/{version}}: the version's dist goes (compared normalized). */
    static FormatResponse delete(RepositoryContext repo, String name, String version) throws IOException {
        if (!ComposerNames.isName(name)) {
            throw FormatException.notFound("no package " + ComposerNames.printable(name) + " (not a package name)");
        }
        String normalized = ComposerVersions.normalize(version).orElseThrow(() -> FormatException.notFound(
                "package " + name + " has no version " + ComposerNames.printable(version)));
        return repo.withLock("composer:" + name, () -> {
            boolean any = false;
            for (StoredAsset a : repo.list(ComposerNames.distPrefix(name))) {
                if (normalized.equals(a.attributes().get(ComposerMetadata.ATTR_NORMALIZED))) {
                    any |= repo.delete(a.path());
                }
            }
            if (!any) {
                throw FormatException.notFound("package " + name + " has no version " + ComposerNames.printable(version)
                        + " in " + repo.key());
            }
            return FormatResponse.json(200, "{\"status\":\"success\"}");
        });
    }

    /** The version from the manifest, the query or the URL: where several are given, they agree. */
    static String version(String manifest, String query, String url) {
        String chosen = null;
        String from = null;
        for (String[] c : new String[][] {{manifest, "composer.json"}, {query, "?version="}, {url, "the URL"}}) {
            if (c[0] == null || c[0].isBlank()) {
                continue;
            }
            if (chosen != null && !chosen.equals(c[0])) {
                throw new InvalidArtifactException("version mismatch: " + from + " says " + ComposerNames.printable(chosen)
                        + ", " + c[1] + " says " + ComposerNames.printable(c[0]));
            }
            chosen = c[0];
            from = c[1];
        }
        if (chosen == null) {
            throw new InvalidArtifactException("no version: composer.json has none; give it as ?version=");
        }
        return chosen;
    }

    /** What the metadata lists for the version: name, version, normalized version, the manifest, a time. */
    static ObjectNode entry(ObjectNode manifest, String version, String normalized) {
        ObjectNode e = Json.object();
        e.set("name", manifest.get("name"));
        e.put("version", version);
        e.put("version_normalized", normalized);
        for (Iterator<Map.Entry<String, JsonNode>> it = manifest.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!e.has(f.getKey())) {
                e.set(f.getKey(), f.getValue());
            }
        }
        if (!e.path("time").isTextual()) {
            e.put("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    .atOffset(ZoneOffset.UTC)));
        }
        return e;
    }

    /** The manifest of a zip being uploaded, for {@link ComposerFormat#describe}. */
    static Optional<ComposerManifest> manifest(io.artifactkeeper.api.format.AssetContent zip) throws IOException {
        try (java.nio.channels.SeekableByteChannel ch = zip.channel()) {
            return Optional.of(ComposerManifest.parse(ComposerArchive.composerJson(ch)));
        } catch (io.artifactkeeper.format.support.SafeArchive.ArchiveException e) {
            throw new InvalidArtifactException("not a usable dist zip: " + e.getMessage());
        }
    }
}
