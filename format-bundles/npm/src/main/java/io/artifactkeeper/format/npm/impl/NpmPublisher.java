package io.artifactkeeper.format.npm.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.artifactkeeper.api.format.ArtifactDescription;
import io.artifactkeeper.api.format.AssetKind;
import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.SafeArchive;

/**
 * Writes to a hosted npm repository (the core refuses write routes on remote and virtual ones before
 * the format runs): publish (tarball streamed out of the request's base64 into
 * its own asset, then the packument updated under the package's lock), metadata updates
 * (deprecate; unpublish of single versions by a PUT without them), unpublish, dist-tags.
 */
final class NpmPublisher {
    private final RepositoryContext repo;

    NpmPublisher(RepositoryContext repo) {
        this.repo = repo;
    }

    private String lockName(String name) {
        return "npm:" + name;
    }

    Optional<ObjectNode> stored(String name) throws IOException {
        return NpmResolver.stored(repo, name);
    }

    private void save(String name, ObjectNode doc) throws IOException {
        repo.putBytes(NpmNames.packumentPath(name), NpmPackument.bytes(doc), PutOptions.defaults()
                .withKind(AssetKind.METADATA)
                .withDescription(name, null, "application/json", Map.of("npm_kind", "packument")));
    }

    // --- publish

    /** {@code PUT /{name}}: a publish when it carries attachments, else a metadata update. */
    ObjectNode put(String name, InputStream body, boolean revisioned) throws IOException {
        BlockingPipe[] pipe = new BlockingPipe[1];
        List<StoredAsset> stored = new ArrayList<>();
        List<CompletableFuture<StoredAsset>> uploads = new ArrayList<>();
        Optional<ObjectNode> before = stored(name);
        NpmPublishReader.Result parsed;
        try {
            parsed = NpmPublishReader.read(body, file -> {
                if (!uploads.isEmpty()) {
                    throw new NpmPublishReader.MalformedPublishException("a publish carries one tarball", null);
                }
                String version = checkAttachment(name, file, before);
                String stored0 = NpmNames.tarballFile(name, version);
                BlockingPipe p = new BlockingPipe();
                pipe[0] = p;
                CompletableFuture<StoredAsset> f = new CompletableFuture<>();
                uploads.add(f);
                String path = NpmNames.tarballPath(name, stored0);
                Thread.ofVirtual().name("npm-publish-" + repo.key()).start(() -> {
                    try (InputStream in = p.source()) {
                        f.complete(repo.put(path, in, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                                .withDescription(name, version, "application/octet-stream", Map.of("npm_kind", "tarball"))));
                    } catch (Throwable t) {
                        f.completeExceptionally(t);
                    }
                });
                return p.sink();
            });
        } catch (IOException | RuntimeException e) {
            if (pipe[0] != null) {
                pipe[0].fail(e);
            }
            // the store's own refusal (an existing version, quota, storage) explains more than a broken pipe
            for (CompletableFuture<StoredAsset> f : uploads) {
                try {
                    StoredAsset a = await(f);
                    repo.delete(a.path());
                } catch (FormatException fe) {
                    if (!(e instanceof NpmPublishReader.MalformedPublishException)) {
                        throw translateConflict(fe, name);
                    }
                } catch (IOException | RuntimeException storeFailure) {
                    // kept with the request's error: when the store gave up first ("the store stopped
                    // reading"), its reason (e.g. the database unavailable: 503) is the one that counts
                    if (storeFailure != e) {
                        e.addSuppressed(storeFailure);
                    }
                }
            }
            if (e instanceof NpmPublishReader.MalformedPublishException) {
                throw FormatException.badRequest(e.getMessage());
            }
            throw e;
        }
        for (CompletableFuture<StoredAsset> f : uploads) {
            try {
                stored.add(await(f));
            } catch (FormatException fe) {
                throw translateConflict(fe, name);
            }
        }
        try {
            if (stored.isEmpty()) {
                return update(name, parsed.document(), revisioned);
            }
            return publish(name, parsed, stored.get(0));
        } catch (IOException | RuntimeException e) {
            for (StoredAsset a : stored) {
                try {
                    repo.delete(a.path());
                } catch (IOException | RuntimeException ignored) {
                    // best effort: an orphan tarball is invisible to clients without its version
                }
            }
            throw e;
        }
    }

