/**
 * Extension points of the HTTP API: bundles contribute REST routes under {@code /api/v1/{prefix}}
 * with an {@link io.artifactkeeper.api.http.ApiExtension} service.
 */
@Export
@Version("1.0.0")
package io.artifactkeeper.api.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
