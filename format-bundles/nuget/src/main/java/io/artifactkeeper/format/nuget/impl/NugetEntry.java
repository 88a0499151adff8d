package io.artifactkeeper.format.nuget.impl;

import java.time.Instant;

/**
 * One version of a package as the indexes show it, wherever it comes from (a hosted repository's
 * stored package, a remote's upstream registration).
 *
 * @param meta the nuspec's metadata
 * @param listed whether searches and "latest" see it
 * @param published when it was published
 * @param size bytes of the .nupkg, or -1 when unknown
 * @param sha512 base64 SHA-512 of the .nupkg, or null when unknown
 */
record NugetEntry(NugetNuspec meta, boolean listed, Instant published, long size, String sha512) {

    String lowerId() {
        return meta.lowerId();
    }

    NugetVersion version() {
        return meta.version();
    }
}