    private static StoredAsset await(CompletableFuture<StoredAsset> f) throws IOException {
        try {
            return f.get(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (TimeoutException e) {
            throw new IOException("storing the tarball timed out", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    private static FormatException translateConflict(FormatException e, String name) {
        if (e.status() == 409) {
            return new FormatException(403, "VERSION_EXISTS",
                    "You cannot publish over the previously published versions of " + name + ": " + e.getMessage());
        }
        return e;
    }

    /** The version an attachment's file name carries; refuses names that are not {@code {basename}-{version}.tgz}. */
    private static String checkAttachment(String name, String file, Optional<ObjectNode> before) throws IOException {
        // npm names a scoped package's attachment after the full name: "@scope/pkg-1.0.0.tgz"
        if (NpmNames.isScoped(name) && file.startsWith(name + "-")) {
            file = file.substring(name.indexOf('/') + 1);
        }
        if (!NpmNames.isSafeFile(file)) {
            throw new NpmPublishReader.MalformedPublishException("attachment name " + file + " is not a file name", null);
        }
        String version = NpmNames.versionOfTarball(name, file);
        if (version == null) {
            throw new NpmPublishReader.MalformedPublishException("attachment " + file + " is not named "
                    + NpmNames.basename(name) + "-<version>.tgz", null);
        }
        if (before.isPresent() && NpmPackument.versions(before.get()).has(version)) {
            throw new FormatException(403, "VERSION_EXISTS", "You cannot publish over the previously published versions: "
                    + version + ".");
        }
        return version;
    }

    private ObjectNode publish(String name, NpmPublishReader.Result parsed, StoredAsset tarball) throws IOException {
        ObjectNode doc = parsed.document();
        checkNames(name, doc);
        NpmPublishReader.Attachment att = parsed.attachments().get(0);
        String file = att.file();
        if (NpmNames.isScoped(name) && file.startsWith(name + "-")) {
            file = file.substring(name.indexOf('/') + 1);
        }
        String version = NpmNames.versionOfTarball(name, file);
        if (att.declaredLength() >= 0 && att.declaredLength() != att.decodedLength()) {
            throw FormatException.badRequest("attachment " + att.file() + " declares " + att.declaredLength()
                    + " bytes but carries " + att.decodedLength());
        }
        try (InputStream in = tarball.open()) {
            NpmTarball.check(in);
        } catch (SafeArchive.ArchiveException e) {
            throw FormatException.badRequest(att.file() + ": " + e.getMessage());
        }
        if (!(doc.get("versions") instanceof ObjectNode versions) || !(versions.get(version) instanceof ObjectNode manifest)) {
            throw FormatException.badRequest("versions has no manifest for " + version + ", the version of " + att.file());
        }
        if (versions.size() != 1) {
            throw FormatException.badRequest("a publish carries exactly one version (got " + versions.size() + ")");
        }
        if (!name.equals(manifest.path("name").asText(null))) {
            throw FormatException.badRequest("the manifest of " + version + " names package "
                    + manifest.path("name").asText("(none)") + ", not " + name);
        }
        if (!version.equals(manifest.path("version").asText(null))) {
            throw FormatException.badRequest("the manifest under " + version + " says version "
                    + manifest.path("version").asText("(none)"));
        }
        ObjectNode dist = manifest.get("dist") instanceof ObjectNode d ? d : manifest.putObject("dist");
        String shasum = dist.path("shasum").asText(null);
        if (shasum != null && !shasum.equalsIgnoreCase(tarball.sha1())) {
            throw new FormatException(400, "CHECKSUM_MISMATCH", "dist.shasum is " + shasum + " but the tarball's SHA-1 is "
                    + tarball.sha1());
        }
        String integrity = integrity(tarball);
        String declared = dist.path("integrity").asText(null);
        if (declared != null && declared.startsWith("sha512-") && !declared.equals(integrity)) {
            throw new FormatException(400, "CHECKSUM_MISMATCH", "dist.integrity is " + declared
                    + " but the tarball's is " + integrity);
        }
        dist.put("shasum", tarball.sha1());
        dist.put("integrity", integrity);
        dist.put("tarball", repo.baseUrl() + "/" + NpmNames.tarballPath(name, file));
        manifest.put("_id", name + "@" + version);
        JsonNode tagsIn = doc.get("dist-tags");
        return repo.withLock(lockName(name), () -> {
            Instant now = Instant.now();
            ObjectNode current = stored(name).orElseGet(() -> NpmPackument.create(name, now));
            if (NpmPackument.versions(current).has(version)) {
                throw new FormatException(403, "VERSION_EXISTS",
                        "You cannot publish over the previously published versions: " + version + ".");
            }
            NpmPackument.copyDescriptiveFields(doc, current);
            NpmPackument.versions(current).set(version, manifest);
            NpmPackument.time(current).put(version, NpmPackument.iso(now));
            ObjectNode tags = NpmPackument.distTags(current);
            if (tagsIn instanceof ObjectNode t && !t.isEmpty()) {
                for (var e : t.properties()) {
                    if (e.getValue().isTextual() && version.equals(e.getValue().asText())) {
                        tags.put(e.getKey(), version);
                    }
                }
            } else {
                tags.put("latest", version);
            }
            if (!tags.has("latest")) {
                tags.put("latest", version);
            }
            NpmPackument.touch(current, now);
            save(name, current);
            ObjectNode ok = NpmPackument.JSON.createObjectNode();
            ok.put("ok", true);
            ok.put("id", name);
            ok.put("rev", current.get("_rev").asText());
            return ok;
        });
    }

    static String integrity(StoredAsset a) {
        return "sha512-" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(a.sha512()));
    }

    private static void checkNames(String name, ObjectNode doc) {
        for (String f : List.of("name", "_id")) {
            JsonNode v = doc.get(f);
            if (v != null && !name.equals(v.asText())) {
                throw FormatException.badRequest("the document's " + f + " is " + v.asText() + " but the URL names " + name);
            }
        }
    }

    /**
     * A PUT without attachments: npm deprecate (versions carry {@code deprecated}), and npm's
     * unpublish of one version (the document without it). Versions cannot be added this way.
     */
    private ObjectNode update(String name, ObjectNode doc, boolean revisioned) throws IOException {
        checkNames(name, doc);
        return repo.withLock(lockName(name), () -> {
            ObjectNode current = stored(name).orElseThrow(() -> FormatException.notFound("package " + name + " not found"));
            ObjectNode ours = NpmPackument.versions(current);
            List<String> removed = new ArrayList<>();
            if (doc.get("versions") instanceof ObjectNode theirs) {
                for (var e : theirs.properties()) {
                    if (!ours.has(e.getKey())) {
                        throw FormatException.badRequest("version " + e.getKey() + " of " + name
                                + " is not published; publish it with its tarball");
                    }
                    if (ours.get(e.getKey()) instanceof ObjectNode m && e.getValue() instanceof ObjectNode t) {
                        if (t.hasNonNull("deprecated") && !t.get("deprecated").asText().isEmpty()) {
                            m.set("deprecated", t.get("deprecated"));
                        } else {
                            m.remove("deprecated");
                        }
                    }
                }
                for (String v : NpmPackument.versionKeys(current)) {
                    if (!theirs.has(v)) {
                        removed.add(v);
                    }
                }
            }
            if (!removed.isEmpty() && !revisioned) {
                throw FormatException.badRequest("removing versions needs the document's revision (PUT /{name}/-rev/{rev})");
            }
            for (String v : removed) {
                ObjectNode m = (ObjectNode) ours.get(v);
                String file = m.get("dist") instanceof ObjectNode d ? NpmPackument.fileOf(name, v, d)
                        : NpmNames.tarballFile(name, v);
                NpmPackument.removeVersion(current, v);
                repo.delete(NpmNames.tarballPath(name, file));
            }
            if (doc.get("dist-tags") instanceof ObjectNode tagsIn) {
                ObjectNode tags = NpmPackument.distTags(current);
                tags.removeAll();
                for (var e : tagsIn.properties()) {
                    if (e.getValue().isTextual() && ours.has(e.getValue().asText())) {
                        tags.set(e.getKey(), e.getValue());
                    }
                }
                if (!tags.has("latest") && !ours.isEmpty()) {
                    tags.put("latest", NpmPackument.highest(NpmPackument.versionKeys(current)));
                }
            }
            ObjectNode ok = NpmPackument.JSON.createObjectNode();
            ok.put("ok", true);
            ok.put("id", name);
            if (ours.isEmpty()) {
                deleteAll(name);
                return ok;
            }
            NpmPackument.touch(current, Instant.now());
            save(name, current);
            ok.put("rev", current.get("_rev").asText());
            return ok;
        });
    }

    // --- unpublish

    /** Deletes a package: every version's tarball and its packument. False when there was nothing. */
    boolean unpublish(String name) throws IOException {
        return repo.withLock(lockName(name), () -> deleteAll(name));
    }

    private boolean deleteAll(String name) throws IOException {
        boolean any = false;
        for (StoredAsset a : repo.list(name + "/")) {
            any |= repo.delete(a.path());
        }
        return any;
    }

    /** Deletes one tarball (npm's second step of a single-version unpublish) and its version, if still listed. */
    boolean deleteTarball(String name, String file) throws IOException {
        return repo.withLock(lockName(name), () -> {
            Optional<ObjectNode> doc = stored(name);
            if (doc.isEmpty()) {
                return false;
            }
            ObjectNode current = doc.get();
            for (String v : NpmPackument.versionKeys(current)) {
                if (NpmPackument.versions(current).get(v) instanceof ObjectNode m && m.get("dist") instanceof ObjectNode d
                        && NpmPackument.fileOf(name, v, d).equals(file)) {
                    NpmPackument.removeVersion(current, v);
                    if (NpmPackument.versions(current).isEmpty()) {
                        deleteAll(name);
                        return true;
                    }
                    NpmPackument.touch(current, Instant.now());
                    save(name, current);
                }
            }
            repo.delete(NpmNames.tarballPath(name, file));
            return true;
        });
    }

    // --- dist-tags

    ObjectNode setTag(String name, String tag, String version) throws IOException {
        checkTag(tag);
        return repo.withLock(lockName(name), () -> {
            ObjectNode current = stored(name).orElseThrow(() -> FormatException.notFound("package " + name + " not found"));
            if (!NpmPackument.versions(current).has(version)) {
                throw FormatException.notFound("version " + version + " of " + name + " not found");
            }
            NpmPackument.distTags(current).put(tag, version);
            NpmPackument.touch(current, Instant.now());
            save(name, current);
            return NpmPackument.distTags(current).deepCopy();
        });
    }

    ObjectNode removeTag(String name, String tag) throws IOException {
        if (tag.equals("latest")) {
            throw FormatException.badRequest("the latest tag cannot be removed");
        }
        return repo.withLock(lockName(name), () -> {
            ObjectNode current = stored(name).orElseThrow(() -> FormatException.notFound("package " + name + " not found"));
            if (NpmPackument.distTags(current).remove(tag) == null) {
                throw FormatException.notFound("tag " + tag + " not found on " + name);
            }
            NpmPackument.touch(current, Instant.now());
            save(name, current);
            return NpmPackument.distTags(current).deepCopy();
        });
    }

    /** Replaces ({@code replace}) or merges the dist-tags with {@code tags} (tag to version). */
    ObjectNode putTags(String name, ObjectNode tags, boolean replace) throws IOException {
        return repo.withLock(lockName(name), () -> {
            ObjectNode current = stored(name).orElseThrow(() -> FormatException.notFound("package " + name + " not found"));
            ObjectNode t = NpmPackument.distTags(current);
            for (var e : tags.properties()) {
                checkTag(e.getKey());
                if (!e.getValue().isTextual() || !NpmPackument.versions(current).has(e.getValue().asText())) {
                    throw FormatException.badRequest("tag " + e.getKey() + " names no published version of " + name);
                }
            }
            if (replace) {
                String latest = t.path("latest").asText(null);
                t.removeAll();
                if (latest != null && !tags.has("latest")) {
                    t.put("latest", latest);
                }
            }
            t.setAll(tags);
            NpmPackument.touch(current, Instant.now());
            save(name, current);
            return t.deepCopy();
        });
    }

    private static void checkTag(String tag) {
        // a tag that parses as a version range would shadow versions when clients resolve it
        if (tag.isEmpty() || tag.length() > 128 || !tag.matches("[A-Za-z][A-Za-z0-9._-]*")) {
            throw FormatException.badRequest("invalid dist-tag: " + tag);
        }
    }
}
