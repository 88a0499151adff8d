/**
 * The format SPI. A format bundle registers one {@link io.artifactkeeper.api.format.FormatHandler}
 * DS component with the {@code format.key} property; the core routes
 * {@code /{mount}/{repo_key}/...} to it with a {@link io.artifactkeeper.api.format.RepositoryContext}
 * that hides whether the repository is local, remote or virtual.
 */
@Export
@Version("2.1.0")
package io.artifactkeeper.api.format;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
