/**
 * Blob storage: content-addressed (SHA-256) streaming storage that every backend implements.
 * Backends register a {@link io.artifactkeeper.api.storage.BlobStore} service with the
 * {@code storage.type} property.
 */
@Export
@Version("1.1.0")
package io.artifactkeeper.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
