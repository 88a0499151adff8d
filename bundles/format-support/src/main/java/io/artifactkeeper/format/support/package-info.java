/**
 * The format support layer: what every format needs beside the contract and must not write again.
 * {@link io.artifactkeeper.format.support.Members} resolves over a virtual repository's members with
 * one policy for failing members; {@link io.artifactkeeper.format.support.DocumentCache} keeps
 * generated indexes until their content stamp changes; {@link io.artifactkeeper.format.support.SafeArchive}
 * reads client archives within limits; {@link io.artifactkeeper.format.support.Json} is the one
 * configured Jackson; {@link io.artifactkeeper.format.support.SemVer} the one version order.
 */
@Export
@Version("1.0.0")
package io.artifactkeeper.format.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
