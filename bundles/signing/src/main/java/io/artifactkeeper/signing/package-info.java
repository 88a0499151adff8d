/**
 * Signing key material with Bouncy Castle: {@link io.artifactkeeper.signing.SigningKeys} generates
 * and imports keys, {@link io.artifactkeeper.signing.KeyMaterial} is what the platform stores
 * (private part sealed by the core before it reaches the database), and
 * {@link io.artifactkeeper.signing.SigningKeys#signer} turns it into the
 * {@link io.artifactkeeper.api.signing.RepositorySigner} formats use.
 */
@Export
@Version("1.0.0")
package io.artifactkeeper.signing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
