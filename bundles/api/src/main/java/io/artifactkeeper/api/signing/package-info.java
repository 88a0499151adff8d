/**
 * Repository signing as formats see it: the key configured for a repository (through
 * {@code /api/v1/signing}) signs the indexes a format generates (Debian {@code InRelease}, RPM
 * {@code repomd.xml.asc}, Alpine {@code APKINDEX}, conda repodata, Hex registry records). Private
 * key material never leaves the platform: a format asks for signatures, never for the key.
 */
@Export
@Version("1.0.0")
package io.artifactkeeper.api.signing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
