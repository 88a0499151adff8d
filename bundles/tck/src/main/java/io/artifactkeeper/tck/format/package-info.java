/**
 * In-process conformance kit for format bundles: in-memory repositories of every type that behave
 * as the core's ({@link io.artifactkeeper.tck.format.MemoryWorld}), a harness that dispatches
 * requests as the core does ({@link io.artifactkeeper.tck.format.FormatHarness}), scripted upstreams
 * that fail on demand ({@link io.artifactkeeper.tck.format.ScriptedUpstream}), and the suite every
 * format runs ({@link io.artifactkeeper.tck.format.FormatConformance}).
 */
@Export
@Version("1.1.0")
package io.artifactkeeper.tck.format;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
