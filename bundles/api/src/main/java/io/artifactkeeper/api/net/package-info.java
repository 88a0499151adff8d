/**
 * Outbound network policy: which addresses the server may connect to when it fetches a URL on
 * someone's behalf (remote repositories, plugin installs).
 */
@Export
@Version("1.0.0")
package io.artifactkeeper.api.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
