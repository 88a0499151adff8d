/**
 * Conformance kit for {@link io.artifactkeeper.api.storage.BlobStore} backends: extend
 * {@link io.artifactkeeper.tck.storage.BlobStoreConformance} in the backend's tests.
 */
@Export
@Version("1.0.0")
package io.artifactkeeper.tck.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
