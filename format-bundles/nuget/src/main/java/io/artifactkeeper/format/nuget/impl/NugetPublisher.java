package io.artifactkeeper.format.nuget.impl;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.UUID;

import io.artifactkeeper.api.format.FormatException;
import io.artifactkeeper.api.format.FormatRequest;
import io.artifactkeeper.api.format.InvalidArtifactException;
import io.artifactkeeper.api.format.PutOptions;
import io.artifactkeeper.api.format.RepositoryContext;
import io.artifactkeeper.api.format.StoredAsset;
import io.artifactkeeper.format.support.MultipartReader;

/**
 * Publishing: {@code PUT api/v2/package} with the .nupkg as a multipart/form-data file part (what
 * {@code nuget push} and {@code dotnet nuget push} send), or a plain body. The package is streamed into a
 * staging path, read there (its .nuspec names the id and version), then recorded under its flat
 * container path without copying the bytes, with its .nuspec beside it. A version that exists already
 * is a 409, as on nuget.org, whatever the bytes.
 */
final class NugetPublisher {
    static final String NUPKG_TYPE = "application/octet-stream";
    static final String NUSPEC_TYPE = "application/xml";

    private NugetPublisher() {
    }

    /** What was published. */
    record Published(NugetNuspec nuspec, StoredAsset asset) {
    }

    static Published push(FormatRequest req, RepositoryContext repo) throws IOException {
        String ct = req.header("Content-Type").orElse("");
        if (ct.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
            String boundary = MultipartReader.boundary(ct)
                    .orElseThrow(() -> FormatException.badRequest("a multipart push needs a boundary"));
            MultipartReader body = new MultipartReader(req.body(), boundary);
            try {
                for (MultipartReader.Part part; (part = body.next()) != null;) {
                    // the one part both clients send; a field without a file name is not a package
                    if (part.filename() != null || "package".equals(part.name())) {
                        return store(repo, part.body(), null, null);
                    }
                }
            } catch (MultipartReader.MalformedException e) {
                throw FormatException.badRequest("malformed multipart body: " + e.getMessage());
            }
            throw FormatException.badRequest("the push carries no package file part");
        }
        return store(repo, req.body(), null, null);
    }

    /**
     * Stores a package from {@code in}; when {@code expectedId}/{@code expectedVersion} are given (a PUT
     * to its flat container path) the package must be that one.
     */
    static Published store(RepositoryContext repo, InputStream in, String expectedId, String expectedVersion)
            throws IOException {
        String tmp = NugetPaths.UPLOADS + UUID.randomUUID() + ".nupkg";
        StoredAsset staged = repo.put(tmp, in, PutOptions.defaults().withDescription(null, null, NUPKG_TYPE, Map.of()));
        try {
            NugetPackageReader.Read read;
            try (var ch = staged.channel()) {
                read = NugetPackageReader.read(ch);
            }
            NugetNuspec n = read.nuspec();
            String idl = n.lowerId();
            String verl = n.version().lower();
            if (expectedId != null && (!expectedId.equalsIgnoreCase(n.id())
                    || !NugetVersion.parse(expectedVersion).map(v -> v.lower().equals(verl)).orElse(false))) {
                throw new InvalidArtifactException("the package is " + n.id() + " " + n.version().normalized()
                        + ", not " + expectedId + " " + expectedVersion + " as its path says");
            }
            String path = NugetPaths.nupkg(idl, verl);
            return repo.withLock("nuget/" + idl, () -> {
                if (repo.peek(path).isPresent()) {
                    throw FormatException.conflict(n.id() + " " + n.version().normalized()
                            + " already exists; a published version is never replaced");
                }
                StoredAsset a = repo.putCopy(path, staged, PutOptions.defaults().withOverwrite(PutOptions.Overwrite.DENY)
                        .withDescription(n.id(), n.version().full(), NUPKG_TYPE, n.attributes()));
                repo.putBytes(NugetPaths.nuspec(idl, verl), read.nuspecBytes(), PutOptions.defaults()
                        .withDescription(n.id(), n.version().full(), NUSPEC_TYPE, Map.of("nuspec", true)));
                return new Published(n, a);
            });
        } finally {
            repo.delete(tmp);
        }
    }
}
